package errorbound

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/interval"
	"github.com/hnn-project/hnn/symplectic"
)

// Encloser is a Solution whose values and first three time derivatives
// can be enclosed over a time interval by interval arithmetic
// (solver.Solution is one).
type Encloser interface {
	Solution
	// Enclose stores in z[k] (k = 0..3, each of length D) intervals that
	// contain d^kẑ/dt^k(t) for every t in [t0, t1].
	Enclose(z [4][]hamiltonians.Interval, t0, t1 float64) error
}

// CertifySettings controls Certify. The zero value means the defaults.
type CertifySettings struct {
	// Intervals is the number N of sub-intervals of [0, T] of the first
	// attempt. Default 4000. Callers with a training grid of K points use
	// at least 20·K.
	Intervals int
	// MaxIntervals caps the refinement: when the residual part of the
	// bound (which falls like N⁻² to N⁻³) is more than 3 % of the linear
	// part, Certify tries once more with N raised for it to be about 3 %
	// (assuming N⁻³, with a margin), at most MaxIntervals. Default
	// 8·Intervals; set it to Intervals for a single attempt.
	MaxIntervals int
	// Tol is the tolerance (rtol = atol) of DOP853 on the linear systems.
	// Default 1e-12.
	Tol float64
}

// Certified is the result of Certify.
type Certified struct {
	// Certified is true when the argument closed; then every t in [0, T]
	// has ‖z(t) − ẑ(t)‖₂ ≤ Bound.
	Certified bool
	// Bound is the certified bound on max_t ‖z(t) − ẑ(t)‖₂, +Inf when not
	// certified (the parts below then describe where it failed).
	Bound float64
	// Reason says why there is no bound; empty when Certified.
	Reason string

	// The parts of the bound at the time it is largest: Bound = Linear +
	// Integration + Residual + Nonlinear.
	Linear      float64 // sup_t ‖u(t)‖, u the linear response to the piecewise-linear residual
	Integration float64 // the integration error allowance of u
	Residual    float64 // ∫‖Φ(t,s)‖δ(s)ds: the residual's departure from its piecewise-linear model
	Nonlinear   float64 // ∫‖Φ(t,s)‖½M3ρ²ds: the second-order remainder over the tube
	// Rho is the radius of the closed tube, PhiMax the bound on
	// ‖Φ(t,s)‖₂, M3 the largest bound on the third derivatives of H over
	// the tube (sup ‖∇³H[e,e]‖ over unit e).
	Rho, PhiMax, M3 float64
	// Intervals is the number of sub-intervals used.
	Intervals int
}

func notCertified(format string, args ...any) Certified {
	return Certified{Bound: math.Inf(1), Reason: fmt.Sprintf(format, args...)}
}

// Certify bounds ‖z(t) − ẑ(t)‖₂ on [0, T] for the true solution z of
// Hamilton's equations with z(0) = ẑ(0), by the construction of the
// package documentation. h must implement hamiltonians.Enclosure and
// hamiltonians.Hesser, s must implement Encloser; otherwise, or when the
// argument does not close, the result is not certified and says why. The
// error is non-nil only when ctx is cancelled.
func Certify(ctx context.Context, h hamiltonians.Hamiltonian, s Solution, T float64, set *CertifySettings) (Certified, error) {
	var cs CertifySettings
	if set != nil {
		cs = *set
	}
	if cs.Intervals == 0 {
		cs.Intervals = 4000
	}
	if cs.Tol == 0 {
		cs.Tol = 1e-12
	}
	if cs.MaxIntervals == 0 {
		cs.MaxIntervals = 8 * cs.Intervals
	}
	if cs.Intervals < 1 || cs.MaxIntervals < cs.Intervals || !(cs.Tol > 0) || !(T > 0) || math.IsInf(T, 0) {
		panic(fmt.Sprintf("errorbound: Certify with %d intervals, tolerance %g on [0, %g]", cs.Intervals, cs.Tol, T))
	}
	hb, ok := h.(hamiltonians.Enclosure)
	if !ok {
		return notCertified("the Hamiltonian cannot be enclosed over boxes (only formulas can)"), nil
	}
	hs, ok := h.(hamiltonians.Hesser)
	if !ok {
		return notCertified("the Hamiltonian does not provide its Hessian"), nil
	}
	enc, ok := s.(Encloser)
	if !ok {
		return notCertified("the solution cannot be enclosed over time intervals"), nil
	}
	attempt := func(N int) (Certified, error) {
		c := &certifier{h: h, hb: hb, hs: hs, s: enc, T: T, N: N, D: h.Dim()}
		res, err := c.run(ctx, cs.Tol)
		res.Intervals = N
		return res, err
	}
	res, err := attempt(cs.Intervals)
	if err != nil || !(res.Linear > 0 && res.Residual > residualShare*res.Linear) || cs.MaxIntervals == cs.Intervals {
		return res, err
	}
	// The residual part falls like N⁻³ where the width of the enclosure of
	// d²ℓ/dt² dominates it (the usual case), like N⁻² where d²ℓ/dt² itself
	// does: aim at the share with the cube root and a margin.
	f := 1.25 * math.Cbrt(res.Residual/(residualShare*res.Linear))
	N := min(cs.MaxIntervals, int(math.Ceil(float64(cs.Intervals)*f)))
	if float64(N) < 1.2*float64(cs.Intervals) {
		return res, nil
	}
	fine, err := attempt(N)
	if err != nil {
		return Certified{}, err
	}
	if res.Certified && !(fine.Certified && fine.Bound < res.Bound) {
		return res, nil
	}
	return fine, nil
}

