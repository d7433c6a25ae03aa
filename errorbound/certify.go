package errorbound

import (
	"context"
	"fmt"
	"github.com/hnn-project/hnn/internal/stats"
	"math"
	"time"

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
	// MaxIntervals caps the refinement: when the residual and defect parts
	// of the bound (which fall like N⁻² to N⁻³) are more than 3 % of the
	// linear part, Certify tries once more with N raised for them to be
	// about 3 %, at most MaxIntervals. Default 8·Intervals; set it to
	// Intervals for a single attempt.
	MaxIntervals int
	// Target, if positive, is the bound the caller needs (the automatic
	// mode's tolerance). A first attempt whose bound is at most Target is
	// not refined; one above it is refined for the residual and defect
	// parts to fit in what the linear and nonlinear parts leave of Target
	// (when that is more than 3 % of the linear part), up to three times
	// while the bound stays above Target, at most MaxIntervals.
	Target float64
	// Progress, if set, is called from time to time with the work done
	// and the total of the current attempt (in blocks of sub-intervals;
	// a refinement starts a new count). It must return quickly.
	Progress func(done, total int)
}

// Joint is where two windows of a windowed solution meet (solver.Solution
// chains): at T the later window starts from the earlier one's end state
// rounded to float64, so ẑ jumps by at most Jump (‖·‖₂).
type Joint struct {
	T    float64
	Jump float64
}

// Windowed is a solution made of windows whose networks are smooth only
// within each window. Certify aligns its sub-intervals with the joints
// (each window gets its share of them, equally spaced) and adds every
// jump to the error: an impulse Δ at t_k adds ‖Φ(t, t_k)‖·‖Δ‖ to the
// remainder for t ≥ t_k.
type Windowed interface {
	Joints() []Joint
}

// trained is a solution that knows its number of training points.
type trained interface{ TrainingPoints() int }

// DefaultIntervals is the default of CertifySettings.Intervals for s: 20
// per training spacing, at least 1000, at most 100 000.
func DefaultIntervals(s Solution) int {
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
	// Integration + Residual + Nonlinear (each rounded up).
	Linear      float64 // sup_t ‖ũ(t)‖, ũ the computed linear response to the piecewise-linear residual
	Integration float64 // ∫‖Φ(t,s)‖·‖d(s)‖ds: the proven integration error of ũ, from its defect d = ũ′ − Aũ + ℓ_pl
	Residual    float64 // ∫‖Φ(t,s)‖δ(s)ds: the residual's departure from its piecewise-linear model
	Nonlinear   float64 // ∫‖Φ(t,s)‖½M3ρ²ds: the second-order remainder over the tube
	// Rho is the radius of the closed tube, PhiMax the bound on
	// ‖Φ(t,s)‖₂, M3 the largest bound on the third derivatives of H over
	// the tube (sup ‖∇³H[e,e]‖ over unit e).
	Rho, PhiMax, M3 float64
	// Intervals is the number of sub-intervals used.
	Intervals int
	// Until is the time up to which the tube closed: T when Certified,
	// else the start of the block where it failed (0 when it failed
	// before the tube). Envelope is β(t), the bound block by block up to
	// Until: on [T0, T1], ‖z(t) − ẑ(t)‖₂ ≤ Bound — certified on [0,
	// Until] even when the whole interval is not.
	Until    float64
	Envelope []EnvelopeBlock
	// Seconds is the wall time Certify took.
	Seconds float64
}

// EnvelopeBlock is the certified bound on one block of sub-intervals.
type EnvelopeBlock struct {
	T0, T1, Bound float64
}

// BoundUntil returns the largest bound of the envelope, the certified
// max‖δz‖ on [0, Until]; +Inf when the envelope is empty.
func (c Certified) BoundUntil() float64 {
	if len(c.Envelope) == 0 {
		return math.Inf(1)
	}
	var b float64
	for _, e := range c.Envelope {
		b = math.Max(b, e.Bound)
	}
	return b
}

func notCertified(format string, args ...any) Certified {
	return Certified{Bound: math.Inf(1), Reason: fmt.Sprintf(format, args...)}
}

// Certify bounds ‖z(t) − ẑ(t)‖₂ on [0, T] for the true solution z of
// Hamilton's equations with z(0) = ẑ(0), by the construction of the
// package documentation. h must implement hamiltonians.Enclosure, s must
// implement Encloser; otherwise, or when the argument does not close, the
// result is not certified and says why. The error is non-nil only when
// ctx is cancelled (then Certify returns within about one block of work).
func Certify(ctx context.Context, h hamiltonians.Hamiltonian, s Solution, T float64, set *CertifySettings) (Certified, error) {
	start := time.Now()
	res, err := certify(ctx, h, s, T, set)
	res.Seconds = time.Since(start).Seconds()
	return res, err
}

