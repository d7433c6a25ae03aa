package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

func init() {
	register(&command{
		name:    "learn",
		summary: "learn an unknown Hamiltonian from trajectories (HNN against a baseline)",
		usage:   "learn FILE|NAME [-o DIR] [--plots png|svg|none]",
		help: `
Learns a Hamiltonian H_θ(q, p) from observed trajectories, as Greydanus et al.
("Hamiltonian Neural Networks"): a network with a scalar output whose
symplectic gradient J∇H_θ is fitted to the observed time derivatives, beside a
baseline network that predicts (q̇, ṗ) directly. The problem's learn section
says how to generate the data from its Hamiltonian (trajectories, points, time
span, radius of the initial states, noise, test split), the model and its
training. The report is a table like the paper's Table 1: train and test loss
(mean squared error of the time derivatives) and the energy metric (both
models integrated from fresh initial states; mean squared difference of the
true energy along their trajectory and along the true one; mean ± standard
error). It writes

  DIR/report.json  task, hnn and baseline: train_loss, test_loss, energy_mse,
                   energy_mse_std, seconds (wall clock), cpu_seconds
                   (processor time of the training, all cores)
  DIR/hnn.json     the learned Hamiltonian, usable wherever a problem file is:
                   hnn integrate DIR/hnn.json

With learn.seeds: N in the problem file the task runs N times, run i with
data_seed + i and seed + i; the table, model and plots are the first run's,
and a second table lists every run with the medians (report.json: seeds,
seed_summary). The catalogue's learn_mass_spring runs ten, because its
baseline's energy error changes by orders of magnitude with the seeds.

Examples:
  hnn learn learn_mass_spring
  hnn learn learn_pendulum -o out/pend
  hnn integrate out/learn_pendulum/hnn.json --method midpoint
`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			o := &learnOpts{}
			fs.StringVar(&o.dir, "o", "", "output directory (default out/<problem name>)")
			fs.StringVar(&o.plots, "plots", "png", "plot format: png, svg or none")
			return o.run
		},
	})
}

type learnOpts struct{ dir, plots string }

type modelReport struct {
	TrainLoss    number `json:"train_loss"`
	TestLoss     number `json:"test_loss"`
	EnergyMSE    number `json:"energy_mse"`
	EnergyMSEStd number `json:"energy_mse_std"`
	Seconds      number `json:"seconds"`
	CPUSeconds   number `json:"cpu_seconds"` // processor time, all cores; 0 where not reported
}

type learnReport struct {
	Task        string      `json:"task"`
	HNN         modelReport `json:"hnn"`
	Baseline    modelReport `json:"baseline"`
	Train       int         `json:"train_states"`
	Test        int         `json:"test_states"`
	PlotDropped int         `json:"plot_points_left_out,omitempty"`
	// With learn.seeds > 1: every run (the first is the one above) and
	// their medians.
	Seeds       []seedRun    `json:"seeds,omitempty"`
	SeedSummary *seedSummary `json:"seed_summary,omitempty"`
}

// seedRun is one run of a learn task repeated with learn.seeds.
type seedRun struct {
	DataSeed          uint64 `json:"data_seed"`
	Seed              uint64 `json:"seed"`
	HNNEnergyMSE      number `json:"hnn_energy_mse"`
	BaselineEnergyMSE number `json:"baseline_energy_mse"`
	Ratio             number `json:"ratio"` // baseline / HNN energy MSE
	HNNTestLoss       number `json:"hnn_test_loss"`
	BaselineTestLoss  number `json:"baseline_test_loss"`
	HNNSeconds        number `json:"hnn_seconds"`
}

// seedSummary is the medians of a learn task's runs, and the range of the
// baseline/HNN ratio.
type seedSummary struct {
	Runs                    int    `json:"runs"`
	HNNEnergyMSEMedian      number `json:"hnn_energy_mse_median"`
	BaselineEnergyMSEMedian number `json:"baseline_energy_mse_median"`
	RatioMedian             number `json:"ratio_median"`
	RatioMin                number `json:"ratio_min"`
	RatioMax                number `json:"ratio_max"`
}

