package errorbound

import (
	"context"
	"fmt"
	"github.com/hnn-project/hnn/internal/stats"
	"math"

	"github.com/hnn-project/hnn/internal/interval"
)

// pairs bounds P[J][I] ≥ ‖Φ(C_J, C_I)‖₂ for all block ends I < J from the
// block propagators, without ever inverting Φ. For a start I, the products
// X̃_J = fl(B̃_{J−1}·X̃_{J−1}), X̃_{I+1} = B̃_I, have the error D_J = Φ(C_J,
// C_I) − X̃_J with
//
//	D_J = Σ_{K=I}^{J−1} Φ(C_J, C_{K+1})·(E_K·X̃_K − F_{K+1}),
//
// E_K = B_K − B̃_K (‖E_K‖ ≤ be[K]) and F_{K+1} the rounding of the product
// (‖F‖ ≤ γ_D‖B̃_K‖_F‖X̃_K‖_F), each local error carried to C_J by the true
// propagator. So P[J][I] = ‖X̃_J‖ + Σ_K P[J][K+1]·(be[K]‖X̃_K‖ + ‖F_{K+1}‖)
// with the P of later starts, computed first (I descending); ‖X̃_J‖ is the
// verified norm of normWS. A growing Φ (a saddle, where Φ(C_J)Φ(C_I)⁻¹
// loses every digit) costs nothing here: each product is of well-scaled
// block propagators.
func (c *certifier) pairs(ctx context.Context) error {
	D := c.D
	M := len(c.ends) - 1
	c.P = make([][]float64, M+1)
	for J := range c.P {
		c.P[J] = make([]float64, J+1)
		c.P[J][J] = 1
	}
	bf := make([]float64, M)
	for K := range bf {
		bf[K] = frobUp(c.bt[K])
	}
	gD := gamma(D)
	ws := newNormWS(D)
	x, xn := make([]float64, D*D), make([]float64, D*D)
	cK := make([]float64, M) // be[K]·‖X̃_K‖ + ‖F_{K+1}‖, for K ≥ I
	var pmax float64
	for I := M - 1; I >= 0; I-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		copy(x, c.bt[I])
		nx := ws.norm(x)
		cK[I] = c.be[I]
		c.P[I+1][I] = addUp(nx, c.be[I])
		pmax = math.Max(pmax, c.P[I+1][I])
		for J := I + 2; J <= M; J++ {
			B := c.bt[J-1]
			matMul(xn, B, x, D)
			f := mulUp(mulUp(gD, bf[J-1]), frobUp(x))
			cK[J-1] = addUp(mulUp(c.be[J-1], nx), f)
			x, xn = xn, x
			nx = ws.norm(x)
			s := nx
			for K := I; K < J; K++ {
				s = addUp(s, mulUp(c.P[J][K+1], cK[K]))
			}
			c.P[J][I] = s
			pmax = math.Max(pmax, s)
		}
	}
	for _, v := range c.inner {
		pmax = math.Max(pmax, v)
	}
	c.phiMax = pmax
	return nil
}

// matMul stores a·b for D×D row-major matrices (dst distinct from both).
func matMul(dst, a, b []float64, D int) {
	clear(dst)
	for i := 0; i < D; i++ {
		row := dst[i*D : (i+1)*D]
		for k, aik := range a[i*D : (i+1)*D] {
			if aik == 0 {
				continue
			}
			for j, bkj := range b[k*D : (k+1)*D] {
				row[j] += aik * bkj
			}
		}
	}
}

