package solver

import (
	"context"
	"math"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
)

// BenchmarkEpochLagrangianOscillator is BenchmarkEpochOscillator with the
// Lagrangian formulation (Eq. 11–12): one output instead of two, three
// stacked row blocks (value, first and second derivative) instead of two.
// The ratio of the two is the cost the paper puts at about 2×.
func BenchmarkEpochLagrangianOscillator(b *testing.B) {
	f, err := hamiltonians.Parse("p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	pr := Problem{H: f, Z0: []float64{1.3, 1}, T: 4 * math.Pi, K: 200}
	s := &Settings{Epochs: 1, Formulation: FormulationLagrangian}
	sol, err := Solve(context.Background(), pr, s, nil)
	if err != nil {
		b.Fatal(err)
	}
	set, _ := s.resolved(pr)
	timeEpochs(b, newTrainer(pr, set, sol.net, newRNG(1)))
}
