package errorbound

import (
	"context"
	"fmt"
	"github.com/hnn-project/hnn/internal/stats"
	"math"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

// MeasuredEulerSteps is the longest Euler run EulerStepsToMatch makes;
// beyond it the steps to match are extrapolated. Every answer up to 10⁶
// steps is measured (the doubling from K passes 10⁶ before it passes
// this), and the catalogue's measured answers keep their bits.
const MeasuredEulerSteps = 2_000_000

// maxSamples bounds the number of nodes at which a long Euler run is
// compared with the reference: runs with more steps are compared at every
// m-th node, m = ⌈n/maxSamples⌉. The error of symplectic Euler varies on the
// time scale of the motion, which 10^5 samples resolve on every catalogue
// problem.
const maxSamples = 100_000

// EulerRun integrates with symplectic Euler (Mattheakis et al. Eq. 4–5) in
// n steps on [0, T] from x0 and compares its nodes t_k = k·T/n with ref.
func EulerRun(ctx context.Context, h hamiltonians.Hamiltonian, x0 []float64, T float64, n int, ref Path) (Comparison, error) {
	c, _, err := eulerRun(ctx, h, x0, T, n, ref, 0)
	return c, err
}

// EulerPath is a thinned symplectic Euler trajectory, for pictures: the
// nodes t_k, k a multiple of ⌊n/PathPoints⌋ (at least 1), and the states
// there (row-major).
type EulerPath struct {
	Times  []float64
	States []float64
}

// PathPoints is about the number of nodes an EulerPath keeps.
const PathPoints = 4000

// eulerRun is EulerRun that also keeps the nodes at every ⌈n/keep⌉-th
// step when keep > 0.
func eulerRun(ctx context.Context, h hamiltonians.Hamiltonian, x0 []float64, T float64, n int, ref Path, keep int) (Comparison, EulerPath, error) {
	var path EulerPath
	pathStride := max(1, n/max(keep, 1))
	D := h.Dim()
	c := Comparison{MaxAbs: make([]float64, D)}
	x := append([]float64(nil), x0...)
	next := make([]float64, D)
	z := make([]float64, D)
	e0 := h.H(ref.At(z, 0))
	st, err := symplectic.NewStepper(euler(h), h)
	if err != nil {
		return c, path, err
	}
	stride := (n + maxSamples - 1) / maxSamples
	dt := T / float64(n)
	var sum float64
	samples := 0
	for k := 0; k <= n; k++ {
		if keep > 0 && k%pathStride == 0 {
			path.Times = append(path.Times, T*float64(k)/float64(n))
			path.States = append(path.States, x...)
		}
		if k%stride == 0 || k == n {
			t := T * float64(k) / float64(n)
			ref.At(z, t)
			c.accumulate(h, x, z, e0, &sum)
			samples++
		}
		if k == n {
			break
		}
		if k%4096 == 0 && ctx.Err() != nil {
			return c, path, ctx.Err()
		}
		if err := st.Step(next, x, dt); err != nil {
			return c, path, fmt.Errorf("symplectic Euler, %d steps: %w", n, err)
		}
		x, next = next, x
	}
	c.finish(sum, samples)
	return c, path, nil
}

// euler returns symplectic Euler for h: the explicit method of Mattheakis
// et al. Eq. 4–5 when H is separable, else its implicit form, which reduces
// to it for separable H.
func euler(h hamiltonians.Hamiltonian) symplectic.Method {
	if _, ok := h.(hamiltonians.Separable); ok {
		return symplectic.Euler
	}
	return symplectic.ImplicitEuler
}

// EulerMethod is the symplectic Euler variant EulerRun uses for h.
func EulerMethod(h hamiltonians.Hamiltonian) symplectic.Method { return euler(h) }

// EulerStepsToMatch finds the smallest number of symplectic Euler steps on
// [0, T] whose maximum phase-space error against ref is at most target. The
// search starts at from steps, doubles until the error is small enough, then
// bisects (the error of a first-order method decreases with n, though not
// strictly, so the answer is the smallest n found by bisection). Runs
// longer than MeasuredEulerSteps are not made: when doubling would pass
// it, the answer is extrapolated from the last run, n₁ steps with error
// E₁, by Euler's first-order convergence, n = ⌈n₁·E₁/target⌉, and
// extrapolated is set (reports label it so). With errors of 1e-6 and
// below the measured search would take minutes.
// maxExtrapolatedSteps caps the extrapolation (2⁵³, exact in a float64
// and in JSON); beyond it the answer is "more than", not reached.
const maxExtrapolatedSteps = 1 << 53

func EulerStepsToMatch(ctx context.Context, h hamiltonians.Hamiltonian, x0 []float64, T float64, ref Path, target float64, from int) (n int, reached, extrapolated bool, err error) {
	if from < 1 {
		from = 1
	}
	var lastErr float64
	ok := func(n int) (bool, error) {
		c, err := EulerRun(ctx, h, x0, T, n, ref)
		if err != nil {
			return false, err
		}
		lastErr = c.Max
		return c.Max <= target, nil
	}
	lo, hi := 0, from // invariant: lo fails (or is 0), hi is the candidate
	for {
		good, err := ok(hi)
		if err != nil {
			return 0, false, false, err
		}
		if good {
			break
		}
		if 2*hi > MeasuredEulerSteps {
			if !(target > 0) || !stats.Finite(lastErr) {
				return hi, false, false, nil
			}
			m := math.Ceil(float64(hi) * lastErr / target)
			if m > maxExtrapolatedSteps {
				return maxExtrapolatedSteps, false, true, nil // "more than"
			}
			return int(m), true, true, nil
		}
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		good, err := ok(mid)
		if err != nil {
			return 0, false, false, err
		}
		if good {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true, false, nil
}