// close closes the tube block by block, forward in time. The error is e =
// ũ + w with ‖w(t)‖ ≤ ∫₀ᵗ ‖Φ(t,s)‖·q(s)ds, q = ‖d‖ + δ + ½M3ρ² (the defect
// of ũ, the residual's departure from its model, the second-order
// remainder over the tube of radius ρ). With Q_J = ∫_{block J} q, the
// error on block J is at most
//
//	β_J = sup_J ‖ũ‖ + inner_J·(W_J + Q_J),  W_J = Σ_{I<J} P[J][I+1]·inner_I·Q_I,
//
// and the block is closed when β_J < ρ_J, ρ_J searched from a few
// multiples of β_J without the nonlinear term, then shrunk towards β_J.
// W_J depends only on earlier blocks, so one pass suffices.
func (c *certifier) close(ctx context.Context) (Certified, error) {
	N, D, st := c.N, c.D, c.st
	M := len(c.ends) - 1
	res := Certified{Bound: math.Inf(1), PhiMax: c.phiMax, Intervals: N}
	third := make([]interval.Interval, len(st.third))
	var dense3 []interval.Interval
	if st.sp == nil {
		dense3 = make([]interval.Interval, D*D*D)
	}
	tn := newThirdNorm(st)
	tube := make([]interval.Interval, D)
	qres := make([]float64, M) // ∫δ over block I
	qdef := make([]float64, M) // ∫‖d‖ over block I
	qnl := make([]float64, M)  // ∫½M3ρ² over block I
	var why string
	for J := 0; J < M; J++ {
		if err := ctx.Err(); err != nil {
			return Certified{}, err
		}
		b0, b1 := c.ends[J], c.ends[J+1]
		box := append([]interval.Interval(nil), c.box[b0]...)
		var ulin float64
		for k := b0; k < b1; k++ {
			for i := range box {
				box[i] = interval.Hull(box[i], c.box[k][i])
			}
			ulin = math.Max(ulin, c.ulin[k])
			h := interval.Point(c.node(k + 1)).Sub(interval.Point(c.node(k))).Hi
			qres[J] = addUp(qres[J], mulUp(h, c.delta[k]))
			if c.jumpAt != nil && k > 0 {
				// The jump of ẑ at a joint t_k, an impulse in the remainder.
				if !stats.Finite(c.jumpAt[k]) {
					res.Reason = fmt.Sprintf("the jump of the solution at the window joint t = %.4g cannot be enclosed", c.node(k))
					res.Until = c.node(b0)
					return res, nil
				}
				qres[J] = addUp(qres[J], c.jumpAt[k])
			}
			qdef[J] = addUp(qdef[J], c.dint[k])
		}
		hJ := interval.Point(c.node(b1)).Sub(interval.Point(c.node(b0))).Hi
		var wres, wdef, wnl float64
		for I := 0; I < J; I++ {
			f := mulUp(c.P[J][I+1], c.inner[I])
			wres = addUp(wres, mulUp(f, qres[I]))
			wdef = addUp(wdef, mulUp(f, qdef[I]))
			wnl = addUp(wnl, mulUp(f, qnl[I]))
		}
		in := c.inner[J]
		residual := mulUp(in, addUp(wres, qres[J]))
		defect := mulUp(in, addUp(wdef, qdef[J]))
		base := addUp(addUp(ulin, residual), addUp(defect, mulUp(in, wnl)))
		if !stats.Finite(base) {
			res.Reason = fmt.Sprintf("the linear part of the bound is not finite at t = %.4g", c.node(b0))
			res.Until = c.node(b0)
			return res, nil
		}
		var m3 float64
		nonlinear := func(rho float64) float64 {
			for i := range tube {
				tube[i] = box[i].Inflate(rho)
			}
			if err := st.thirdBox(third, dense3, tube); err != nil {
				why = fmt.Sprintf("the third derivatives of H cannot be enclosed over the tube of radius %.3g at t = %.4g: %v", rho, c.node(b0), err)
				return math.Inf(1)
			}
			m3 = tn.bound(third)
			if !stats.Finite(m3) {
				why = fmt.Sprintf("the third derivatives of H are not finite over the tube of radius %.3g at t = %.4g (it reaches a singularity of H)", rho, c.node(b0))
				return math.Inf(1)
			}
			return mulUp(mulUp(hJ, 0.5*m3), mulUp(rho, rho))
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
			beta = addUp(base, mulUp(in, q))
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
				beta2 := addUp(base, mulUp(in, q2))
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
			return Certified{Bound: math.Inf(1), Reason: why, Linear: ulin, Integration: defect, Residual: residual,
				PhiMax: c.phiMax, M3: math.Max(res.M3, m3), Intervals: N, Until: c.node(b0), Envelope: res.Envelope}, nil
		}
		nonlinear(rho) // m3 at the chosen radius
		qnl[J] = q
		res.Envelope = append(res.Envelope, EnvelopeBlock{T0: c.node(b0), T1: c.node(b1), Bound: beta})
		res.M3 = math.Max(res.M3, m3)
		res.Rho = math.Max(res.Rho, rho)
		if J == 0 || beta > res.Bound {
			res.Bound = beta
			res.Linear = ulin
			res.Integration = defect
			res.Residual = residual
			res.Nonlinear = mulUp(in, addUp(wnl, q))
		}
	}
	res.Certified = true
	res.Until = c.T
	return res, nil
}

// thirdNorm bounds sup ‖T[e,e]‖₂ over ‖e‖₂ = 1 for every tensor T in an
// enclosure of the third derivatives: with M_a the matrix of magnitudes of
// slice a, |Σ_bc T_abc e_b e_c| ≤ ‖M_a‖₂, so the bound is
// sqrt(Σ_a ‖M_a‖₂²). Each ‖M_a‖₂, the Perron root of a non-negative
// symmetric matrix, is bounded above by the Collatz–Wielandt ratio
// max_b (M_a x)_b/x_b for any positive x (a few power iterations from the
// ones vector), and by the slice's Frobenius norm; the smaller is used,
// rounded up. Slices are sparse: a quadratic H has none.
type thirdNorm struct {
	st   *structure
	x, y []float64
}

func newThirdNorm(st *structure) *thirdNorm {
	return &thirdNorm{st: st, x: make([]float64, st.D), y: make([]float64, st.D)}
}

func (tn *thirdNorm) bound(third []interval.Interval) float64 {
	x, y := tn.x, tn.y
	var sum float64
	for _, sl := range tn.st.slices {
		if len(sl) == 0 {
			continue
		}
		var frob float64
		for _, e := range sl {
			m := third[e[2]].Mag()
			if math.IsNaN(m) || math.IsInf(m, 0) {
				return math.Inf(1)
			}
			frob += m * m
		}
		if frob == 0 {
			continue
		}
		for j := range x {
			x[j] = 1
		}
		var cw float64
		for it := 0; it < 20; it++ {
			clear(y)
			for _, e := range sl {
				y[e[0]] += third[e[2]].Mag() * x[e[1]]
			}
			var ymax float64
			for _, v := range y {
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
		n2 := math.Min(inflate(cw, len(sl)+2), sqrtUp(inflate(frob, len(sl)+1)))
		sum = addUp(sum, mulUp(n2, n2))
	}
	return sqrtUp(sum)
}
