package problems_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// report.json of `hnn solve mass_spring --epochs 500`, from exported APIs
// alone (the bytes are the command's, its timings aside: cmd/hnn's
// TestLibraryMatchesCLI compares them).
func ExampleProblem_SolveReport() {
	ctx := context.Background()
	p, err := problems.Load("mass_spring")
	if err != nil {
		log.Fatal(err)
	}
	set := p.Solver
	set.Epochs = 500
	sol, err := solver.Solve(ctx, p.Problem, &set, nil)
	if err != nil {
		log.Fatal(err)
	}
	a, err := sol.Assess(ctx, &p.Compare)
	if err != nil {
		log.Fatal(err)
	}
	rep := p.SolveReport(sol, a)
	if _, err := problems.MarshalReport(rep); err != nil { // report.json
		log.Fatal(err)
	}
	c := rep.Bounds.Certified
	fmt.Printf("max_error %.4g, certified %.4g (held %v), euler_steps_to_match %d\n", rep.Network.MaxError, *c.Value, *c.Held, rep.EulerStepsToMatch)
	// Output:
	// max_error 8.129e-05, certified 8.215e-05 (held true), euler_steps_to_match 77296
}