// learnOutcome is what one learn task produced: its report, the trained
// models and the files to write (report.json, hnn.json, the plots).
type learnOutcome struct {
	Report learnReport
	Result *solver.LearnResult
	Files  map[string][]byte
	// Interrupted: the context was cancelled during the repeated runs of
	// learn.seeds; the report covers the runs finished before.
	Interrupted bool
}

// learnTask runs the learn task of p: its data, the training of the HNN
// and the baseline, the energy metric, the model file and, unless plots is
// "none", the charts in that format. mon may be nil. If ctx is cancelled
// it returns ctx's error.
func learnTask(ctx context.Context, p *problems.Problem, plots string, mon solver.LearnMonitor) (*learnOutcome, error) {
	if p.Learn == nil {
		return nil, inputError(fmt.Errorf("%s: no learn section: hnn learn needs one (see hnn problems show learn_mass_spring)", p.Source))
	}
	res, rep, cases, err := learnRun(ctx, p, mon)
	if err != nil {
		return nil, err
	}
	out := &learnOutcome{Result: res, Report: rep}
	model, err := problems.SaveLearned(p, res.HNN, cases[0].X0, cases[0].T, p.Learn.EnergyPoints)
	if err != nil {
		return nil, err
	}
	out.Files = map[string][]byte{"hnn.json": model}
	if plots != "none" {
		charts, err := learnCharts(ctx, p, res, cases[0])
		if err != nil {
			return nil, err
		}
		overview := []string{"trajectories", "coordinate_mse", "energy", "hnn_quantity"}
		if _, ok := charts["orbits"]; ok {
			overview[0] = "orbits"
		}
		if out.Report.PlotDropped, err = figures(plots, charts, overview, out.Files); err != nil {
			return nil, err
		}
	}
	if n := p.Learn.Seeds; n > 1 {
		runs := []seedRun{runOf(p.Learn, rep)}
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
			_, r, _, err := learnRun(ctx, &q, runMon)
			if err != nil {
				if ctx.Err() != nil {
					// Keep the runs finished so far.
					out.Interrupted = true
					break
				}
				return nil, err
			}
			runs = append(runs, runOf(&l, r))
		}
		out.Report.Seeds, out.Report.SeedSummary = runs, summarise(runs)
	}
	js, err := marshalJSON(out.Report)
	if err != nil {
		return nil, err
	}
	out.Files["report.json"] = js
	return out, nil
}

// learnRun is one run of p's learn task: its data, the training of the
// HNN and the baseline, and the energy metric. If ctx is cancelled it
// returns ctx's error.
func learnRun(ctx context.Context, p *problems.Problem, mon solver.LearnMonitor) (*solver.LearnResult, learnReport, []problems.EnergyCase, error) {
	var rep learnReport
	train, test, cases, err := p.LearnData(ctx)
	if err != nil {
		return nil, rep, nil, err
	}
	res, err := solver.Learn(ctx, train, test, &p.Learn.Settings, mon)
	if err != nil {
		return nil, rep, nil, inputError(fmt.Errorf("%s: %w", p.Source, err))
	}
	if ctx.Err() != nil {
		return nil, rep, nil, ctx.Err()
	}
	hm, hs, err := energyMetric(ctx, p, symplectic.HamiltonianSystem(res.HNN), cases)
	if err != nil {
		return nil, rep, nil, err
	}
	base := res.Baseline
	bm, bs, err := energyMetric(ctx, p, func(dst []float64, _ float64, y []float64) { base.VectorField(dst, y) }, cases)
	if err != nil {
		return nil, rep, nil, err
	}
	rep = learnReport{
		Task:     p.Name,
		HNN:      modelReport{number(res.HNNTrain), number(res.HNNTest), number(hm), number(hs), number(res.HNNSeconds), number(res.HNNCPUSeconds)},
		Baseline: modelReport{number(res.BaselineTrain), number(res.BaselineTest), number(bm), number(bs), number(res.BaselineSeconds), number(res.BaselineCPUSeconds)},
		Train:    train.N, Test: test.N,
	}
	return res, rep, cases, nil
}

