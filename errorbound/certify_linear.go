package errorbound

import (
	"context"
	"fmt"
	"github.com/hnn-project/hnn/internal/stats"
	"math"
	"runtime"
	"sync"

	"github.com/hnn-project/hnn/internal/interval"
)

// taylorOrder is the degree p of the polynomials ũ and Φ̃ on each
// sub-interval. Their truncation enters the defect as (‖A‖h)^p/p!, far
// below its O(h²) part from the width of the enclosure of A.
const taylorOrder = 6

// model is what one sub-interval contributes to the linear stage: A and
// the residual modelled in τ = s − t_k ∈ [0, h],
//
//	A(s) ∈ Ā + W·τ,  Ā = A(c) − W·(c − t_k),  W ∋ dA/dt over the sub-interval,
//	ℓ_pl(s) = ℓ̃(c) + ℓ̃′(c)(s − c) = lt0 + lt1·τ (lt0 rounded, within lerr).
//
// a0, a1 are the midpoints of Ā and W (the model the polynomials follow),
// g0, g1 bound |Ā − a0| + γ|a0| and |W − a1| + γ|a1| (the γ for the
// rounding of the recurrences), ab and wb bound |Ā| and |W|.
type model struct {
	h, hHi, eh float64 // h = fl(t_{k+1} − t_k), hHi ≥ the exact length, eh ≥ |exact − h|
	a0, a1     []float64
	g0, g1     []float64
	ab, wb     []float64
	lt0, lt1   []float64
	lerr       []float64
	arow       float64 // ≥ max_i Σ_j (|Ā| + h|W|)_ij
	mu         float64 // ≥ μ₂(A(s)) over the sub-interval
}

func newModel(nnz, D int) model {
	buf := make([]float64, 6*nnz+3*D)
	take := func(n int) []float64 { s := buf[:n:n]; buf = buf[n:]; return s }
	return model{a0: take(nnz), a1: take(nnz), g0: take(nnz), g1: take(nnz), ab: take(nnz), wb: take(nnz),
		lt0: take(D), lt1: take(D), lerr: take(D)}
}

// encloseWS is the scratch of encloseSub.
type encloseWS struct {
	zb, zp       [4][]interval.Interval
	hessB, hessP []interval.Interval // D×D
	third        []interval.Interval // the pattern's third derivatives over the box
	dense3       []interval.Interval // D³ when H is not sparse
	grad         []interval.Interval
	ac, ab, w    []interval.Interval // entries of A(c), A over the box, W
	t1, t2       []interval.Interval
	l0, l1, l2   []interval.Interval
}

func (c *certifier) newEncloseWS() *encloseWS {
	D, st := c.D, c.st
	iv := func(n int) []interval.Interval { return make([]interval.Interval, n) }
	ws := &encloseWS{hessB: iv(D * D), hessP: iv(D * D), third: iv(len(st.third)), grad: iv(D),
		ac: iv(st.nnz()), ab: iv(st.nnz()), w: iv(st.nnz()), t1: iv(D), t2: iv(D), l0: iv(D), l1: iv(D), l2: iv(D)}
	if st.sp == nil {
		ws.dense3 = iv(D * D * D)
	}
	for k := range ws.zb {
		ws.zb[k], ws.zp[k] = iv(D), iv(D)
	}
	return ws
}