func certify(ctx context.Context, h hamiltonians.Hamiltonian, s Solution, T float64, set *CertifySettings) (Certified, error) {
	var cs CertifySettings
	if set != nil {
		cs = *set
	}
	if cs.Intervals == 0 {
		cs.Intervals = DefaultIntervals(s)
	}
	if cs.MaxIntervals == 0 {
		cs.MaxIntervals = 8 * cs.Intervals
	}
	if cs.Intervals < 1 || cs.MaxIntervals < cs.Intervals || !(T > 0) || math.IsInf(T, 0) {
		panic(fmt.Sprintf("errorbound: Certify with %d to %d intervals on [0, %g]", cs.Intervals, cs.MaxIntervals, T))
	}
	hb, ok := h.(hamiltonians.Enclosure)
	if !ok {
		return notCertified("the Hamiltonian cannot be enclosed over boxes (only formulas can)"), nil
	}
	enc, ok := s.(Encloser)
	if !ok {
		return notCertified("the solution cannot be enclosed over time intervals"), nil
	}
	st, err := newStructure(hb)
	if err != nil {
		return notCertified("the derivatives of H cannot be enclosed: %v", err), nil
	}
	var joints []Joint
	if w, ok := s.(Windowed); ok {
		joints = w.Joints()
	}
	attempt := func(N int) (Certified, error) {
		c := &certifier{hb: hb, st: st, s: enc, T: T, N: N, D: h.Dim(), progress: cs.Progress}
		c.alignTo(joints)
		N = c.N
		res, err := c.run(ctx)
		res.Intervals = N
		return res, err
	}
	res, err := attempt(cs.Intervals)
	if err != nil || cs.MaxIntervals == cs.Intervals {
		return res, err
	}
	// Without a target, one refinement. With one, up to maxRefinements
	// while the bound is above it, each sized by the order of convergence
	// of the residual part measured between the last two attempts (on
	// long windows it falls more slowly than N⁻³).
	tries := 1
	if cs.Target > 0 {
		tries = maxRefinements
	}
	N, order := cs.Intervals, 3.0
	for range tries {
		if cs.Target > 0 && res.Certified && res.Bound <= cs.Target {
			break
		}
		M := refined(res, N, cs.MaxIntervals, cs.Target, order)
		if M == 0 {
			break
		}
		fine, err := attempt(M)
		if err != nil {
			return Certified{}, err
		}
		if r0, r1 := res.Residual, fine.Residual; r0 > r1 && r1 > 0 && stats.Finite(r0) {
			order = min(3, max(1, math.Log(r0/r1)/math.Log(float64(M)/float64(N))))
		}
		if res.Certified && !(fine.Certified && fine.Bound < res.Bound) {
			break
		}
		if !res.Certified && !fine.Certified && res.Until > fine.Until {
			break
		}
		res, N = fine, M
	}
	return res, nil
}

// maxRefinements is the number of refinements Certify tries with a
// target.
const maxRefinements = 3

// residualShare is the share of the residual and defect parts in the
// linear part above which Certify refines the sub-intervals.
const residualShare = 0.03

// refined returns the number of sub-intervals of the attempt after res
// on N, or 0 when there is none. The residual part falls like N⁻³ where
// the width of the enclosure of d²ℓ/dt² dominates it (the usual case),
// like N⁻² where d²ℓ/dt² itself does (order is the exponent, 3 unless
// measured); the defect part like N⁻² (the enclosure of A over a
// sub-interval is first order): N is raised by the factor f solving
// R/f^order + I/f² = g, with a margin, where g is
// share·L or, with a target above L + Nonlinear, the larger of that and
// half of target − L − Nonlinear (half: on few sub-intervals L can be
// far below its limit).
func refined(res Certified, N, maxN int, target, order float64) int {
	R, I, L := res.Residual, res.Integration, res.Linear
	goal := residualShare * L
	if room := 0.5 * (target - L - res.Nonlinear); room > goal {
		goal = room
	}
	if !(L > 0) || !(R+I > goal) || !stats.Finite(R+I) {
		return 0
	}
	pow := func(f float64) float64 {
		if order == 3 {
			return f * f * f
		}
		return math.Pow(f, order)
	}
	lo, hi := 1.0, 2.0
	for R/pow(hi)+I/(hi*hi) > goal && hi < 1e6 {
		lo, hi = hi, 2*hi
	}
	for range 40 {
		f := (lo + hi) / 2
		if R/pow(f)+I/(f*f) > goal {
			lo = f
		} else {
			hi = f
		}
	}
	M := min(maxN, int(math.Ceil(float64(N)*1.25*hi)))
	if float64(M) < 1.2*float64(N) {
		return 0
	}
	return M
}