// residualShare is the share of the residual part in the linear part
// above which Certify refines the sub-intervals.
const residualShare = 0.03

// run does the work of Certify.
func (c *certifier) run(ctx context.Context, tol float64) (Certified, error) {
	if why := c.enclose(); why != "" {
		return notCertified("%s", why), nil
	}
	if err := c.integrate(ctx, tol); err != nil {
		if ctx.Err() != nil {
			return Certified{}, err
		}
		return notCertified("the variational equation along the solution could not be integrated: %v", err), nil
	}
	if why := c.blocks(); why != "" {
		return notCertified("%s", why), nil
	}
	return c.close(), nil
}

// certifier holds the per-sub-interval quantities of one Certify.
type certifier struct {
	h    hamiltonians.Hamiltonian
	hb   hamiltonians.Enclosure
	hs   hamiltonians.Hesser
	s    Encloser
	T    float64
	N, D int

	box    [][]interval.Interval // enclosure of ẑ over sub-interval k
	lc     [][]float64           // ℓ̃(c_k), midpoint of the enclosure of ℓ(c_k)
	l1c    [][]float64           // ℓ̃'(c_k)
	delta  []float64             // δ_k ≥ sup ‖ℓ − ℓ_pl‖ on sub-interval k
	lpl    []float64             // ≥ sup ‖ℓ_pl‖ on sub-interval k
	growth []float64             // L_k ≥ sup ‖Φ(t,s)‖ for t, s in sub-interval k

	u       [][]float64 // u(t_k)
	phi     [][]float64 // Φ(t_k), D×D row-major
	errSum  float64     // sum of DOP853's local error estimates
	quadErr float64     // Σ_k ‖3-point − 2-point Gauss rule‖ of ∫Φ⁻¹ℓ_pl
	vmax    float64     // max_k ‖∫₀^{t_k} Φ⁻¹ℓ_pl‖

	ulin []float64 // ≥ sup ‖u‖ on sub-interval k

	ends    []int       // block boundaries (node indices)
	inner   []float64   // per block
	P       [][]float64 // between block ends
	phiErr  float64
	phiMaxV float64
}

func (c *certifier) node(k int) float64 { return c.T * float64(k) / float64(c.N) }

// centre is the point about which the residual is modelled on
// sub-interval k; enclose and integrate must use the same one.
func (c *certifier) centre(k int) float64 {
	a, b := c.node(k), c.node(k+1)
	return a + (b-a)/2
}

// up rounds a non-negative float computation up by a relative 1e-12, far
// more than the rounding of the few operations it follows.
func up(x float64) float64 { return x * (1 + 1e-12) }

// enclose computes, for every sub-interval, the box of ẑ, the
// piecewise-linear model of the residual and the bound δ_k on its error:
// with c the midpoint, h the length, ℓ₁ = dℓ/dt and ℓ₂ = d²ℓ/dt²,
//
//	|ℓ_i(s) − ℓ̃_i(c) − ℓ̃₁_i(c)(s − c)| ≤ |ℓ_i(c) − ℓ̃_i(c)| + (h/2)|ℓ₁_i(c) − ℓ̃₁_i(c)| + (h²/8)·sup|ℓ₂_i|,
//
// where ℓ₁ = d²ẑ/dt² − J∇²H(ẑ)·dẑ/dt and
// ℓ₂ = d³ẑ/dt³ − J(∇³H(ẑ)[dẑ/dt, dẑ/dt] + ∇²H(ẑ)·d²ẑ/dt²), the values at c
// enclosed at the point and sup|ℓ₂| over the sub-interval.
func (c *certifier) enclose() string {
	N := c.N
	c.box = make([][]interval.Interval, N)
	c.lc, c.l1c = make([][]float64, N), make([][]float64, N)
	c.delta, c.lpl, c.growth = make([]float64, N), make([]float64, N), make([]float64, N)
	// The sub-intervals are independent: split them across the cores.
	workers := min(runtime.GOMAXPROCS(0), N)
	whys := make([]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			whys[w] = c.encloseRange(w*N/workers, (w+1)*N/workers)
		}()
	}
	wg.Wait()
	for _, why := range whys {
		if why != "" {
			return why
		}
	}
	return ""
}

