package solver

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
)

// Defaults of the automatic mode.
const (
	// DefaultTolerance is the tolerance of a problem file without a
	// solver section: a 1-DOF problem over about 20 time units reaches it
	// in a few seconds.
	DefaultTolerance = 1e-4
	// DefaultMaxSeconds is the default of Settings.MaxSeconds.
	DefaultMaxSeconds = 600
)

// The automatic mode's choices for every window. They were measured on
// the Morse oscillator and the anharmonic oscillator: two hidden layers
// of 12 reach ℓmax ≈ 1e-8 on windows of a quarter to half a period in
// about a thousand Levenberg–Marquardt iterations; wider layers cost more
// per iteration without getting further, and Adam only matters for the
// first, cold window.
var (
	autoHidden = []int{12, 12}
)

const (
	autoPoints      = 16   // training points per window (validation 4K+1 = 65)
	autoColdEpochs  = 1500 // Adam epochs of the first window
	autoColdLR      = 1e-2
	autoPolish      = 1500    // Levenberg–Marquardt iterations per window
	autoShrinks     = 2       // halvings of a window that misses its target
	autoSafety      = 0.5     // share of the tolerance the residual targets aim at
	autoTrainShare  = 0.85    // share of MaxSeconds for training before the certificate
	autoGrow        = 1.5     // growth of the window after an easy one
	autoMinFraction = 1e-4    // shortest window, as a fraction of T
	autoStalls      = 2       // passes in a row without a gain before giving up
	autoCheckpoint  = 0.1     // progress certifies the chain every tenth of T…
	autoCheckCost   = 0.05    // …while its certificates took at most this share of the time
	autoGain        = 0.8     // a pass gains when it lowers the best bound by 20 %
	autoAmpPoints   = 256     // grid of the amplification estimate
	autoFutile      = 1.0 / 8 // a window's share of its budget below which a smaller target cannot help
	autoHopeless    = 20      // shortest windows in a row over their budget that end the run
	autoOverspend   = 4       // a window overspending its share this many times missed its target
)

// ToleranceResult is the outcome of the automatic mode, as report.json's
// tolerance section gives it.
type ToleranceResult struct {
	// Requested is the tolerance asked for, Met whether the certified
	// bound on [0, T] is at most it.
	Requested float64 `json:"requested"`
	Met       bool    `json:"met"`
	// CertifiedUntil is the time up to which the certificate closed (T
	// when the bound is certified on all of [0, T]); Bound the certified
	// max‖δz‖ on [0, CertifiedUntil] (+Inf, saved as -1, when nothing is
	// certified).
	CertifiedUntil float64 `json:"certified_until"`
	Bound          float64 `json:"bound"`
	// Passes counts the passes over [0, T] (each later pass retrains
	// every window on a tighter residual target).
	Passes int `json:"passes"`
	// Reason says why the tolerance was not met; empty when it was.
	Reason string `json:"reason,omitempty"`
}

