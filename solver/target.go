package solver

import (
	"context"
	"fmt"
	"math"

	"github.com/hnn-project/hnn/errorbound"
)

// stopRule returns what training asks after every validation that improved
// the best model: the target of TargetError (the bound TargetBound names),
// then StopWhen; nil when there is neither.
func (s *Settings) stopRule(ctx context.Context, p Problem) func(*Solution) (bool, string) {
	var target func(*Solution) (bool, string)
	switch {
	case !(s.TargetError > 0):
	case s.TargetBound == TargetCertified:
		target = certifiedTarget(ctx, p, s.TargetError)
	default:
		target = paperTarget(p, s.TargetError)
	}
	switch user := s.StopWhen; {
	case target == nil:
		return user
	case user == nil:
		return target
	default:
		return func(sol *Solution) (bool, string) {
			if ok, why := target(sol); ok {
				return ok, why
			}
			return user(sol)
		}
	}
}

// paperTarget stops training once the paper's bound ℓmax/σmin (Eq. 22),
// evaluated on 4K+1 points, is at most target (Mattheakis et al. §II.B:
// choosing the accuracy in advance). The assessment then checks the bound
// against the actual error like every other bound.
func paperTarget(p Problem, target float64) func(*Solution) (bool, string) {
	grid := errorbound.Grid(0, p.T, 4*p.K)
	e0 := p.H.H(p.Z0)
	return func(sol *Solution) (bool, string) {
		b, err := errorbound.Paper(p.H, sol, e0, sol.Settings.EnergyWeight, grid)
		if err != nil || !(b.Bound <= target) {
			return false, ""
		}
		return true, fmt.Sprintf("the paper's bound ℓmax/σmin = %.3g reached target_error %.3g", b.Bound, target)
	}
}

// certifiedTarget stops training once the certified bound on
// max_t ‖z − ẑ‖ (errorbound.Certify, default settings) is at most target.
// Certifying takes seconds, so it is attempted only when the
// error-propagation estimate (Eq. 18 by RK4 on a sampled grid: about the
// cost of one validation), scaled by the ratio bound/estimate of the last
// failed attempt, is within the target.
func certifiedTarget(ctx context.Context, p Problem, target float64) func(*Solution) (bool, string) {
	ratio := 1.0
	return func(sol *Solution) (bool, string) {
		est, err := errorbound.PropagateQuick(p.H, sol, p.T, 4*p.K)
		if err != nil || !(est*ratio <= target) {
			return false, ""
		}
		c, err := errorbound.Certify(ctx, p.H, sol, p.T, nil)
		if err != nil || !c.Certified || !(c.Bound <= target) {
			r := 2 * ratio // not certified: wait for a clearly smaller estimate
			if err == nil && c.Certified && est > 0 {
				r = c.Bound / est
			}
			ratio = math.Max(ratio, r)
			return false, ""
		}
		return true, fmt.Sprintf("the certified bound max‖δz‖ ≤ %.3g reached target_error %.3g", c.Bound, target)
	}
}