// runOf is the line of a seed run's report.
func runOf(l *problems.Learn, r learnReport) seedRun {
	return seedRun{
		DataSeed: l.DataSeed, Seed: l.Settings.Seed,
		HNNEnergyMSE: r.HNN.EnergyMSE, BaselineEnergyMSE: r.Baseline.EnergyMSE,
		Ratio:       r.Baseline.EnergyMSE / r.HNN.EnergyMSE,
		HNNTestLoss: r.HNN.TestLoss, BaselineTestLoss: r.Baseline.TestLoss,
		HNNSeconds: r.HNN.Seconds,
	}
}

// summarise takes the medians of the runs.
func summarise(runs []seedRun) *seedSummary {
	pick := func(f func(seedRun) number) []float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = float64(f(r))
		}
		sort.Float64s(xs)
		return xs
	}
	ratios := pick(func(r seedRun) number { return r.Ratio })
	return &seedSummary{
		Runs:                    len(runs),
		HNNEnergyMSEMedian:      number(median(pick(func(r seedRun) number { return r.HNNEnergyMSE }))),
		BaselineEnergyMSEMedian: number(median(pick(func(r seedRun) number { return r.BaselineEnergyMSE }))),
		RatioMedian:             number(median(ratios)),
		RatioMin:                number(ratios[0]),
		RatioMax:                number(ratios[len(ratios)-1]),
	}
}

// median of sorted values: the middle one, or the mean of the middle two.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func (o *learnOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("learn", "learn FILE|NAME [-o DIR]", args, o.plots)
	if err != nil {
		return err
	}
	dir := outDir(o.dir, p.Name)
	prog := newProgress(e)
	out, err := learnTask(ctx, p, o.plots, func(model string, step, steps int, loss float64) {
		prog.show(step, steps, 0, fmt.Sprintf("%s step %d/%d  loss %.3g", model, step, steps, loss))
	})
	prog.done()
	if ctx.Err() != nil && (out == nil || !out.Interrupted) {
		return &exitError{code: exitInterrupted, err: errors.New("interrupted: nothing written")}
	}
	if err != nil {
		return err
	}
	if err := writeFiles(dir, out.Files); err != nil {
		return err
	}
	w := e.stdout
	rep := out.Report
	fmt.Fprintf(w, "%s: %d training and %d test states (values ×1e3)\n", p.Name, rep.Train, rep.Test)
	fmt.Fprintf(w, "  %-10s %12s %12s %22s %9s %9s\n", "model", "train loss", "test loss", "energy MSE", "seconds", "CPU s")
	for _, r := range []struct {
		name string
		m    modelReport
	}{{"baseline", rep.Baseline}, {"HNN", rep.HNN}} {
		fmt.Fprintf(w, "  %-10s %12.4g %12.4g %12.4g ± %-7.2g %9.3g %9.3g\n", r.name, 1e3*float64(r.m.TrainLoss), 1e3*float64(r.m.TestLoss), 1e3*float64(r.m.EnergyMSE), 1e3*float64(r.m.EnergyMSEStd), float64(r.m.Seconds), float64(r.m.CPUSeconds))
	}
	if sm := rep.SeedSummary; sm != nil {
		fmt.Fprintf(w, "%d runs (energy MSE ×1e3; ratio: baseline/HNN):\n", sm.Runs)
		fmt.Fprintf(w, "  %9s %6s %18s %14s %12s %9s\n", "data seed", "seed", "baseline energy", "HNN energy", "ratio", "HNN s")
		for _, r := range rep.Seeds {
			fmt.Fprintf(w, "  %9d %6d %18.4g %14.4g %12.4g %9.3g\n", r.DataSeed, r.Seed, 1e3*float64(r.BaselineEnergyMSE), 1e3*float64(r.HNNEnergyMSE), float64(r.Ratio), float64(r.HNNSeconds))
		}
		fmt.Fprintf(w, "  %16s %18.4g %14.4g %12.4g   (ratio %.3g to %.3g)\n", "median", 1e3*float64(sm.BaselineEnergyMSEMedian), 1e3*float64(sm.HNNEnergyMSEMedian), float64(sm.RatioMedian), float64(sm.RatioMin), float64(sm.RatioMax))
	}
	if rep.PlotDropped > 0 {
		fmt.Fprintf(w, "  plots: %d non-finite points left out\n", rep.PlotDropped)
	}
	fmt.Fprintf(w, "wrote %s\n", listFiles(dir, out.Files))
	if out.Interrupted {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("interrupted: the report covers the %d of %d runs finished", len(rep.Seeds), p.Learn.Seeds)}
	}
	return nil
}

