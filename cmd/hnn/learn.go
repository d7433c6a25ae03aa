package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/hnn-project/hnn/internal/figures"
	"io"

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
		if out.Report.PlotDropped, err = figures.LearnFiles(ctx, plots, p, first.Result, c, out.Files); err != nil {
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
