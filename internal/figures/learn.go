package figures

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// The learn charts' models, in drawing order, with the colours of
// Greydanus et al. Fig. 2: ground truth black (dashed), baseline red, HNN
// blue.
var models = []struct {
	key, label string
	color      color.Color
}{
	{"true", "ground truth", color.Black},
	{"baseline", "baseline NN", color.RGBA{R: 220, G: 40, B: 40, A: 255}},
	{"HNN", "Hamiltonian NN", color.RGBA{R: 30, G: 90, B: 220, A: 255}},
}

// learnPoints is the least number of times at which the charts sample
// a generated trajectory, so that orbits look smooth.
const learnPoints = 1000

// Learn draws the training losses and, for the first held-out
// initial state, the pictures of Greydanus et al. Fig. 2 and 3: ground
// truth, HNN and baseline trajectories, their coordinate error, the true
// energy along each, the quantity the HNN conserves along each, and body
// orbits in the plane.
func Learn(ctx context.Context, p *problems.Problem, res *solver.LearnResult, c problems.EnergyCase) (map[string]chart.Chart, error) {
	title := func(s string) string { return p.Name + ": " + s }
	charts := map[string]chart.Chart{"loss": {Title: title("training loss"), XLabel: "step", YLabel: "MSE of the time derivatives", LogY: true, LegendRoom: true, Series: []chart.Series{
		{Name: models[1].label, X: chart.Counting(len(res.BaselineLoss)), Y: res.BaselineLoss, Color: models[1].color},
		{Name: models[2].label, X: chart.Counting(len(res.HNNLoss)), Y: res.HNNLoss, Color: models[2].color},
	}}}
	D := p.Dim()
	lp, err := p.LearnPaths(ctx, res, c, learnPoints)
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
	for _, m := range models {
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
		for _, m := range models {
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

// LearnFiles draws Learn's figures in format into files, with an overview
// of the trajectories (or the orbits), the error, the energy and the
// HNN's quantity, and returns the number of points they left out.
func LearnFiles(ctx context.Context, format string, p *problems.Problem, res *solver.LearnResult, c problems.EnergyCase, files map[string][]byte) (int, error) {
	charts, err := Learn(ctx, p, res, c)
	if err != nil {
		return 0, err
	}
	overview := []string{"trajectories", "coordinate_mse", "energy", "hnn_quantity"}
	if _, ok := charts["orbits"]; ok {
		overview[0] = "orbits"
	}
	return chart.Figures(format, charts, overview, files)
}