// encloseSub encloses everything sub-interval k needs, with c its centre
// and h its length: the box of ẑ, the piecewise-linear model of the
// residual and the bound δ_k on its error,
//
//	|ℓ_i(s) − ℓ̃_i(c) − ℓ̃₁_i(c)(s − c)| ≤ |ℓ_i(c) − ℓ̃_i(c)| + ρ|ℓ₁_i(c) − ℓ̃₁_i(c)| + (ρ²/2)·sup|ℓ₂_i|,
//
// ρ ≥ h/2 the largest |s − c|, ℓ₁ = dℓ/dt = d²ẑ/dt² − A·dẑ/dt and
// ℓ₂ = d²ℓ/dt² = d³ẑ/dt³ − W·dẑ/dt − A·d²ẑ/dt² (W = J∇³H[dẑ/dt]), the
// values at c enclosed at the point and ℓ₂ over the sub-interval; and the
// model of A. It returns why not, or "".
func (c *certifier) encloseSub(k int, ws *encloseWS, m *model) string {
	st, D := c.st, c.D
	a, b := c.node(k), c.node(k+1)
	mid := c.centre(k)
	if err := c.s.Enclose(ws.zb, a, b); err != nil {
		return err.Error()
	}
	if err := c.s.Enclose(ws.zp, mid, mid); err != nil {
		return err.Error()
	}
	for i := range ws.zb {
		if !allFinite(ws.zb[i]) || !allFinite(ws.zp[i]) {
			return fmt.Sprintf("the enclosure of the solution is not finite on [%.6g, %.6g]", a, b)
		}
	}
	c.box[k] = append([]interval.Interval(nil), ws.zb[0]...)
	for _, err := range []error{
		c.hb.GradBox(ws.grad, ws.zp[0]),
		c.hb.HessBox(ws.hessP, ws.zp[0]),
		c.hb.HessBox(ws.hessB, ws.zb[0]),
		st.thirdBox(ws.third, ws.dense3, ws.zb[0]),
	} {
		if err != nil {
			return fmt.Sprintf("the derivatives of H cannot be enclosed along the solution on [%.6g, %.6g]: %v", a, b, err)
		}
	}
	st.fromHess(ws.ac, ws.hessP)
	st.fromHess(ws.ab, ws.hessB)
	st.contract(ws.w, ws.third, ws.zb[1])
	// ℓ(c) = ẑ'(c) − J∇H(ẑ(c)), ℓ'(c) = ẑ''(c) − A(c)ẑ'(c),
	// ℓ'' = ẑ''' − Wẑ' − Aẑ'' over the sub-interval.
	applyJ(ws.t1, ws.grad)
	for i := range ws.l0 {
		ws.l0[i] = ws.zp[1][i].Sub(ws.t1[i])
	}
	st.mulVec(ws.t1, ws.ac, ws.zp[1])
	for i := range ws.l1 {
		ws.l1[i] = ws.zp[2][i].Sub(ws.t1[i])
	}
	st.mulVec(ws.t1, ws.w, ws.zb[1])
	st.mulVec(ws.t2, ws.ab, ws.zb[2])
	for i := range ws.l2 {
		ws.l2[i] = ws.zb[3][i].Sub(ws.t1[i]).Sub(ws.t2[i])
	}
	r := interval.Point(mid).Sub(interval.Point(a)) // c − t_k
	rho := math.Max(r.Hi, interval.Point(b).Sub(interval.Point(mid)).Hi)
	var d2 float64
	for i := 0; i < D; i++ {
		lc, l1c := ws.l0[i].Mid(), ws.l1[i].Mid()
		e := ws.l0[i].Sub(interval.Point(lc)).Mag()
		e = addUp(e, mulUp(rho, ws.l1[i].Sub(interval.Point(l1c)).Mag()))
		e = addUp(e, mulUp(mulUp(rho, rho)/2, ws.l2[i].Mag()))
		d2 = addUp(d2, mulUp(e, e))
		// The model in τ: ℓ_pl = (lc − l1c·r) + l1c·τ.
		rf := r.Mid()
		m.lt0[i], m.lt1[i] = lc-l1c*rf, l1c
		m.lerr[i] = addUp(mulUp(gamma(4), math.Abs(lc)+math.Abs(l1c)*math.Abs(rf)), mulUp(math.Abs(l1c), r.Hi-r.Lo))
	}
	c.delta[k] = sqrtUp(d2)
	if !stats.Finite(c.delta[k]) {
		return fmt.Sprintf("the residual is not finite on [%.6g, %.6g]", a, b)
	}
	// The length h, exact when the subtraction is (TwoSum).
	m.h = b - a
	if bb := m.h - b; (b-(m.h-bb))+(-a-bb) == 0 {
		m.hHi, m.eh = m.h, 0
	} else {
		hi := interval.Point(b).Sub(interval.Point(a))
		m.hHi, m.eh = hi.Hi, hi.Width()
	}
	g := gamma(2*D + 4)
	var arow float64
	for i := 0; i < D; i++ {
		var row float64
		for e := st.start[i]; e < st.start[i+1]; e++ {
			abar := ws.ac[e].Sub(ws.w[e].Mul(r))
			a0, a1 := abar.Mid(), ws.w[e].Mid()
			d0 := math.Max(a0-abar.Lo, abar.Hi-a0)
			d1 := math.Max(a1-ws.w[e].Lo, ws.w[e].Hi-a1)
			d0, d1 = interval.Up(d0), interval.Up(d1)
			m.a0[e], m.a1[e] = a0, a1
			m.g0[e] = addUp(d0, mulUp(g, math.Abs(a0)))
			m.g1[e] = addUp(d1, mulUp(g, math.Abs(a1)))
			m.ab[e] = addUp(math.Abs(a0), d0)
			m.wb[e] = addUp(math.Abs(a1), d1)
			row = addUp(row, addUp(m.ab[e], mulUp(m.hHi, m.wb[e])))
		}
		arow = math.Max(arow, row)
	}
	m.arow = arow
	m.mu = st.logNorm(ws.ab)
	if !stats.Finite(m.arow) || math.IsNaN(m.mu) || math.IsInf(m.mu, 1) {
		return fmt.Sprintf("the Hessian of H is not finite on [%.6g, %.6g]", a, b)
	}
	return ""
}

