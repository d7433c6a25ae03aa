package errorbound

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

// Amplification is how much the rest of [0, T] can amplify an error,
// estimated along the true solution from z0 with Φ the fundamental matrix
// of the variational equation Φ′ = J∇²H(z)Φ: an error e at time t grows
// to Φ(t′, t)·e at t′ ≥ t, to first order. The automatic mode of package
// solver compares Project(t, e) of its running error estimate with the
// error budget, so that early windows, whose errors have the longest to
// grow, aim lower. It is an estimate (the true solution stands in for
// ẑ), not a bound.
type Amplification struct {
	dim   int
	sol   *symplectic.Dense
	times []float64
	phis  [][]float64 // Φ(t_j, 0) on the grid, D×D row-major
	y, w  []float64
	je, v []float64
}

// NewAmplification integrates z and Φ(t, 0) with DOP853 (rtol = atol =
// 1e-9) over [0, T] and keeps Φ on n + 1 equally spaced times.
func NewAmplification(ctx context.Context, h hamiltonians.Hamiltonian, z0 []float64, T float64, n int) (*Amplification, error) {
	hs, ok := h.(hamiltonians.Hesser)
	if !ok {
		return nil, fmt.Errorf("errorbound: the amplification needs the Hessian of H, which this Hamiltonian does not provide")
	}
	if n < 1 || !(T > 0) {
		panic(fmt.Sprintf("errorbound: NewAmplification on [0, %g] at %d times", T, n))
	}
	D := h.Dim()
	d := D / 2
	hess := mat.NewSymDense(D, nil)
	f := func(dst []float64, _ float64, y []float64) {
		z, phi := y[:D], y[D:]
		hamiltonians.VectorField(dst[:D], h, z)
		hs.Hess(hess, z)
		for c := 0; c < D; c++ {
			for i := 0; i < D; i++ {
				var v float64
				for j := 0; j < D; j++ {
					v += hess.At(i, j) * phi[j*D+c]
				}
				// Row i of J∇²H·Φ: (∇²HΦ)_{d+i} for a q row, −(∇²HΦ)_{i−d} for a p row.
				if i < d {
					dst[D+(d+i)*D+c] = -v
				} else {
					dst[D+(i-d)*D+c] = v
				}
			}
		}
	}
	y0 := make([]float64, D+D*D)
	copy(y0, z0)
	for i := 0; i < D; i++ {
		y0[D+i*D+i] = 1
	}
	sol, err := (&symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}).Solve(ctx, f, y0, 0, T)
	if err != nil {
		return nil, fmt.Errorf("errorbound: amplification: %w", err)
	}
	a := &Amplification{dim: D, sol: sol, times: Grid(0, T, n), y: make([]float64, len(y0)),
		w: make([]float64, D), je: make([]float64, D), v: make([]float64, D)}
	for _, t := range a.times {
		sol.At(a.y, t)
		a.phis = append(a.phis, append([]float64(nil), a.y[D:]...))
	}
	return a, nil
}

// Project returns max ‖Φ(t′, t)·e‖₂ over t′ = t and the grid times after
// t: the largest the error e at t grows to, to first order, on [t, T].
// Φ(t′, t) = Φ(t′, 0)·Φ(t, 0)⁻¹ with Φ⁻¹ = −JΦᵀJ (Φ is symplectic).
func (a *Amplification) Project(t float64, e []float64) float64 {
	D, d := a.dim, a.dim/2
	a.sol.At(a.y, t)
	phi := a.y[D:]
	// w = −JΦᵀJe: Je = (e_p, −e_q), then Φᵀ, then −J.
	je, v := a.je, a.v
	for i := 0; i < d; i++ {
		je[i], je[d+i] = e[d+i], -e[i]
	}
	for c := 0; c < D; c++ {
		var s float64
		for r := 0; r < D; r++ {
			s += phi[r*D+c] * je[r]
		}
		v[c] = s
	}
	for i := 0; i < d; i++ {
		a.w[i], a.w[d+i] = -v[d+i], v[i]
	}
	g := norm(e)
	for j, tj := range a.times {
		if tj <= t {
			continue
		}
		var s2 float64
		for r := 0; r < D; r++ {
			var s float64
			for c := 0; c < D; c++ {
				s += a.phis[j][r*D+c] * a.w[c]
			}
			s2 += s * s
		}
		g = math.Max(g, math.Sqrt(s2))
	}
	return g
}
