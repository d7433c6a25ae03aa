package sweep

import (
	"math"
	"sort"

	"github.com/hnn-project/hnn/internal/stats"
)

// Along is a collected field against one axis: at each distinct value X[i]
// of the axis, the field's values over the other axes' values (the tasks
// without a numeric value left out). It is what a plot of the field
// against the axis draws.
type Along struct {
	X      []float64   // ascending
	Values [][]float64 // Values[i]: the field at X[i], in task order
}

// Along returns field f (an index into Fields) against axis a (an index
// into Axes), or false when the axis's values are not numbers or the
// field has no numeric values.
func (s *Summary) Along(f, a int) (Along, bool) {
	at := map[float64][]float64{}
	for i := range s.Rows {
		r := &s.Rows[i]
		x, ok := r.Number(a)
		if !ok {
			return Along{}, false
		}
		if _, seen := at[x]; !seen {
			at[x] = nil
		}
		if y, ok := r.Fields[f].(float64); ok {
			at[x] = append(at[x], y)
		}
	}
	var out Along
	any := false
	for x := range at {
		out.X = append(out.X, x)
	}
	sort.Float64s(out.X)
	for _, x := range out.X {
		out.Values = append(out.Values, at[x])
		any = any || len(at[x]) > 0
	}
	return out, any && len(out.X) > 1
}

// Grid returns field f over the axes a (x) and b (y): Z[r·len(X)+c] is the
// median of the field's values at (X[c], Y[r]) over the other axes, NaN
// where there is none; false when an axis is not numeric.
func (s *Summary) Grid(f, a, b int) (xs, ys, z []float64, ok bool) {
	ax, okA := s.Along(f, a)
	ay, okB := s.Along(f, b)
	if !okA || !okB {
		return nil, nil, nil, false
	}
	xs, ys = ax.X, ay.X
	cells := make([][]float64, len(xs)*len(ys))
	for i := range s.Rows {
		r := &s.Rows[i]
		x, _ := r.Number(a)
		y, _ := r.Number(b)
		v, isNum := r.Fields[f].(float64)
		if !isNum {
			continue
		}
		c, k := sort.SearchFloat64s(xs, x), sort.SearchFloat64s(ys, y)
		cells[k*len(xs)+c] = append(cells[k*len(xs)+c], v)
	}
	z = make([]float64, len(cells))
	for i, c := range cells {
		z[i] = math.NaN()
		if len(c) > 0 {
			z[i] = stats.Median(c)
		}
	}
	return xs, ys, z, true
}
