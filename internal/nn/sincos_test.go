package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns |a − b| in units of the last place of b (1 ulp of the
// smallest normal for b = 0).
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	u := math.Abs(math.Nextafter(b, math.Inf(1)) - b)
	return math.Abs(a-b) / u
}

// TestSincosAccuracy measures the largest error of sincos against math.Sin
// and math.Cos over random arguments in the ranges the activations see
// (|x| up to a few hundred) and beyond, and requires ≤ 2 ulp. Near zeros of
// sin or cos the relative error is judged against the math package, whose
// own reduction error is of the same order, hence the budget of 2 rather
// than 1.
func TestSincosAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	for _, span := range []float64{1, 10, 100, 1e4, 5e5} {
		var worstS, worstC float64
		for i := 0; i < 200000; i++ {
			x := span * (2*rng.Float64() - 1)
			s, c := sincos(x)
			worstS = math.Max(worstS, ulps(s, math.Sin(x)))
			worstC = math.Max(worstC, ulps(c, math.Cos(x)))
		}
		t.Logf("|x| < %g: max error sin %.2f ulp, cos %.2f ulp", span, worstS, worstC)
		if worstS > 2 || worstC > 2 {
			t.Errorf("|x| < %g: max error sin %.2f ulp, cos %.2f ulp; want ≤ 2", span, worstS, worstC)
		}
	}
	for _, x := range []float64{0, math.Copysign(0, -1), math.Pi / 2, -math.Pi, 1e300, math.Inf(1), math.NaN(), sincosLimit, -sincosLimit * 1.5} {
		s, c := sincos(x)
		ws, wc := math.Sincos(x)
		if !(ulps(s, ws) <= 2 || math.IsNaN(s) && math.IsNaN(ws)) || !(ulps(c, wc) <= 2 || math.IsNaN(c) && math.IsNaN(wc)) {
			t.Errorf("sincos(%g) = %g, %g; math.Sincos %g, %g", x, s, c, ws, wc)
		}
	}
}

// TestSinBatch: the vector kernel agrees with sincos (to 1 ulp: FMA rounds
// once where the scalar code rounds twice) and handles every tail length
// and out-of-range argument.
func TestSinBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for n := 0; n < 40; n++ {
		z := make([]float64, n)
		for i := range z {
			z[i] = 50 * (2*rng.Float64() - 1)
		}
		if n > 5 {
			z[2], z[5] = 1e7, math.NaN()
		}
		h, d1, d2 := make([]float64, n), make([]float64, n), make([]float64, n)
		sinBatch(z, h, d1, d2)
		for i, x := range z {
			s, c := math.Sincos(x)
			if math.IsNaN(x) {
				if !math.IsNaN(h[i]) || !math.IsNaN(d1[i]) {
					t.Errorf("sin(NaN) = %g", h[i])
				}
				continue
			}
			if ulps(h[i], s) > 2 || ulps(d1[i], c) > 2 || d2[i] != -h[i] {
				t.Errorf("n=%d: sinBatch(%g) = %g %g %g, want %g %g", n, x, h[i], d1[i], d2[i], s, c)
			}
		}
	}
}

func BenchmarkSinBatch(b *testing.B) {
	z := make([]float64, 1024)
	for i := range z {
		z[i] = float64(i)*0.01 - 5
	}
	h, d1, d2 := make([]float64, 1024), make([]float64, 1024), make([]float64, 1024)
	for i := 0; i < b.N; i++ {
		sinBatch(z, h, d1, d2)
	}
}

func BenchmarkSincos(b *testing.B) {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = float64(i)*0.01 - 5
	}
	var s, c float64
	for i := 0; i < b.N; i++ {
		for _, x := range xs {
			a, d := sincos(x)
			s += a
			c += d
		}
	}
	sink = s + c
}

func BenchmarkMathSincos(b *testing.B) {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = float64(i)*0.01 - 5
	}
	var s, c float64
	for i := 0; i < b.N; i++ {
		for _, x := range xs {
			a, d := math.Sincos(x)
			s += a
			c += d
		}
	}
	sink = s + c
}

var sink float64
