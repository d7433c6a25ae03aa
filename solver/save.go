package solver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/hnn-project/hnn/internal/nn"
)

// modelFormat identifies the JSON layout written by Save.
const modelFormat = "hnn-model/1"

// savedModel is the JSON layout of a saved solution.
type savedModel struct {
	Format   string    `json:"format"`
	Problem  string    `json:"problem"` // the problem file, as given in Problem.Source
	Z0       []float64 `json:"z0"`
	T        float64   `json:"t_end"`
	K        int       `json:"points"`
	Settings Settings  `json:"settings"`
	Training Training  `json:"training"`
	Layers   []int     `json:"layers"` // widths from input to output
	Params   []float64 `json:"params"`
}

// Save writes the solution as JSON: the problem's source text, the settings,
// the training record and the weights, so that Load can evaluate the model
// later without retraining. Numbers are written exactly (shortest round-trip
// form).
func (s *Solution) Save(w io.Writer) error {
	for _, v := range s.net.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("solver: save: the model has non-finite weights")
		}
	}
	m := savedModel{
		Format: modelFormat, Problem: string(s.Problem.Text), Z0: s.Problem.Z0, T: s.Problem.T, K: s.Problem.K,
		Settings: s.Settings,
		Training: s.Training,
		Layers:   s.net.Arch.Widths(),
		Params:   s.net.Params,
	}
	m.Training.BestLMax = finiteOr(m.Training.BestLMax)
	m.Training.FinalLoss = finiteOr(m.Training.FinalLoss)
	m.Training.BestLoss = finiteOr(m.Training.BestLoss)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	if b.Len() > MaxModelSize {
		return fmt.Errorf("solver: save: the model takes %d bytes, more than the %d a model file may have", b.Len(), MaxModelSize)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// MaxModelSize caps a model file (Save refuses to write a larger one, and
// readers read no more): MaxParameters weights at 27 bytes each, with room
// for the problem text and the settings.
const MaxModelSize = 128 << 20

// finiteOr maps non-finite values, which JSON cannot hold, to -1 ("unknown").
func finiteOr(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return -1
	}
	return x
}

// ProblemSource reads a saved model's problem text without loading it, so
// the caller can rebuild the Problem (with its Hamiltonian) for Load.
func ProblemSource(data []byte) (string, error) {
	var m struct {
		Format  string `json:"format"`
		Problem string `json:"problem"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("not a saved model: %w", err)
	}
	if m.Format != modelFormat {
		return "", fmt.Errorf("not a saved model of this version: format %q, want %q", m.Format, modelFormat)
	}
	return m.Problem, nil
}

// Load reads a model written by Save. p must be the problem it was trained
// on (rebuilt from ProblemSource); its initial state, interval and
// dimension are checked against the saved ones.
func Load(data []byte, p Problem) (*Solution, error) {
	var m savedModel
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("not a saved model: %w", err)
	}
	if m.Format != modelFormat {
		return nil, fmt.Errorf("not a saved model of this version: format %q, want %q", m.Format, modelFormat)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(m.Z0) != len(p.Z0) || m.T != p.T || m.K != p.K {
		return nil, fmt.Errorf("saved model does not match its problem: initial state, time interval or points differ")
	}
	for i := range m.Z0 {
		if m.Z0[i] != p.Z0[i] {
			return nil, fmt.Errorf("saved model does not match its problem: initial state differs in component %d", i)
		}
	}
	set := m.Settings
	set.NoJitter = set.Jitter == 0
	set, err := set.resolved(p)
	if err != nil {
		return nil, fmt.Errorf("saved model: %w", err)
	}
	act, err := nn.ParseActivation(string(set.Activation))
	if err != nil {
		return nil, fmt.Errorf("saved model: %w", err)
	}
	arch := nn.Arch{In: 1, Hidden: set.Hidden, Out: set.outputs(p.H.Dim()), Act: act, OutputBias: true}
	net, err := nn.New(arch)
	if err != nil {
		return nil, fmt.Errorf("saved model: %w", err)
	}
	if len(m.Params) != len(net.Params) {
		return nil, fmt.Errorf("saved model: %d weights for a network that has %d", len(m.Params), len(net.Params))
	}
	if !slices.Equal(m.Layers, arch.Widths()) {
		return nil, fmt.Errorf("saved model: layers %v do not match the network of its settings and problem, %v", m.Layers, arch.Widths())
	}
	copy(net.Params, m.Params)
	return newSolution(p, set, net, m.Training), nil
}
