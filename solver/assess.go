package solver

import (
	"context"

	"github.com/hnn-project/hnn/errorbound"
)

// Case returns the solution's problem in the terms of errorbound.Assess.
func (s *Solution) Case() errorbound.Case {
	p := s.Problem
	return errorbound.Case{H: p.H, Z0: p.Z0, T: p.T, K: s.TrainingPoints(), EnergyWeight: s.Settings.EnergyWeight}
}

// Assess compares the solution with the reference and symplectic Euler
// and computes and checks its bounds: errorbound.Assess on s.Case(). set
// may be nil (the defaults). A chain of the automatic mode brings the
// certificate it was judged by, which Assess reuses when set asks for the
// certificate's default sub-intervals.
func (s *Solution) Assess(ctx context.Context, set *errorbound.AssessSettings) (*errorbound.Assessment, error) {
	if s.certificate != nil && (set == nil || set.Certify == nil || set.Certify.Intervals == 0 && set.Certify.MaxIntervals == 0) {
		var cp errorbound.AssessSettings
		if set != nil {
			cp = *set
		}
		cp.Known = s.certificate
		set = &cp
	}
	return errorbound.Assess(ctx, s.Case(), s, set)
}

// Certificate returns the certificate the automatic mode judged the
// solution by, nil for fixed settings (or a loaded model).
func (s *Solution) Certificate() *errorbound.Certified { return s.certificate }
