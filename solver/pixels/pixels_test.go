package pixels

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

// gym is the pendulum of gym's Pendulum-v0, θ̈ = −(3g/2l)·sin θ with
// g = 10 and l = 1.
func gym(t testing.TB) hamiltonians.Hamiltonian {
	h, err := hamiltonians.Parse("p^2/2 + 15*(1 - cos(q))", []string{"q"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// tiny is a reduced configuration: 12 × 12 frames, 6 trials of 10
// frames, an autoencoder of width 8 and a dynamics network [6, 6].
func tiny() *Settings {
	return &Settings{
		Data:   DataSettings{Trials: 6, Frames: 10, Geometry: Geometry{Side: 12}},
		Model:  ModelSettings{Width: 8, Hidden: []int{6, 6}},
		Train:  TrainSettings{Steps: 30, Batch: 5},
		Energy: EnergySettings{Trajectories: 2, Frames: 24},
	}
}

// TestLossGradient checks the gradient of the whole loss — through the
// decoder, the canonical-coordinate term, the dynamics term (for the HNN
// through ∇H_θ) and the encoder — against central differences, for every
// parameter of a small model of each kind on real frames (whose zero
// background the encoder's first product skips). Step 1e-6: truncation
// ~1e-12 and rounding ~1e-10·|L|/1e-6 ≈ 1e-10 for L ~ 1e-2, so 1e-6
// relative to the gradient's largest entry holds with margin; a relu kink
// within 1e-6 of a pre-activation is improbable and would fail, not pass.
func TestLossGradient(t *testing.T) {
	set := tiny()
	d, _, err := Generate(context.Background(), gym(t), set)
	if err != nil {
		t.Fatal(err)
	}
	r, err := set.resolved()
	if err != nil {
		t.Fatal(err)
	}
	for _, dyn := range []Dynamics{DynamicsHNN, DynamicsBaseline} {
		m, err := newModel(dyn, d.In(), r, rand.New(rand.NewPCG(3, 1)))
		if err != nil {
			t.Fatal(err)
		}
		b := newBatch(m, 0.1, 4)
		b.fill(d, []int{7, 12, 30, 41})
		b.loss(true)
		for _, c := range []struct {
			name          string
			params, grads []float64
		}{
			{"encoder", m.Encoder.Params, b.gEnc},
			{"decoder", m.Decoder.Params, b.gDec},
			{"dynamics", m.Field.Params, b.gField},
		} {
			grads := append([]float64(nil), c.grads...)
			scale := 0.0
			for _, g := range grads {
				scale = math.Max(scale, math.Abs(g))
			}
			if scale == 0 {
				t.Fatalf("%s %s: zero gradient", dyn, c.name)
			}
			const h = 1e-6
			bad := 0
			for i := range c.params {
				v := c.params[i]
				c.params[i] = v + h
				lp := b.loss(false).Total
				c.params[i] = v - h
				lm := b.loss(false).Total
				c.params[i] = v
				fd := (lp - lm) / (2 * h)
				if math.Abs(fd-grads[i]) > 1e-6*scale {
					if bad++; bad <= 5 {
						t.Errorf("%s %s parameter %d: gradient %.10g, central difference %.10g", dyn, c.name, i, grads[i], fd)
					}
				}
			}
		}
	}
}

// TestRerunSameBits: two runs from the same settings give the same bits —
// parameters, loss curves, losses and energy metric — and so does a run
// on one processor (the two trainings then run one after the other).
func TestRerunSameBits(t *testing.T) {
	h := gym(t)
	runs := make([]*Result, 3)
	for i := range runs {
		if i == 2 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		}
		r, err := Run(context.Background(), h, tiny(), nil)
		if err != nil {
			t.Fatal(err)
		}
		runs[i] = r
	}
	fingerprint := func(r *Result) []float64 {
		var f []float64
		for _, m := range []ModelResult{r.HNN, r.Baseline} {
			for _, n := range []*nn.Net{m.Model.Encoder, m.Model.Decoder, m.Model.Field} {
				f = append(f, n.Params...)
			}
			f = append(f, m.Curve...)
			f = append(f, m.Train.Total, m.Test.Total, m.Energy.Mean, m.Energy.Stderr)
			f = append(f, m.Rollout.Labels...)
		}
		return append(f, r.Portrait.H...)
	}
	want := fingerprint(runs[0])
	for i, r := range runs[1:] {
		got := fingerprint(r)
		if len(got) != len(want) {
			t.Fatalf("run %d: %d values, want %d", i+2, len(got), len(want))
		}
		for k := range got {
			if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
				t.Fatalf("run %d differs from the first at value %d: %v, want %v", i+2, k, got[k], want[k])
			}
		}
	}
}

// TestRunTiny checks the shape of a run's results on the reduced
// configuration: finite losses that fell during training, one score per
// fresh trajectory, five strip frames per model, the portrait's grid.
func TestRunTiny(t *testing.T) {
	set := tiny()
	set.Train.Steps = 200
	r, err := Run(context.Background(), gym(t), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Train+r.Test != 6*7 || r.Test != 8 {
		t.Errorf("%d training and %d test samples, want 34 and 8 (6 trials of 7, the first fifth)", r.Train, r.Test)
	}
	for _, m := range []ModelResult{r.HNN, r.Baseline} {
		name := m.Model.Dynamics
		if !(m.Train.Total > 0) || math.IsInf(m.Test.Total, 0) {
			t.Errorf("%s: losses %v, %v", name, m.Train.Total, m.Test.Total)
		}
		if first, last := m.Curve[0], m.Curve[len(m.Curve)-1]; !(last < first) {
			t.Errorf("%s: the loss went from %v to %v in 200 steps", name, first, last)
		}
		if len(m.Energy.Scores) != 2 || m.Energy.Notebook != m.Energy.Scores[0] {
			t.Errorf("%s: energy scores %v, notebook %v", name, m.Energy.Scores, m.Energy.Notebook)
		}
		if !m.Rollout.Failed && len(m.Rollout.Frames) != 5 {
			t.Errorf("%s: %d strip frames, want 5", name, len(m.Rollout.Frames))
		}
	}
	if len(r.Truth) != 5 || r.StripSteps[4] != 21 {
		t.Errorf("strip steps %v with %d true frames, want 5 ending at 21", r.StripSteps, len(r.Truth))
	}
	if p := r.Portrait; len(p.H) != len(p.Xs)*len(p.Ys) || len(p.Encoded) != 2*21 {
		t.Errorf("portrait: %d values on a %d × %d grid, %d encoded values", len(p.H), len(p.Xs), len(p.Ys), len(p.Encoded))
	}
}
