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

// The JSON layouts written by Save: modelFormat for a single network (as
// every earlier version wrote it), chainFormat for a chain of windows.
// Load reads both.
const (
	modelFormat = "hnn-model/1"
	chainFormat = "hnn-model/2"
)

// savedWindow is one window of a saved chain: its network as a
// savedModel of the window's own problem (Z0 the state at Start, T its
// length), and its span.
type savedWindow struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	savedModel
}

// savedModel is the JSON layout of a saved solution.
type savedModel struct {
	Format   string    `json:"format"`
	Problem  string    `json:"problem"` // the problem file, as given in Problem.Source
	Z0       []float64 `json:"z0"`
	T        float64   `json:"t_end"`
	K        int       `json:"points"`
	Settings Settings  `json:"settings"`
	Training Training  `json:"training"`
	Layers   []int     `json:"layers,omitempty"` // widths from input to output
	Params   []float64 `json:"params,omitempty"`
	// Windows holds the windows of a chain (chainFormat); the fields
	// above then describe the whole run and Layers, Params are empty.
	Windows []savedWindow `json:"windows,omitempty"`
}

// Save writes the solution as JSON: the problem's source text, the settings,
// the training record and the weights, so that Load can evaluate the model
// later without retraining. Numbers are written exactly (shortest round-trip
// form).
//
// A chain is saved as chainFormat: the whole problem, settings and
// training record, and every window as a model of its own.
func (s *Solution) Save(w io.Writer) error {
	for _, v := range s.Params() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("solver: save: the model has non-finite weights")
		}
	}
	m := savedModel{
		Format: modelFormat, Problem: string(s.Problem.Text), Z0: s.Problem.Z0, T: s.Problem.T, K: s.Problem.K,
		Settings: s.Settings,
		Training: s.Training,
	}
	if s.chain == nil {
		m.Layers, m.Params = s.net.Arch.Widths(), s.net.Params
	} else {
		m.Format = chainFormat
		for _, win := range s.chain {
			ws := win.sol
			sw := savedWindow{Start: win.start, End: win.end, savedModel: savedModel{
				Z0: ws.Problem.Z0, T: ws.Problem.T, K: ws.Problem.K, Settings: ws.Settings, Training: ws.Training,
				Layers: ws.net.Arch.Widths(), Params: ws.net.Params}}
			sw.Training.finite()
			m.Windows = append(m.Windows, sw)
		}
	}
	m.Training.finite()
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

// finite maps the record's non-finite values to -1 for JSON.
func (t *Training) finite() {
	t.BestLMax = finiteOr(t.BestLMax)
	t.FinalLoss = finiteOr(t.FinalLoss)
	t.BestLoss = finiteOr(t.BestLoss)
	if r := t.Tolerance; r != nil {
		c := *r
		c.Bound = finiteOr(c.Bound)
		t.Tolerance = &c
	}
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
	if m.Format != modelFormat && m.Format != chainFormat {
		return "", fmt.Errorf("not a saved model of this version: format %q, want %q or %q", m.Format, modelFormat, chainFormat)
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
	if m.Format != modelFormat && m.Format != chainFormat {
		return nil, fmt.Errorf("not a saved model of this version: format %q, want %q or %q", m.Format, modelFormat, chainFormat)
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
	if m.Format == chainFormat {
		return loadChain(m, p, set)
	}
	return loadNetwork(m, p, set)
}

// loadChain rebuilds a chain from its saved windows, each loaded as a
// network of its own problem.
func loadChain(m savedModel, p Problem, set Settings) (*Solution, error) {
	if len(m.Windows) == 0 {
		return nil, fmt.Errorf("saved model: a chain without windows")
	}
	starts := make([]float64, len(m.Windows))
	sols := make([]*Solution, len(m.Windows))
	for k, w := range m.Windows {
		wp := Problem{H: p.H, Z0: w.Z0, T: w.T, K: w.K}
		if err := wp.Validate(); err != nil {
			return nil, fmt.Errorf("saved model: window %d: %w", k+1, err)
		}
		ws := w.Settings
		ws.NoJitter = ws.Jitter == 0
		ws, err := ws.resolved(wp)
		if err != nil {
			return nil, fmt.Errorf("saved model: window %d: %w", k+1, err)
		}
		if sols[k], err = loadNetwork(w.savedModel, wp, ws); err != nil {
			return nil, fmt.Errorf("saved model: window %d: %w", k+1, err)
		}
		starts[k] = w.Start
		if k == 0 && w.Start != 0 || k > 0 && !(w.Start > starts[k-1]) {
			return nil, fmt.Errorf("saved model: window %d starts at %g", k+1, w.Start)
		}
	}
	for i := range m.Windows[0].Z0 {
		if m.Windows[0].Z0[i] != p.Z0[i] {
			return nil, fmt.Errorf("saved model: the first window does not start from the problem's initial state")
		}
	}
	s := newChain(p, set, m.Training, starts, sols)
	if r := s.Training.Tolerance; r != nil && r.Bound < 0 {
		r.Bound = math.Inf(1)
	}
	return s, nil
}

// loadNetwork rebuilds a single network from its saved weights.
func loadNetwork(m savedModel, p Problem, set Settings) (*Solution, error) {
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
