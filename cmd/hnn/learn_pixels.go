package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/outdir"
	"github.com/hnn-project/hnn/internal/stats"
	"image"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

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
func pixelTask(ctx context.Context, p *problems.Problem, plots string, prov problems.Provenance, mon solver.LearnMonitor) (*pixelOutcome, error) {
	r, err := p.RunPixels(ctx, mon)
	var pe *problems.Error
	if errors.As(err, &pe) {
		return nil, inputError(err)
	}
	if err != nil {
		return nil, err
	}
	out := &pixelOutcome{Result: r, Files: map[string][]byte{}, Report: p.PixelReport(r)}
	out.Report.Provenance.Version, out.Report.Provenance.Command = prov.Version, prov.Command
	if plots != "none" {
		for name, pl := range map[string]*plot.Plot{"frames": framesPlot(p.Name, r), "latent": latentPlot(p.Name, r)} {
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
	out, err := pixelTask(ctx, p, o.plots, provenance(e), func(model string, step, steps int, loss float64) {
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
	for _, r := range []struct {
		name string
		m    problems.PixelModelReport
	}{{"baseline", rep.Baseline}, {"HNN", rep.HNN}} {
		fmt.Fprintf(w, "  %-10s %12.4g %12.4g %14.4g ± %-7.2g %12.4g %9.0f\n", r.name, 1e5*float64(r.m.TrainLoss), 1e5*float64(r.m.TestLoss),
			1e3*float64(r.m.EnergyMSE), 1e3*float64(r.m.EnergyMSEStd), 1e3*float64(r.m.EnergyMSENotebook), float64(r.m.Seconds))
	}
	fmt.Fprintf(w, "  energy MSE, baseline/HNN: %.3g over %d fresh trajectories, %.3g on the notebook's\n",
		float64(rep.Ratio), len(rep.HNN.EnergyScores), float64(rep.Baseline.EnergyMSENotebook/rep.HNN.EnergyMSENotebook))
	for _, r := range []struct {
		name string
		m    problems.PixelModelReport
	}{{"baseline", rep.Baseline}, {"HNN", rep.HNN}} {
		if r.m.RolloutFailed {
			fmt.Fprintf(w, "  the %s's latent trajectory blew up on the first fresh trajectory\n", r.name)
		}
	}
	fmt.Fprintf(w, "  run: %.0f s wall clock, %.0f s processor time (the two trainings side by side)\n", float64(rep.Seconds), float64(rep.CPUSeconds))
}

// framesScale is the magnification of the frames in frames.png.
const framesScale = 6

// framesPlot draws Greydanus et al. Fig. 4: the true frames of the first
// fresh trajectory at the strip's steps (top row) and the frames the
// baseline and the HNN decode from their integrated latents (below). The
// gray levels are stretched so that the true bar is white.
func framesPlot(name string, r *pixels.Result) *plot.Plot {
	p := plot.New()
	p.Title.Text = name + ": decoded frames against the truth"
	p.X.Label.Text = "frame"
	rows := []struct {
		label  string
		frames []*image.Gray
	}{{"HNN", r.HNN.Rollout.Frames}, {"baseline", r.Baseline.Rollout.Frames}, {"ground truth", r.Truth}}
	peak := uint8(1)
	for _, f := range r.Truth {
		for _, v := range f.Pix {
			peak = max(peak, v)
		}
	}
	var yt, xt []plot.Tick
	for i, row := range rows {
		yt = append(yt, plot.Tick{Value: float64(i) + 0.5, Label: row.label})
		for j, f := range row.frames {
			p.Add(plotter.NewImage(magnified(f, peak), float64(j)+0.04, float64(i)+0.04, float64(j)+0.96, float64(i)+0.96))
		}
	}
	for j, s := range r.StripSteps {
		xt = append(xt, plot.Tick{Value: float64(j) + 0.5, Label: fmt.Sprint(s)})
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, float64(len(r.StripSteps)), 0, float64(len(rows))
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.BackgroundColor = color.Gray{Y: 235}
	return p
}

// magnified returns f enlarged framesScale times (nearest pixel), its gray
// levels stretched so that peak is white.
func magnified(f *image.Gray, peak uint8) image.Image {
	b := f.Bounds()
	img := image.NewGray(image.Rect(0, 0, b.Dx()*framesScale, b.Dy()*framesScale))
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			v := int(f.GrayAt(b.Min.X+x/framesScale, b.Min.Y+y/framesScale).Y) * 255 / int(peak)
			img.Pix[y*img.Stride+x] = uint8(min(v, 255))
		}
	}
	return img
}

// latentGrid is the portrait's H_θ as a plotter.GridXYZ.
type latentGrid struct{ p *pixels.Portrait }

func (g latentGrid) Dims() (c, r int)   { return len(g.p.Xs), len(g.p.Ys) }
func (g latentGrid) Z(c, r int) float64 { return g.p.H[r*len(g.p.Xs)+c] }
func (g latentGrid) X(c int) float64    { return g.p.Xs[c] }
func (g latentGrid) Y(r int) float64    { return g.p.Ys[r] }

// latentPlot draws Greydanus et al. Fig. 5 and C.1: the latents of
// training samples, level sets of the HNN's H_θ, and along the first fresh
// trajectory its frames encoded (the truth) and the HNN's integrated
// latent.
func latentPlot(name string, r *pixels.Result) *plot.Plot {
	pt := &r.Portrait
	p := plot.New()
	p.Title.Text = name + ": the HNN's latent space"
	p.X.Label.Text = "z_q"
	p.Y.Label.Text = "z_p"
	p.Legend.Top = true
	pts := make(plotter.XYs, len(pt.Points)/2)
	for i := range pts {
		pts[i] = plotter.XY{X: pt.Points[2*i], Y: pt.Points[2*i+1]}
	}
	if s, err := plotter.NewScatter(pts); err == nil {
		s.GlyphStyle.Color = color.Gray{Y: 170}
		s.GlyphStyle.Radius = vg.Points(1)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
		p.Legend.Add("training samples, encoded", s)
	}
	c := plotter.NewContour(latentGrid{pt}, pt.Levels, moreland.SmoothBlueRed().Palette(len(pt.Levels)))
	p.Add(c)
	line := func(xy []float64, label string, col color.Color, dashed bool) {
		xys := make(plotter.XYs, 0, len(xy)/2)
		for i := 0; i+1 < len(xy); i += 2 {
			if stats.Finite(xy[i]) && stats.Finite(xy[i+1]) {
				xys = append(xys, plotter.XY{X: xy[i], Y: xy[i+1]})
			}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return
		}
		l.Color, l.Width = col, vg.Points(1.2)
		if dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(label, l)
	}
	line(pt.Encoded, "a fresh trajectory, encoded", learnModels[0].color, true)
	line(r.HNN.Rollout.Latent, "the HNN's latent, integrated", learnModels[2].color, false)
	p.Add(plotter.NewGrid())
	// The grid's box, raised to keep the legend off the points.
	if n, m := len(pt.Xs), len(pt.Ys); n > 1 && m > 1 {
		lo, hi := pt.Ys[0], pt.Ys[m-1]
		p.X.Min, p.X.Max = pt.Xs[0], pt.Xs[n-1]
		p.Y.Min, p.Y.Max = lo, hi+chart.LegendRoomFraction(3)*(hi-lo)
	}
	return p
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