// stepWS is the scratch of step for matrices of up to D×m entries.
type stepWS struct {
	y, ay          [taylorOrder + 1][]float64
	s0, s1, tp, tq []float64
	rb, eb         []float64
	hp             [taylorOrder + 2]float64
}

func newStepWS(n int) *stepWS {
	ws := &stepWS{}
	for j := range ws.y {
		ws.y[j], ws.ay[j] = make([]float64, n), make([]float64, n)
	}
	ws.s0, ws.s1, ws.tp, ws.tq = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	ws.rb, ws.eb = make([]float64, n), make([]float64, n)
	return ws
}

// step advances the D×m matrix Y over the sub-interval of m by the Taylor
// polynomial of degree p of the model Y′ = (a0 + a1τ)Y + F(τ), F = −ℓ_pl
// in the one column of a forced step (the linear response ũ) and 0
// otherwise (the fundamental matrix Φ̃):
//
//	Y_0 = y0,  (j+1)·Y_{j+1} = a0·Y_j + a1·Y_{j−1} + F_j,  P(τ) = Σ_j Y_j τ^j,
//
// and stores fl(P(h)) in next. The function it stands for on the
// sub-interval is Ỹ(τ) = P(τ) + (τ/h)·E with E = next − P(h), so that Ỹ
// is continuous from one sub-interval to the next. Its defect R = Ỹ′ −
// A(s)Ỹ − F, for every A(s) ∈ Ā + Wτ, has the coefficients
//
//	τ^i:  [(i+1)Y_{i+1} − a0·Y_i − a1·Y_{i−1} − F_i] − (Ā − a0)Y_i − (W − a1)Y_{i−1}   (i < p),
//	τ^p:  −Ā·Y_p − W·Y_{p−1},  τ^{p+1}: −W·Y_p,
//
// the bracket being the rounding of the recurrence, plus E/h − A(s)(τ/h)E.
// So |R| ≤ g0·S0 + g1·S1 + ab·|Y_p|h^p + wb·(|Y_{p−1}|h^p + |Y_p|h^{p+1}) +
// |E|/h + arow·max|E| entrywise, S0 = Σ_{i<p}|Y_i|h^i, S1 = Σ_{0<i<p}
// |Y_{i−1}|h^i. It returns rint ≥ ∫‖R‖ over the sub-interval (Frobenius
// norm, which bounds the 2-norm) and bow ≥ (h²/8)·sup|f″| for f(τ) =
// ‖Ỹ(τ)x‖², x any unit vector: sup_τ‖Ỹ(τ)‖² ≤ max(‖Y_0‖², ‖next‖²) + bow,
// since f lies below its chord plus (h²/8)·sup|f″|, and f″ = 2(‖Ỹ′x‖² +
// Ỹx·Ỹ″x).
func (st *structure) step(m *model, y0, next []float64, cols int, forced bool, ws *stepWS) (rint, bow float64) {
	const p = taylorOrder
	D := st.D
	n := D * cols
	y := ws.y
	copy(y[0][:n], y0)
	for j := 0; j < p; j++ {
		z := y[j+1][:n]
		clear(z)
		st.axpy(z, m.a0, y[j][:n], cols)
		if j > 0 {
			st.axpy(z, m.a1, y[j-1][:n], cols)
		}
		if forced {
			for i := 0; i < D; i++ {
				switch j {
				case 0:
					z[i] -= m.lt0[i]
				case 1:
					z[i] -= m.lt1[i]
				}
			}
		}
		if j > 0 {
			inv := float64(j + 1)
			for i := range z {
				z[i] /= inv
			}
		}
	}
	for i := 0; i < n; i++ {
		v := y[p][i]
		for j := p - 1; j >= 0; j-- {
			v = v*m.h + y[j][i]
		}
		next[i] = v
	}
	// Bounds, in float on non-negative data, inflated at the end.
	h := m.hHi
	ws.hp[0] = 1
	for j := 1; j < len(ws.hp); j++ {
		ws.hp[j] = mulUp(ws.hp[j-1], h)
	}
	for j := 0; j <= p; j++ {
		for i, v := range y[j][:n] {
			ws.ay[j][i] = math.Abs(v)
		}
	}
	s0, s1, tp, tq, eb := ws.s0[:n], ws.s1[:n], ws.tp[:n], ws.tq[:n], ws.eb[:n]
	gh := gamma(2*p + 4)
	var u0, u1, u2, emax float64
	for i := 0; i < n; i++ {
		var a0, a1, v0, v1, v2 float64
		for j := 0; j < p; j++ {
			a0 += ws.ay[j][i] * ws.hp[j]
			if j < p-1 {
				a1 += ws.ay[j][i] * ws.hp[j+1]
			}
		}
		for j := 0; j <= p; j++ {
			x := ws.ay[j][i]
			v0 += x * ws.hp[j]
			if j > 0 {
				v1 += float64(j) * x * ws.hp[j-1]
			}
			if j > 1 {
				v2 += float64(j*(j-1)) * x * ws.hp[j-2]
			}
		}
		s0[i], s1[i] = a0, a1
		tp[i] = ws.ay[p][i] * ws.hp[p]
		tq[i] = ws.ay[p-1][i]*ws.hp[p] + ws.ay[p][i]*ws.hp[p+1]
		// |E| ≤ γ·Σ|Y_j|h^j (Horner) + eh·Σ j|Y_j|h^{j−1} (h inexact).
		e := gh*v0 + m.eh*v1
		eb[i] = e
		emax = math.Max(emax, e)
		u0 += (v0 + e) * (v0 + e)
		u1 += v1 * v1
		u2 += v2 * v2
	}
	hlo := h
	if m.eh > 0 {
		hlo = math.Nextafter(m.h-m.eh, 0)
	}
	rb := ws.rb[:n]
	clear(rb)
	st.axpy(rb, m.g0, s0, cols)
	st.axpy(rb, m.g1, s1, cols)
	st.axpy(rb, m.ab, tp, cols)
	st.axpy(rb, m.wb, tq, cols)
	ex := m.arow * emax
	var r2 float64
	for i := range rb {
		v := rb[i] + eb[i]/hlo + ex
		if forced {
			v += gamma(2*D+4)*(math.Abs(m.lt0[i])+math.Abs(m.lt1[i])*h) + m.lerr[i]
		}
		r2 += v * v
	}
	// Each entry is a sum of at most D + 2p + 8 products and sums.
	nops := 2*D + 4*p + 16
	r2 = inflate(r2, n+2*nops)
	rint = mulUp(h, sqrtUp(r2))
	e1 := emax / hlo
	u0, u1, u2 = inflate(u0, n+2*p+8), inflate(u1, n+2*p+8), inflate(u2, n+2*p+8)
	// ‖Ỹ′‖_F ≤ √u1 + √n·e1 (the correction's derivative E/h).
	d1 := addUp(sqrtUp(u1), mulUp(sqrtUp(float64(n)), e1))
	f2 := addUp(mulUp(d1, d1), mulUp(sqrtUp(u0), sqrtUp(u2)))
	bow = mulUp(mulUp(h, h)/4, f2)
	return rint, bow
}

