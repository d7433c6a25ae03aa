package errorbound

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/internal/interval"
)

// blocks groups the sub-intervals into about 256 blocks [C_J, C_{J+1}]
// and computes the norms of the propagator the closure needs: P[J][I] =
// ‖Φ(C_J, C_I)‖₂ for block ends I ≤ J, from Φ(C_J)Φ(C_I)⁻¹ with Φ⁻¹ =
// −JΦᵀJ, and inner[J] ≥ ‖Φ(t, s)‖₂ for s ≤ t both in block J, from the
// norms between the block's start and its nodes and the Grönwall factors
// L_k of the sub-intervals holding s and t.
func (c *certifier) blocks() string {
	N, D := c.N, c.D
	S := max(1, (N+255)/256)
	for b := 0; b < N; b += S {
		c.ends = append(c.ends, b)
	}
	c.ends = append(c.ends, N)
	M := len(c.ends) - 1
	pn := newPairNorm(D)
	inv := make([][]float64, N+1)
	for k, p := range c.phi {
		inv[k] = symplecticInverse(p, D)
	}
	c.inner = make([]float64, M)
	for J := 0; J < M; J++ {
		b0, b1 := c.ends[J], c.ends[J+1]
		// Φ(t_j, t_i) = Φ(t_j, C_J)Φ(C_J, t_i): the largest norm forward
		// from the block start times the largest backward to it.
		fwd, bwd, lmax := 1.0, 1.0, 1.0
		for j := b0 + 1; j <= b1; j++ {
			fwd = math.Max(fwd, pn.norm(c.phi[j], inv[b0]))
			bwd = math.Max(bwd, pn.norm(c.phi[b0], inv[j]))
		}
		for k := b0; k < b1; k++ {
			lmax = math.Max(lmax, c.growth[k])
		}
		c.inner[J] = up(fwd * bwd * lmax * lmax)
	}
	c.P = make([][]float64, M+1)
	var pmax float64
	for J := 0; J <= M; J++ {
		c.P[J] = make([]float64, J+1)
		c.P[J][J] = 1
		for I := 0; I < J; I++ {
			c.P[J][I] = pn.norm(c.phi[c.ends[J]], inv[c.ends[I]])
			pmax = math.Max(pmax, c.P[J][I])
		}
	}
	var imax float64
	for _, v := range c.inner {
		imax = math.Max(imax, v)
	}
	// The computed Φ differs from the exact one by its integration error:
	// with E the sum of DOP853's local error estimates, allow a relative
	// 2D·‖Φ‖·E on every norm.
	pmax = math.Max(pmax, 1)
	c.phiErr = 2 * float64(D) * pmax * imax * c.errSum
	c.phiMaxV = up(imax * imax * pmax * (1 + c.phiErr))
	if !finite(c.phiMaxV) {
		return "the fundamental matrix of the variational equation is not finite"
	}
	return ""
}