// energyMetric is the paper's energy metric over the learn task's cases:
// against trajectories of the true H, or against measured ones.
func energyMetric(ctx context.Context, p *problems.Problem, model symplectic.System, cases []problems.EnergyCase) (mean, stderr float64, err error) {
	e := energyOf(p)
	if cases[0].Observed != nil {
		obs := make([]errorbound.Observed, len(cases))
		for i, c := range cases {
			obs[i] = *c.Observed
		}
		return errorbound.EnergyMSEObserved(ctx, e, model, obs)
	}
	starts := make([]errorbound.EnergyStart, len(cases))
	for i, c := range cases {
		starts[i] = errorbound.EnergyStart{X0: c.X0, T: c.T}
	}
	// energy_points counts the comparison times, the ends included, as the
	// notebooks' np.linspace(0, T, 100): energy_points − 1 intervals.
	return errorbound.EnergyMSEOf(ctx, p.H, e, model, starts, p.Learn.EnergyPoints-1)
}

// energyOf is the quantity the learn task's energy metric compares: its
// learn.energy, or its Hamiltonian.
func energyOf(p *problems.Problem) hamiltonians.Hamiltonian {
	if p.Learn.Energy != nil {
		return p.Learn.Energy
	}
	return p.H
}

// The learn charts' models, in drawing order, with the colours of
// Greydanus et al. Fig. 2: ground truth black (dashed), baseline red, HNN
// blue.
var learnModels = []struct {
	key, label string
	color      color.Color
}{
	{"true", "ground truth", color.Black},
	{"baseline", "baseline NN", color.RGBA{R: 220, G: 40, B: 40, A: 255}},
	{"HNN", "Hamiltonian NN", color.RGBA{R: 30, G: 90, B: 220, A: 255}},
}

// learnPlotPoints is the least number of times at which the charts sample
// a generated trajectory, so that orbits look smooth.
const learnPlotPoints = 1000

