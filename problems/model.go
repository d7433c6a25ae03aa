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
		Layers: net.Arch.Widths(), Activation: net.Arch.Act.String(),
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
	if msg := checkName(f.Name); msg != "" {
		return nil, &Error{File: source, Key: "name", Msg: msg}
	}
	if key, msg := checkVariables(&Problem{Coordinates: f.Coordinates, Momenta: f.Momenta}); msg != "" {
		return nil, &Error{File: source, Key: key, Msg: msg}
	}
	act, err := nn.ParseActivation(f.Activation)
	if err != nil {
		return nil, bad("%v", err)
	}
	arch := nn.Arch{In: f.Layers[0], Hidden: f.Layers[1 : len(f.Layers)-1], Out: 1, Act: act, OutputBias: f.OutputBias}
	if err := arch.Validate(); err != nil {
		return nil, bad("%v", err)
	}
	if n := arch.NumParams(); n > solver.MaxParameters {
		return nil, bad("layers %v: %d weights; the limit is %d", f.Layers, n, solver.MaxParameters)
	} else if n != len(f.Params) {
		return nil, bad("layers %v: %d weights for a network that has %d", f.Layers, len(f.Params), n)
	}
	net, err := nn.New(arch)
	if err != nil {
		return nil, bad("%v", err)
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
	if err := p.checkWork(0, 0, 0); err != nil {
		return nil, err
	}
	return p, nil
}

// LoadModel reads a model saved by solver.Solution.Save (model.json) with
// the problem it was trained on, which the file holds. The file is read
// through a bounded reader of solver.MaxModelSize bytes. Every error is an
// *Error naming the file: bad input.
func LoadModel(path string) (*Problem, *solver.Solution, error) {
	data, err := readFile(path, solver.MaxModelSize, "a saved model")
	if err != nil {
		return nil, nil, &Error{File: path, Msg: err.Error(), Err: err}
	}
	return parseModel(data, path)
}

// parseModel reads the contents of a model file named path.
func parseModel(data []byte, path string) (*Problem, *solver.Solution, error) {
	bad := func(err error) error { return &Error{File: path, Msg: err.Error(), Err: err} }
	src, err := solver.ProblemSource(data)
	if err != nil {
		return nil, nil, bad(err)
	}
	p, err := Parse([]byte(src), path+" (its problem)", "model")
	if err != nil {
		return nil, nil, err
	}
	if p.Z0 == nil {
		return nil, nil, &Error{File: path, Msg: "its problem has no initial state and time, so no model was trained on it"}
	}
	sol, err := solver.Load(data, p.Problem)
	if err != nil {
		return nil, nil, bad(err)
	}
	return p, sol, nil
}
