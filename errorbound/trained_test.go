package errorbound_test

import (
	"context"
	"math"
	"testing"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

// An undertrained network on the harmonic oscillator: its error has
// drifted along the orbit to three times ℓmax/σmin (Mattheakis et al.
// Eq. 22), so the paper's bound is violated, showing it is not rigorous;
// the certified bound holds. (Measured for these settings: largest
// component error 0.45, paper's bound 0.15; certified 0.47 on ‖δz‖
// against an actual 0.46. Undertrained models of this problem violated
// the paper's bound by 2–5× for every setting tried.)
func TestPaperViolatedCertifiedHolds(t *testing.T) {
	ctx := context.Background()
	h, err := hamiltonians.Parse("p^2/2 + x^2/2", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	z0 := []float64{1, 0}
	T := 4 * math.Pi
	const K = 50
	sol, err := solver.Solve(ctx, solver.Problem{H: h, Z0: z0, T: T, K: K}, &solver.Settings{Hidden: []int{20, 20}, Epochs: 1000, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := (&symplectic.DOP853{}).Solve(ctx, symplectic.HamiltonianSystem(h), z0, 0, T)
	if err != nil {
		t.Fatal(err)
	}
	grid := errorbound.Grid(0, T, 20*K)
	cmp := errorbound.Compare(h, sol, ref, grid)
	paper, err := errorbound.Paper(h, sol, h.H(z0), 0, grid)
	if err != nil {
		t.Fatal(err)
	}
	comp := math.Max(cmp.MaxAbs[0], cmp.MaxAbs[1])
	if !(paper.Bound < comp) {
		t.Errorf("the paper's bound %g holds (largest component error %g): pick a less trained model", paper.Bound, comp)
	}
	c, err := errorbound.Certify(ctx, h, sol, T, &errorbound.CertifySettings{Intervals: 20 * K})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("largest component error %.3g, paper's bound %.3g; ‖δz‖ %.3g, certified %.3g", comp, paper.Bound, cmp.Max, c.Bound)
	// Grid sampling can only underestimate the actual maximum, so a bound
	// below the grid maximum is certainly wrong.
	if !c.Certified || !(c.Bound >= cmp.Max) {
		t.Errorf("certified bound %+v, actual max ‖δz‖ %g", c, cmp.Max)
	}
}
