package symplectic_test

import (
	"context"
	"fmt"
	"math"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

func ExampleIntegrate() {
	f, _ := hamiltonians.Parse("p^2/2 + q^2/2", []string{"q"}, []string{"p"}, nil)
	h, _ := f.Separable()
	tr, err := symplectic.Integrate(h, []float64{1, 0}, 0, 10, 1000, symplectic.Verlet)
	if err != nil {
		fmt.Println(err)
		return
	}
	end := tr.State(nil, tr.Len()-1)
	fmt.Printf("q(10) = %.4g (exact %.4g), energy error %.1e\n", end[0], math.Cos(10), math.Abs(h.H(end)-0.5))
	// Output: q(10) = -0.839 (exact -0.8391), energy error 3.7e-06
}

func ExampleDOP853() {
	f, _ := hamiltonians.Parse("p^2/2 + q^2/2", []string{"q"}, []string{"p"}, nil)
	sol, err := (&symplectic.DOP853{RTol: 1e-12, ATol: 1e-12}).Solve(context.Background(), symplectic.HamiltonianSystem(f), []float64{1, 0}, 0, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	y := sol.At(nil, 100)
	fmt.Printf("error at t=100 below 1e-10: %v\n", math.Abs(y[0]-math.Cos(100)) < 1e-10)
	// Output: error at t=100 below 1e-10: true
}
