package problems

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/hnn-project/hnn/internal/nn"
	"github.com/hnn-project/hnn/solver"
)

// learnedFormat identifies a learned-Hamiltonian file (hnn.json).
const learnedFormat = "hnn-learned/1"

// learnedFile is the JSON layout of a learned Hamiltonian: the network and
// enough of a problem (names, an initial state, an interval) to integrate
// or solve it like any problem file.
type learnedFile struct {
	Format      string    `json:"format"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Coordinates []string  `json:"coordinates"`
	Momenta     []string  `json:"momenta"`
	Initial     []float64 `json:"initial"`
	End         float64   `json:"t_end"`
	Points      int       `json:"points"`
	Layers      []int     `json:"layers"`
	Activation  string    `json:"activation"`
	OutputBias  bool      `json:"output_bias"`
	Params      []float64 `json:"params"`
}

// SaveLearned writes a learned Hamiltonian as JSON, with the coordinate
// names of p and the given initial state and interval [0, end] sampled at
// points, so that the file can stand in for a problem file.
func SaveLearned(p *Problem, h *solver.Learned, initial []float64, end float64, points int) ([]byte, error) {
	net := h.Net()
	for _, v := range net.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("learned model has non-finite weights")
		}
	}
	f := learnedFile{
		Format: learnedFormat, Name: p.Name + "_hnn", Description: "Hamiltonian learned by hnn learn from " + p.Name,
		Coordinates: p.Coordinates, Momenta: p.Momenta, Initial: initial, End: end, Points: points,
		Layers: append(append([]int{net.Arch.In}, net.Arch.Hidden...), net.Arch.Out), Activation: net.Arch.Act.String(),
		OutputBias: net.Arch.OutputBias, Params: net.Params,
	}
	b, err := json.MarshalIndent(f, "", " ")
	return append(b, '\n'), err
}

// isLearned reports whether data looks like a learned-Hamiltonian file.
func isLearned(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] == '{' && bytes.Contains(t, []byte(learnedFormat))
}

// parseLearned reads a learned-Hamiltonian file as a problem.
func parseLearned(data []byte, source string) (*Problem, error) {
	var f learnedFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, &Error{File: source, Msg: "malformed learned model: " + err.Error()}
	}
	bad := func(msg string, args ...any) error { return &Error{File: source, Msg: fmt.Sprintf(msg, args...)} }
	if f.Format != learnedFormat {
		return nil, bad("not a learned model of this version: format %q, want %q", f.Format, learnedFormat)
	}
	if len(f.Layers) < 2 || len(f.Coordinates) == 0 || len(f.Momenta) != len(f.Coordinates) || f.Layers[0] != 2*len(f.Coordinates) || f.Layers[len(f.Layers)-1] != 1 {
		return nil, bad("inconsistent learned model: layers %v for coordinates %v and momenta %v", f.Layers, f.Coordinates, f.Momenta)
	}
	act, err := nn.ParseActivation(f.Activation)
	if err != nil {
		return nil, bad("%v", err)
	}
	net, err := nn.New(nn.Arch{In: f.Layers[0], Hidden: f.Layers[1 : len(f.Layers)-1], Out: 1, Act: act, OutputBias: f.OutputBias})
	if err != nil {
		return nil, bad("%v", err)
	}
	if len(f.Params) != len(net.Params) {
		return nil, bad("%d weights for a network that has %d", len(f.Params), len(net.Params))
	}
	copy(net.Params, f.Params)
	h, err := solver.NewLearned(net)
	if err != nil {
		return nil, bad("%v", err)
	}
	p := &Problem{Name: f.Name, Description: f.Description, Source: source, Coordinates: f.Coordinates, Momenta: f.Momenta,
		Formula: "(learned network)", Problem: solver.Problem{H: h, Z0: f.Initial, T: f.End, K: f.Points, Text: append([]byte(nil), data...)}}
	if len(p.Z0) != p.Dim() || !(p.T > 0) || p.K < 2 || p.K > MaxPoints {
		return nil, bad("learned model lacks a usable initial state, interval or number of points")
	}
	for _, v := range p.Z0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, bad("initial state is not finite")
		}
	}
	return p, nil
}
