package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/hnn-project/hnn/internal/figures"
	"github.com/hnn-project/hnn/internal/outdir"
	"io"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/solver/pixels"
)

// pixelOutcome is a pixels task's result, report and files.
type pixelOutcome struct {
	Result *pixels.Result
	Report *problems.PixelReport
	Files  map[string][]byte
}

// pixelTask runs p's pixels task (problems.RunPixels) and renders its
// report and, unless plots is "none", its pictures: frames.png (Greydanus
// et al. Fig. 4), latent.png (Fig. 5 and C.1), energy and loss.
func pixelTask(ctx context.Context, p *problems.Problem, plots string, command []string, mon solver.LearnMonitor) (*pixelOutcome, error) {
	r, err := p.RunPixels(ctx, mon)
	var pe *problems.Error
	if errors.As(err, &pe) {
		return nil, inputError(err)
	}
	if err != nil {
		return nil, err
	}
	out := &pixelOutcome{Result: r, Files: map[string][]byte{}, Report: p.PixelReport(r)}
	out.Report.Provenance.Command = command
	if plots != "none" {
		if err := figures.PixelFiles(plots, p.Name, r, out.Files); err != nil {
			return nil, err
		}
	}
	if out.Files["report.json"], err = problems.MarshalReport(out.Report); err != nil {
		return nil, err
	}
	return out, nil
}

// runPixels is hnn learn on a pixels task.
func (o *learnOpts) runPixels(ctx context.Context, e *env, p *problems.Problem, dir string, folder *outdir.Folder) error {
	prog := o.progress(e)
	out, err := pixelTask(ctx, p, o.plots, commandLine(e), func(model string, step, steps int, loss float64) {
		prog.show(step, steps, 0, fmt.Sprintf("%s step %d/%d  loss %.3g", model, step, steps, loss))
	})
	prog.done()
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: errors.New("interrupted: nothing written")}
	}
	if err != nil {
		return err
	}
	if err := folder.Write(out.Files); err != nil {
		return err
	}
	return o.print(e, out.Files["report.json"], func(w io.Writer) {
		printPixelReport(w, p.Name, out.Report)
		fmt.Fprintf(w, "wrote %s\n", listFiles(dir, out.Files))
	})
}

// printPixelReport prints the table of a pixels task: the losses ×1e5 (as
// the reference code's README gives them) and the energy metric ×1e3 (as
// the paper's Table 1).
func printPixelReport(w io.Writer, name string, rep *problems.PixelReport) {
	fmt.Fprintf(w, "%s: %d training and %d test frame pairs\n", name, rep.Train, rep.Test)
	fmt.Fprintf(w, "  %-10s %12s %12s %24s %12s %9s\n", "model", "train loss", "test loss", "energy MSE", "notebook's", "seconds")
	fmt.Fprintf(w, "  %-10s %12s %12s %24s %12s\n", "", "(×1e5)", "(×1e5)", "(×1e3, mean ± s.e.)", "(×1e3)")
	for _, r := range rep.Models() {
		fmt.Fprintf(w, "  %-10s %12.4g %12.4g %14.4g ± %-7.2g %12.4g %9.0f\n", r.Name, 1e5*float64(r.Report.TrainLoss), 1e5*float64(r.Report.TestLoss),
			1e3*float64(r.Report.EnergyMSE), 1e3*float64(r.Report.EnergyMSEStd), 1e3*float64(r.Report.EnergyMSENotebook), float64(r.Report.Seconds))
	}
	fmt.Fprintf(w, "  energy MSE, baseline/HNN: %.3g over %d fresh trajectories, %.3g on the notebook's\n",
		float64(rep.Ratio), len(rep.HNN.EnergyScores), float64(rep.Baseline.EnergyMSENotebook/rep.HNN.EnergyMSENotebook))
	for _, r := range rep.Models() {
		if r.Report.RolloutFailed {
			fmt.Fprintf(w, "  the %s's latent trajectory blew up on the first fresh trajectory\n", r.Name)
		}
	}
	fmt.Fprintf(w, "  run: %.0f s wall clock, %.0f s processor time (the two trainings side by side)\n", float64(rep.Seconds), float64(rep.CPUSeconds))
}