// close closes the tube block by block, forward in time. With ρ_J the
// tube radius on block J, q(s) = δ(s) + ½M3_J(ρ_J)ρ_J² the integrand of
// the remainder and Q_J = ∫_{block J} q, the error on block J is at most
//
//	β_J = sup_J ‖u‖ + ε + inner_J·(W_J + Q_J),  W_J = Σ_{I<J} P[J][I+1]·inner_I·Q_I,
//
// and the block is closed when β_J < ρ_J, ρ_J searched from a few
// multiples of β_J without the nonlinear term, then shrunk towards β_J.
// W_J depends only on earlier blocks, so one pass suffices.
func (c *certifier) close() Certified {
	N, D := c.N, c.D
	M := len(c.ends) - 1
	// The linear part u = −Φ(t)v(t): Φ carries a relative error of
	// phiErr, v the quadrature error.
	var pmax float64
	for _, p := range c.phi {
		pmax = math.Max(pmax, math.Sqrt(dot(p, p)))
	}
	integ := up(pmax * (c.phiErr*c.vmax + c.quadErr))
	rel := 1 + c.phiErr
	res := Certified{Bound: math.Inf(1), Integration: integ, PhiMax: c.phiMaxV, Intervals: N}
	third := make([]interval.Interval, D*D*D)
	tube := make([]interval.Interval, D)
	qres := make([]float64, M) // ∫δ over block I
	qnl := make([]float64, M)  // ∫½M3ρ² over block I
	var why string
	for J := 0; J < M; J++ {
		b0, b1 := c.ends[J], c.ends[J+1]
		box := append([]interval.Interval(nil), c.box[b0]...)
		var ulin float64
		for k := b0; k < b1; k++ {
			for i := range box {
				box[i] = interval.Hull(box[i], c.box[k][i])
			}
			ulin = math.Max(ulin, c.ulin[k])
			qres[J] += (c.node(k+1) - c.node(k)) * c.delta[k]
		}
		hJ := c.node(b1) - c.node(b0)
		var wres, wnl float64
		for I := 0; I < J; I++ {
			f := c.P[J][I+1] * c.inner[I] * rel
			wres += f * qres[I]
			wnl += f * qnl[I]
		}
		in := c.inner[J] * rel
		base := up(ulin + integ + in*(wres+wnl+qres[J]))
		if !finite(base) {
			res.Reason = fmt.Sprintf("the linear part of the bound is not finite at t = %.4g", c.node(b0))
			return res
		}
		var m3 float64
		nonlinear := func(rho float64) float64 {
			for i := range tube {
				tube[i] = box[i].Inflate(rho)
			}
			if err := c.hb.Deriv3Box(third, tube); err != nil {
				why = fmt.Sprintf("the third derivatives of H cannot be enclosed over the tube of radius %.3g at t = %.4g: %v", rho, c.node(b0), err)
				return math.Inf(1)
			}
			m3 = thirdNorm(third, D)
			if !finite(m3) {
				why = fmt.Sprintf("the third derivatives of H are not finite over the tube of radius %.3g at t = %.4g (it reaches a singularity of H)", rho, c.node(b0))
				return math.Inf(1)
			}
			return up(hJ * 0.5 * m3 * rho * rho)
		}
		const tiny = 1e-300
		closed := false
		var rho, q, beta float64
		// The reason of the first radius tried (2β₀), and whether a larger
		// one met a singularity of H.
		var first string
		singular := false
		for n, r := range []float64{2, 1.5, 1.25, 1.1, 1.05, 1.02, 3, 5, 10} {
			rho = r*base + tiny
			why = ""
			q = nonlinear(rho)
			beta = up(base + in*q)
			if n == 0 {
				first = why
				if first == "" {
					first = fmt.Sprintf("the tube does not close at t = %.4g: the second-order remainder ½·M3·ρ² (M3 = %.3g at ρ = %.3g) exceeds the margin ρ − %.3g", c.node(b0), m3, rho, base)
				}
			} else if why != "" && r > 2 {
				singular = true
			}
			if !(beta < rho) {
				continue
			}
			// Shrink: ρ' just above β(ρ) has β(ρ') ≤ β(ρ) < ρ', as β grows
			// with ρ; checked anyway.
			for range 4 {
				rho2 := beta*(1+1e-9) + tiny
				q2 := nonlinear(rho2)
				beta2 := up(base + in*q2)
				if !(beta2 < rho2) || !(beta2 <= beta) {
					break
				}
				rho, q, beta = rho2, q2, beta2
			}
			closed = true
			break
		}
		if !closed {
			why = first
			if singular {
				why += "; larger tubes reach a singularity of H"
			}
			// The parts at the block that failed, for the refinement.
			return Certified{Bound: math.Inf(1), Reason: why, Linear: ulin, Integration: integ, Residual: up(in * (wres + qres[J])),
				PhiMax: c.phiMaxV, M3: math.Max(res.M3, m3), Intervals: N}
		}
		nonlinear(rho) // m3 at the chosen radius
		qnl[J] = q
		res.M3 = math.Max(res.M3, m3)
		res.Rho = math.Max(res.Rho, rho)
		if J == 0 || beta > res.Bound {
			res.Bound = beta
			res.Linear = ulin
			res.Residual = up(in * (wres + qres[J]))
			res.Nonlinear = up(in * (wnl + q))
		}
	}
	res.Certified = true
	return res
}

