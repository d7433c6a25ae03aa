package problems

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/solver/pixels"
)

// filePixels is learn.pixels: a pixel pendulum task (package
// solver/pixels) instead of one on observed states.
type filePixels struct {
	Trials         *expr   `yaml:"trials"`
	Frames         *expr   `yaml:"frames"`
	Dt             *expr   `yaml:"dt"`
	MaxAngle       *expr   `yaml:"max_angle"`
	MaxMomentum    *expr   `yaml:"max_momentum"`
	LabelScale     *expr   `yaml:"label_scale"`
	TestFraction   *expr   `yaml:"test_fraction"`
	Side           *expr   `yaml:"side"`
	Width          *expr   `yaml:"width"`
	DynamicsWeight *expr   `yaml:"dynamics_weight"`
	EnergyFrames   *expr   `yaml:"energy_frames"`
	EnergyAngle    []*expr `yaml:"energy_angle"`
	TimeScale      *expr   `yaml:"time_scale"`
}

// pixelLearnKeys are the keys of the learn section that a pixels task
// reads beside learn.pixels; the others describe data of states.
var pixelLearnKeys = map[string]bool{
	"pixels": true, "hidden": true, "steps": true, "learning_rate": true, "batch": true,
	"weight_decay": true, "seed": true, "data_seed": true, "energy_trajectories": true, "energy": true,
}

// pixels reads learn.pixels and the learn keys it shares with the other
// tasks into the library's settings; absent keys stay zero, the defaults
// of package pixels (the reference code's). The Hamiltonian must be of one
// angle and its momentum; learn.energy, a formula of the label (q, p), is
// set by the caller once parsed.
func (d *decoder) pixels(p *Problem, f *fileLearn, l *Learn, top *yaml.Node) (*pixels.Settings, error) {
	learn := valueNode(top, "learn")
	for i := 0; i+1 < len(learn.Content); i += 2 {
		if k := learn.Content[i]; !pixelLearnKeys[k.Value] {
			return nil, &Error{Key: "learn." + k.Value, Line: k.Line, Msg: fmt.Sprintf("does not apply to a pixels task, which reads learn.%s", strings.Join(slices.Sorted(maps.Keys(pixelLearnKeys)), ", learn."))}
		}
	}
	if p.Dim() != 2 {
		return nil, &Error{Key: "learn.pixels", Line: learn.Line, Msg: fmt.Sprintf("the pixel pendulum needs one coordinate (the angle) and its momentum, got %d coordinates", p.Dim()/2)}
	}
	fp := f.Pixels
	s := &pixels.Settings{}
	ds, ts := &s.Data, &s.Train
	if err := d.ints([]intKey{
		{fp.Trials, "learn.pixels.trials", &ds.Trials, 2, pixels.MaxTrials},
		{fp.Frames, "learn.pixels.frames", &ds.Frames, 4, pixels.MaxFrames},
		{fp.Side, "learn.pixels.side", &ds.Geometry.Side, 4, pixels.MaxSide},
		{fp.Width, "learn.pixels.width", &s.Model.Width, 1, MaxWidth},
		{fp.EnergyFrames, "learn.pixels.energy_frames", &s.Energy.Frames, 5, pixels.MaxFrames},
	}); err != nil {
		return nil, err
	}
	if err := d.reals([]realKey{
		{fp.Dt, "learn.pixels.dt", &ds.Dt, true},
		{fp.MaxAngle, "learn.pixels.max_angle", &ds.MaxAngle, true},
		{fp.MaxMomentum, "learn.pixels.max_momentum", &ds.MaxMomentum, true},
		{fp.LabelScale, "learn.pixels.label_scale", &ds.LabelScale, true},
		{fp.TestFraction, "learn.pixels.test_fraction", &ds.TestFraction, true},
		{fp.DynamicsWeight, "learn.pixels.dynamics_weight", &ts.DynamicsWeight, true},
		{fp.TimeScale, "learn.pixels.time_scale", &s.Energy.TimeScale, true},
	}); err != nil {
		return nil, err
	}
	if len(fp.EnergyAngle) > 0 {
		var err error
		if s.Energy.AngleLo, s.Energy.AngleHi, err = d.interval(fp.EnergyAngle, "learn.pixels.energy_angle"); err != nil {
			return nil, err
		}
	}
	// The keys shared with the other learn tasks, as decoded into l.
	s.Model.Hidden = l.Settings.Hidden
	ts.Steps, ts.Batch, ts.LearningRate, ts.Seed = l.Settings.Steps, l.Settings.Batch, l.Settings.LearningRate, l.Settings.Seed
	ts.WeightDecay = l.Settings.WeightDecay
	if f.WeightDecay != nil && ts.WeightDecay == 0 {
		ts.WeightDecay = -1 // weight_decay: 0 turns it off
	}
	ds.Seed = l.DataSeed
	if f.EnergyTrajectories != nil {
		s.Energy.Trajectories = l.EnergyTrajectories
	}
	if f.Batch != nil && ts.Batch == 0 {
		return nil, &Error{Key: "learn.batch", Line: f.Batch.Line, Msg: "a pixels task trains on batches: give a batch size ≥ 1"}
	}
	if err := s.Validate(); err != nil {
		return nil, &Error{Key: "learn.pixels", Line: learn.Line, Msg: err.Error(), Err: err}
	}
	return s, nil
}

// RunPixels runs the problem's pixels task (learn.pixels) as 'hnn learn'
// does: pixels.Run on the file's Hamiltonian with the section's settings.
// mon may be nil. If ctx is cancelled it returns ctx's error.
func (p *Problem) RunPixels(ctx context.Context, mon solver.LearnMonitor) (*pixels.Result, error) {
	if p.Learn == nil || p.Learn.Pixels == nil {
		return nil, fmt.Errorf("%s: %w: a pixels task needs learn.pixels (see hnn problems show learn_pixel_pendulum)", p.Source, ErrNoLearn)
	}
	r, err := pixels.Run(ctx, p.H, p.Learn.Pixels, mon)
	if err != nil && ctx.Err() == nil {
		return nil, &Error{File: p.Source, Key: "learn.pixels", Msg: err.Error(), Err: err}
	}
	return r, err
}

// valueNode returns the value of key in mapping n (an empty node when
// absent).
func valueNode(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	return &yaml.Node{Line: n.Line}
}
