package errorbound

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/symplectic"
)

// integrate solves Φ' = A(t)Φ, Φ(0) = I, with A = J∇²H(ẑ(t)), by DOP853
// in one run (A is smooth; the step is capped at 20 sub-intervals so no
// feature of ẑ is stepped over), records Φ at the nodes, and the linear
// response to the piecewise-linear residual model by variation of
// constants, u(t) = −Φ(t)·∫₀ᵗ Φ(s)⁻¹ℓ_pl(s) ds with Φ⁻¹ = −JΦᵀJ: the
// integral over each sub-interval by 3-point Gauss–Legendre on the dense
// output (exact for polynomials of degree 5), its error estimated by the
// difference from the 2-point rule, which is of lower order.
func (c *certifier) integrate(ctx context.Context, tol float64) error {
	N, D := c.N, c.D
	z := make([]float64, D)
	hess := mat.NewSymDense(D, nil)
	col, hv := make([]float64, D), make([]float64, D)
	f := func(dst []float64, t float64, y []float64) {
		c.s.At(z, t)
		c.hs.Hess(hess, z)
		// Φ' = J∇²H Φ, column by column (Φ row-major: column j is y[i·D+j]).
		for j := 0; j < D; j++ {
			for i := 0; i < D; i++ {
				col[i] = y[i*D+j]
			}
			hessVec(hv, hess, col)
			d := D / 2
			for i := 0; i < d; i++ {
				dst[i*D+j], dst[(d+i)*D+j] = hv[d+i], -hv[i]
			}
		}
	}
	y0 := make([]float64, D*D)
	for i := 0; i < D; i++ {
		y0[i*D+i] = 1
	}
	r := &symplectic.DOP853{RTol: tol, ATol: tol, MaxStep: 20 * c.T / float64(N)}
	sol, err := r.Solve(ctx, f, y0, 0, c.T)
	if err != nil {
		return err
	}
	c.errSum = sol.Stats().ErrorEstimate
	c.phi = make([][]float64, N+1)
	for k := range c.phi {
		c.phi[k] = sol.At(nil, c.node(k))
	}
	// Gauss–Legendre nodes and weights on [−1, 1].
	g3x, g3w := [3]float64{-math.Sqrt(0.6), 0, math.Sqrt(0.6)}, [3]float64{5.0 / 9, 8.0 / 9, 5.0 / 9}
	g2x := [2]float64{-1 / math.Sqrt(3), 1 / math.Sqrt(3)}
	ph, l, scratch := make([]float64, D*D), make([]float64, D), make([]float64, 2*D)
	integrand := func(dst []float64, k int, s float64) { // Φ(s)⁻¹ℓ_pl(s)
		sol.At(ph, s)
		mid := c.centre(k)
		for i := range l {
			l[i] = c.lc[k][i] + c.l1c[k][i]*(s-mid)
		}
		invMul(dst, ph, l, scratch)
	}
	v := make([]float64, D)
	i3, i2, fv := make([]float64, D), make([]float64, D), make([]float64, D)
	c.u = make([][]float64, N+1)
	c.u[0] = make([]float64, D)
	var quadErr, vmax float64
	for k := 0; k < N; k++ {
		a, b := c.node(k), c.node(k+1)
		m, hh := (a+b)/2, (b-a)/2
		clear(i3)
		clear(i2)
		for g := range g3x {
			integrand(fv, k, m+hh*g3x[g])
			for i := range fv {
				i3[i] += hh * g3w[g] * fv[i]
			}
		}
		for g := range g2x {
			integrand(fv, k, m+hh*g2x[g])
			for i := range fv {
				i2[i] += hh * fv[i]
			}
		}
		var d2 float64
		for i := range v {
			v[i] += i3[i]
			d2 += (i3[i] - i2[i]) * (i3[i] - i2[i])
		}
		quadErr += math.Sqrt(d2)
		vmax = math.Max(vmax, norm(v))
		u := make([]float64, D)
		pm := mat.NewDense(D, D, c.phi[k+1])
		mat.NewVecDense(D, u).MulVec(pm, mat.NewVecDense(D, v))
		for i := range u {
			u[i] = -u[i]
		}
		c.u[k+1] = u
	}
	c.quadErr, c.vmax = quadErr, vmax
	c.ulin = make([]float64, N)
	for k := 0; k < N; k++ {
		un := math.Max(norm(c.u[k]), norm(c.u[k+1]))
		h := c.node(k+1) - c.node(k)
		// Between nodes, forward from t_k or backward from t_{k+1}:
		// ‖u(t)‖ ≤ L_k(‖u(t_k)‖ + (t − t_k)·sup‖ℓ_pl‖), and the same from
		// the right; the smaller of the two is at most L_k(max + h/2·sup).
		c.ulin[k] = up(c.growth[k] * (un + h/2*c.lpl[k]))
	}
	return nil
}

// invMul stores Φ⁻¹x = −JΦᵀJx for a symplectic Φ (row-major D×D, D =
// len(x)); scratch has length 2D.
func invMul(dst, phi, x, scratch []float64) {
	D := len(x)
	d := D / 2
	jx, w := scratch[:D], scratch[D:2*D]
	for i := 0; i < d; i++ {
		jx[i], jx[d+i] = x[d+i], -x[i]
	}
	for j := 0; j < D; j++ {
		var s float64
		for i := 0; i < D; i++ {
			s += phi[i*D+j] * jx[i]
		}
		w[j] = s
	}
	for i := 0; i < d; i++ {
		dst[i], dst[d+i] = -w[d+i], w[i]
	}
}