// axpy adds a·x to dst for the entries a of A (or a non-negative matrix
// on A's pattern) and the D×cols row-major x.
func (st *structure) axpy(dst, a, x []float64, cols int) {
	if cols == 1 {
		for i := 0; i < st.D; i++ {
			s := dst[i]
			for e := st.start[i]; e < st.start[i+1]; e++ {
				s += a[e] * x[st.col[e]]
			}
			dst[i] = s
		}
		return
	}
	for i := 0; i < st.D; i++ {
		row := dst[i*cols : (i+1)*cols]
		for e := st.start[i]; e < st.start[i+1]; e++ {
			v := a[e]
			if v == 0 {
				continue
			}
			xr := x[st.col[e]*cols : (st.col[e]+1)*cols]
			for j, xv := range xr {
				row[j] += v * xv
			}
		}
	}
}

// linear runs the linear stage over all sub-intervals, block by block:
// the enclosures of each sub-interval (encloseSub), the block propagators
// Φ̃ integrated afresh from the identity at each block start with the
// proven bound on their error, and the linear response ũ with its defect
// and sup‖ũ‖. Blocks are done in waves: the blocks of a wave in parallel
// (enclosures and Φ̃), then ũ through the wave in order.
func (c *certifier) linear(ctx context.Context) (string, error) {
	N, D, st := c.N, c.D, c.st
	M := len(c.ends) - 1
	c.box = make([][]interval.Interval, N)
	c.delta, c.dint, c.ulin = make([]float64, N), make([]float64, N), make([]float64, N)
	c.bt, c.be, c.inner = make([][]float64, M), make([]float64, M), make([]float64, M)
	workers := max(1, min(runtime.GOMAXPROCS(0), M))
	wave := 2 * workers
	S := c.ends[1] - c.ends[0]
	models := make([]model, wave*S)
	for i := range models {
		models[i] = newModel(st.nnz(), D)
	}
	type worker struct {
		enc  *encloseWS
		step *stepWS
		nws  *normWS
	}
	ws := make([]worker, workers)
	for w := range ws {
		ws[w] = worker{enc: c.newEncloseWS(), step: newStepWS(D * D), nws: newNormWS(D)}
	}
	ustep := newStepWS(D)
	u, unext := make([]float64, D), make([]float64, D)
	whys := make([]string, M)
	for J0 := 0; J0 < M; J0 += wave {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		J1 := min(M, J0+wave)
		jobs := make(chan int, J1-J0)
		for J := J0; J < J1; J++ {
			jobs <- J
		}
		close(jobs)
		var wg sync.WaitGroup
		for w := range ws {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for J := range jobs {
					if ctx.Err() != nil {
						continue // drain the wave; the check after it returns
					}
					whys[J] = c.block(J, models[(J-J0)*S:], ws[w].enc, ws[w].step, ws[w].nws)
				}
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return "", err
		}
		for J := J0; J < J1; J++ {
			if whys[J] != "" {
				return whys[J], nil
			}
		}
		// ũ through the wave, from ũ(0) = 0.
		base := c.ends[J0]
		for k := base; k < c.ends[J1]; k++ {
			m := &models[k-base]
			rint, bow := st.step(m, u, unext, 1, true, ustep)
			c.dint[k] = rint
			n0, n1 := frobUp(u), frobUp(unext)
			c.ulin[k] = sqrtUp(addUp(mulUp(math.Max(n0, n1), math.Max(n0, n1)), bow))
			if !stats.Finite(c.ulin[k]) || !stats.Finite(rint) {
				return fmt.Sprintf("the linear response is not finite at t = %.4g", c.node(k)), nil
			}
			u, unext = unext, u
		}
		if c.progress != nil {
			c.progress(J1, M)
		}
	}
	return "", nil
}