// thirdNorm bounds sup ‖T[e,e]‖₂ over ‖e‖₂ = 1 for every tensor T in the
// enclosure third (D·D·D): with M_i the matrix of magnitudes of slice i,
// |Σ_jk T_ijk e_j e_k| ≤ ‖M_i‖₂, so the bound is sqrt(Σ_i ‖M_i‖₂²). Each
// ‖M_i‖₂, the Perron root of a non-negative symmetric matrix, is bounded
// above by the Collatz–Wielandt ratio max_j (M_i x)_j/x_j for a positive x
// (a few power iterations from the ones vector), and by the slice's
// Frobenius norm; the smaller is used, rounded up.
func thirdNorm(third []interval.Interval, D int) float64 {
	m := make([]float64, D*D)
	x, y := make([]float64, D), make([]float64, D)
	var sum float64
	for i := 0; i < D; i++ {
		var frob float64
		for jk := range m {
			m[jk] = third[i*D*D+jk].Mag()
			if math.IsNaN(m[jk]) || math.IsInf(m[jk], 0) {
				return math.Inf(1)
			}
			frob += m[jk] * m[jk]
		}
		if frob == 0 {
			continue
		}
		for j := range x {
			x[j] = 1
		}
		var cw float64
		for it := 0; it < 20; it++ {
			var ymax float64
			for j := 0; j < D; j++ {
				var v float64
				for k := 0; k < D; k++ {
					v += m[j*D+k] * x[k]
				}
				y[j] = v
				ymax = math.Max(ymax, v)
			}
			cw = 0
			for j := range y {
				cw = math.Max(cw, y[j]/x[j])
			}
			// Keep x positive: zero rows would otherwise zero it.
			for j := range x {
				x[j] = y[j]/ymax + 1e-6
			}
		}
		n2 := math.Min(cw, math.Sqrt(frob)) * (1 + 1e-12)
		sum += n2 * n2
	}
	return math.Sqrt(sum) * (1 + 1e-12)
}

// pairNorm computes ‖Φ_j Φ_i⁻¹‖₂ with reusable buffers.
type pairNorm struct {
	D    int
	prod *mat.Dense
	sym  *mat.SymDense
	eig  mat.EigenSym
}

func newPairNorm(D int) *pairNorm {
	return &pairNorm{D: D, prod: mat.NewDense(D, D, nil), sym: mat.NewSymDense(D, nil)}
}

// norm returns an upper bound of the 2-norm of a·b (row-major D×D): the
// square root of the largest eigenvalue of (ab)ᵀ(ab), with a relative
// margin for its rounding.
func (p *pairNorm) norm(a, b []float64) float64 {
	D := p.D
	p.prod.Mul(mat.NewDense(D, D, a), mat.NewDense(D, D, b))
	if D == 2 {
		// Closed form: σmax² = (s + √(s² − 4det²))/2 with s the squared
		// Frobenius norm.
		m := p.prod.RawMatrix().Data
		s := m[0]*m[0] + m[1]*m[1] + m[2]*m[2] + m[3]*m[3]
		det := m[0]*m[3] - m[1]*m[2]
		disc := math.Max(0, s*s-4*det*det)
		return math.Sqrt((s+math.Sqrt(disc))/2) * (1 + 1e-10)
	}
	p.sym.SymOuterK(1, p.prod.T())
	if !p.eig.Factorize(p.sym, false) {
		// Fall back on the Frobenius norm, an upper bound.
		return mat.Norm(p.prod, 2) * (1 + 1e-10)
	}
	v := p.eig.Values(nil)
	return math.Sqrt(math.Max(0, v[len(v)-1])) * (1 + 1e-10)
}

// symplecticInverse returns Φ⁻¹ = −JΦᵀJ for a symplectic Φ (row-major),
// J = [[0, I], [−I, 0]].
func symplecticInverse(p []float64, D int) []float64 {
	J := make([]float64, D*D)
	d := D / 2
	for i := 0; i < d; i++ {
		J[i*D+d+i], J[(d+i)*D+i] = 1, -1
	}
	var jm, pm, t, out mat.Dense
	jm.CloneFrom(mat.NewDense(D, D, J))
	pm.CloneFrom(mat.NewDense(D, D, p))
	t.Mul(&jm, pm.T())
	out.Mul(&t, &jm)
	out.Scale(-1, &out)
	return out.RawMatrix().Data
}
