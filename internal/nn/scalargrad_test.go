package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradWorkspace compares reverse over reverse with the tangent streams
// (already checked against finite differences): the input gradient and the
// parameter gradient of the same loss must agree to rounding (1e-12 relative:
// the two compute the same sums in different orders).
func TestGradWorkspace(t *testing.T) {
	for _, act := range []Activation{Tanh, Sin, Sigmoid} {
		for _, bias := range []bool{false, true} {
			for _, D := range []int{2, 4} {
				const B = 7
				rng := rand.New(rand.NewPCG(uint64(D), uint64(act)))
				n, _ := New(Arch{In: D, Hidden: []int{9, 6}, Out: 1, Act: act, OutputBias: bias})
				n.InitGlorot(rng)
				for i := range n.Params {
					n.Params[i] += 0.1 * rng.NormFloat64()
				}
				x := make([]float64, B*D)
				gbar := make([]float64, B*D)
				for i := range x {
					x[i], gbar[i] = rng.NormFloat64(), rng.NormFloat64()
				}
				// Reference: D unit tangents.
				ws := NewWorkspace(n.Arch, B, D)
				dx := make([]float64, D*B*D)
				for j := 0; j < D; j++ {
					for i := 0; i < B; i++ {
						dx[(j*B+i)*D+j] = 1
					}
				}
				y0, dy := ws.Forward(n, x, dx)
				gdY := make([]float64, D*B)
				for i := 0; i < B; i++ {
					for j := 0; j < D; j++ {
						gdY[j*B+i] = gbar[i*D+j]
					}
				}
				want := make([]float64, len(n.Params))
				ws.Backward(n, make([]float64, B), gdY, want, nil, nil)

				gw := NewGradWorkspace(n.Arch, B)
				y, g := gw.Gradient(n, x)
				for i := 0; i < B; i++ {
					if math.Abs(y[i]-y0[i]) > 1e-12*math.Max(1, math.Abs(y0[i])) {
						t.Errorf("%v: N[%d] = %g, want %g", act, i, y[i], y0[i])
					}
					for j := 0; j < D; j++ {
						if w := dy[j*B+i]; math.Abs(g[i*D+j]-w) > 1e-12*math.Max(1, math.Abs(w)) {
							t.Errorf("%v D=%d: ∂N/∂x[%d][%d] = %g, want %g", act, D, i, j, g[i*D+j], w)
						}
					}
				}
				got := make([]float64, len(n.Params))
				gw.Backward(n, gbar, got)
				for i := range got {
					if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
						t.Errorf("%v bias=%v D=%d: ∂ℓ/∂θ%d = %g, want %g", act, bias, D, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func BenchmarkLearnStepTangents(b *testing.B) { benchLearn(b, false) }
func BenchmarkLearnStepReverse(b *testing.B)  { benchLearn(b, true) }

// benchLearn times a learned-H step of the mass-spring configuration:
// 2 → 200 → 200 → 1, tanh, 750 states.
func benchLearn(b *testing.B, reverse bool) {
	const B, D = 750, 2
	rng := rand.New(rand.NewPCG(1, 1))
	n, _ := New(Arch{In: D, Hidden: []int{200, 200}, Out: 1, Act: Tanh})
	n.InitOrthogonal(rng)
	x := make([]float64, B*D)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	grad := make([]float64, len(n.Params))
	gbar := make([]float64, B*D)
	b.ReportAllocs()
	if reverse {
		w := NewGradWorkspace(n.Arch, B)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			w.Gradient(n, x)
			w.Backward(n, gbar, grad)
		}
		return
	}
	w := NewWorkspace(n.Arch, B, D)
	dx := make([]float64, D*B*D)
	for j := 0; j < D; j++ {
		for i := 0; i < B; i++ {
			dx[(j*B+i)*D+j] = 1
		}
	}
	gY, gdY := make([]float64, B), make([]float64, D*B)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.Forward(n, x, dx)
		w.Backward(n, gY, gdY, grad, nil, nil)
	}
}
