package solver

import (
	"context"
	"math"
	"testing"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

// autoCase is a problem for the automatic mode's tests.
type autoCase struct {
	name, h string
	q, p    []string
	z0      []float64
	T       float64
}

// autoCases are five problems of different kinds on short spans, so that
// a tolerance of 1e-4 takes a few windows each.
var autoCases = []autoCase{
	{"quartic oscillator", "p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, []float64{1.3, 1}, 4},
	{"Morse", "p^2/2 + (1-exp(-q))^2", []string{"q"}, []string{"p"}, []float64{0.5, 0}, 4},
	{"pendulum at 2.5 rad", "p^2/2 - cos(q)", []string{"q"}, []string{"p"}, []float64{2.5, 0}, 4},
	{"double well", "p^2/2 + q^4/4 - q^2/2", []string{"q"}, []string{"p"}, []float64{0.1, 0.3}, 4},
	{"Hénon–Heiles", "(px^2+py^2)/2 + (x^2+y^2)/2 + x^2*y - y^3/3", []string{"x", "y"}, []string{"px", "py"}, []float64{0.3, -0.3, 0.3, 0.15}, 3},
}

func (c autoCase) problem(t *testing.T) Problem {
	t.Helper()
	f, err := hamiltonians.Parse(c.h, c.q, c.p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Problem{H: f, Z0: c.z0, T: c.T, K: 50}
}

// The certificate over a chain holds: on five problems the automatic mode
// at 1e-4 returns a chain whose certified bound is at most the tolerance
// and at least the actual max‖δz‖ against DOP853 at 1e-12 (itself about
// 1e-11 from the truth, far below 1e-4), on a grid of 20 points per
// window spacing with the joints included.
func TestToleranceCertifiedHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five chains (about 15 s)")
	}
	for _, c := range autoCases {
		t.Run(c.name, func(t *testing.T) {
			p := c.problem(t)
			sol, err := Solve(context.Background(), p, &Settings{Tolerance: 1e-4, Seed: 1}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := sol.Training.Tolerance
			if res == nil || !res.Met || res.CertifiedUntil != p.T || !(res.Bound <= 1e-4) {
				t.Fatalf("tolerance %+v", res)
			}
			ref, err := errorbound.Reference.Solve(context.Background(), symplectic.HamiltonianSystem(p.H), p.Z0, 0, p.T)
			if err != nil {
				t.Fatal(err)
			}
			ts := errorbound.Grid(0, p.T, 2000)
			for _, w := range sol.Windows() {
				ts = append(ts, w.Start, math.Nextafter(w.Start, 0))
			}
			cmp := errorbound.Compare(p.H, sol, ref, ts)
			if !(cmp.Max <= res.Bound) {
				t.Errorf("actual max‖δz‖ %.3g above the certified %.3g", cmp.Max, res.Bound)
			}
			if cert := sol.Certificate(); cert == nil || len(cert.Envelope) == 0 || cert.Envelope[len(cert.Envelope)-1].T1 != p.T {
				t.Errorf("no envelope up to T")
			}
			t.Logf("%d windows, certified %.3g, actual %.3g", len(sol.Windows()), res.Bound, cmp.Max)
		})
	}
}

// An unreachable tolerance is not met: the chain comes back with the
// result saying so and how far the certificate got, within the budget.
func TestToleranceUnreachable(t *testing.T) {
	if testing.Short() {
		t.Skip("spends its 4 s budget")
	}
	p := autoCases[0].problem(t)
	p.T = 1
	sol, err := Solve(context.Background(), p, &Settings{Tolerance: 1e-14, MaxSeconds: 4, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := sol.Training.Tolerance
	if res == nil || res.Met || res.Reason == "" {
		t.Fatalf("tolerance %+v", res)
	}
	// A guard against ignoring the budget altogether, not a timing test:
	// on a loaded shared machine the 4 s budget has taken 13 s of wall
	// clock (the last training step and the certificate finish after it).
	if sol.Training.Seconds > 120 {
		t.Errorf("took %.1f s on a budget of 4", sol.Training.Seconds)
	}
}
