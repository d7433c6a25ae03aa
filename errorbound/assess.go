package errorbound

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

// AssessSettings controls Assess; it is the compare section of a problem
// file. The zero value means the defaults.
type AssessSettings struct {
	// EulerFactors lists the multiples of K at which symplectic Euler is
	// run for comparison. Default 1, 10, 100.
	EulerFactors []int
	// Certify controls the certified bound; nil means its defaults (20
	// sub-intervals per training spacing).
	Certify *CertifySettings
	// Known, if set, is the certificate of this very solution, computed
	// already with the sub-intervals Certify asks for (the solver's
	// automatic mode certifies its chain with the defaults); Assess
	// reports it instead of certifying again.
	Known *Certified
	// Stage, if set, is told when each stage of the assessment begins
	// (for progress displays); it must return quickly.
	Stage func(stage string)
}

// Factors returns EulerFactors, or the default 1, 10, 100.
func (s *AssessSettings) Factors() []int {
	if s == nil || len(s.EulerFactors) == 0 {
		return []int{1, 10, 100}
	}
	return append([]int(nil), s.EulerFactors...)
}

// Reference is the reference integration of every assessment: DOP853 at
// rtol = atol = 1e-12.
var Reference = symplectic.DOP853{RTol: 1e-12, ATol: 1e-12}

// ReferenceName describes Reference in reports.
const ReferenceName = "dop853 rtol=atol=1e-12"

// Case is what Assess assesses a solution of: Hamilton's equations for H
// (which must implement hamiltonians.Hesser) from Z0 on [0, T], trained on
// K points with energy weight EnergyWeight (λ of Eq. 7–8, which enters
// ℓmax). solver.Solution.Assess fills it from the solution.
type Case struct {
	H            hamiltonians.Hamiltonian
	Z0           []float64
	T            float64
	K            int
	EnergyWeight float64
}

// GridPoints returns the number of intervals of the comparison grid of a
// case with K training points: 20 per training spacing, at most 400 000.
func GridPoints(K int) int { return min(20*K, 400_000) }

// Check is a bound or an estimate compared with the actual error.
type Check struct {
	// Value is the bound or estimate; +Inf or NaN when there is none.
	Value float64
	// Held is Value ≥ the actual error (false when there is no value).
	Held bool
	// Tightness is Value / actual; NaN when either is missing or zero.
	Tightness float64
}

// Valid reports whether there is a value to check.
func (c Check) Valid() bool { return finite(c.Value) }

func check(value, actual float64) Check {
	c := Check{Value: value, Tightness: math.NaN()}
	if !finite(value) {
		return c
	}
	c.Held = value >= actual
	if actual > 0 {
		c.Tightness = value / actual
	}
	return c
}

// EulerComparison is one symplectic Euler run of the assessment.
type EulerComparison struct {
	Factor, Steps int // Steps = Factor·K
	Comparison
	Path EulerPath // about PathPoints of its nodes, for pictures
}

// Assessment is how far a solution is from the truth: its comparison with
// the reference and with symplectic Euler, and every bound checked against
// the actual error. It holds figures only; formatting is the caller's.
type Assessment struct {
	Case Case
	// Reference is the reference solution (DOP853, ReferenceName).
	Reference Path
	// Grid holds the comparison times: GridPoints(K)+1 equally spaced on
	// [0, T]. States and RefStates hold the solution's and the reference's
	// states at them (row k, of length D, for Grid[k]).
	Grid              []float64
	States, RefStates []float64
	// Network is the solution against the reference on the grid.
	Network Comparison
	// MaxComponent is the largest component error, max_i Network.MaxAbs[i].
	MaxComponent float64
	// Paper is the bound ℓmax/σmin of Eq. 22 on the grid, and PaperCheck it
	// against the largest component error (a bound on every component).
	Paper      PaperBound
	PaperCheck Check
	// Propagated holds the error-propagation estimate e(t) of Eq. 18 on
	// the grid (row k for Grid[k]), nil when it could not be computed
	// (PropagationReason says why); PropagatedMaxAbs its largest value per
	// component and PropagationCheck its max ‖e‖ against the actual max
	// ‖δz‖ (an estimate, not a bound).
	Propagated        []float64
	PropagatedMaxAbs  []float64
	PropagationCheck  Check
	PropagationReason string
	// Certified is the certified bound (Certify), CertifiedCheck it against
	// the actual max ‖δz‖, CertifySeconds its wall time.
	Certified      Certified
	CertifiedCheck Check
	CertifySeconds float64
	// Interrupted is set when ctx was cancelled during the certificate,
	// which was then left unfinished.
	Interrupted bool
	// EulerMethod is the symplectic Euler variant for H, Euler its runs at
	// each factor of AssessSettings.Factors.
	EulerMethod symplectic.Method
	Euler       []EulerComparison
	// StepsToMatch is the fewest Euler steps whose max ‖δz‖ is at most the
	// solution's; when the search's cap was reached it is the cap and
	// StepsToMatchReached is false. Zero when not computed (the solution
	// is not finite).
	StepsToMatch        int
	StepsToMatchReached bool
	// StepsToMatchExtrapolated is set when StepsToMatch is extrapolated
	// from a run of at most MeasuredEulerSteps by Euler's first-order
	// convergence, not measured.
	StepsToMatchExtrapolated bool
}

