package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"
	"image/color"
	"io"
	"math"
	"strings"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

func init() {
	register(&command{
		name:    "learn",
		summary: "learn an unknown Hamiltonian from trajectories (HNN against a baseline)",
		args:    "FILE|NAME",
		shared:  withOut | withPlots | withQuiet | withSeed | withJSON,
		outDir:  "out/<problem name>",
		setup: func(_ *flag.FlagSet, sh *shared) func(context.Context, *env, []string) error {
			return (&learnOpts{sh}).run
		},
	})
}

type learnOpts struct{ *shared }

// learnOutcome is what one learn task produced: its report, the trained
// models and the files to write (report.json, hnn.json, the plots).
type learnOutcome struct {
	*problems.LearnOutcome
	Report *problems.LearnReport
	Result *solver.LearnResult // the first run's models
	Files  map[string][]byte
}

// learnTask runs the learn task of p (problems.RunLearn) and renders its
// report, model file and, unless plots is "none", the charts in that
// format. mon may be nil. If ctx is cancelled during the first run it
// returns ctx's error.
func learnTask(ctx context.Context, p *problems.Problem, plots string, command []string, mon solver.LearnMonitor) (*learnOutcome, error) {
	lo, err := p.RunLearn(ctx, mon)
	var pe *problems.Error
	if errors.Is(err, problems.ErrNoLearn) || errors.As(err, &pe) {
		return nil, inputError(err)
	}
	if err != nil {
		return nil, err
	}
	first := &lo.Runs[0]
	out := &learnOutcome{LearnOutcome: lo, Result: first.Result, Report: p.LearnReport(lo)}
	out.Report.Provenance.Command = command
	c := first.Cases[0]
	model, err := problems.SaveLearned(p, first.Result.HNN, c.X0, c.T, p.Learn.EnergyPoints)
	if err != nil {
		return nil, err
	}
	out.Files = map[string][]byte{"hnn.json": model}
	if plots != "none" {
		charts, err := learnCharts(ctx, p, first.Result, c)
		if err != nil {
			return nil, err
		}
		overview := []string{"trajectories", "coordinate_mse", "energy", "hnn_quantity"}
		if _, ok := charts["orbits"]; ok {
			overview[0] = "orbits"
		}
		if out.Report.PlotDropped, err = chart.Figures(plots, charts, overview, out.Files); err != nil {
			return nil, err
		}
	}
	if out.Files["report.json"], err = problems.MarshalReport(out.Report); err != nil {
		return nil, err
	}
	return out, nil
}

func (o *learnOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("learn", args, o.plots)
	if err != nil {
		return err
	}
	dir := outDir(o.dir, p.Name)
	if o.seed != nil && p.Learn != nil {
		p.Learn.Settings.Seed = *o.seed
	}
	if p.Learn == nil {
		return inputError(fmt.Errorf("%s: %w: hnn learn needs one (see hnn problems show learn_mass_spring)", p.Source, problems.ErrNoLearn))
	}
	folder, err := claimFor(e, p, dir)
	if err != nil {
		return err
	}
	defer folder.Release()
	if p.Learn.Pixels != nil {
		return o.runPixels(ctx, e, p, dir, folder)
	}
	prog := o.progress(e)
	out, err := learnTask(ctx, p, o.plots, commandLine(e), func(model string, step, steps int, loss float64) {
		prog.show(step, steps, 0, fmt.Sprintf("%s step %d/%d  loss %.3g", model, step, steps, loss))
	})
	prog.done()
	if ctx.Err() != nil && (out == nil || !out.Interrupted) {
		return &exitError{code: exitInterrupted, err: errors.New("interrupted: nothing written")}
	}
	if err != nil {
		return err
	}
	if err := folder.Write(out.Files); err != nil {
		return err
	}
	rep := out.Report
	err = o.print(e, out.Files["report.json"], func(w io.Writer) {
		fmt.Fprintf(w, "%s: %d training and %d test states (values ×1e3)\n", p.Name, rep.Train, rep.Test)
		fmt.Fprintf(w, "  %-10s %12s %12s %22s %9s %9s\n", "model", "train loss", "test loss", "energy MSE", "seconds", "CPU s")
		for _, r := range rep.Models() {
			fmt.Fprintf(w, "  %-10s %12.4g %12.4g %12.4g ± %-7.2g %9.3g %9.3g\n", r.Name, 1e3*float64(r.Report.TrainLoss), 1e3*float64(r.Report.TestLoss), 1e3*float64(r.Report.EnergyMSE), 1e3*float64(r.Report.EnergyMSEStd), float64(r.Report.Seconds), float64(r.Report.CPUSeconds))
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
	})
	if err != nil {
		return err
	}
	if out.Interrupted {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("interrupted: the report covers the %d of %d runs finished", len(rep.Seeds), p.Learn.Seeds)}
	}
	return nil
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
func learnCharts(ctx context.Context, p *problems.Problem, res *solver.LearnResult, c problems.EnergyCase) (map[string]chart.Chart, error) {
	title := func(s string) string { return p.Name + ": " + s }
	charts := map[string]chart.Chart{"loss": {Title: title("training loss"), XLabel: "step", YLabel: "MSE of the time derivatives", LogY: true, LegendRoom: true, Series: []chart.Series{
		{Name: learnModels[1].label, X: chart.Counting(len(res.BaselineLoss)), Y: res.BaselineLoss, Color: learnModels[1].color},
		{Name: learnModels[2].label, X: chart.Counting(len(res.HNNLoss)), Y: res.HNNLoss, Color: learnModels[2].color},
	}}}
	D := p.Dim()
	lp, err := p.LearnPaths(ctx, res, c, learnPlotPoints)
	if err != nil {
		return nil, err
	}
	times, truth := lp.Times, lp.True
	paths := map[string][]float64{"true": lp.True, "HNN": lp.HNN, "baseline": lp.Baseline}
	comp := func(xs []float64, j int) []float64 { return chart.Column(xs, D, j) }
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
	traj := chart.Chart{Title: title("trajectories" + from), XLabel: names[0], YLabel: names[d]}
	en := chart.Chart{Title: title("true energy along each trajectory"), XLabel: "t", YLabel: energyName, LegendRoom: true}
	mse := chart.Chart{Title: title("coordinate MSE against the ground truth"), XLabel: "t", YLabel: "MSE of the state", LogY: true, LegendRoom: true}
	hq := chart.Chart{Title: title("quantity conserved by the HNN, along each trajectory"), XLabel: "t", YLabel: "H_θ(x(t)) − H_θ(x(0))", LegendRoom: true}
	h0 := res.HNN.H(c.X0)
	for _, m := range learnModels {
		xs := paths[m.key]
		s := chart.Series{Name: m.label, Color: m.color, Dashed: m.key == "true"}
		add := func(ch *chart.Chart, x, y []float64) {
			s.X, s.Y = x, y
			ch.Series = append(ch.Series, s)
		}
		add(&traj, comp(xs, 0), comp(xs, d))
		add(&en, times, along(p.LearnEnergy(), xs, 0))
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
		orb := chart.Chart{Title: title("orbits of the bodies"), XLabel: "x", YLabel: "y", Frame: 1.3 * reach}
		for _, m := range learnModels {
			xs := paths[m.key]
			for b := 0; b < d/2; b++ {
				name := ""
				if b == 0 {
					name = m.label
				}
				orb.Series = append(orb.Series, chart.Series{Name: name, X: comp(xs, 2*b), Y: comp(xs, 2*b+1), Dashed: m.key == "true", Color: m.color})
			}
		}
		charts["orbits"] = orb
	}
	return charts, nil
}
