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
