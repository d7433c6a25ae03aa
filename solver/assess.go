package solver

import (
	"context"

	"github.com/hnn-project/hnn/errorbound"
)

// Case returns the solution's problem in the terms of errorbound.Assess.
func (s *Solution) Case() errorbound.Case {
	p := s.Problem
	return errorbound.Case{H: p.H, Z0: p.Z0, T: p.T, K: p.K, EnergyWeight: s.Settings.EnergyWeight}
}

// Assess compares the solution with the reference and symplectic Euler
// and computes and checks its bounds: errorbound.Assess on s.Case(). set
// may be nil (the defaults).
func (s *Solution) Assess(ctx context.Context, set *errorbound.AssessSettings) (*errorbound.Assessment, error) {
	return errorbound.Assess(ctx, s.Case(), s, set)
}
