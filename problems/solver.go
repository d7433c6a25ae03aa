package problems

import "github.com/hnn-project/hnn/solver"

// SolverSettings returns the solver section as solver settings; fields the
// file leaves out keep the solver's defaults.
func (p *Problem) SolverSettings() *solver.Settings {
	s := p.Solver
	out := &solver.Settings{
		Hidden:            append([]int(nil), s.Hidden...),
		Activation:        s.Activation,
		Trial:             solver.Trial(s.Trial),
		Formulation:       s.Formulation,
		Epochs:            s.Epochs,
		LearningRate:      s.LearningRate,
		FinalLearningRate: s.FinalLR,
		Beta1:             s.Beta1,
		Beta2:             s.Beta2,
		EnergyWeight:      s.EnergyWeight,
		Seed:              s.Seed,
		PolishIterations:  s.PolishIterations,
		PolishMethod:      s.PolishMethod,
	}
	if s.Jitter != nil {
		out.Jitter = *s.Jitter
		out.NoJitter = *s.Jitter == 0
	}
	return out
}

// EulerFactors returns compare.euler_factors, or the default 1, 10, 100.
func (p *Problem) EulerFactors() []int {
	if len(p.Compare.EulerFactors) == 0 {
		return []int{1, 10, 100}
	}
	return append([]int(nil), p.Compare.EulerFactors...)
}
