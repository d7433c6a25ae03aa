package errorbound

import (
	"context"
	"fmt"
	"math"

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
	// Intervals is the number N of sub-intervals of [0, T]. Default 4000.
	// Callers with a training grid of K points use 20·K.
	Intervals int
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
	// certified.
	Bound float64
	// Reason says why there is no bound; empty when Certified.
	Reason string

	// The parts of the bound: Bound = Linear + Integration + Residual +
	// Nonlinear.
	Linear      float64 // sup_t ‖u(t)‖, u the linear response to the piecewise-linear residual
	Integration float64 // the integration error allowance of u
	Residual    float64 // Φmax·∫δ: the residual's departure from its piecewise-linear model
	Nonlinear   float64 // Φmax·∫½M3ρ²: the second-order remainder over the tube
	// Rho is the radius of the closed tube, PhiMax the bound on
	// ‖Φ(t,s)‖₂, M3 the largest bound on the third derivatives of H over
	// the tube (Frobenius norm of the tensor).
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
// error is for cancellation only.
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
	if cs.Intervals < 1 || !(cs.Tol > 0) || !(T > 0) || math.IsInf(T, 0) {
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
	c := &certifier{h: h, hb: hb, hs: hs, s: enc, T: T, N: cs.Intervals, D: h.Dim()}
	if why := c.enclose(); why != "" {
		return notCertified("%s", why), nil
	}
	if err := c.integrate(ctx, cs.Tol); err != nil {
		if ctx.Err() != nil {
			return Certified{}, err
		}
		return notCertified("the linear error equation could not be integrated: %v", err), nil
	}
	if why := c.phiMax(); why != "" {
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

	u      [][]float64 // u(t_k)
	phi    [][]float64 // Φ(t_k), D×D row-major
	errSum float64     // sum of DOP853's local error estimates

	linear, phiMaxV float64
}

func (c *certifier) node(k int) float64 { return c.T * float64(k) / float64(c.N) }

// up rounds a non-negative float computation up by a relative 1e-12, far
// more than the rounding of the few operations it follows.
func up(x float64) float64 { return x * (1 + 1e-12) }

// enclose computes, for every sub-interval, the box of ẑ, the
// piecewise-linear model of the residual and the bound δ_k on its error:
// with c the midpoint and h the length,
//
//	|ℓ_i(s) − ℓ̃_i(c) − ℓ̃'_i(c)(s − c)| ≤ |ℓ_i(c) − ℓ̃_i(c)| + (h/2)|ℓ'_i(c) − ℓ̃'_i(c)| + (h²/8) sup|ℓ''_i|,
//
// where ℓ' = ẑ'' − J∇²H(ẑ)ẑ' and ℓ'' = ẑ''' − J(∇³H(ẑ)[ẑ', ẑ'] + ∇²H(ẑ)ẑ'').
func (c *certifier) enclose() string {
	N, D := c.N, c.D
	c.box = make([][]interval.Interval, N)
	c.lc, c.l1c = make([][]float64, N), make([][]float64, N)
	c.delta, c.lpl, c.growth = make([]float64, N), make([]float64, N), make([]float64, N)
	var zb, zp [4][]interval.Interval
	for k := range zb {
		zb[k], zp[k] = make([]interval.Interval, D), make([]interval.Interval, D)
	}
	hessB, hessP := make([]interval.Interval, D*D), make([]interval.Interval, D*D)
	third := make([]interval.Interval, D*D*D)
	grad := make([]interval.Interval, D)
	l0, l1, l2, tmp := make([]interval.Interval, D), make([]interval.Interval, D), make([]interval.Interval, D), make([]interval.Interval, D)
	for k := 0; k < N; k++ {
		a, b := c.node(k), c.node(k+1)
		h := b - a
		mid := a + h/2
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

// integrate solves u' = A(t)u − ℓ_pl(t), u(0) = 0, and Φ' = A(t)Φ,
// Φ(0) = I, with A = J∇²H(ẑ(t)), restarting DOP853 at every node (ℓ_pl
// jumps there), and records u and Φ at the nodes.
func (c *certifier) integrate(ctx context.Context, tol float64) error {
	N, D := c.N, c.D
	c.u, c.phi = make([][]float64, N+1), make([][]float64, N+1)
	y := make([]float64, D+D*D)
	for i := 0; i < D; i++ {
		y[D+i*D+i] = 1
	}
	c.u[0] = append([]float64(nil), y[:D]...)
	c.phi[0] = append([]float64(nil), y[D:]...)
	z := make([]float64, D)
	hess := mat.NewSymDense(D, nil)
	hv := make([]float64, D)
	var k int
	col, out := make([]float64, D), make([]float64, D)
	f := func(dst []float64, t float64, y []float64) {
		c.s.At(z, t)
		c.hs.Hess(hess, z)
		// u' = J(∇²H u) − ℓ_pl.
		hessVec(hv, hess, y[:D])
		applyJF(dst[:D], hv)
		mid := (c.node(k) + c.node(k+1)) / 2
		for i := 0; i < D; i++ {
			dst[i] -= c.lc[k][i] + c.l1c[k][i]*(t-mid)
		}
		// Φ' = J∇²H Φ, column by column (Φ row-major: column j is y[D+i·D+j]).
		for j := 0; j < D; j++ {
			for i := 0; i < D; i++ {
				col[i] = y[D+i*D+j]
			}
			hessVec(hv, hess, col)
			applyJF(out, hv)
			for i := 0; i < D; i++ {
				dst[D+i*D+j] = out[i]
			}
		}
	}
	for k = 0; k < N; k++ {
		a, b := c.node(k), c.node(k+1)
		r := &symplectic.DOP853{RTol: tol, ATol: tol, InitialStep: b - a}
		sol, err := r.Solve(ctx, f, y, a, b)
		if err != nil {
			return err
		}
		y = sol.At(y, b)
		c.errSum += sol.Stats().ErrorEstimate
		c.u[k+1] = append([]float64(nil), y[:D]...)
		c.phi[k+1] = append([]float64(nil), y[D:]...)
	}
	for k := 0; k < N; k++ {
		un := math.Max(norm(c.u[k]), norm(c.u[k+1]))
		h := c.node(k+1) - c.node(k)
		// Between nodes, forward from t_k or backward from t_{k+1}:
		// ‖u(t)‖ ≤ L_k(‖u(t_k)‖ + (t − t_k)·sup‖ℓ_pl‖), and the same from
		// the right; the smaller of the two is at most L_k(max + h/2·sup).
		c.linear = math.Max(c.linear, up(c.growth[k]*(un+h/2*c.lpl[k])))
	}
	return nil
}

// phiMax bounds ‖Φ(t,s)‖₂ over 0 ≤ s ≤ t ≤ T from the node values,
// Φ(t_j, t_i) = Φ(t_j)Φ(t_i)⁻¹ with Φ⁻¹ = −JΦᵀJ: exact norms for node
// pairs within blocks of consecutive nodes and between block ends,
// products of those across blocks, and the factor L_k at either end for
// times between nodes.
func (c *certifier) phiMax() string {
	N, D := c.N, c.D
	// Blocks: about 256 of them, so block-end pairs cost 256²/2 norms and
	// pairs inside blocks N·(N/256)/2.
	S := max(1, (N+255)/256)
	pn := newPairNorm(D)
	inv := make([][]float64, N+1)
	for k, p := range c.phi {
		inv[k] = symplecticInverse(p, D)
	}
	var inner, outer float64
	for b0 := 0; b0 < N; b0 += S {
		b1 := min(N, b0+S)
		for j := b0; j <= b1; j++ {
			for i := b0; i < j; i++ {
				inner = math.Max(inner, pn.norm(c.phi[j], inv[i]))
			}
		}
	}
	var ends []int
	for b := 0; b < N; b += S {
		ends = append(ends, b)
	}
	ends = append(ends, N)
	for jj, j := range ends {
		for _, i := range ends[:jj] {
			outer = math.Max(outer, pn.norm(c.phi[j], inv[i]))
		}
	}
	inner = math.Max(inner, 1)
	outer = math.Max(outer, 1)
	var lmax float64
	for _, g := range c.growth {
		lmax = math.Max(lmax, g)
	}
	pairs := math.Max(inner, inner*inner*outer)
	// The computed Φ differs from the exact one by the integration error:
	// allow D·‖Φ‖·(sum of local error estimates) per factor, twice.
	pairs *= 1 + 2*float64(D)*pairs*c.errSum
	c.phiMaxV = up(lmax * lmax * pairs)
	if !finite(c.phiMaxV) {
		return "the fundamental matrix of the variational equation is not finite"
	}
	return ""
}

// close finds the tube radius: the smallest ρ found with B(ρ) < ρ, where
// B(ρ) = sup‖u‖ + ε + Φmax·Σ_k h_k(δ_k + ½M3_k(ρ)ρ²) and M3_k(ρ) bounds
// the third derivatives of H over the box of ẑ on block k inflated by ρ.
func (c *certifier) close() Certified {
	N, D := c.N, c.D
	var resid float64
	for k := 0; k < N; k++ {
		resid += (c.node(k+1) - c.node(k)) * c.delta[k]
	}
	integ := up(c.phiMaxV * math.Sqrt(float64(D)) * c.errSum)
	base := c.linear + integ + up(c.phiMaxV*resid)
	// Blocks of sub-intervals for the tube's third derivatives.
	S := max(1, (N+255)/256)
	type block struct {
		box []interval.Interval
		h   float64
	}
	var blocks []block
	for b0 := 0; b0 < N; b0 += S {
		b1 := min(N, b0+S)
		box := append([]interval.Interval(nil), c.box[b0]...)
		for k := b0 + 1; k < b1; k++ {
			for i := range box {
				box[i] = interval.Hull(box[i], c.box[k][i])
			}
		}
		blocks = append(blocks, block{box, c.node(b1) - c.node(b0)})
	}
	third := make([]interval.Interval, D*D*D)
	tube := make([]interval.Interval, D)
	var m3max float64
	var why string
	nonlinear := func(rho float64) float64 {
		var sum float64
		m3max = 0
		for _, b := range blocks {
			for i := range tube {
				tube[i] = b.box[i].Inflate(rho)
			}
			if err := c.hb.Deriv3Box(third, tube); err != nil {
				why = fmt.Sprintf("the third derivatives of H cannot be enclosed over the tube of radius %.3g: %v", rho, err)
				return math.Inf(1)
			}
			m3 := interval.Norm(third)
			if !finite(m3) {
				why = fmt.Sprintf("the third derivatives of H are not finite over the tube of radius %.3g (it reaches a singularity of H)", rho)
				return math.Inf(1)
			}
			m3max = math.Max(m3max, m3)
			sum += b.h * 0.5 * m3 * rho * rho
		}
		return up(c.phiMaxV * sum)
	}
	res := Certified{
		Bound: math.Inf(1), Linear: c.linear, Integration: integ, Residual: up(c.phiMaxV * resid),
		PhiMax: c.phiMaxV, Intervals: N,
	}
	if !finite(base) {
		res.Reason = "the linear part of the bound is not finite"
		return res
	}
	tiny := 1e-300
	for _, r := range []float64{2, 1.5, 1.25, 1.1, 1.05, 1.02, 3, 5, 10} {
		rho := r*base + tiny
		nl := nonlinear(rho)
		b := up(base + nl)
		if !(b < rho) {
			continue
		}
		// Shrink: ρ' just above B(ρ) has B(ρ') ≤ B(ρ) < ρ', as B grows
		// with ρ; check it anyway.
		for range 4 {
			rho2 := b*(1+1e-9) + tiny
			nl2 := nonlinear(rho2)
			b2 := up(base + nl2)
			if !(b2 < rho2) || !(b2 <= b) {
				break
			}
			rho, nl, b = rho2, nl2, b2
		}
		nonlinear(rho) // m3max for the reported ρ
		res.Certified, res.Bound, res.Rho, res.Nonlinear, res.M3 = true, b, rho, nl, m3max
		return res
	}
	if why == "" {
		why = fmt.Sprintf("the tube does not close: the second-order remainder ½·M3·ρ² (M3 up to %.3g) integrated along the solution exceeds the margin ρ − %.3g for every radius tried", m3max, base)
	}
	res.Reason = why
	res.M3 = m3max
	return res
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
