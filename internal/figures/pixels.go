package figures

import (
	"fmt"
	"image/color"

	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/solver/pixels"
	"gonum.org/v1/plot"
)

// PixelFrames draws Greydanus et al. Fig. 4: the true frames of the first
// fresh trajectory at the strip's steps (top row) and the frames the
// baseline and the HNN decode from their integrated latents (below). The
// gray levels are stretched so that the true bar is white.
func PixelFrames(name string, r *pixels.Result) *plot.Plot {
	f := chart.Frames{Title: name + ": decoded frames against the truth", XLabel: "frame", Peak: 2, Rows: []chart.FrameRow{
		{Label: "HNN", Images: r.HNN.Rollout.Frames}, {Label: "baseline", Images: r.Baseline.Rollout.Frames}, {Label: "ground truth", Images: r.Truth}}}
	for _, s := range r.StripSteps {
		f.Columns = append(f.Columns, fmt.Sprint(s))
	}
	return f.Plot()
}

// PixelLatent draws Greydanus et al. Fig. 5 and C.1: the latents of
// training samples, level sets of the HNN's H_θ, and along the first fresh
// trajectory its frames encoded (the truth) and the HNN's integrated
// latent.
func PixelLatent(name string, r *pixels.Result) (*plot.Plot, error) {
	pt := &r.Portrait
	pairs := func(label string, xy []float64, c color.Color, dashed bool) chart.Series {
		return chart.Series{Name: label, X: chart.Column(xy, 2, 0), Y: chart.Column(xy, 2, 1), Color: c, Dashed: dashed}
	}
	return chart.Contour{Title: name + ": the HNN's latent space", XLabel: "z_q", YLabel: "z_p",
		Xs: pt.Xs, Ys: pt.Ys, Z: pt.H, Levels: pt.Levels, Points: pt.Points, PointsName: "training samples, encoded",
		Lines: []chart.Series{
			pairs("a fresh trajectory, encoded", pt.Encoded, models[0].color, true),
			pairs("the HNN's latent, integrated", r.HNN.Rollout.Latent, models[2].color, false),
		}}.Plot()
}

// Pixels are the loss curves and the energy along the first fresh
// trajectory (the bottom of Greydanus et al. Fig. 4).
func Pixels(name string, r *pixels.Result) map[string]chart.Chart {
	frames := chart.Counting(len(r.TrueEnergy))
	for i := range frames {
		frames[i]-- // samples from 0
	}
	en := chart.Chart{Title: name + ": energy along a fresh trajectory", XLabel: "frame", YLabel: "energy of the labels (learn.energy)", LegendRoom: true}
	for _, m := range []struct {
		key string
		e   []float64
	}{{"true", r.TrueEnergy}, {"baseline", r.Baseline.Rollout.Energy}, {"HNN", r.HNN.Rollout.Energy}} {
		for _, lm := range models {
			if lm.key == m.key && len(m.e) > 0 {
				en.Series = append(en.Series, chart.Series{Name: lm.label, X: frames[:len(m.e)], Y: m.e, Color: lm.color, Dashed: m.key == "true"})
			}
		}
	}
	return map[string]chart.Chart{
		"energy": en,
		"loss": {Title: name + ": training loss", XLabel: "step", YLabel: "ae + cc + w·dynamics", LogY: true, LegendRoom: true, Series: []chart.Series{
			{Name: models[1].label, X: chart.Counting(len(r.Baseline.Curve)), Y: r.Baseline.Curve, Color: models[1].color},
			{Name: models[2].label, X: chart.Counting(len(r.HNN.Curve)), Y: r.HNN.Curve, Color: models[2].color},
		}},
	}
}

// PixelFiles draws a pixels task's figures in format into files:
// frames (PixelFrames), latent (PixelLatent), energy and loss (Pixels).
func PixelFiles(format, name string, r *pixels.Result, files map[string][]byte) error {
	latent, err := PixelLatent(name, r)
	if err != nil {
		return err
	}
	for fig, pl := range map[string]*plot.Plot{"frames": PixelFrames(name, r), "latent": latent} {
		b, err := chart.Render(pl, format)
		if err != nil {
			return fmt.Errorf("plot %s: %w", fig, err)
		}
		files[fig+"."+format] = b
	}
	_, err = chart.Figures(format, Pixels(name, r), nil, files)
	return err
}
