package solver_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// Learn trains a Hamiltonian network H_θ and the baseline on the same
// data, here a shortened learn_mass_spring (its data from the catalogue
// file, 300 Adam steps instead of its 2000). On the held-out states both
// fit the time derivatives to about the data's noise; the HNN's advantage
// is in the energy it conserves (problems.Problem.RunLearn measures it).
func ExampleLearn() {
	ctx := context.Background()
	p, err := problems.Load("learn_mass_spring")
	if err != nil {
		log.Fatal(err)
	}
	train, test, _, err := p.LearnData(ctx)
	if err != nil {
		log.Fatal(err)
	}
	set := p.Learn.Settings
	set.Steps = 300
	res, err := solver.Learn(ctx, train, test, &set, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d training states; test loss: HNN %.4g, baseline %.4g\n", train.N, res.HNNTest, res.BaselineTest)
	// Output:
	// 750 training states; test loss: HNN 0.04061, baseline 0.0398
}