// encloseRange does the work of enclose for sub-intervals k0 ≤ k < k1.
func (c *certifier) encloseRange(k0, k1 int) string {
	D := c.D
	var zb, zp [4][]interval.Interval
	for k := range zb {
		zb[k], zp[k] = make([]interval.Interval, D), make([]interval.Interval, D)
	}
	hessB, hessP := make([]interval.Interval, D*D), make([]interval.Interval, D*D)
	third := make([]interval.Interval, D*D*D)
	grad := make([]interval.Interval, D)
	l0, l1, l2, tmp := make([]interval.Interval, D), make([]interval.Interval, D), make([]interval.Interval, D), make([]interval.Interval, D)
	for k := k0; k < k1; k++ {
		a, b := c.node(k), c.node(k+1)
		h := b - a
		mid := c.centre(k)
		if err := c.s.Enclose(zb, a, b); err != nil {
			return err.Error()
		}
		if err := c.s.Enclose(zp, mid, mid); err != nil {
			return err.Error()
		}
		for i := 0; i < 4; i++ {
			if !allFinite(zb[i]) || !allFinite(zp[i]) {
				return fmt.Sprintf("the enclosure of the solution is not finite on [%.6g, %.6g]", a, b)
			}
		}
		c.box[k] = append([]interval.Interval(nil), zb[0]...)
		errs := []error{
			c.hb.GradBox(grad, zp[0]),
			c.hb.HessBox(hessP, zp[0]),
			c.hb.HessBox(hessB, zb[0]),
			c.hb.Deriv3Box(third, zb[0]),
		}
		for _, err := range errs {
			if err != nil {
				return fmt.Sprintf("the derivatives of H cannot be enclosed along the solution on [%.6g, %.6g]: %v", a, b, err)
			}
		}
		// ℓ(c) = ẑ'(c) − J∇H(ẑ(c)).
		applyJ(tmp, grad)
		for i := range l0 {
			l0[i] = zp[1][i].Sub(tmp[i])
		}
		// ℓ'(c) = ẑ''(c) − J∇²H(ẑ(c))ẑ'(c).
		matVec(tmp, hessP, zp[1])
		applyJ(tmp, tmp)
		for i := range l1 {
			l1[i] = zp[2][i].Sub(tmp[i])
		}
		// ℓ'' over the sub-interval.
		for i := 0; i < D; i++ {
			v := interval.Point(0)
			for j := 0; j < D; j++ {
				w := interval.Point(0)
				for m := 0; m < D; m++ {
					w = w.Add(third[(i*D+j)*D+m].Mul(zb[1][m]))
				}
				v = v.Add(w.Mul(zb[1][j]))
			}
			w := interval.Point(0)
			for j := 0; j < D; j++ {
				w = w.Add(hessB[i*D+j].Mul(zb[2][j]))
			}
			tmp[i] = v.Add(w)
		}
		applyJ(tmp, tmp)
		for i := range l2 {
			l2[i] = zb[3][i].Sub(tmp[i])
		}
		lc, l1c := make([]float64, D), make([]float64, D)
		var d2, p2 float64
		for i := 0; i < D; i++ {
			lc[i], l1c[i] = l0[i].Mid(), l1[i].Mid()
			e := l0[i].Sub(interval.Point(lc[i])).Mag() + h/2*l1[i].Sub(interval.Point(l1c[i])).Mag() + h*h/8*l2[i].Mag()
			d2 += e * e
			p := math.Abs(lc[i]) + h/2*math.Abs(l1c[i])
			p2 += p * p
		}
		c.lc[k], c.l1c[k] = lc, l1c
		c.delta[k], c.lpl[k] = up(math.Sqrt(d2)), up(math.Sqrt(p2))
		// ‖A‖₂ = ‖∇²H‖₂ ≤ its Frobenius norm; Grönwall over the sub-interval.
		c.growth[k] = up(math.Exp(up(h * interval.Norm(hessB))))
		if !finite(c.delta[k]) || !finite(c.growth[k]) {
			return fmt.Sprintf("the residual or the Hessian of H is not finite on [%.6g, %.6g]", a, b)
		}
	}
	return ""
}

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

// applyJ stores J·v for intervals (dst may be v).
func applyJ(dst, v []interval.Interval) {
	d := len(v) / 2
	for i := 0; i < d; i++ {
		q, p := v[i], v[d+i]
		dst[i], dst[d+i] = p, q.Neg()
	}
}

// applyJF stores J·v (dst must not be v).
func applyJF(dst, v []float64) {
	d := len(v) / 2
	for i := 0; i < d; i++ {
		dst[i], dst[d+i] = v[d+i], -v[i]
	}
}

// matVec stores m·v for a D×D interval matrix (dst must not be v).
func matVec(dst, m, v []interval.Interval) {
	D := len(v)
	for i := 0; i < D; i++ {
		s := interval.Point(0)
		for j := 0; j < D; j++ {
			s = s.Add(m[i*D+j].Mul(v[j]))
		}
		dst[i] = s
	}
}

func hessVec(dst []float64, h *mat.SymDense, v []float64) {
	D := len(v)
	for i := 0; i < D; i++ {
		var s float64
		for j := 0; j < D; j++ {
			s += h.At(i, j) * v[j]
		}
		dst[i] = s
	}
}

func allFinite(v []interval.Interval) bool {
	for _, x := range v {
		if !x.IsFinite() {
			return false
		}
	}
	return true
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func norm(v []float64) float64 { return math.Sqrt(dot(v, v)) }
