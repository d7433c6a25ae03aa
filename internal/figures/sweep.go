package figures

import (
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/stats"
	"github.com/hnn-project/hnn/problems/sweep"
)

// Sweep draws each numeric field against each numeric axis (each
// value of the other axes a curve, or their median and range when there
// are many) and, with two or more axes, the first field as a heat map
// over the first two.
func Sweep(s *sweep.Summary, format string, files map[string][]byte) error {
	plotName := func(parts ...string) string { return strings.ReplaceAll(strings.Join(parts, "-"), ".", "_") }
	for f, field := range s.Fields {
		for a, axis := range s.Axes {
			al, ok := s.Along(f, a)
			if !ok {
				continue
			}
			c := chart.Chart{Title: field + " against " + axis, XLabel: axis, YLabel: field, LegendRoom: true, LogY: positive(al)}
			lo, mid, hi := make([]float64, len(al.X)), make([]float64, len(al.X)), make([]float64, len(al.X))
			for i, v := range al.Values {
				lo[i], mid[i], hi[i] = spread(v)
			}
			c.Series = []chart.Series{{X: al.X, Y: mid}}
			if len(s.Axes) > 1 {
				c.Series[0].Name = "median over " + others(s.Axes, a)
			}
			if !slices.Equal(lo, hi) {
				grey := color.Gray{Y: 120}
				c.Series = append(c.Series, chart.Series{Name: "least and largest over " + others(s.Axes, a), X: al.X, Y: lo, Dashed: true, Color: grey}, chart.Series{X: al.X, Y: hi, Dashed: true, Color: grey})
			}
			if _, err := chart.Figures(format, map[string]chart.Chart{plotName(field, axis): c}, nil, files); err != nil {
				return err
			}
		}
	}
	if len(s.Axes) >= 2 && len(s.Fields) > 0 {
		xs, ys, z, ok := s.Grid(0, 0, 1)
		if ok && len(xs) > 1 && len(ys) > 1 {
			al, _ := s.Along(0, 0)
			p, err := chart.HeatMap{Title: s.Fields[0] + heatNote(s.Axes), XLabel: s.Axes[0], YLabel: s.Axes[1], Xs: xs, Ys: ys, Z: z, Log: positive(al)}.Plot()
			if err == nil {
				files[plotName(s.Fields[0], "heatmap")+"."+format], err = chart.Render(p, format)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// others names the axes other than a.
func others(axes []string, a int) string {
	return strings.Join(slices.Delete(slices.Clone(axes), a, a+1), ", ")
}

// heatNote says what a heat map's cell shows when more than two axes
// meet in it.
func heatNote(axes []string) string {
	if len(axes) > 2 {
		return " (median over " + strings.Join(axes[2:], ", ") + ")"
	}
	return ""
}

// positive reports whether every value is positive and they span more
// than two decades: a log axis then reads better.
func positive(al sweep.Along) bool {
	lo, hi := 0.0, 0.0
	for _, v := range al.Values {
		for _, y := range v {
			if y <= 0 {
				return false
			}
			if lo == 0 || y < lo {
				lo = y
			}
			hi = max(hi, y)
		}
	}
	return lo > 0 && hi/lo > 100
}

// spread is the least, the median and the largest of v (NaN when empty).
func spread(v []float64) (lo, mid, hi float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	w := slices.Clone(v)
	slices.Sort(w)
	return w[0], stats.Median(w), w[len(w)-1]
}