// SolveTolerance is the automatic mode: it trains a chain of windows
// (see Window) until errorbound.Certify proves max‖z − ẑ‖₂ ≤
// Settings.Tolerance on [0, T], or MaxSeconds runs out. Each window
// starts from the previous window's end state and weights (a warm start)
// and is trained, Adam then Levenberg–Marquardt, until its ℓmax is at
// most a residual target derived from the error budget: the target
// starts at ε/T and follows the error-propagation estimate
// (errorbound.Tracker) projected to [t, T] — the error at t grown by what
// the rest of the horizon does to it (errorbound.Amplification, along the
// true solution). It is halved when the projected estimate runs ahead of
// the budget ε·t/(2T), unless the window's own part of the estimate is
// below an eighth of its share of the budget (the excess is then the
// earlier windows', which a smaller target cannot mend), and doubled when
// the estimate stays below an eighth of the budget. A window whose own
// estimated error is more than autoOverspend times its share of the
// budget has missed its target between the validation grid's points,
// whatever its ℓmax there. A window that misses
// its target is kept when the projected estimate stays within half the
// budget, else halved (at most twice); the next one grows after one that
// reached its target; when 20 windows in a row of the shortest length
// (autoMinFraction·T) miss their target and overspend their share, ε is
// out of the networks' reach and the run stops there. The certificate
// aims at ε (CertifySettings.Target).
// When the certificate of the whole chain is above ε, the windows are
// retrained, warm, on targets scaled by ε over the bound (a window that
// misses its new target split in two), while the time lasts and until two
// passes in a row fail to lower the best bound by a fifth. Every window's network is trained on the scaled
// time (t − tₖ)/(tₖ₊₁ − tₖ) ∈ [0, 1] (the Solution holds the equivalent
// network of t − tₖ). The best chain is returned (certified on the
// longest span, then the smallest bound) with Training.Tolerance saying
// whether ε was met; the error is non-nil only for invalid input.
//
// Of the settings, Activation, Init, Trial, Formulation, Seed, Hidden (when
// given) and EnergyWeight are used for every window; the solver chooses
// the rest. p.K is not used: each window has its own points, and the
// chain's TrainingPoints is their total.
func SolveTolerance(ctx context.Context, p Problem, s *Settings, mon Monitor) (*Solution, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	set, err := s.resolved(p)
	if err != nil {
		return nil, err
	}
	if !(set.Tolerance > 0) {
		return nil, fmt.Errorf("solver: the automatic mode needs a positive tolerance")
	}
	set.MaxSeconds = cmp.Or(set.MaxSeconds, DefaultMaxSeconds)
	set.PolishMethod = PolishLM // every window's polish
	if s == nil || len(s.Hidden) == 0 {
		set.Hidden = append([]int(nil), autoHidden...)
	}
	a := &auto{p: p, set: set, mon: mon, start: time.Now()}
	a.deadline = a.start.Add(time.Duration(set.MaxSeconds * float64(time.Second)))
	// Without it (the true solution cannot be integrated), the budget
	// assumes no amplification; the certificate still decides.
	a.amp, _ = errorbound.NewAmplification(ctx, p.H, p.Z0, p.T, autoAmpPoints)
	return a.run(ctx)
}

// auto holds one run of the automatic mode.
type auto struct {
	p        Problem
	set      Settings
	mon      Monitor
	start    time.Time
	deadline time.Time
	stalled  bool    // passes stopped gaining before the time ran out
	hopeless bool    // the first pass stopped: its shortest windows overspent their budget
	certRate float64 // sub-intervals certified per second, from the last certificate
	amp      *errorbound.Amplification
}

// trainEnd is when training stops, leaving the rest of the budget for
// the certificate.
func (a *auto) trainEnd() time.Time {
	return a.start.Add(time.Duration(float64(a.deadline.Sub(a.start)) * autoTrainShare))
}

// pass is one pass of windows over [0, T].
type pass struct {
	starts []float64
	sols   []*Solution
	chain  *Solution
	cert   errorbound.Certified
}

func (a *auto) run(ctx context.Context) (*Solution, error) {
	tol := a.set.Tolerance
	T := a.p.T
	target := tol / T
	var best *pass
	var prev *pass
	passes, stalls := 0, 0
	for {
		passes++
		passStart := time.Now()
		ps, err := a.pass(ctx, target, prev)
		if err != nil {
			return nil, err
		}
		a.certify(ctx, ps)
		if a.hopeless {
			best = ps
			break
		}
		if best != nil && !gained(ps, best) {
			stalls++
		} else {
			stalls = 0
		}
		if best == nil || better(ps, best) {
			best = ps
		}
		if ps.cert.Certified && ps.cert.Until == a.p.T && ps.cert.Bound <= tol {
			break
		}
		if stalls == autoStalls {
			a.stalled = true
			break
		}
		// Another pass costs about as much as the last: stop when it
		// would not fit in what remains of the budget.
		if ctx.Err() != nil || time.Since(passStart) > time.Until(a.deadline) || time.Now().After(a.trainEnd()) {
			break
		}
		// Tighten every window's target by the factor the bound missed by.
		f := 0.25
		if ps.cert.Certified {
			f = math.Min(0.5, 0.7*tol/ps.cert.Bound)
		}
		target *= f
		prev = ps
	}
	return a.finish(best, passes), nil
}