// run does the work of Certify on c.N sub-intervals.
func (c *certifier) run(ctx context.Context) (Certified, error) {
	c.layout()
	if why, err := c.linear(ctx); err != nil || why != "" {
		return notCertified("%s", why), err
	}
	if err := c.pairs(ctx); err != nil {
		return Certified{}, err
	}
	if !stats.Finite(c.phiMax) {
		return notCertified("the fundamental matrix of the variational equation is not finite"), nil
	}
	return c.close(ctx)
}

// certifier holds the quantities of one attempt of Certify.
type certifier struct {
	hb       hamiltonians.Enclosure
	st       *structure
	s        Encloser
	T        float64
	N, D     int
	progress func(done, total int)

	// nodes, when set, are the sub-intervals' ends t_0 … t_N (aligned
	// with a chain's joints); nil means t_k = T·k/N. jumpAt[k] is the
	// jump of ẑ at t_k (nil: none).
	nodes  []float64
	jumpAt []float64

	// Per sub-interval k.
	box   [][]interval.Interval // enclosure of ẑ over sub-interval k
	delta []float64             // δ_k ≥ sup ‖ℓ − ℓ_pl‖
	dint  []float64             // ≥ ∫‖d‖ over sub-interval k, d the defect of ũ
	ulin  []float64             // ≥ sup ‖ũ‖ on sub-interval k

	// Per block J (between the nodes ends[J] and ends[J+1]).
	ends   []int
	bt     [][]float64 // Φ̃_J at the block's end (D×D row-major), the computed Φ(C_{J+1}, C_J)
	be     []float64   // ≥ ‖Φ(C_{J+1}, C_J) − bt[J]‖₂
	inner  []float64   // ≥ ‖Φ(t, s)‖₂ for s ≤ t in block J
	P      [][]float64 // P[J][I] ≥ ‖Φ(C_J, C_I)‖₂ for block ends I ≤ J
	phiMax float64
}

// node returns t_k = T·k/N; t_N is T itself.
func (c *certifier) node(k int) float64 {
	if c.nodes != nil {
		return c.nodes[k]
	}
	if k == c.N {
		return c.T
	}
	return c.T * float64(k) / float64(c.N)
}

// alignTo places the nodes for a windowed solution: the windows cut by
// the joints inside (0, T) get max(1, round(N·length/T)) equally spaced
// sub-intervals each (c.N becomes their total), and each joint's jump is
// recorded at its node. Without joints the nodes stay T·k/N.
func (c *certifier) alignTo(joints []Joint) {
	var inside []Joint
	for _, j := range joints {
		if j.T > 0 && j.T < c.T {
			inside = append(inside, j)
		}
	}
	if len(inside) == 0 {
		return
	}
	c.nodes = []float64{0}
	c.jumpAt = []float64{0}
	a := 0.0
	for w := 0; w <= len(inside); w++ {
		b, jump := c.T, 0.0
		if w < len(inside) {
			b, jump = inside[w].T, inside[w].Jump
		}
		n := max(1, int(math.Round(float64(c.N)*(b-a)/c.T)))
		for i := 1; i <= n; i++ {
			t := a + (b-a)*float64(i)/float64(n)
			if i == n {
				t = b
			}
			c.nodes = append(c.nodes, t)
			c.jumpAt = append(c.jumpAt, 0)
		}
		c.jumpAt[len(c.jumpAt)-1] = jump
		a = b
	}
	c.N = len(c.nodes) - 1
}

// centre is the point c_k about which the residual and A are modelled on
// sub-interval k.
func (c *certifier) centre(k int) float64 {
	a, b := c.node(k), c.node(k+1)
	return a + (b-a)/2
}

// layout groups the sub-intervals into blocks: 256 for D ≤ 16, fewer for
// larger D (the norms between all pairs of block ends cost D³ each), at
// least 8.
func (c *certifier) layout() {
	M := 256
	if c.D > 16 {
		M = max(8, min(256, int(2e4/math.Pow(float64(c.D), 1.5))))
	}
	M = min(M, c.N)
	S := (c.N + M - 1) / M
	c.ends = c.ends[:0]
	for b := 0; b < c.N; b += S {
		c.ends = append(c.ends, b)
	}
	c.ends = append(c.ends, c.N)
}

// applyJ stores J·v for intervals (dst may be v).
func applyJ(dst, v []interval.Interval) {
	d := len(v) / 2
	for i := 0; i < d; i++ {
		q, p := v[i], v[d+i]
		dst[i], dst[d+i] = p, q.Neg()
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

func norm(v []float64) float64 { return math.Sqrt(dot(v, v)) }
