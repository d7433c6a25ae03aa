package solver

import (
	"context"
	"math"
	"strings"
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

// A tolerance far below what the networks reach ends the run once the
// shortest windows keep overspending their share of the budget, long
// before the time runs out, saying so.
func TestToleranceHopeless(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a few dozen short windows (about 5 s)")
	}
	c := autoCase{"sextic", "p^2/2 + x^6/6 - x^2/2", []string{"x"}, []string{"p"}, []float64{0.2, 0.4}, 12}
	p := c.problem(t)
	sol, err := Solve(context.Background(), p, &Settings{Tolerance: 1e-14, MaxSeconds: 300, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := sol.Training.Tolerance
	if res == nil || res.Met || !strings.Contains(res.Reason, "shortest length") || !(res.CertifiedUntil > 0) {
		t.Fatalf("tolerance %+v", res)
	}
	// Measured 5 s; the time running out would take 255 s (85 % of 300).
	if sol.Training.Seconds > 150 {
		t.Errorf("took %.1f s: the run was not ended early", sol.Training.Seconds)
	}
	t.Logf("%s after %.1f s", res.Reason, sol.Training.Seconds)
}

// A window trained on the scaled time s·t is returned as the equivalent
// network of t: its ℓmax on the validation grid, evaluated unscaled, is
// the one training judged, and a warm start from it (no iterations)
// gives back the same network.
func TestTimeScale(t *testing.T) {
	p := autoCases[0].problem(t)
	p.T = 0.3
	set := Settings{Hidden: []int{8, 8}, Seed: 1, Epochs: 200, LearningRate: 1e-2, PolishIterations: 50, PolishMethod: PolishLM, timeScale: 1 / p.T}
	sol, err := solveNetwork(context.Background(), p, &set, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sol.Settings.timeScale != 0 {
		t.Fatalf("the solution keeps the time scale %v", sol.Settings.timeScale)
	}
	// The fold s·W₁ and the scaled input s·t round differently, by an ulp
	// of the first layer's inputs; ℓ is a difference of O(1) terms, so
	// ℓmax (here 2.6e-4) moves by about 5e-12 of itself. 1e-9 leaves room
	// and still catches a wrong fold (off by s, or on the wrong weights).
	got, want := sol.LMax(sol.Settings.ValidationPoints-1), sol.Training.BestLMax
	t.Logf("ℓmax %.17g unscaled, %.17g in training", got, want)
	if math.Abs(got-want) > 1e-9*want {
		t.Errorf("ℓmax of the unscaled network %.17g, training's %.17g", got, want)
	}
	again := set
	again.Epochs, again.LearningRate, again.PolishIterations = 1, 0, 0
	warm, err := solveNetwork(context.Background(), p, &again, nil, sol.Params())
	if err != nil {
		t.Fatal(err)
	}
	a, b := make([]float64, 2), make([]float64, 2)
	for _, tt := range []float64{0, 0.1, 0.3} {
		sol.At(a, tt)
		warm.At(b, tt)
		for i := range a {
			// Dividing by s and multiplying back changes W₁ by an ulp.
			if d := math.Abs(a[i] - b[i]); d > 1e-14 {
				t.Errorf("t = %g: warm start moved z[%d] by %g", tt, i, d)
			}
		}
	}
}

// firstHalf keeps the same network on the first half of its window: the
// state is unchanged there, K and T are halved, and it refuses a target
// below the half's ℓmax.
func TestFirstHalf(t *testing.T) {
	p := autoCases[0].problem(t)
	p.T, p.K = 1, 16
	set := Settings{Hidden: []int{8, 8}, Seed: 1, Epochs: 300, LearningRate: 1e-2, timeScale: 1}
	sol, err := solveNetwork(context.Background(), p, &set, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	half := firstHalf(sol, math.Inf(1))
	if half == nil || half.Problem.T != 0.5 || half.Problem.K != 8 {
		t.Fatalf("firstHalf: %+v", half)
	}
	a, b := make([]float64, 2), make([]float64, 2)
	for _, tt := range []float64{0, 0.2, 0.5} {
		sol.At(a, tt)
		half.At(b, tt)
		if a[0] != b[0] || a[1] != b[1] { // the same network: the same bits
			t.Errorf("t = %g: %v, first half %v", tt, a, b)
		}
	}
	l := half.Training.BestLMax
	if !(l > 0) || firstHalf(sol, l/2) != nil || firstHalf(sol, l) == nil {
		t.Errorf("ℓmax of the first half %g: the target test is wrong", l)
	}
}

// Progress carries the certificate of the chain so far once the chain has
// passed a tenth of T, on a span it has reached.
func TestProgressBound(t *testing.T) {
	p := autoCases[0].problem(t)
	var seen []Progress
	sol, err := SolveTolerance(context.Background(), p, &Settings{Tolerance: 1e-5, Seed: 1}, func(pr Progress) {
		if pr.Phase == PhaseWindow {
			seen = append(seen, pr)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	final := sol.Training.Tolerance.Bound
	var got int
	for _, pr := range seen {
		if pr.BoundUntil == 0 {
			if pr.Certified() != "not certified yet" {
				t.Errorf("before any certificate: %q", pr.Certified())
			}
			continue
		}
		got++
		// A shorter chain is certified with other sub-intervals: allow
		// the bound to exceed the final one by its refinement margin.
		if !(pr.Bound <= 2*final) || pr.BoundUntil > pr.Reached || !strings.HasPrefix(pr.Certified(), "certified ≤ ") {
			t.Errorf("window %d at t = %g: %s, final bound %g", pr.Window, pr.Reached, pr.Certified(), final)
		}
	}
	if got == 0 {
		t.Errorf("no progress carried a certificate (%d windows reported)", len(seen))
	}
}

// The automatic mode's Levenberg–Marquardt (fastLM: geodesic
// acceleration) goes far below where plain steps stall: on a window of
// 0.1 of the oscillator, 1.7e-7 plain against 2e-10 accelerated after
// 1500 iterations (measured). A tenth is a wide margin for that gap and
// fails if the acceleration is lost or wrong.
func TestGeodesicAcceleration(t *testing.T) {
	if testing.Short() {
		t.Skip("two trainings of a second each")
	}
	p := autoCases[0].problem(t)
	p.T, p.K = 0.1, 16
	lmax := map[bool]float64{}
	for _, fast := range []bool{false, true} {
		set := Settings{Hidden: []int{12, 12}, Seed: 1, Beta1: 0.9, Beta2: 0.999, Epochs: 1500, LearningRate: 1e-2,
			PolishIterations: 1500, PolishMethod: PolishLM, timeScale: 1 / p.T, fastLM: fast}
		sol, err := solveNetwork(context.Background(), p, &set, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		lmax[fast] = sol.Training.BestLMax
	}
	t.Logf("ℓmax plain %.3g, accelerated %.3g", lmax[false], lmax[true])
	if !(lmax[true] < 0.1*lmax[false]) {
		t.Errorf("ℓmax with geodesic acceleration %.3g, without %.3g: want at least 10× smaller", lmax[true], lmax[false])
	}
}