// learnCharts draws the training losses and, for the first held-out
// initial state, the pictures of Greydanus et al. Fig. 2 and 3: ground
// truth, HNN and baseline trajectories, their coordinate error, the true
// energy along each, the quantity the HNN conserves along each, and body
// orbits in the plane.
func learnCharts(ctx context.Context, p *problems.Problem, res *solver.LearnResult, c problems.EnergyCase) (map[string]chart, error) {
	steps := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(i + 1)
		}
		return x
	}
	title := func(s string) string { return p.Name + ": " + s }
	charts := map[string]chart{"loss": {title: title("training loss"), xlabel: "step", ylabel: "MSE of the time derivatives", logY: true, legendRoom: true, series: []series{
		{name: learnModels[1].label, x: steps(len(res.BaselineLoss)), y: res.BaselineLoss, color: learnModels[1].color},
		{name: learnModels[2].label, x: steps(len(res.HNNLoss)), y: res.HNNLoss, color: learnModels[2].color},
	}}}
	D := p.Dim()
	var times, truth []float64
	if c.Observed != nil {
		times, truth = c.Observed.T, c.Observed.X
	} else {
		times = errorbound.Grid(0, c.T, max(p.Learn.EnergyPoints, learnPlotPoints))
		sol, err := (&symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}).Solve(ctx, symplectic.HamiltonianSystem(p.H), c.X0, 0, c.T)
		if err != nil {
			return nil, err
		}
		for _, t := range times {
			truth = append(truth, sol.At(nil, t)...)
		}
	}
	base := res.Baseline
	fields := map[string]symplectic.System{
		"HNN":      symplectic.HamiltonianSystem(res.HNN),
		"baseline": func(dst []float64, _ float64, y []float64) { base.VectorField(dst, y) },
	}
	paths := map[string][]float64{"true": truth}
	for name, f := range fields {
		var xs []float64
		sol, err := (&symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}).Solve(ctx, f, c.X0, 0, times[len(times)-1])
		for _, t := range times {
			if err != nil { // a model that blows up: draw nothing past the failure
				xs = append(xs, nanState(D)...)
				continue
			}
			xs = append(xs, sol.At(nil, t)...)
		}
		paths[name] = xs
	}
	comp := func(xs []float64, j int) []float64 {
		out := make([]float64, len(times))
		for k := range times {
			out[k] = xs[k*D+j]
		}
		return out
	}
	along := func(h hamiltonians.Hamiltonian, xs []float64, minus float64) []float64 {
		out := make([]float64, len(times))
		for k := range times {
			out[k] = h.H(xs[k*D:(k+1)*D]) - minus
		}
		return out
	}
	names := p.Names()
	d := D / 2
	start := make([]string, D)
	for i, v := range c.X0 {
		start[i] = fmt.Sprintf("%s = %.3g", names[i], v)
	}
	from := " from " + strings.Join(start, ", ")
	if len(from) > 60 {
		from = ""
	}
	energyName := "H"
	if p.Learn.Energy != nil {
		energyName = "learn.energy"
	}
	traj := chart{title: title("trajectories" + from), xlabel: names[0], ylabel: names[d]}
	en := chart{title: title("true energy along each trajectory"), xlabel: "t", ylabel: energyName, legendRoom: true}
	mse := chart{title: title("coordinate MSE against the ground truth"), xlabel: "t", ylabel: "MSE of the state", logY: true, legendRoom: true}
	hq := chart{title: title("quantity conserved by the HNN, along each trajectory"), xlabel: "t", ylabel: "H_θ(x(t)) − H_θ(x(0))", legendRoom: true}
	h0 := res.HNN.H(c.X0)
	for _, m := range learnModels {
		xs := paths[m.key]
		s := series{name: m.label, color: m.color, dashed: m.key == "true"}
		add := func(ch *chart, x, y []float64) {
			s.x, s.y = x, y
			ch.series = append(ch.series, s)
		}
		add(&traj, comp(xs, 0), comp(xs, d))
		add(&en, times, along(energyOf(p), xs, 0))
		add(&hq, times, along(res.HNN, xs, h0))
		if m.key == "true" {
			continue
		}
		e := make([]float64, len(times))
		for k := range times {
			for j := 0; j < D; j++ {
				v := xs[k*D+j] - truth[k*D+j]
				e[k] += v * v / float64(D)
			}
		}
		add(&mse, times, e)
	}
	charts["trajectories"], charts["energy"], charts["coordinate_mse"], charts["hnn_quantity"] = traj, en, mse, hq
	if d >= 2 && d%2 == 0 { // bodies in the plane: orbits (Fig. 3)
		var reach float64 // the ground truth's farthest coordinate
		for b := 0; b < d; b++ {
			for _, v := range comp(truth, b) {
				reach = math.Max(reach, math.Abs(v))
			}
		}
		orb := chart{title: title("orbits of the bodies"), xlabel: "x", ylabel: "y", frame: 1.3 * reach}
		for _, m := range learnModels {
			xs := paths[m.key]
			for b := 0; b < d/2; b++ {
				name := ""
				if b == 0 {
					name = m.label
				}
				orb.series = append(orb.series, series{name: name, x: comp(xs, 2*b), y: comp(xs, 2*b+1), dashed: m.key == "true", color: m.color})
			}
		}
		charts["orbits"] = orb
	}
	return charts, nil
}

func nanState(D int) []float64 {
	x := make([]float64, D)
	for i := range x {
		x[i] = math.NaN()
	}
	return x
}
