package main

import (
	"fmt"
	"strings"

	"github.com/hnn-project/hnn/problems/paper"
)

// table1Pixels runs learn_pixel_pendulum as hnn learn does and writes
// Table 1's row 5 with the strip of frames (Fig. 4) and the latent
// portrait (Fig. 5).
func (r *reproducer) table1Pixels() error {
	p, out, err := runLearn(r, "learn_pixel_pendulum", pixelTask, func(o *pixelOutcome) map[string][]byte { return o.Files })
	if err != nil || p == nil {
		return err
	}
	rep, pp := out.Report, paper.Pixels
	var b strings.Builder
	b.WriteString("| model | train loss paper | ours | test loss paper | ours | energy MSE paper | ours | notebook's | seconds |\n|---|---|---|---|---|---|---|---|---|\n")
	var notes []string
	for i, m := range rep.Models() {
		ours := [3]float64{1e5 * float64(m.Report.TrainLoss), 1e5 * float64(m.Report.TestLoss), 1e3 * float64(m.Report.EnergyMSE)}
		fmt.Fprintf(&b, "| %s | %s | %.3g | %s | %.3g | %s | %.3g ± %.2g | %.3g | %.0f |\n", m.Name,
			pp.Texts[i], ours[0], pp.Texts[2+i], ours[1], pp.Texts[4+i], ours[2], 1e3*float64(m.Report.EnergyMSEStd), 1e3*float64(m.Report.EnergyMSENotebook), float64(m.Report.Seconds))
		for k, what := range paper.Measures {
			if s := paper.Differs(fmt.Sprintf("%s, %s, %s", pp.Task, m.Name, what), pp.Vals[2*k+i][0], ours[k], r.pixelsWhy(what)); s != "" {
				notes = append(notes, s)
			}
		}
	}
	l, d := p.Learn.Pixels, p.Learn.Pixels.Data
	settings := fmt.Sprintf("Settings (the catalogue problem's): `%s`: %d trials of %d frames of %d × %d pixels (%d training, %d test frame pairs), autoencoder width %d, dynamics network %v, %d Adam steps of batch %d, weight decay %g; %d fresh trajectories of %d frames for the energy metric. The run took %.0f s (%.0f s of processor time; the two trainings run side by side).\n\n",
		p.Name, d.Trials, d.Frames, d.Geometry.Side, d.Geometry.Side, rep.Train, rep.Test, l.Model.Width, l.Model.Hidden, l.Train.Steps, l.Train.Batch, l.Train.WeightDecay, l.Energy.Trajectories, l.Energy.Frames, float64(rep.Seconds), float64(rep.CPUSeconds))
	return r.section("pixels", section{Sub: p.Name, Table: b.String(), Text: settings, Notes: notes, Ratio: float64(rep.Ratio), PaperRatio: pp.Vals[4][0] / pp.Vals[5][0]})
}

func (r *reproducer) pixelsWhy(what string) string {
	var s string
	if r.scale.PixelSteps > 1 {
		s = fmt.Sprintf("This run trained with 1/%d of the steps on 1/%d of the trials (%s mode). ", r.scale.PixelSteps, r.scale.PixelTrials, r.scale.Name)
	}
	if what == "energy MSE" {
		return s + "The frames are drawn in Go from the pendulum's Hamiltonian, not rendered by gym, so the latent space and its scale differ from the paper's run."
	}
	return s + "The frames are drawn in Go (an anti-aliased bar), not rendered by gym and resized; the autoencoder's error depends on how they look."
}
