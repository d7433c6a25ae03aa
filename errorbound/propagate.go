package errorbound

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

// Propagate integrates the linearised error equation of Mattheakis et al.
// Eq. 18 along the solution,
//
//	ė = J∇²H(ẑ(t))·e − ℓ(t),  e(0) = 0,
//
// with the reference integrator (DOP853 at rtol = atol = tol; zero means
// 1e-10), and returns e(t) as a Path on [0, T]. This is an estimate of the
// error z − ẑ, exact to first order in e; it is not a bound.
func Propagate(ctx context.Context, h hamiltonians.Hamiltonian, s Solution, T, tol float64) (Path, error) {
	hs, ok := h.(hamiltonians.Hesser)
	if !ok {
		return nil, fmt.Errorf("errorbound: error propagation needs the Hessian of H, which this Hamiltonian does not provide")
	}
	if tol == 0 {
		tol = 1e-10
	}
	D := h.Dim()
	d := D / 2
	res := make([]float64, D)
	z := make([]float64, D)
	hess := mat.NewSymDense(D, nil)
	he := make([]float64, D)
	f := func(dst []float64, t float64, e []float64) {
		Residual(res, z, h, s, t)
		hs.Hess(hess, z)
		for i := 0; i < D; i++ {
			var v float64
			for j := 0; j < D; j++ {
				v += hess.At(i, j) * e[j]
			}
			he[i] = v
		}
		// J·(∇²H e) = [(∇²H e)_p, −(∇²H e)_q].
		for i := 0; i < d; i++ {
			dst[i] = he[d+i] - res[i]
			dst[d+i] = -he[i] - res[d+i]
		}
	}
	r := &symplectic.DOP853{RTol: tol, ATol: tol}
	sol, err := r.Solve(ctx, f, make([]float64, D), 0, T)
	if err != nil {
		return nil, fmt.Errorf("errorbound: error propagation: %w", err)
	}
	return sol, nil
}
