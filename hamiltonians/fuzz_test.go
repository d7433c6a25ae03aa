package hamiltonians

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// FuzzParse: no input may panic or hang the parser, and what parses must
// evaluate without panicking.
func FuzzParse(f *testing.F) {
	for _, c := range formulaCases {
		if len(c.q) == 1 {
			f.Add(c.src)
		}
	}
	for _, s := range []string{"", "(", ")", "q^", "pow(q,", "sin()", "2^-q^-p", "--q", "1e999*q", "q/0", "log(q-q)", "abs(q)^0.5", "((((q))))", "q p", "é", "\x00"} {
		f.Add(s)
	}
	x := []float64{0.7, -0.3}
	f.Fuzz(func(t *testing.T, src string) {
		fm, err := Parse(src, []string{"q"}, []string{"p"}, map[string]float64{"k": 2})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		fm.H(x)
		g := make([]float64, 2)
		fm.Grad(g, x)
		fm.Hess(mat.NewSymDense(2, nil), x)
		if s, ok := fm.Separable(); ok {
			h := make([]float64, 1)
			s.GradT(h, x[1:])
			if !(h[0] == g[1] || math.IsNaN(h[0]) && math.IsNaN(g[1])) {
				t.Fatalf("GradT %v differs from Grad %v for %q", h, g, src)
			}
		}
	})
}

func FuzzEval(f *testing.F) {
	for _, s := range []string{"6*pi", "2*g", "0.18*pi", "8e-3", "1/0", "sqrt(-1)", "x", "pow(2,", "-2^-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, err := Eval(src, map[string]float64{"g": 3})
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Eval(%q) = %v without an error", src, v)
		}
	})
}