// gained reports whether pass a is a real gain on the best pass b: it is
// certified further, or its bound is at least autoGain times smaller.
func gained(a, b *pass) bool {
	if a.cert.Until != b.cert.Until {
		return a.cert.Until > b.cert.Until
	}
	return a.cert.BoundUntil() <= autoGain*b.cert.BoundUntil()
}

// better orders passes: met first, then certified over a longer span,
// then a smaller bound.
func better(a, b *pass) bool {
	if a.cert.Until != b.cert.Until {
		return a.cert.Until > b.cert.Until
	}
	return a.cert.BoundUntil() < b.cert.BoundUntil()
}

func (a *auto) finish(best *pass, passes int) *Solution {
	sol := best.chain
	c := best.cert
	tol := a.set.Tolerance
	res := &ToleranceResult{Requested: tol, CertifiedUntil: c.Until, Bound: c.BoundUntil(), Passes: passes}
	switch {
	case c.Certified && c.Until == a.p.T && c.Bound <= tol:
		res.Met = true
	case c.Certified && c.Until == a.p.T && a.stalled:
		res.Reason = fmt.Sprintf("the certified bound %.3g is above the tolerance %.3g, and the last %d passes did not lower it (the windows' networks cannot reach a smaller residual)", c.Bound, tol, autoStalls)
	case c.Certified && c.Until == a.p.T:
		res.Reason = fmt.Sprintf("the certified bound %.3g is above the tolerance %.3g", c.Bound, tol)
	case a.hopeless:
		res.Reason = fmt.Sprintf("stopped at t = %.4g of %.4g: %d windows in a row of the shortest length, %.2g, each used more than its share of the error budget (the networks cannot reach the residual this tolerance needs)", sol.lastEnd(), a.p.T, autoHopeless, autoMinFraction*a.p.T)
	case c.Until == sol.lastEnd():
		res.Reason = fmt.Sprintf("the time ran out (solver.max_seconds %g) with windows up to t = %.4g of %.4g", a.set.MaxSeconds, c.Until, a.p.T)
	default:
		res.Reason = fmt.Sprintf("certified only up to t = %.4g of %.4g: %s", c.Until, a.p.T, c.Reason)
	}
	sol.Training.Tolerance = res
	sol.Training.Seconds = time.Since(a.start).Seconds()
	if sol.lastEnd() == a.p.T {
		sol.certificate = &c // on all of [0, T]: Assess reuses it
	}
	return sol
}

// certify certifies a pass's chain, reporting its blocks as progress.
func (a *auto) certify(ctx context.Context, ps *pass) {
	cs := a.certifySettings(ps.chain)
	cs.Progress = func(done, total int) {
		a.report(Progress{Phase: PhaseCertify, Epoch: done, Epochs: total, Reached: ps.chain.lastEnd(), End: a.p.T})
	}
	// A chain that ran out of time before T is certified up to its end
	// only: beyond it the last network is extrapolated.
	c, err := a.certifyChain(ctx, ps.chain, ps.chain.lastEnd(), cs)
	if err != nil {
		c = errorbound.Certified{Bound: math.Inf(1), Reason: "interrupted before the certificate was finished"}
	}
	ps.cert = c
}

// certifySettings returns the certificate's settings for chain: the
// tolerance as its target, and a refinement of up to 8 times the default
// sub-intervals, or more (at most 64 times) when the certificates so far
// say that they fit in a third of the time left.
func (a *auto) certifySettings(chain *Solution) *errorbound.CertifySettings {
	n := errorbound.DefaultIntervals(chain)
	maxN := 8 * n
	if a.certRate > 0 {
		fit := int(a.certRate * time.Until(a.deadline).Seconds() / 3)
		maxN = max(maxN, min(64*n, fit))
	}
	return &errorbound.CertifySettings{Intervals: n, MaxIntervals: maxN, Target: a.set.Tolerance}
}

