package figures

import (
	"cmp"
	"fmt"
	"image/color"
	"math"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
	"gonum.org/v1/plot/plotutil"
)

// maxPanels caps the phase-space panels of a solve's figure.
const maxPanels = 8

// Solve builds the pictures of a solve: phase space, errors with the
// bound, energy, training loss and, in two or more dimensions, the orbit.
func Solve(p *problems.Problem, sol *solver.Solution, a *errorbound.Assessment, rep *problems.SolveReport, rows, refRows [][]float64) (map[string]chart.Chart, error) {
	d := len(p.Coordinates)
	names := p.Names()
	col := func(rs [][]float64, j int) []float64 {
		out := make([]float64, len(rs))
		for i, r := range rs {
			out[i] = r[j]
		}
		return out
	}
	// Symplectic Euler at K and at the largest factor, thinned.
	type run struct {
		name string
		rows [][]float64
	}
	var eulers []run
	for i, e := range a.Euler {
		if i != 0 && i != len(a.Euler)-1 || e.NonFinite > 0 {
			continue // the table has the figures of a run that blew up
		}
		rs := p.Table(e.Path.Times, e.Path.States)
		eulers = append(eulers, run{fmt.Sprintf("%s, %d steps", rep.EulerMethod, e.Steps), rs})
	}
	title := func(what string) string { return p.Name + ": " + what }
	charts := map[string]chart.Chart{}

	// Euler first, then the reference, then the network on top: the
	// network and the reference agree to the eye, so the one drawn last is
	// the one seen.
	// Phase space: one panel per degree of freedom, at most maxPanels.
	panels := min(d, maxPanels)
	phases := make([]chart.Chart, panels)
	for i := range phases {
		what := "phase space"
		if d > 1 {
			what = fmt.Sprintf("phase space of %s", names[i])
			if d > panels && i == 0 {
				what += fmt.Sprintf(" (the first %d of %d degrees of freedom)", panels, d)
			}
		}
		phases[i] = chart.Chart{Title: title(what), XLabel: names[i], YLabel: names[d+i]}
	}
	energy := chart.Chart{Title: title("energy"), XLabel: "t", YLabel: "H"}
	orbit := chart.Chart{Title: title("orbit"), XLabel: names[0], YLabel: names[min(1, len(names)-1)]}
	add := func(name string, rs [][]float64, dashed bool) {
		for i := range phases {
			phases[i].Series = append(phases[i].Series, chart.Series{Name: name, X: col(rs, 1+i), Y: col(rs, 1+d+i), Dashed: dashed})
		}
		energy.Series = append(energy.Series, chart.Series{Name: name, X: col(rs, 0), Y: col(rs, 1+2*d), Dashed: dashed})
		if d >= 2 {
			orbit.Series = append(orbit.Series, chart.Series{Name: name, X: col(rs, 1), Y: col(rs, 2), Dashed: dashed})
		}
	}
	for _, e := range eulers {
		add(e.name, e.rows, false)
	}
	add("reference", refRows, true)
	add("network", rows, false)
	phase := phases[0]
	phase.Panels = phases[1:]
	charts["phase"], charts["energy"] = phase, energy
	if d >= 2 {
		charts["orbit"] = orbit
	}

	errs := chart.Chart{Title: title("network error against the reference"), XLabel: "t", YLabel: "|δz_i|", LogY: true, LegendRoom: true}
	for j, n := range names {
		e := make([]float64, len(rows))
		for i := range rows {
			e[i] = math.Abs(rows[i][1+j] - refRows[i][1+j])
		}
		errs.Series = append(errs.Series, chart.Series{Name: "|δ" + n + "|", X: col(rows, 0), Y: e, Color: plotutil.Color(j)})
	}
	for j := range names {
		if a.Propagated == nil {
			break
		}
		D := len(names)
		e := make([]float64, len(a.Grid))
		for i := range a.Grid {
			e[i] = math.Abs(a.Propagated[i*D+j])
		}
		// Each estimate in its component's colour, one legend entry for all.
		name := ""
		if j == 0 {
			name = "estimate (Eq. 18), dashed"
		}
		errs.Series = append(errs.Series, chart.Series{Name: name, X: a.Grid, Y: e, Dashed: true, Color: plotutil.Color(j)})
	}
	if rep.Network.PaperBound != nil {
		errs.HLines = append(errs.HLines, chart.Level{Name: "paper's bound ℓmax/σmin", Value: float64(*rep.Network.PaperBound)})
	}
	if c := rep.Bounds.Certified; c.Value != nil {
		// A bound on ‖δz‖₂, so on every component.
		errs.HLines = append(errs.HLines, chart.Level{Name: "certified bound on ‖δz‖", Value: float64(*c.Value), Solid: true})
	} else {
		errs.Notes = append(errs.Notes, "certified bound: not certified")
	}
	if env := a.Certified.Envelope; len(env) > 0 {
		// β(t) block by block, a staircase (certified up to its end).
		var x, y []float64
		for _, e := range env {
			x, y = append(x, e.T0, e.T1), append(y, e.Bound, e.Bound)
		}
		errs.Series = append(errs.Series, chart.Series{Name: "certified β(t)", X: x, Y: y, Color: color.Black})
	}
	charts["errors"] = errs

	// Adam's epochs, then the polish's iterations (epochs Epochs+1, …), so
	// that the kept model's marker lies on the curve.
	loss := sol.Training.Loss
	if n := len(sol.Windows()); n > 1 { // a chain: Adam and the polish of each window in turn
		x, y := chart.Thin(loss, 5000)
		charts["loss"] = chart.Chart{Title: title(fmt.Sprintf("training loss of the %d windows, one after another", n)), XLabel: "iteration (Adam, then polish, window by window)", YLabel: "loss", LogY: true, Series: []chart.Series{{Name: "loss", X: x, Y: y}}}
		return charts, nil
	}
	adam := loss[:min(len(loss), sol.Training.Epochs)]
	ex, ey := chart.Thin(adam, 5000)
	lc := chart.Chart{Title: title("training loss"), XLabel: "epoch (then polish iteration)", YLabel: "loss", LogY: true, Series: []chart.Series{{Name: "Adam", X: ex, Y: ey}}}
	if pol := loss[len(adam):]; len(pol) > 0 {
		px, py := chart.Thin(pol, 5000)
		for i := range px {
			px[i] += float64(len(adam))
		}
		lc.Series = append(lc.Series, chart.Series{Name: cmp.Or(sol.Settings.PolishMethod, solver.PolishLBFGS).Name() + " polish (validation grid)", X: px, Y: py})
	}
	if be := sol.Training.BestEpoch; be > 0 {
		lc.VLine = &chart.Level{Name: fmt.Sprintf("kept model (epoch %d)", be), Value: float64(min(be, len(loss)))}
	}
	if len(ex) > 0 { // a reloaded model carries no loss history
		charts["loss"] = lc
	}
	return charts, nil
}

// SolveFiles draws a solve's figures (Solve, with the overview of phase
// space, errors, energy and loss) in format into files, and records in
// rep.PlotDropped the points they left out.
func SolveFiles(format string, p *problems.Problem, sol *solver.Solution, a *errorbound.Assessment, rep *problems.SolveReport, files map[string][]byte) error {
	charts, err := Solve(p, sol, a, rep, p.Table(a.Grid, a.States), p.Table(a.Grid, a.RefStates))
	if err == nil {
		rep.PlotDropped, err = chart.Figures(format, charts, []string{"phase", "errors", "energy", "loss"}, files)
	}
	return err
}
