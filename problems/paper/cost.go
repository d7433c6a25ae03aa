package paper

import (
	"context"
	"math"

	"github.com/hnn-project/hnn/internal/stats"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// CostRatio times short trainings of p in both formulations (rounds of
// epochs epochs each), interleaved so that both see the same machine load,
// and returns the median ratio of the Lagrangian's to the Hamiltonian's
// time per epoch (NaN when ctx stopped it before one round).
func CostRatio(ctx context.Context, p *problems.Problem, rounds, epochs int) (float64, error) {
	var ratios []float64
	for i := 0; i < rounds && ctx.Err() == nil; i++ {
		var secs [2]float64
		for j, form := range []solver.Formulation{solver.FormulationHamiltonian, solver.FormulationLagrangian} {
			set := p.Solver
			set.Formulation, set.Epochs, set.ValidateEvery = form, epochs, epochs
			s, err := solver.Solve(ctx, p.Problem, &set, nil)
			if err != nil {
				return 0, err
			}
			secs[j] = s.Training.Seconds / float64(max(1, s.Training.Epochs))
		}
		ratios = append(ratios, secs[1]/secs[0])
	}
	if len(ratios) == 0 {
		return math.NaN(), nil
	}
	return stats.Median(ratios), nil
}

// TailMedian is the median of the last 1 % of the losses (at least one),
// NaN for none: the jittered training loss fluctuates from epoch to epoch.
func TailMedian(loss []float64) float64 {
	if len(loss) == 0 {
		return math.NaN()
	}
	return stats.Median(loss[len(loss)-max(1, len(loss)/100):])
}