// certifyChain certifies chain on [0, end], noting the rate of the work
// (sub-intervals per second) for certifySettings.
func (a *auto) certifyChain(ctx context.Context, chain *Solution, end float64, cs *errorbound.CertifySettings) (errorbound.Certified, error) {
	c, err := errorbound.Certify(ctx, a.p.H, chain, end, cs)
	if err == nil && c.Seconds > 0 && c.Intervals > 0 {
		a.certRate = float64(c.Intervals) / c.Seconds
	}
	return c, err
}

func (a *auto) report(pr Progress) {
	if a.mon != nil {
		pr.Elapsed = time.Since(a.start)
		a.mon(pr)
	}
}

// windowSettings returns the settings of one window of length h: cold
// (the first window: Adam from random weights) or warm
// (Levenberg–Marquardt from the previous window's weights, Adam reduced
// to one tiny step), with the network's input scaled to [0, 1].
func (a *auto) windowSettings(cold bool, target, h float64) Settings {
	b := a.set
	w := Settings{
		Hidden: b.Hidden, Activation: b.Activation, Init: b.Init, Trial: b.Trial, Formulation: b.Formulation,
		Seed: b.Seed, EnergyWeight: b.EnergyWeight,
		Beta1: 0.9, Beta2: 0.999,
		PolishIterations: autoPolish, PolishMethod: PolishLM,
	}
	// The network sees (t − tₖ)/h ∈ [0, 1]: on a short window the raw
	// time barely moves the first layer, whose units are then nearly
	// linear in it and can only slowly be pushed to a small residual.
	w.timeScale = 1 / h
	w.fastLM = true
	if cold {
		w.Epochs, w.LearningRate = autoColdEpochs, autoColdLR
	} else {
		w.Epochs, w.LearningRate = 1, 1e-9
	}
	w.StopWhen = func(s *Solution) (bool, string) {
		if s.Training.BestLMax <= target {
			return true, fmt.Sprintf("ℓmax %.3g reached the window's target %.3g", s.Training.BestLMax, target)
		}
		return false, ""
	}
	return w
}