// Assess compares s with the reference and with symplectic Euler and
// computes the paper's bound, the error-propagation estimate and the
// certified bound, each checked against the actual error. The reference is
// computed once and the solution evaluated once on the grid. A ctx
// cancelled before the certified bound stops it with ctx's error; one
// cancelled while the certificate is computed stops the certificate only
// (Certified says it was interrupted, Interrupted is set) and the rest is
// finished. s must be an Encloser for the certified bound (else Certified
// says why there is none).
func Assess(ctx context.Context, c Case, s Solution, set *AssessSettings) (*Assessment, error) {
	if set == nil {
		set = &AssessSettings{}
	}
	stage := func(what string) {
		if set.Stage != nil {
			set.Stage(what)
		}
	}
	h, D := c.H, c.H.Dim()
	stage("reference")
	ref, err := Reference.Solve(ctx, symplectic.HamiltonianSystem(h), c.Z0, 0, c.T)
	if err != nil {
		return nil, fmt.Errorf("reference solution: %w", err)
	}
	a := &Assessment{Case: c, Reference: ref, EulerMethod: EulerMethod(h)}
	stage("comparison")
	a.Grid = Grid(0, c.T, GridPoints(c.K))
	var dzs []float64
	a.States, dzs = sampled(s, D, a.Grid, true)
	a.RefStates = make([]float64, len(a.States))
	for k, t := range a.Grid {
		ref.At(a.RefStates[k*D:(k+1)*D], t)
	}
	a.Network = compareSampled(h, a.States, ref, a.Grid)
	for _, v := range a.Network.MaxAbs {
		a.MaxComponent = math.Max(a.MaxComponent, v)
	}
	if a.Paper, err = paperSampled(h, a.States, dzs, h.H(c.Z0), c.EnergyWeight, a.Grid); err != nil {
		return nil, err
	}
	a.PaperCheck = check(a.Paper.Bound, a.MaxComponent)

	stage("error propagation")
	prop, err := Propagate(ctx, h, s, c.T, 0)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.PropagationReason = err.Error()
	} else {
		a.Propagated = make([]float64, len(a.States))
		a.PropagatedMaxAbs = make([]float64, D)
		var worst float64
		for k, t := range a.Grid {
			e := prop.At(a.Propagated[k*D:(k+1)*D], t)
			var n2 float64
			for i, v := range e {
				a.PropagatedMaxAbs[i] = math.Max(a.PropagatedMaxAbs[i], math.Abs(v))
				n2 += v * v
			}
			worst = math.Max(worst, math.Sqrt(n2))
		}
		a.PropagationCheck = check(worst, a.Network.Max)
	}

	stage("certified bound")
	start := time.Now()
	if set.Known != nil {
		a.Certified = *set.Known
		start = start.Add(-time.Duration(a.Certified.Seconds * float64(time.Second)))
	} else if a.Certified, err = Certify(ctx, h, s, c.T, set.Certify); err != nil {
		if ctx.Err() == nil {
			return nil, err
		}
		a.Certified = notCertified("interrupted before the certificate was finished")
		a.Interrupted = true
		ctx = context.WithoutCancel(ctx)
	}
	a.CertifySeconds = time.Since(start).Seconds()
	a.CertifiedCheck = check(math.NaN(), a.Network.Max)
	if a.Certified.Certified {
		a.CertifiedCheck = check(a.Certified.Bound, a.Network.Max)
	}

	for _, f := range set.Factors() {
		stage(fmt.Sprintf("symplectic Euler, %d steps", f*c.K))
		e, path, err := eulerRun(ctx, h, c.Z0, c.T, f*c.K, ref, PathPoints)
		if err != nil {
			return nil, err
		}
		a.Euler = append(a.Euler, EulerComparison{Factor: f, Steps: f * c.K, Comparison: e, Path: path})
	}
	if a.Network.NonFinite == 0 {
		stage("symplectic Euler steps to match")
		if a.StepsToMatch, a.StepsToMatchReached, a.StepsToMatchExtrapolated, err = EulerStepsToMatch(ctx, h, c.Z0, c.T, ref, a.Network.Max, c.K); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// EulerAt returns the Euler run with the given factor, or nil.
func (a *Assessment) EulerAt(factor int) *EulerComparison {
	for i := range a.Euler {
		if a.Euler[i].Factor == factor {
			return &a.Euler[i]
		}
	}
	return nil
}
