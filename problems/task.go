package problems

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/stats"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

// ErrNoLearn is returned by RunLearn for a problem without a learn section.
var ErrNoLearn = errors.New("no learn section")

// Energy is an energy metric: the mean over its initial states and the
// standard error of that mean.
type Energy struct{ Mean, Stderr float64 }

// LearnRun is one run of a learn task: its seeds, the trained models with
// their losses, the energy metric of each, the data's sizes and the energy
// metric's cases.
type LearnRun struct {
	DataSeed, Seed uint64
	Result         *solver.LearnResult
	HNN, Baseline  Energy
	Train, Test    int // states in the training and the test set
	Cases          []EnergyCase
}

// Ratio is the baseline's energy MSE over the HNN's.
func (r *LearnRun) Ratio() float64 { return r.Baseline.Mean / r.HNN.Mean }

// SeedSummary summarises the runs of a learn task repeated with
// learn.seeds: the medians of both energy MSEs and of their ratio, and the
// ratio's range.
type SeedSummary struct {
	Runs                      int
	HNNMedian, BaselineMedian float64
	RatioMedian               float64
	RatioMin, RatioMax        float64
}

// LearnOutcome is what RunLearn produced.
type LearnOutcome struct {
	// Runs holds every run; the first is the task's own (its seeds as
	// written), the one whose model and pictures a report shows.
	Runs []LearnRun
	// Summary is set when the task ran more than once.
	Summary *SeedSummary
	// Interrupted: the context was cancelled during the repeated runs;
	// Runs holds those finished before.
	Interrupted bool
}

// RunLearn runs the problem's learn task as 'hnn learn' does: its data,
// the training of the HNN and of the baseline, and the energy metric,
// Learn.Seeds times (run i with DataSeed+i and Settings.Seed+i), with the
// medians of the runs. mon may be nil; with several runs its model names
// say which run. If ctx is cancelled during the first run it returns ctx's
// error; during a later one, the runs finished with Interrupted set.
func (p *Problem) RunLearn(ctx context.Context, mon solver.LearnMonitor) (*LearnOutcome, error) {
	if p.Learn == nil {
		return nil, fmt.Errorf("%s: %w: hnn learn needs one (see hnn problems show learn_mass_spring)", p.Source, ErrNoLearn)
	}
	first, err := p.learnRun(ctx, mon)
	if err != nil {
		return nil, err
	}
	out := &LearnOutcome{Runs: []LearnRun{*first}}
	n := p.Learn.Seeds
	for i := 1; i < n; i++ {
		q := *p
		l := *p.Learn
		l.DataSeed += uint64(i)
		l.Settings.Seed += uint64(i)
		q.Learn = &l
		var runMon solver.LearnMonitor
		if mon != nil {
			runMon = func(model string, step, steps int, loss float64) {
				mon(fmt.Sprintf("run %d/%d %s", i+1, n, model), step, steps, loss)
			}
		}
		r, err := q.learnRun(ctx, runMon)
		if err != nil {
			if ctx.Err() != nil {
				out.Interrupted = true // keep the runs finished so far
				break
			}
			return nil, err
		}
		out.Runs = append(out.Runs, *r)
	}
	if n > 1 {
		out.Summary = summarise(out.Runs)
	}
	return out, nil
}

