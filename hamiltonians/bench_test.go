package hamiltonians

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

func benchFormula(b *testing.B, c formulaCase, what string) {
	f, err := Parse(c.src, c.q, c.p, c.params)
	if err != nil {
		b.Fatal(err)
	}
	D := f.Dim()
	x := make([]float64, D)
	for i := range x {
		x[i] = 0.1 * float64(i+1)
	}
	g := make([]float64, D)
	h := mat.NewSymDense(D, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		switch what {
		case "H":
			f.H(x)
		case "Grad":
			f.Grad(g, x)
		case "Hess":
			f.Hess(h, x)
		}
	}
}

func BenchmarkOscillatorGrad(b *testing.B)  { benchFormula(b, formulaCases[0], "Grad") }
func BenchmarkOscillatorHess(b *testing.B)  { benchFormula(b, formulaCases[0], "Hess") }
func BenchmarkHenonHeilesH(b *testing.B)    { benchFormula(b, formulaCases[1], "H") }
func BenchmarkHenonHeilesGrad(b *testing.B) { benchFormula(b, formulaCases[1], "Grad") }
func BenchmarkHenonHeilesHess(b *testing.B) { benchFormula(b, formulaCases[1], "Hess") }
func BenchmarkThreeBodyHess(b *testing.B)   { benchFormula(b, formulaCases[6], "Hess") }
func BenchmarkChain32Hess(b *testing.B) {
	src, q, p := chain(32)
	benchFormula(b, formulaCase{src: src, q: q, p: p}, "Hess")
}