// pass trains windows over [0, T] on the residual target. With prev, the
// windows are prev's, each warm-started from its own earlier weights,
// with those that missed the target split (refine); without, the window
// lengths are chosen as it goes.
func (a *auto) pass(ctx context.Context, target float64, prev *pass) (*pass, error) {
	p := a.p
	T := p.T
	D := p.H.Dim()
	tk, err := errorbound.NewTracker(p.H, false)
	tol := a.set.Tolerance
	if err != nil {
		return nil, err
	}
	ps := &pass{}
	h := firstWindow(p)
	hmin := autoMinFraction * T
	z0 := append([]float64(nil), p.Z0...)
	var warm []float64
	t := 0.0
	trainEnd := a.trainEnd()
	plan := a.refine(prev, target, hmin)
	cp := checkpoint{next: autoCheckpoint * T, bound: math.Inf(1)}
	over := 0 // shortest windows in a row that missed their target and overspent
	for k := 0; t < T; k++ {
		if ctx.Err() != nil || time.Now().After(trainEnd) {
			break
		}
		end := math.Min(T, t+h)
		if T-end < hmin {
			end = T
		}
		if prev != nil {
			if k >= len(plan) {
				break
			}
			end = plan[k].end
			if plan[k].warm != nil {
				warm = plan[k].warm
			}
		}
		var sol *Solution
		var trial *errorbound.Tracker
		var own, proj float64
		reached := false
		n := 4 * autoPoints
		for shrink := 0; ; shrink++ {
			wp := Problem{H: p.H, Z0: z0, T: end - t, K: autoPoints}
			set := a.windowSettings(warm == nil, target, end-t)
			mon := func(pr Progress) {
				pr.Window, pr.WindowStart, pr.WindowEnd = k+1, t, end
				pr.Reached, pr.End = t, T
				a.report(pr)
			}
			sol, err = solveNetwork(ctx, wp, &set, mon, warm)
			if err != nil {
				return nil, fmt.Errorf("solver: window %d on [%g, %g]: %w", k+1, t, end, err)
			}
			if sol.Training.BestLMax > target && prev == nil && (end-t)/2 >= hmin {
				// Missed: the same network may reach the target on the
				// first half of its window, with no retraining.
				if c := firstHalf(sol, target); c != nil {
					sol, end = c, t+c.Problem.T
				}
			}
			// The estimate with this window: a window that missed its
			// target is still kept when the projected estimate stays
			// within half the budget ε·t/T (the residual's errors partly
			// cancel). One that reached it on the validation grid but
			// whose own error overspends its share autoOverspend times
			// missed it between the grid's points.
			ps.chain = newChain(p, a.set, Training{}, append(ps.starts, t), append(ps.sols, sol))
			trial = tk.Copy()
			trial.Advance(ps.chain, end, n)
			own = a.share(ps.chain, t, end, n)
			reached = sol.Training.BestLMax <= target && own <= autoOverspend
			proj = a.projected(trial)
			within := proj <= autoSafety*autoSafety*tol*end/T
			if reached || within || prev != nil || shrink == autoShrinks || (end-t)/2 < hmin || ctx.Err() != nil {
				break
			}
			// Missed: halve the window, warm from this attempt.
			end = t + (end-t)/2
			warm = sol.net.Params
		}
		ps.starts = append(ps.starts, t)
		ps.sols = append(ps.sols, sol)
		tk = trial
		// The budget: the estimate, grown by what the rest of [0, T]
		// can do to it, should stay below half of ε·t/T. When it does
		// not because of the windows before (this one's own share of its
		// budget is small), a smaller target cannot help, and is not set.
		budget := autoSafety * tol * end / T
		if prev == nil {
			q := proj // tk is the kept attempt's trial
			if !reached && (end-t)/2 < hmin && own > 1 {
				over++
			} else {
				over = 0
			}
			switch {
			case q > budget && own > autoFutile:
				target /= 2
			case q < budget/8:
				target *= 2
			}
			// Grow after a window that reached the target as now set.
			h = end - t
			if sol.Training.BestLMax <= target && own <= autoOverspend {
				h = math.Min(T, h*autoGrow)
			}
		}
		if end >= cp.next {
			cp.certify(ctx, a, newChain(p, a.set, Training{}, ps.starts, ps.sols), end)
		}
		elapsed := time.Since(a.start)
		rem := time.Duration(float64(elapsed) * (T - end) / end)
		a.report(Progress{Phase: PhaseWindow, Window: k + 1, WindowStart: t, WindowEnd: end, Reached: end, End: T,
			Estimate: tk.Worst, Bound: cp.bound, BoundUntil: cp.until, Remaining: rem, LMax: sol.Training.BestLMax, BestLMax: sol.Training.BestLMax})
		// The next window starts where this one ends, warm.
		next := make([]float64, D)
		sol.At(next, end-t)
		z0 = next
		warm = sol.net.Params
		t = end
		if over == autoHopeless && t < T {
			a.hopeless = true
			break
		}
	}
	if len(ps.sols) == 0 {
		// Interrupted or out of time before the first window: one cold
		// window over the whole interval with the Adam budget cut short.
		set := a.windowSettings(true, target, T)
		set.Epochs, set.PolishIterations = 1, 0
		sol, err := solveNetwork(context.WithoutCancel(ctx), Problem{H: p.H, Z0: p.Z0, T: T, K: autoPoints}, &set, nil, nil)
		if err != nil {
			return nil, err
		}
		ps.starts, ps.sols = []float64{0}, []*Solution{sol}
	}
	var train Training
	for _, s := range ps.sols {
		train.Epochs += s.Training.Epochs
		train.Polish += s.Training.Polish
		train.BestLMax = math.Max(train.BestLMax, s.Training.BestLMax)
		train.Loss = append(train.Loss, s.Training.Loss...)
	}
	train.Stopped = StoppedCompleted
	if ctx.Err() != nil {
		train.Stopped = StoppedInterrupted
	}
	ps.chain = newChain(p, a.set, train, ps.starts, ps.sols)
	return ps, nil
}

