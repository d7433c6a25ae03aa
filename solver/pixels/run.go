package pixels

import (
	"context"
	"image"
	"math"
	"slices"
	"time"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver"
)

// ModelResult is one model of a Run: its training, its energy metric and
// its rollout along the first fresh trajectory.
type ModelResult struct {
	Trained
	Energy  Energy
	Rollout *Rollout
}

// Result is what Run computed: both models, the sizes of the data, the
// picture strip's true frames and the HNN's latent portrait, and the time
// of the whole run (data, both trainings side by side, evaluation).
type Result struct {
	HNN, Baseline ModelResult
	Train, Test   int // samples
	// StripSteps are the steps of the picture strip along the first fresh
	// trajectory and Truth its true frames there (the first frame of each
	// sample); the models' decoded frames are in their Rollout.Frames.
	StripSteps []int
	Truth      []*image.Gray
	// TrueLabels are the labels of the first fresh trajectory's samples and
	// TrueEnergy the energy compared at each.
	TrueLabels, TrueEnergy []float64
	Portrait               Portrait
	// Seconds is the wall-clock time of Run; CPUSeconds the processor
	// time of the process meanwhile, all cores (0 where not reported).
	Seconds, CPUSeconds float64
}

// Ratio is the baseline's energy MSE over the HNN's, on the mean over the
// fresh trajectories.
func (r *Result) Ratio() float64 { return r.Baseline.Energy.Mean / r.HNN.Energy.Mean }

// Portrait is the HNN's latent space (Greydanus et al. Fig. 5 and C.1): the
// latents of training samples, the learned Hamiltonian on a grid covering
// them, and, along the first fresh trajectory, the encoded true frame
// pairs and the HNN's integrated latents.
type Portrait struct {
	Points []float64 // n × 2 latents of training samples
	Xs, Ys []float64 // the grid's z_q and z_p
	H      []float64 // H_θ at (Xs[i], Ys[j]), index j·len(Xs) + i
	// Levels are level sets worth drawing: H_θ's 5, 20, 40, 60, 80 and 95 %
	// quantiles over Points.
	Levels []float64
	// Encoded are the latents of the first fresh trajectory's samples;
	// the HNN's prediction is Result.HNN.Rollout.Latent.
	Encoded []float64
}

// portraitPoints and portraitGrid size the portrait.
const (
	portraitPoints = 2000
	portraitGrid   = 64
)

// Run runs the task: Generate, Train, then each model's energy metric and
// rollout, and the HNN's latent portrait. mon may be nil (see Train). If
// ctx is cancelled it returns ctx's error.
func Run(ctx context.Context, h hamiltonians.Hamiltonian, s *Settings, mon solver.LearnMonitor) (*Result, error) {
	start, cpu := time.Now(), solver.ProcessSeconds()
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	data, fresh, err := Generate(ctx, h, &set)
	if err != nil {
		return nil, err
	}
	hnn, base, err := Train(ctx, data, &set, mon)
	if err != nil {
		return nil, err
	}
	res := &Result{Train: data.Len() - data.Test, Test: data.Test}
	for _, c := range []struct {
		dst *ModelResult
		t   *Trained
	}{{&res.HNN, hnn}, {&res.Baseline, base}} {
		c.dst.Trained = *c.t
		if c.dst.Energy, c.dst.Rollout, err = c.t.Model.energy(ctx, set, fresh); err != nil {
			return nil, err
		}
	}
	tr := fresh[0]
	res.StripSteps = stripSteps(tr.Frames)
	for _, s := range res.StripSteps {
		res.Truth = append(res.Truth, tr.Frame(s+1))
	}
	for k := 0; k < tr.Samples(); k++ {
		q, p := tr.Label(k)
		res.TrueLabels = append(res.TrueLabels, q, p)
		res.TrueEnergy = append(res.TrueEnergy, set.Energy.Energy.H([]float64{q, p}))
	}
	res.Portrait = portrait(hnn.Model, data, tr)
	res.Seconds, res.CPUSeconds = time.Since(start).Seconds(), solver.ProcessSeconds()-cpu
	return res, nil
}

// portrait computes the HNN's latent portrait.
func portrait(m *Model, d *Dataset, tr *Trajectory) Portrait {
	var p Portrait
	n := d.Len() - d.Test
	every := max(1, n/portraitPoints)
	in := d.In()
	x := make([]float64, 0, (n/every+1)*in)
	row := make([]float64, in)
	count := 0
	for s := d.Test; s < d.Len(); s += every {
		t, j := d.At(s)
		t.Sample(row, nil, j)
		x = append(x, row...)
		count++
	}
	p.Points = m.Encode(x, count)
	x = x[:0]
	for k := 0; k < tr.Samples(); k++ {
		tr.Sample(row, nil, k)
		x = append(x, row...)
	}
	p.Encoded = m.Encode(x, tr.Samples())
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, pts := range [][]float64{p.Points, p.Encoded} {
		for i := 0; i < len(pts); i += 2 {
			for k := 0; k < 2; k++ {
				lo[k], hi[k] = min(lo[k], pts[i+k]), max(hi[k], pts[i+k])
			}
		}
	}
	grid := func(k int) []float64 {
		pad := 0.1 * (hi[k] - lo[k])
		if pad == 0 {
			pad = 1
		}
		a, b := lo[k]-pad, hi[k]+pad
		g := make([]float64, portraitGrid)
		for i := range g {
			g[i] = a + (b-a)*float64(i)/float64(portraitGrid-1)
		}
		return g
	}
	p.Xs, p.Ys = grid(0), grid(1)
	h := m.Hamiltonian()
	for _, y := range p.Ys {
		for _, x := range p.Xs {
			p.H = append(p.H, h.H([]float64{x, y}))
		}
	}
	hs := make([]float64, 0, count)
	for i := 0; i < len(p.Points); i += 2 {
		hs = append(hs, h.H(p.Points[i:i+2]))
	}
	slices.Sort(hs)
	for _, f := range []float64{0.05, 0.2, 0.4, 0.6, 0.8, 0.95} {
		p.Levels = append(p.Levels, hs[int(f*float64(len(hs)-1))])
	}
	return p
}
