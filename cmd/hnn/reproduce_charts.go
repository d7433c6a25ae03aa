package main

import (
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// paperCharts draws two pictures of Mattheakis et al. that hnn solve does
// not: the error in phase space, δp against δx, for the network and
// symplectic Euler at K·factor steps (Fig. 3 and 4, for one degree of
// freedom: the first coordinate and momentum), and the positions q_i(t)
// of network, reference and Euler with the largest factor (Fig. 7 right).
// At most 4000 points of each curve are drawn.
func paperCharts(p *problems.Problem, sol *solver.Solution, a *errorbound.Assessment, factors []int) (map[string]chart.Chart, error) {
	D, d := p.Dim(), len(p.Coordinates)
	names := p.Names()
	const n = 4000
	grid := errorbound.Grid(0, p.T, n)
	z := make([]float64, len(grid)*D)
	sol.Sample(grid, z, nil)
	r := make([]float64, D)
	col := func(xs []float64, j int) []float64 { return chart.Column(xs, D, j) }
	refs := make([]float64, len(grid)*D)
	for k, t := range grid {
		a.Reference.At(r, t)
		copy(refs[k*D:], r)
	}
	diff := func(a, b []float64) []float64 {
		out := make([]float64, len(a))
		for i := range a {
			out[i] = a[i] - b[i]
		}
		return out
	}
	title := func(s string) string { return p.Name + ": " + s }
	phase := chart.Chart{Title: title("error in phase space"), XLabel: "δ" + names[0], YLabel: "δ" + names[d]}
	dz := diff(z, refs)
	phase.Series = append(phase.Series, chart.Series{Name: "network", X: col(dz, 0), Y: col(dz, d)})
	pos := chart.Chart{Title: title("positions"), XLabel: "t", YLabel: "position"}
	for i := 0; i < d; i++ {
		pos.Series = append(pos.Series,
			chart.Series{Name: names[i] + " network", X: grid, Y: col(z, i)},
			chart.Series{Name: names[i] + " reference", X: grid, Y: col(refs, i), Dashed: true})
	}
	for fi, f := range factors {
		var e *errorbound.EulerComparison
		for i := range a.Euler {
			if a.Euler[i].Factor == f {
				e = &a.Euler[i]
			}
		}
		if e == nil || e.NonFinite > 0 {
			continue // Euler's failure is in the tables; no curve
		}
		ts, xs := e.Path.Times, e.Path.States
		es := make([]float64, len(xs))
		for k, t := range ts {
			a.Reference.At(r, t)
			for j := range D {
				es[k*D+j] = xs[k*D+j] - r[j]
			}
		}
		label := fmt.Sprintf("%s, %d steps", a.EulerMethod, e.Steps)
		phase.Series = append(phase.Series, chart.Series{Name: label, X: col(es, 0), Y: col(es, d)})
		if fi == len(factors)-1 {
			for i := 0; i < d; i++ {
				pos.Series = append(pos.Series, chart.Series{Name: names[i] + " " + label, X: ts, Y: col(xs, i)})
			}
		}
	}
	return map[string]chart.Chart{"error_phase": phase, "positions": pos}, nil
}
