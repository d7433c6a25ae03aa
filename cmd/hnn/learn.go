package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"

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
                   energy_mse_std, seconds
  DIR/hnn.json     the learned Hamiltonian, usable wherever a problem file is:
                   hnn integrate DIR/hnn.json

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
}

type learnReport struct {
	Task     string      `json:"task"`
	HNN      modelReport `json:"hnn"`
	Baseline modelReport `json:"baseline"`
	Train    int         `json:"train_states"`
	Test     int         `json:"test_states"`
}

func (o *learnOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("learn", "learn FILE|NAME [-o DIR]", args, o.plots)
	if err != nil {
		return err
	}
	if p.Learn == nil {
		return inputError(fmt.Errorf("%s: no learn section: hnn learn needs one (see hnn problems show learn_mass_spring)", p.Source))
	}
	dir := outDir(o.dir, p.Name)
	train, test, cases, err := p.LearnData(ctx)
	if err != nil {
		return err
	}
	prog := newProgress(e)
	res, err := solver.Learn(ctx, train, test, &p.Learn.Settings, func(model string, step, steps int, loss float64) {
		prog.show(step, steps, 0, fmt.Sprintf("%s step %d/%d  loss %.3g", model, step, steps, loss))
	})
	prog.done()
	if err != nil {
		return inputError(fmt.Errorf("%s: %w", p.Source, err))
	}
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: errors.New("interrupted: nothing written")}
	}
	l := p.Learn
	hm, hs, err := energyMetric(ctx, p, symplectic.HamiltonianSystem(res.HNN), cases)
	if err != nil {
		return err
	}
	base := res.Baseline
	bm, bs, err := energyMetric(ctx, p, func(dst []float64, _ float64, y []float64) { base.VectorField(dst, y) }, cases)
	if err != nil {
		return err
	}
	rep := learnReport{
		Task:     p.Name,
		HNN:      modelReport{number(res.HNNTrain), number(res.HNNTest), number(hm), number(hs), number(res.HNNSeconds)},
		Baseline: modelReport{number(res.BaselineTrain), number(res.BaselineTest), number(bm), number(bs), number(res.BaselineSeconds)},
		Train:    train.N, Test: test.N,
	}
	js, err := marshalJSON(rep)
	if err != nil {
		return err
	}
	model, err := problems.SaveLearned(p, res.HNN, cases[0].X0, cases[0].T, l.EnergyPoints)
	if err != nil {
		return err
	}
	files := map[string][]byte{"report.json": js, "hnn.json": model}
	if o.plots != "none" {
		charts, err := learnCharts(ctx, p, res, cases[0])
		if err != nil {
			return err
		}
		if _, err := figures(o.plots, charts, []string{"trajectories", "coordinate_mse", "energy", "hnn_quantity"}, files); err != nil {
			return err
		}
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "%s: %d training and %d test states (values ×1e3)\n", p.Name, train.N, test.N)
	fmt.Fprintf(w, "  %-10s %12s %12s %22s %9s\n", "model", "train loss", "test loss", "energy MSE", "seconds")
	for _, r := range []struct {
		name string
		m    modelReport
	}{{"baseline", rep.Baseline}, {"HNN", rep.HNN}} {
		fmt.Fprintf(w, "  %-10s %12.4g %12.4g %12.4g ± %-7.2g %9.3g\n", r.name, 1e3*float64(r.m.TrainLoss), 1e3*float64(r.m.TestLoss), 1e3*float64(r.m.EnergyMSE), 1e3*float64(r.m.EnergyMSEStd), float64(r.m.Seconds))
	}
	fmt.Fprintf(w, "wrote %s\n", listFiles(dir, files))
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
	x0s := make([][]float64, len(cases))
	for i, c := range cases {
		x0s[i] = c.X0
	}
	return errorbound.EnergyMSEOf(ctx, p.H, e, model, x0s, cases[0].T, p.Learn.EnergyPoints)
}

// energyOf is the quantity the learn task's energy metric compares: its
// learn.energy, or its Hamiltonian.
func energyOf(p *problems.Problem) hamiltonians.Hamiltonian {
	if p.Learn.Energy != nil {
		return p.Learn.Energy
	}
	return p.H
}

