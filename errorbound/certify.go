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
	// attempt. Default 20 per training spacing: 20·K clamped to
	// [1000, 100 000], where K is the solution's TrainingPoints() when it
	// has that method (solver.Solution does) and 200 otherwise.
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

// trained is a solution that knows its number of training points.
type trained interface{ TrainingPoints() int }

// defaultIntervals is the default of CertifySettings.Intervals: 20 per
// training spacing, at least 1000, at most 100 000.
func defaultIntervals(s Solution) int {
	K := 200
	if t, ok := s.(trained); ok {
		K = t.TrainingPoints()
	}
	return min(max(20*K, 1000), 100_000)
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
		cs.Intervals = defaultIntervals(s)
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