// share returns the share of the error budget that the window [t, end]
// of chain uses by itself: the largest ‖e‖ of the error-propagation
// estimate on the window started from e(t) = 0, over
// autoSafety·ε·(end − t)/T.
func (a *auto) share(chain *Solution, t, end float64, n int) float64 {
	loc, err := errorbound.NewTracker(a.p.H, false)
	if err != nil {
		return math.Inf(1)
	}
	loc.T = t
	loc.Advance(chain, end, n)
	return loc.Worst / (autoSafety * a.set.Tolerance * (end - t) / a.p.T)
}

// projected is the largest the estimate tk makes of the error on [0, T]:
// the largest so far, or the error at the time reached grown by what the
// rest of [0, T] does to it (errorbound.Amplification; without one, the
// largest so far).
func (a *auto) projected(tk *errorbound.Tracker) float64 {
	if a.amp == nil {
		return tk.Worst
	}
	return math.Max(tk.Worst, a.amp.Project(tk.T, tk.E))
}

// firstHalf returns sol cut to the first half of its window when its ℓmax
// there, on the validation grid's density, is at most target; else nil.
// Half of the training points lie in the kept half.
func firstHalf(sol *Solution, target float64) *Solution {
	p := sol.Problem
	p.T /= 2
	p.K = max(2, p.K/2)
	c := newSolution(p, sol.Settings, sol.net, sol.Training)
	l := c.LMax(max(2, (c.Settings.ValidationPoints-1)/2))
	if !(l <= target) {
		return nil
	}
	c.Training.BestLMax = l
	return c
}

// checkpoint is the certificate of the chain so far that progress shows.
type checkpoint struct {
	next         float64       // the chain's end at which to certify again
	bound, until float64       // the last certificate: Bound on [0, until]
	spent        time.Duration // the time the certificates took
}

// certify certifies chain on [0, end] for the progress, unless the
// certificates so far took more than autoCheckCost of the run's time; the
// next one is due a tenth of T further.
func (cp *checkpoint) certify(ctx context.Context, a *auto, chain *Solution, end float64) {
	cp.next = end + autoCheckpoint*a.p.T
	if cp.spent > time.Duration(autoCheckCost*float64(time.Since(a.start))) || end >= a.p.T {
		return // at T the pass's own certificate follows
	}
	start := time.Now()
	c, err := a.certifyChain(ctx, chain, end, a.certifySettings(chain))
	cp.spent += time.Since(start)
	if err == nil {
		cp.bound, cp.until = c.BoundUntil(), c.Until
	}
}

// span is a window of a later pass: its end and the weights it starts
// from (nil: the previous window's in this pass, as in the first pass).
type span struct {
	end  float64
	warm []float64
}

// refine returns the windows of the pass after prev: prev's, each warm
// from its own weights, except that a window whose ℓmax is above the new
// target is split in two (no shorter than hmin). The network of a smaller
// window reaches a smaller residual, where more iterations on the same
// window stall (Kepler's perihelion, say).
func (a *auto) refine(prev *pass, target, hmin float64) []span {
	if prev == nil {
		return nil
	}
	var plan []span
	for k, s := range prev.sols {
		end := a.p.T
		if k+1 < len(prev.starts) {
			end = prev.starts[k+1]
		}
		if mid := (prev.starts[k] + end) / 2; s.Training.BestLMax > target && end-mid >= hmin {
			plan = append(plan, span{mid, s.net.Params})
		} else {
			plan = append(plan, span{end, s.net.Params})
		}
		if plan[len(plan)-1].end != end {
			plan = append(plan, span{end: end})
		}
	}
	return plan
}

// firstWindow returns the first window's length: the time scale
// 1/sqrt(‖∇²H(z0)‖_F) of the linearised motion at the start, at most T.
func firstWindow(p Problem) float64 {
	D := p.H.Dim()
	hs := mat.NewSymDense(D, nil)
	p.H.(hamiltonians.Hesser).Hess(hs, p.Z0)
	w := math.Sqrt(mat.Norm(hs, 2))
	if !(w > 0) || math.IsInf(w, 0) {
		return p.T
	}
	return math.Min(p.T, math.Max(1/w, autoMinFraction*p.T))
}
