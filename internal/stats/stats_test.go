package stats

import (
	"math"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1}, 2},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := append([]float64(nil), c.xs...)
		if got := Median(c.xs); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", in, got, c.want)
		}
		for i := range in {
			if in[i] != c.xs[i] {
				t.Errorf("Median modified its input: %v", c.xs)
			}
		}
	}
}

// TestMeanStderr: for 1, 2, 3, 4 the mean is 2.5 and the sample standard
// deviation √(5/3), so the standard error is √(5/3)/2 (to 1e-15 relative:
// a few roundings).
func TestMeanStderr(t *testing.T) {
	m, s := MeanStderr([]float64{1, 2, 3, 4})
	if want := math.Sqrt(5.0/3) / 2; m != 2.5 || math.Abs(s-want) > 1e-15*want {
		t.Errorf("MeanStderr(1, 2, 3, 4) = %v ± %v, want 2.5 ± %v", m, s, want)
	}
	if m, s := MeanStderr([]float64{7}); m != 7 || s != 0 {
		t.Errorf("MeanStderr(7) = %v ± %v, want 7 ± 0", m, s)
	}
}