// learnRun is one run of the learn task with its seeds as they are.
func (p *Problem) learnRun(ctx context.Context, mon solver.LearnMonitor) (*LearnRun, error) {
	train, test, cases, err := p.LearnData(ctx)
	if err != nil {
		return nil, err
	}
	res, err := solver.Learn(ctx, train, test, &p.Learn.Settings, mon)
	if err != nil {
		return nil, &Error{File: p.Source, Key: "learn", Msg: err.Error(), Err: err}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	r := &LearnRun{DataSeed: p.Learn.DataSeed, Seed: p.Learn.Settings.Seed, Result: res, Train: train.N, Test: test.N, Cases: cases}
	if r.HNN, err = p.EnergyMetric(ctx, symplectic.HamiltonianSystem(res.HNN), cases); err != nil {
		return nil, err
	}
	if r.Baseline, err = p.EnergyMetric(ctx, res.Baseline.System(), cases); err != nil {
		return nil, err
	}
	return r, nil
}

// summarise takes the medians of the runs.
func summarise(runs []LearnRun) *SeedSummary {
	pick := func(f func(*LearnRun) float64) []float64 {
		xs := make([]float64, len(runs))
		for i := range runs {
			xs[i] = f(&runs[i])
		}
		return xs
	}
	ratios := pick((*LearnRun).Ratio)
	s := &SeedSummary{
		Runs:           len(runs),
		HNNMedian:      stats.Median(pick(func(r *LearnRun) float64 { return r.HNN.Mean })),
		BaselineMedian: stats.Median(pick(func(r *LearnRun) float64 { return r.Baseline.Mean })),
		RatioMedian:    stats.Median(ratios),
		RatioMin:       ratios[0],
		RatioMax:       ratios[0],
	}
	for _, x := range ratios {
		s.RatioMin, s.RatioMax = min(s.RatioMin, x), max(s.RatioMax, x)
	}
	return s
}

// EnergyMetric is the paper's energy metric of a model over the learn
// task's cases: against trajectories of the true H, or against measured
// ones.
func (p *Problem) EnergyMetric(ctx context.Context, model symplectic.System, cases []EnergyCase) (Energy, error) {
	var e Energy
	var err error
	if cases[0].Observed != nil {
		obs := make([]errorbound.Observed, len(cases))
		for i, c := range cases {
			obs[i] = *c.Observed
		}
		e.Mean, e.Stderr, err = errorbound.EnergyMSEObserved(ctx, p.LearnEnergy(), model, obs)
		return e, err
	}
	starts := make([]errorbound.EnergyStart, len(cases))
	for i, c := range cases {
		starts[i] = errorbound.EnergyStart{X0: c.X0, T: c.T}
	}
	// energy_points counts the comparison times, the ends included, as the
	// notebooks' np.linspace(0, T, 100): energy_points − 1 intervals.
	e.Mean, e.Stderr, err = errorbound.EnergyMSEOf(ctx, p.H, p.LearnEnergy(), model, starts, p.Learn.EnergyPoints-1)
	return e, err
}

// LearnEnergy is the quantity the learn task's energy metric compares: its
// learn.energy, or its Hamiltonian.
func (p *Problem) LearnEnergy() hamiltonians.Hamiltonian {
	if p.Learn.Energy != nil {
		return p.Learn.Energy
	}
	return p.H
}

// LearnPaths are the trajectories of one energy-metric case, sampled at
// Times: the truth (the observations, or the file's H integrated) and the
// HNN's and the baseline's flows from the same initial state, row-major
// with Dim() values per time. A model whose integration failed has NaN
// from the failure on.
type LearnPaths struct {
	Times               []float64
	True, HNN, Baseline []float64
}

// LearnPaths integrates the truth and both models of res from case c, at
// no fewer than points times (a generated case; an observed one keeps its
// own times). DOP853 at 1e-9.
func (p *Problem) LearnPaths(ctx context.Context, res *solver.LearnResult, c EnergyCase, points int) (*LearnPaths, error) {
	dop := &symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}
	out := &LearnPaths{}
	if c.Observed != nil {
		out.Times, out.True = c.Observed.T, c.Observed.X
	} else {
		out.Times = errorbound.Grid(0, c.T, max(p.Learn.EnergyPoints, points))
		sol, err := dop.Solve(ctx, symplectic.HamiltonianSystem(p.H), c.X0, 0, c.T)
		if err != nil {
			return nil, err
		}
		for _, t := range out.Times {
			out.True = append(out.True, sol.At(nil, t)...)
		}
	}
	end := out.Times[len(out.Times)-1]
	for _, m := range []struct {
		f   symplectic.System
		dst *[]float64
	}{{symplectic.HamiltonianSystem(res.HNN), &out.HNN}, {res.Baseline.System(), &out.Baseline}} {
		sol, err := dop.Solve(ctx, m.f, c.X0, 0, end)
		for _, t := range out.Times {
			if err != nil { // a model that blows up: nothing past the failure
				for range p.Dim() {
					*m.dst = append(*m.dst, math.NaN())
				}
				continue
			}
			*m.dst = append(*m.dst, sol.At(nil, t)...)
		}
	}
	return out, nil
}
