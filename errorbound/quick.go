package errorbound

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
)

// PropagateQuick is a cheap version of Propagate: it integrates the
// linearised error equation (Eq. 18) with classical RK4 on n equal steps
// of [0, T], from ẑ, dẑ/dt sampled at the 2n+1 step ends and midpoints in
// one batch (when s is a Sampler), and returns the largest ‖e‖₂ at the step
// ends. Its error is O((T/n)⁴) relative; callers use it to decide whether
// a costlier bound is worth computing (n = 4K: a quarter of a training
// spacing per step).
func PropagateQuick(h hamiltonians.Hamiltonian, s Solution, T float64, n int) (float64, error) {
	hs, ok := h.(hamiltonians.Hesser)
	if !ok {
		return 0, fmt.Errorf("errorbound: error propagation needs the Hessian of H, which this Hamiltonian does not provide")
	}
	if n < 1 {
		panic("errorbound: PropagateQuick needs n ≥ 1")
	}
	D := h.Dim()
	d := D / 2
	times := Grid(0, T, 2*n)
	zs, dzs := sampled(s, D, times, true)
	res := make([]float64, len(times)*D)
	hess := make([]*mat.SymDense, len(times))
	g := make([]float64, D)
	for k := range times {
		z := zs[k*D : (k+1)*D]
		hamiltonians.Residual(res[k*D:(k+1)*D], g, h, z, dzs[k*D:(k+1)*D])
		hess[k] = mat.NewSymDense(D, nil)
		hs.Hess(hess[k], z)
	}
	// f(k, e) = J∇²H(ẑ(t_k))e − ℓ(t_k) at sample k.
	f := func(dst []float64, k int, e []float64) {
		for i := 0; i < D; i++ {
			var v float64
			for j := 0; j < D; j++ {
				v += hess[k].At(i, j) * e[j]
			}
			g[i] = v
		}
		for i := 0; i < d; i++ {
			dst[i] = g[d+i] - res[k*D+i]
			dst[d+i] = -g[i] - res[k*D+d+i]
		}
	}
	e := make([]float64, D)
	tmp := make([]float64, D)
	var k1, k2, k3, k4 = make([]float64, D), make([]float64, D), make([]float64, D), make([]float64, D)
	step := T / float64(n)
	var worst float64
	for j := 0; j < n; j++ {
		f(k1, 2*j, e)
		for i := range tmp {
			tmp[i] = e[i] + step/2*k1[i]
		}
		f(k2, 2*j+1, tmp)
		for i := range tmp {
			tmp[i] = e[i] + step/2*k2[i]
		}
		f(k3, 2*j+1, tmp)
		for i := range tmp {
			tmp[i] = e[i] + step*k3[i]
		}
		f(k4, 2*j+2, tmp)
		for i := range e {
			e[i] += step / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
		worst = math.Max(worst, norm(e))
		if math.IsNaN(worst) {
			return math.Inf(1), nil
		}
	}
	return worst, nil
}
