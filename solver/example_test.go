package solver_test

import (
	"context"
	"fmt"
	"math"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver"
)

func ExampleSolve() {
	h, _ := hamiltonians.Parse("p^2/2 + x^2/2", []string{"x"}, []string{"p"}, nil)
	p := solver.Problem{H: h, Z0: []float64{1, 0}, T: 2, K: 40}
	sol, err := solver.Solve(context.Background(), p, &solver.Settings{Hidden: []int{16, 16}, Epochs: 2000, PolishIterations: 300, Seed: 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	z := sol.At(nil, 1)
	fmt.Printf("x(1) within 1e-3 of cos(1): %v\n", math.Abs(z[0]-math.Cos(1)) < 1e-3)
	// Output: x(1) within 1e-3 of cos(1): true
}

// The automatic mode: ask for a certified accuracy, get a chain of time
// windows whose certified bound on max‖z − ẑ‖₂ is at most it.
func ExampleSolveTolerance() {
	h, _ := hamiltonians.Parse("p^2/2 + (1 - exp(-q))^2", []string{"q"}, []string{"p"}, nil)
	p := solver.Problem{H: h, Z0: []float64{0.5, 0}, T: 3, K: 50}
	sol, err := solver.SolveTolerance(context.Background(), p, &solver.Settings{Tolerance: 1e-4, Seed: 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res := sol.Training.Tolerance
	fmt.Printf("met: %v, certified up to t = %g, bound below 1e-4: %v\n", res.Met, res.CertifiedUntil, res.Bound <= 1e-4)
	ws := sol.Windows()
	fmt.Printf("windows from %g to %g\n", ws[0].Start, ws[len(ws)-1].End)
	// Output:
	// met: true, certified up to t = 3, bound below 1e-4: true
	// windows from 0 to 3
}

// SolveWindows trains a chain on windows of one's own choosing, each
// started from the previous window's end state and weights.
func ExampleSolveWindows() {
	h, _ := hamiltonians.Parse("p^2/2 + x^2/2", []string{"x"}, []string{"p"}, nil)
	p := solver.Problem{H: h, Z0: []float64{1, 0}, T: 3, K: 20}
	sol, err := solver.SolveWindows(context.Background(), p, &solver.Settings{Hidden: []int{12, 12}, Epochs: 500, PolishIterations: 200, PolishMethod: solver.PolishLM, Seed: 1}, []float64{1, 2, 3}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, w := range sol.Windows() {
		if i > 0 {
			fmt.Print(" ")
		}
		fmt.Printf("[%g, %g]", w.Start, w.End)
	}
	z := sol.At(nil, 2.5)
	fmt.Printf("\nx(2.5) within 1e-4 of cos(2.5): %v\n", math.Abs(z[0]-math.Cos(2.5)) < 1e-4)
	// Output:
	// [0, 1] [1, 2] [2, 3]
	// x(2.5) within 1e-4 of cos(2.5): true
}
