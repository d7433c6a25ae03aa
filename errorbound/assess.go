package errorbound

import (
	"context"
	"fmt"
	"github.com/hnn-project/hnn/internal/stats"
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
var Reference = symplectic.DOP853{RTol: 1e-12, ATol: 1e-12, MaxSteps: MaxReferenceSteps}

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
func (c Check) Valid() bool { return stats.Finite(c.Value) }

func check(value, actual float64) Check {
	c := Check{Value: value, Tightness: math.NaN()}
	if !stats.Finite(value) {
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
	// Interrupted names the stage (StageComparison, …) during which ctx
	// was cancelled; that stage and the later ones were not finished. It
	// is "" for a finished assessment.
	Interrupted string
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
// computed once and the solution evaluated once on the grid. s must be an
// Encloser for the certified bound (else Certified says why there is
// none).
//
// Every stage checks ctx. Cancelled during the reference, Assess returns
// ctx's error. Cancelled later, it stops the stage under way within about
// a second, skips the rest and returns what is finished with a nil error:
// Interrupted names the stage that was stopped, the fields of the
// finished stages are filled and those of the others are zero (an
// unfinished certificate is "not certified", an unfinished Euler run or
// steps-to-match search is left out).
func Assess(ctx context.Context, c Case, s Solution, set *AssessSettings) (*Assessment, error) {
	if set == nil {
		set = &AssessSettings{}
	}
	h := c.H
	stage := func(what string) {
		if set.Stage != nil {
			set.Stage(what)
		}
	}
	stage(StageReference)
	ref, err := Reference.Solve(ctx, symplectic.HamiltonianSystem(h), c.Z0, 0, c.T)
	if err != nil {
		return nil, fmt.Errorf("reference solution: %w", err)
	}
	a := &Assessment{Case: c, Reference: ref, EulerMethod: EulerMethod(h)}
	// What a stage left unfinished says so.
	const skipped = "not computed: the assessment was interrupted before it"
	a.PaperCheck, a.PropagationCheck, a.CertifiedCheck = check(math.NaN(), math.NaN()), check(math.NaN(), math.NaN()), check(math.NaN(), math.NaN())
	a.Paper.Bound, a.Paper.Reason, a.PropagationReason, a.Certified = math.Inf(1), skipped, skipped, notCertified(skipped)
	for _, st := range []struct {
		name string
		run  func(context.Context, *Assessment, Solution, *AssessSettings, func(string)) error
	}{
		{StageComparison, assessComparison},
		{StagePropagation, assessPropagation},
		{StageCertificate, assessCertificate},
		{StageEuler, assessEuler},
		{StageStepsToMatch, assessStepsToMatch},
	} {
		if st.name != StageEuler { // assessEuler names each run
			stage(st.name)
		}
		if err := st.run(ctx, a, s, set, stage); err != nil {
			if ctx.Err() == nil {
				return nil, err
			}
			a.Interrupted = st.name
			return a, nil
		}
	}
	return a, nil
}

// The stages of Assess, in order, as AssessSettings.Stage and
// Assessment.Interrupted name them (the Euler stage is announced once per
// run, as "symplectic Euler, N steps").
const (
	StageReference    = "reference"
	StageComparison   = "comparison"
	StagePropagation  = "error propagation"
	StageCertificate  = "certified bound"
	StageEuler        = "symplectic Euler"
	StageStepsToMatch = "symplectic Euler steps to match"
)

// assessComparison samples s on the grid and compares it with the
// reference; then the paper's bound on the same samples.
func assessComparison(ctx context.Context, a *Assessment, s Solution, _ *AssessSettings, _ func(string)) error {
	c, h, D := a.Case, a.Case.H, a.Case.H.Dim()
	grid := Grid(0, c.T, GridPoints(c.K))
	states, dzs, err := sampledCtx(ctx, s, D, grid, true)
	if err != nil {
		return err
	}
	a.Grid, a.States = grid, states
	a.RefStates = make([]float64, len(a.States))
	for k, t := range a.Grid {
		a.Reference.At(a.RefStates[k*D:(k+1)*D], t)
	}
	a.Network = compareSampled(h, a.States, a.Reference, a.Grid)
	for _, v := range a.Network.MaxAbs {
		a.MaxComponent = math.Max(a.MaxComponent, v)
	}
	if a.Paper, err = paperSampled(h, a.States, dzs, h.H(c.Z0), c.EnergyWeight, a.Grid); err != nil {
		return err
	}
	a.PaperCheck = check(a.Paper.Bound, a.MaxComponent)
	a.CertifiedCheck = check(math.NaN(), a.Network.Max)
	return ctx.Err()
}

// assessPropagation integrates the error-propagation estimate (Eq. 18).
func assessPropagation(ctx context.Context, a *Assessment, s Solution, _ *AssessSettings, _ func(string)) error {
	D := a.Case.H.Dim()
	prop, err := Propagate(ctx, a.Case.H, s, a.Case.T, 0)
	a.PropagationReason = ""
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.PropagationReason = err.Error()
		return nil
	}
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
	return nil
}

// assessCertificate computes the certified bound.
func assessCertificate(ctx context.Context, a *Assessment, s Solution, set *AssessSettings, _ func(string)) error {
	start := time.Now()
	var cert Certified
	var err error
	if set.Known != nil {
		cert = *set.Known
		start = start.Add(-time.Duration(cert.Seconds * float64(time.Second)))
	} else {
		cert, err = Certify(ctx, a.Case.H, s, a.Case.T, set.Certify)
	}
	a.CertifySeconds = time.Since(start).Seconds()
	if err != nil {
		if ctx.Err() != nil {
			a.Certified = notCertified("interrupted before the certificate was finished")
		}
		return err
	}
	a.Certified = cert
	if cert.Certified {
		a.CertifiedCheck = check(cert.Bound, a.Network.Max)
	}
	return nil
}

// assessEuler runs symplectic Euler at each factor of K.
func assessEuler(ctx context.Context, a *Assessment, _ Solution, set *AssessSettings, stage func(string)) error {
	c := a.Case
	for _, f := range set.Factors() {
		stage(fmt.Sprintf("%s, %d steps", StageEuler, f*c.K))
		e, path, err := eulerRun(ctx, c.H, c.Z0, c.T, f*c.K, a.Reference, PathPoints)
		if err != nil {
			return err
		}
		a.Euler = append(a.Euler, EulerComparison{Factor: f, Steps: f * c.K, Comparison: e, Path: path})
	}
	return nil
}

// assessStepsToMatch searches the Euler steps that match the solution.
func assessStepsToMatch(ctx context.Context, a *Assessment, _ Solution, _ *AssessSettings, _ func(string)) error {
	if a.Network.NonFinite != 0 {
		return nil
	}
	c := a.Case
	n, reached, extrapolated, err := EulerStepsToMatch(ctx, c.H, c.Z0, c.T, a.Reference, a.Network.Max, c.K)
	if err != nil {
		return err
	}
	a.StepsToMatch, a.StepsToMatchReached, a.StepsToMatchExtrapolated = n, reached, extrapolated
	return nil
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
