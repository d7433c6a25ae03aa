package hamiltonians

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// boxFormulas use every function and operator of the formula language, on
// boxes where each is smooth.
var boxFormulas = []struct {
	name, src string
	centre    []float64
}{
	{"polynomial", "p^2/2 + q^2/2 + q^4/4 - q^3/3", []float64{0.7, -0.4}},
	{"trig", "p^2/2 + 3*(1 - cos(q)) + sin(q*p) + tan(q/3)", []float64{0.5, 0.3}},
	{"exp log sqrt", "exp(p) + log(2 + q) + sqrt(1 + q^2 + p^2)", []float64{0.3, 0.2}},
	{"hyperbolic", "sinh(q)*p + cosh(p) + tanh(q - p)", []float64{0.1, -0.6}},
	{"powers and division", "p^2/(2*(1 + q^2)) + abs(q)^1.5 + pow(1 + p^2, 0.7) + (1 + q^2)^(p/3) + e^q/pi", []float64{0.8, 0.4}},
	{"two-body", "(px1^2 + py1^2 + px2^2 + py2^2)/2 - 1/sqrt((x1 - x2)^2 + (y1 - y2)^2)", []float64{0.5, 0, -0.5, 0.1, 0, 0.6, 0, -0.6}},
}

func parseBox(t *testing.T, src string, D int) *Formula {
	t.Helper()
	var q, p []string
	if D == 2 {
		q, p = []string{"q"}, []string{"p"}
	} else {
		q, p = []string{"x1", "y1", "x2", "y2"}, []string{"px1", "py1", "px2", "py2"}
	}
	f, err := Parse(src, q, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func pointBox(x []float64) []Interval {
	b := make([]Interval, len(x))
	for i, v := range x {
		b[i] = Interval{Lo: v, Hi: v}
	}
	return b
}

// The third derivatives at a point (a degenerate box) agree with central
// differences of the exact Hessian; the gradient and Hessian enclosures
// contain Grad and Hess.
func TestDeriv3AgainstFiniteDifferences(t *testing.T) {
	for _, c := range boxFormulas {
		D := len(c.centre)
		f := parseBox(t, c.src, D)
		third := make([]Interval, D*D*D)
		if err := f.Deriv3Box(third, pointBox(c.centre)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// Central differences with step 1e-4 have truncation error
		// (h²/6)·|∂⁵H| ≈ 1e-9 and rounding error ε·|∂²H|/h ≈ 1e-12 here;
		// 1e-6 relative to the scale leaves room for larger fifth
		// derivatives.
		const step = 1e-4
		hp, hm := mat.NewSymDense(D, nil), mat.NewSymDense(D, nil)
		x := append([]float64(nil), c.centre...)
		for k := 0; k < D; k++ {
			x[k] = c.centre[k] + step
			f.Hess(hp, x)
			x[k] = c.centre[k] - step
			f.Hess(hm, x)
			x[k] = c.centre[k]
			for i := 0; i < D; i++ {
				for j := 0; j < D; j++ {
					fd := (hp.At(i, j) - hm.At(i, j)) / (2 * step)
					got := third[(i*D+j)*D+k]
					if got.Hi-got.Lo > 1e-12*(1+math.Abs(got.Lo)) {
						t.Errorf("%s: the enclosure at a point is wide: %v", c.name, got)
					}
					if math.Abs(got.Mid()-fd) > 1e-6*(1+math.Abs(fd)) {
						t.Errorf("%s: ∂³H/∂x%d∂x%d∂x%d = %v, finite differences %g", c.name, i, j, k, got, fd)
					}
				}
			}
		}
	}
}

// Enclosures over a box contain the values at random points of the box:
// the gradient and Hessian from Grad and Hess, the third derivatives from
// their enclosures at the point.
func TestBoxEnclosure(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range boxFormulas {
		D := len(c.centre)
		f := parseBox(t, c.src, D)
		for _, w := range []float64{1e-6, 1e-3, 0.05} {
			box := make([]Interval, D)
			for i, v := range c.centre {
				box[i] = Interval{Lo: v - w, Hi: v + w}
			}
			gb, hb, tb := make([]Interval, D), make([]Interval, D*D), make([]Interval, D*D*D)
			if err := errors.Join(f.GradBox(gb, box), f.HessBox(hb, box), f.Deriv3Box(tb, box)); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			g := make([]float64, D)
			h := mat.NewSymDense(D, nil)
			tp := make([]Interval, D*D*D)
			x := make([]float64, D)
			for range 50 {
				for i := range x {
					x[i] = box[i].Lo + rng.Float64()*(box[i].Hi-box[i].Lo)
				}
				f.Grad(g, x)
				f.Hess(h, x)
				if err := f.Deriv3Box(tp, pointBox(x)); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < D; i++ {
					if !gb[i].Contains(g[i]) {
						t.Fatalf("%s, width %g: ∂H/∂x%d = %g outside %v", c.name, w, i, g[i], gb[i])
					}
					for j := 0; j < D; j++ {
						if !hb[i*D+j].Contains(h.At(i, j)) {
							t.Fatalf("%s, width %g: ∂²H/∂x%d∂x%d = %g outside %v", c.name, w, i, j, h.At(i, j), hb[i*D+j])
						}
					}
				}
				for n, v := range tp {
					if !tb[n].Contains(v.Lo) || !tb[n].Contains(v.Hi) {
						t.Fatalf("%s, width %g: third derivative %d = %v outside %v", c.name, w, n, v, tb[n])
					}
				}
			}
		}
	}
}

// Boxes reaching a singularity or a kink give no finite enclosure or an
// error, never a finite number.
func TestBoxSingular(t *testing.T) {
	f := parseBox(t, boxFormulas[5].src, 8)
	box := pointBox([]float64{0.5, 0, -0.5, 0, 0, 0.6, 0, -0.6})
	box[0] = Interval{Lo: -0.6, Hi: 0.6} // x1 − x2 reaches 0 with y1 = y2
	third := make([]Interval, 8*8*8)
	if err := f.Deriv3Box(third, box); err != nil {
		t.Fatal(err)
	}
	finite := true
	for _, v := range third {
		finite = finite && v.IsFinite()
	}
	if finite {
		t.Error("third derivatives of 1/r over a box holding r = 0 are finite")
	}
	g := parseBox(t, "p^2/2 + abs(q)", 2)
	hb := make([]Interval, 4)
	if err := g.HessBox(hb, []Interval{{Lo: -0.1, Hi: 0.1}, {Lo: 1, Hi: 1}}); !errors.Is(err, ErrNotSmooth) {
		t.Errorf("abs at 0: error %v, want ErrNotSmooth", err)
	}
	if err := g.HessBox(hb, []Interval{{Lo: 0.1, Hi: 0.2}, {Lo: 1, Hi: 1}}); err != nil {
		t.Errorf("abs away from 0: %v", err)
	}
}

// Constants folded in float64 are enclosed as the exact values they round:
// (1/3)·x² − 0.3333333333333333·x² is 2⁻⁵⁴/3·x² ≈ 1.85e-17·x², not zero,
// although 1/3 rounds to the literal (folded as one node, the gradient
// box was [0, 0] and missed it). A product by an exact constant stays
// exact, so p²/2 keeps its exact Hessian 1 (TestSeparable, kinetic
// detection).
func TestFoldedConstantsEnclosed(t *testing.T) {
	f, err := Parse("(1/3)*x^2 - 0.3333333333333333*x^2 + p^2/2", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]Interval, 2)
	if err := f.GradBox(dst, []Interval{{Lo: 1, Hi: 1}, {Lo: 0, Hi: 0}}); err != nil {
		t.Fatal(err)
	}
	// ∂H/∂x at x = 1 is 2·(1/3 − 0.3333333333333333) = 2⁻⁵³/3 exactly.
	exact := math.Ldexp(1, -53) / 3
	if !(dst[0].Lo <= exact && exact <= dst[0].Hi) {
		t.Errorf("∂H/∂x box %v misses the exact %g", dst[0], exact)
	}
	h := make([]Interval, 4)
	if err := f.HessBox(h, []Interval{{Lo: -1, Hi: 1}, {Lo: -1, Hi: 1}}); err != nil {
		t.Fatal(err)
	}
	if h[3].Lo != 1 || h[3].Hi != 1 {
		t.Errorf("∂²H/∂p² box %v, want exactly 1", h[3])
	}
}