// learnCharts draws the training losses and, for the first held-out
// initial state, the pictures of Greydanus et al. Fig. 2 and 3: true, HNN
// and baseline trajectories, their coordinate error, the true energy along
// each, the quantity the HNN conserves, and body orbits in the plane.
func learnCharts(ctx context.Context, p *problems.Problem, res *solver.LearnResult, c problems.EnergyCase) (map[string]chart, error) {
	steps := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(i + 1)
		}
		return x
	}
	charts := map[string]chart{"loss": {title: p.Name + ": training loss", xlabel: "step", ylabel: "MSE of ẋ", logY: true, series: []series{
		{name: "HNN", x: steps(len(res.HNNLoss)), y: res.HNNLoss},
		{name: "baseline", x: steps(len(res.BaselineLoss)), y: res.BaselineLoss},
	}}}
	D := p.Dim()
	n := p.Learn.EnergyPoints
	var times, truth []float64
	if c.Observed != nil {
		times, truth = c.Observed.T, c.Observed.X
	} else {
		times = errorbound.Grid(0, c.T, n)
		sol, err := (&symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}).Solve(ctx, symplectic.HamiltonianSystem(p.H), c.X0, 0, c.T)
		if err != nil {
			return nil, err
		}
		for _, t := range times {
			truth = append(truth, sol.At(nil, t)...)
		}
	}
	base := res.Baseline
	models := []struct {
		name string
		f    symplectic.System
	}{
		{"HNN", symplectic.HamiltonianSystem(res.HNN)},
		{"baseline", func(dst []float64, _ float64, y []float64) { base.VectorField(dst, y) }},
	}
	paths := map[string][]float64{"true": truth}
	for _, m := range models {
		var xs []float64
		sol, err := (&symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}).Solve(ctx, m.f, c.X0, 0, times[len(times)-1])
		for _, t := range times {
			if err != nil { // a model that blows up: draw nothing past the failure
				xs = append(xs, nanState(D)...)
				continue
			}
			xs = append(xs, sol.At(nil, t)...)
		}
		paths[m.name] = xs
	}
	comp := func(xs []float64, j int) []float64 {
		out := make([]float64, len(times))
		for k := range times {
			out[k] = xs[k*D+j]
		}
		return out
	}
	energy := func(xs []float64) []float64 {
		out := make([]float64, len(times))
		for k := range times {
			out[k] = energyOf(p).H(xs[k*D : (k+1)*D])
		}
		return out
	}
	names := p.Names()
	d := D / 2
	title := func(s string) string { return p.Name + ": " + s }
	traj := chart{title: title("trajectories"), xlabel: names[0], ylabel: names[d]}
	en := chart{title: title("true energy along each trajectory"), xlabel: "t", ylabel: "H"}
	mse := chart{title: title("coordinate MSE against the truth"), xlabel: "t", ylabel: "MSE", logY: true}
	for _, name := range []string{"true", "HNN", "baseline"} {
		xs := paths[name]
		traj.series = append(traj.series, series{name: name, x: comp(xs, 0), y: comp(xs, d), dashed: name == "true"})
		en.series = append(en.series, series{name: name, x: times, y: energy(xs), dashed: name == "true"})
		if name == "true" {
			continue
		}
		e := make([]float64, len(times))
		for k := range times {
			for j := 0; j < D; j++ {
				v := xs[k*D+j] - truth[k*D+j]
				e[k] += v * v / float64(D)
			}
		}
		mse.series = append(mse.series, series{name: name, x: times, y: e})
	}
	hq := make([]float64, len(times))
	for k := range times {
		hq[k] = res.HNN.H(paths["HNN"][k*D : (k+1)*D])
	}
	charts["trajectories"], charts["energy"], charts["coordinate_mse"] = traj, en, mse
	charts["hnn_quantity"] = chart{title: title("quantity conserved by the HNN"), xlabel: "t", ylabel: "H_θ", series: []series{{name: "H_θ along the HNN trajectory", x: times, y: hq}}}
	if d >= 2 && d%2 == 0 { // bodies in the plane: orbits (Fig. 3)
		orb := chart{title: title("orbits"), xlabel: names[0], ylabel: names[1]}
		for b := 0; b < d/2; b++ {
			for _, name := range []string{"true", "HNN", "baseline"} {
				xs := paths[name]
				orb.series = append(orb.series, series{name: fmt.Sprintf("%s, body %d", name, b+1), x: comp(xs, 2*b), y: comp(xs, 2*b+1), dashed: name == "true"})
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
