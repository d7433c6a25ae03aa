package errorbound_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
)

// rotation is the exact solution of the harmonic oscillator from (1, 0),
// perturbed by a small wobble: a stand-in for a trained network.
type rotation struct{ eps float64 }

func (r rotation) At(dst []float64, t float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	w := r.eps * math.Sin(3*t)
	dst[0], dst[1] = math.Cos(t)+w, -math.Sin(t)
	return dst
}

func (r rotation) Deriv(dst []float64, t float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	dst[0], dst[1] = -math.Sin(t)+3*r.eps*math.Cos(3*t), -math.Cos(t)
	return dst
}

// Assess compares a solution with the reference and symplectic Euler and
// checks the bounds against the actual error; a solution that is not an
// Encloser (as this one) gets no certified bound.
func ExampleAssess() {
	h, err := hamiltonians.Parse("p^2/2 + x^2/2", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	c := errorbound.Case{H: h, Z0: []float64{1, 0}, T: 2 * math.Pi, K: 100}
	a, err := errorbound.Assess(context.Background(), c, rotation{1e-4}, &errorbound.AssessSettings{EulerFactors: []int{10}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("max‖δz‖ %.4g on %d points\n", a.Network.Max, len(a.Grid))
	fmt.Printf("paper's bound %.4g, held %v\n", a.Paper.Bound, a.PaperCheck.Held)
	fmt.Printf("euler %d steps: %.4g; steps to match %d\n", a.Euler[0].Steps, a.Euler[0].Max, a.StepsToMatch)
	fmt.Println("certified:", a.Certified.Certified, "-", a.Certified.Reason)
	// Output:
	// max‖δz‖ 0.0001 on 2001 points
	// paper's bound 0.0003, held true
	// euler 1000 steps: 0.003139; steps to match 31416
	// certified: false - the solution cannot be enclosed over time intervals
}
