package figures_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"

	"github.com/hnn-project/hnn/internal/figures"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// The figures of a short solve of the mass-spring oscillator.
func ExampleSolveFiles() {
	p, err := problems.Load("mass_spring")
	if err != nil {
		log.Fatal(err)
	}
	set := p.Solver
	set.Epochs, set.PolishIterations, set.Hidden = 50, 20, []int{8}
	sol, err := solver.Solve(context.Background(), p.Problem, &set, nil)
	if err != nil {
		log.Fatal(err)
	}
	a, err := sol.Assess(context.Background(), &p.Compare)
	if err != nil {
		log.Fatal(err)
	}
	files := map[string][]byte{}
	if err := figures.SolveFiles("svg", p, sol, a, p.SolveReport(sol, a), files); err != nil {
		log.Fatal(err)
	}
	var names []string
	for name, b := range files {
		if strings.HasPrefix(string(b), "<?xml") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	fmt.Println(names)
	// Output:
	// [energy.svg errors.svg loss.svg overview.svg phase.svg]
}