// tightInner is the largest D for which the propagator's norm within a
// block is taken from Φ̃ at every node (a verified norm per node) rather
// than from the logarithmic norm alone.
const tightInner = 16

// block does block J: the enclosures of its sub-intervals into models
// (from the block's first sub-interval), then Φ̃ from the identity at its
// start C_J to its end. With R the defect of Φ̃ and G_J =
// exp(Σ_k h_k·max(0, μ_k)) ≥ ‖Φ(t, s)‖ for s ≤ t in the block (the
// logarithmic norm), Φ(t, C_J) − Φ̃(t) = −∫Φ(t, s)R(s)ds has norm at most
// G_J·∫‖R‖; so ‖Φ(t, C_J)‖ ≤ sup‖Φ̃‖ + G_J·∫‖R‖, and Φ being symplectic
// (‖Φ(C_J, s)‖ = ‖Φ(s, C_J)‖), ‖Φ(t, s)‖ ≤ (sup‖Φ̃‖ + G_J∫‖R‖)² for s ≤ t.
// inner[J] is the smaller of the two bounds, and the error of the block
// propagator bt[J] = Φ̃(C_{J+1}) at most inner[J]·∫‖R‖.
func (c *certifier) block(J int, models []model, enc *encloseWS, sws *stepWS, nws *normWS) string {
	st, D := c.st, c.D
	b0, b1 := c.ends[J], c.ends[J+1]
	for k := b0; k < b1; k++ {
		if why := c.encloseSub(k, enc, &models[k-b0]); why != "" {
			return why
		}
	}
	y, next := make([]float64, D*D), make([]float64, D*D)
	for i := 0; i < D; i++ {
		y[i*D+i] = 1
	}
	tight := D <= tightInner
	var intR, logsum float64
	sup, n0 := 1.0, 1.0
	for k := b0; k < b1; k++ {
		m := &models[k-b0]
		rint, bow := st.step(m, y, next, D, false, sws)
		intR = addUp(intR, rint)
		logsum = addUp(logsum, mulUp(m.hHi, math.Max(0, m.mu)))
		if tight {
			n1 := nws.norm(next)
			sup = math.Max(sup, sqrtUp(addUp(mulUp(math.Max(n0, n1), math.Max(n0, n1)), bow)))
			n0 = n1
		}
		y, next = next, y
	}
	g := expUp(logsum)
	inner := g
	if tight {
		s := addUp(sup, mulUp(g, intR))
		inner = math.Min(g, mulUp(s, s))
	}
	c.inner[J] = inner
	c.be[J] = mulUp(inner, intR)
	c.bt[J] = y
	if !stats.Finite(inner) || !stats.Finite(c.be[J]) || !allFiniteF(y) {
		return fmt.Sprintf("the fundamental matrix of the variational equation is not finite on [%.4g, %.4g]", c.node(b0), c.node(b1))
	}
	return ""
}

func allFiniteF(v []float64) bool {
	for _, x := range v {
		if !stats.Finite(x) {
			return false
		}
	}
	return true
}
