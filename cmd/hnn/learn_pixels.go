package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/outdir"
	"image/color"
	"io"

	"gonum.org/v1/plot"

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
		latent, err := latentPlot(p.Name, r)
		if err != nil {
			return nil, err
		}
		for name, pl := range map[string]*plot.Plot{"frames": framesPlot(p.Name, r), "latent": latent} {
			b, err := chart.Render(pl, plots)
			if err != nil {
				return nil, fmt.Errorf("plot %s: %w", name, err)
			}
			out.Files[name+"."+plots] = b
		}
		if _, err := chart.Figures(plots, pixelCharts(p.Name, r), nil, out.Files); err != nil {
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

// framesPlot draws Greydanus et al. Fig. 4: the true frames of the first
// fresh trajectory at the strip's steps (top row) and the frames the
// baseline and the HNN decode from their integrated latents (below). The
// gray levels are stretched so that the true bar is white.
func framesPlot(name string, r *pixels.Result) *plot.Plot {
	f := chart.Frames{Title: name + ": decoded frames against the truth", XLabel: "frame", Peak: 2, Rows: []chart.FrameRow{
		{Label: "HNN", Images: r.HNN.Rollout.Frames}, {Label: "baseline", Images: r.Baseline.Rollout.Frames}, {Label: "ground truth", Images: r.Truth}}}
	for _, s := range r.StripSteps {
		f.Columns = append(f.Columns, fmt.Sprint(s))
	}
	return f.Plot()
}

// latentPlot draws Greydanus et al. Fig. 5 and C.1: the latents of
// training samples, level sets of the HNN's H_θ, and along the first fresh
// trajectory its frames encoded (the truth) and the HNN's integrated
// latent.
func latentPlot(name string, r *pixels.Result) (*plot.Plot, error) {
	pt := &r.Portrait
	pairs := func(label string, xy []float64, c color.Color, dashed bool) chart.Series {
		return chart.Series{Name: label, X: chart.Column(xy, 2, 0), Y: chart.Column(xy, 2, 1), Color: c, Dashed: dashed}
	}
	return chart.Contour{Title: name + ": the HNN's latent space", XLabel: "z_q", YLabel: "z_p",
		Xs: pt.Xs, Ys: pt.Ys, Z: pt.H, Levels: pt.Levels, Points: pt.Points, PointsName: "training samples, encoded",
		Lines: []chart.Series{
			pairs("a fresh trajectory, encoded", pt.Encoded, learnModels[0].color, true),
			pairs("the HNN's latent, integrated", r.HNN.Rollout.Latent, learnModels[2].color, false),
		}}.Plot()
}

// pixelCharts are the loss curves and the energy along the first fresh
// trajectory (the bottom of Greydanus et al. Fig. 4).
func pixelCharts(name string, r *pixels.Result) map[string]chart.Chart {
	frames := chart.Counting(len(r.TrueEnergy))
	for i := range frames {
		frames[i]-- // samples from 0
	}
	en := chart.Chart{Title: name + ": energy along a fresh trajectory", XLabel: "frame", YLabel: "energy of the labels (learn.energy)", LegendRoom: true}
	for _, m := range []struct {
		key string
		e   []float64
	}{{"true", r.TrueEnergy}, {"baseline", r.Baseline.Rollout.Energy}, {"HNN", r.HNN.Rollout.Energy}} {
		for _, lm := range learnModels {
			if lm.key == m.key && len(m.e) > 0 {
				en.Series = append(en.Series, chart.Series{Name: lm.label, X: frames[:len(m.e)], Y: m.e, Color: lm.color, Dashed: m.key == "true"})
			}
		}
	}
	return map[string]chart.Chart{
		"energy": en,
		"loss": {Title: name + ": training loss", XLabel: "step", YLabel: "ae + cc + w·dynamics", LogY: true, LegendRoom: true, Series: []chart.Series{
			{Name: learnModels[1].label, X: chart.Counting(len(r.Baseline.Curve)), Y: r.Baseline.Curve, Color: learnModels[1].color},
			{Name: learnModels[2].label, X: chart.Counting(len(r.HNN.Curve)), Y: r.HNN.Curve, Color: learnModels[2].color},
		}},
	}
}
