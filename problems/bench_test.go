package problems

import (
	"context"
	"math"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver"
)

func TestBenchHelpers(t *testing.T) {
	// An exact line of slope 1.5: least squares recovers it to round-off
	// (1e-12 leaves room for the few operations on numbers of order 1).
	if s := slope([]float64{0, 1, 2, 3}, []float64{1, 2.5, 4, 5.5}); math.Abs(s-1.5) > 1e-12 {
		t.Errorf("slope %g, want 1.5", s)
	}
	h, _ := hamiltonians.Parse("p^2/2 + x^2/2", []string{"x"}, []string{"p"}, nil)
	// A 4-neuron network on 10 points: well under 100 ms per epoch on any
	// machine; positive means the blocks were timed.
	ms, err := EpochMs(context.Background(), solver.Problem{H: h, Z0: []float64{1, 0}, T: 1, K: 10}, &solver.Settings{Hidden: []int{4}}, 300)
	if err != nil || !(ms > 0) || ms > 100 {
		t.Errorf("epoch time %g ms, %v", ms, err)
	}
	if ms, err := learnStepMs(context.Background()); err != nil || !(ms > 0) {
		t.Errorf("learn step %g ms, %v", ms, err)
	}
}
