package solver_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// The figures of `hnn solve mass_spring --epochs 500`, from the library
// alone: load a catalogue problem, train with its solver section, assess
// with its compare section.
func ExampleSolution_Assess() {
	ctx := context.Background()
	p, err := problems.Load("mass_spring")
	if err != nil {
		log.Fatal(err)
	}
	set := p.Solver
	set.Epochs = 500 // as --epochs 500, to keep the example short
	sol, err := solver.Solve(ctx, p.Problem, &set, nil)
	if err != nil {
		log.Fatal(err)
	}
	a, err := sol.Assess(ctx, &p.Compare)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("best epoch %d, ℓmax %.4g, max‖δz‖ %.4g\n", sol.Training.BestEpoch, a.Paper.LMax, a.Network.Max)
	for _, e := range a.Euler {
		fmt.Printf("%s %d steps: max‖δz‖ %.4g\n", a.EulerMethod.Name(), e.Steps, e.Max)
	}
	fmt.Printf("steps to match %d; certified %.4g (held %v)\n", a.StepsToMatch, a.Certified.Bound, a.CertifiedCheck.Held)
	// Output:
	// best epoch 1960, ℓmax 0.0004206, max‖δz‖ 8.129e-05
	// euler 200 steps: max‖δz‖ 0.03118
	// euler 2000 steps: max‖δz‖ 0.003139
	// euler 20000 steps: max‖δz‖ 0.0003141
	// steps to match 77296; certified 8.215e-05 (held true)
}
