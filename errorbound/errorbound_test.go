package errorbound

import (
	"context"
	"math"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

// perturbed is the exact harmonic-oscillator solution plus ε·sin(t)² in
// every component: a "network" with known error.
type perturbed struct{ eps float64 }

func (p perturbed) At(dst []float64, t float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	s := math.Sin(t)
	dst[0] = math.Cos(t) + p.eps*s*s
	dst[1] = -math.Sin(t) + p.eps*s*s
	return dst
}

func (p perturbed) Deriv(dst []float64, t float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	ds := 2 * math.Sin(t) * math.Cos(t)
	dst[0] = -math.Sin(t) + p.eps*ds
	dst[1] = -math.Cos(t) + p.eps*ds
	return dst
}

func oscillator(t *testing.T) hamiltonians.Hamiltonian {
	f, err := hamiltonians.Parse("p^2/2 + q^2/2", []string{"q"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := f.Separable()
	return s
}

func TestCompare(t *testing.T) {
	h := oscillator(t)
	c := Compare(h, perturbed{1e-3}, perturbed{0}, Grid(0, 10, 1000))
	// max ε·sin² = ε at t = π/2 (on the grid to within (π/2 − 1.57)²).
	if math.Abs(c.MaxAbs[0]-1e-3) > 1e-8 || math.Abs(c.Max-math.Sqrt2*1e-3) > 1e-8 {
		t.Errorf("comparison %+v", c)
	}
	if c.NonFinite != 0 || !(c.MaxEnergy > 0) {
		t.Errorf("comparison %+v", c)
	}
}

func TestEuler(t *testing.T) {
	ctx := context.Background()
	h := oscillator(t)
	ref, err := (&symplectic.DOP853{}).Solve(ctx, symplectic.HamiltonianSystem(h), []float64{1, 0}, 0, 4*math.Pi)
	if err != nil {
		t.Fatal(err)
	}
	c1, err := EulerRun(ctx, h, []float64{1, 0}, 4*math.Pi, 200, ref)
	if err != nil {
		t.Fatal(err)
	}
	c10, _ := EulerRun(ctx, h, []float64{1, 0}, 4*math.Pi, 2000, ref)
	// First order: ten times the steps, about a tenth of the error (the
	// ratio 8–12 allows for the phase error's mild nonlinearity).
	if r := c1.Max / c10.Max; r < 8 || r > 12 {
		t.Errorf("error ratio %g between 200 and 2000 steps, want about 10", r)
	}
	n, ok, ext, err := EulerStepsToMatch(ctx, h, []float64{1, 0}, 4*math.Pi, ref, c10.Max, 200)
	if err != nil || !ok || ext {
		t.Fatal(err, ok, ext)
	}
	// The error is nearly monotone in n, so the answer lies just below 2000.
	if n > 2000 || n < 1900 {
		t.Errorf("steps to match the 2000-step error: %d", n)
	}
	cn, _ := EulerRun(ctx, h, []float64{1, 0}, 4*math.Pi, n, ref)
	cm, _ := EulerRun(ctx, h, []float64{1, 0}, 4*math.Pi, n-1, ref)
	if cn.Max > c10.Max || cm.Max <= c10.Max {
		t.Errorf("n=%d is not the smallest: err(n)=%g err(n-1)=%g target %g", n, cn.Max, cm.Max, c10.Max)
	}
}

// Beyond MeasuredEulerSteps the steps to match are extrapolated by first
// order: for a target four times below the error of the last doubling
// run, the extrapolated count run for real meets the target within 10 %
// (the oscillator's Euler error is first order to 1e-3 relative at these
// step sizes; the margin allows for the phase error's nonlinearity).
func TestEulerStepsExtrapolated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Euler for about 10^7 steps")
	}
	if 200*8192 > MeasuredEulerSteps || 200*16384 <= MeasuredEulerSteps {
		t.Fatal("the test's last doubling does not match MeasuredEulerSteps")
	}
	ctx := context.Background()
	h := oscillator(t)
	ref, err := (&symplectic.DOP853{RTol: 1e-13, ATol: 1e-13}).Solve(ctx, symplectic.HamiltonianSystem(h), []float64{1, 0}, 0, 4*math.Pi)
	if err != nil {
		t.Fatal(err)
	}
	last := 200 * 8192 // the last doubling of 200 at most MeasuredEulerSteps
	c, _ := EulerRun(ctx, h, []float64{1, 0}, 4*math.Pi, last, ref)
	n, ok, ext, err := EulerStepsToMatch(ctx, h, []float64{1, 0}, 4*math.Pi, ref, c.Max/4, 200)
	if err != nil || !ok || !ext {
		t.Fatal(err, ok, ext)
	}
	if n < 4*last-1 || n > 4*last+1 {
		t.Errorf("extrapolated %d steps, want 4·%d", n, last)
	}
	cn, _ := EulerRun(ctx, h, []float64{1, 0}, 4*math.Pi, n, ref)
	if r := cn.Max / (c.Max / 4); r > 1.1 || r < 0.9 {
		t.Errorf("%d steps reach %.3g, target %.3g", n, cn.Max, c.Max/4)
	}
}

// The paper's bound on a perturbed solution of a problem with σmin = 1.
func TestPaperAndPropagate(t *testing.T) {
	h := oscillator(t)
	s := perturbed{1e-4}
	b, err := Paper(h, s, 0.5, 0, Grid(0, 4*math.Pi, 4000))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(b.SigmaMin-1) > 1e-12 || b.Reason != "" || math.Abs(b.Bound-b.LMax) > 1e-15 {
		t.Errorf("bound %+v", b)
	}
	e, err := Propagate(context.Background(), h, s, 4*math.Pi, 1e-12)
	if err != nil {
		t.Fatal(err)
	}
	// For a linear H the propagation is exact: e = z − ẑ = −ε·sin². DOP853
	// at atol = 1e-12 accumulates a few 1e-12 over 2 periods: allow 1e-11.
	for _, tt := range Grid(0, 4*math.Pi, 100) {
		got := e.At(nil, tt)
		want := -1e-4 * math.Sin(tt) * math.Sin(tt)
		if math.Abs(got[0]-want) > 1e-11 || math.Abs(got[1]-want) > 1e-11 {
			t.Fatalf("propagated error %v at t=%g, want %g", got, tt, want)
		}
	}
	// Translation symmetry: the Hessian of a free particle is singular.
	free, _ := hamiltonians.Parse("p^2/2", []string{"q"}, []string{"p"}, nil)
	b, err = Paper(free, s, 0.5, 0, Grid(0, 1, 10))
	if err != nil || !math.IsInf(b.Bound, 1) || b.Reason == "" {
		t.Errorf("singular Hessian: %+v %v", b, err)
	}
}

// The energy metric is zero for the true vector field and grows with a
// model that changes the energy.
func TestEnergyMSE(t *testing.T) {
	h := oscillator(t)
	x0s := [][]float64{{1, 0}, {0.5, 0.5}}
	ctx := context.Background()
	m, s, err := EnergyMSE(ctx, h, symplectic.HamiltonianSystem(h), x0s, 10, 100)
	// DOP853 at 1e-9 on the same field twice gives the same trajectory.
	if err != nil || m != 0 || s != 0 {
		t.Errorf("true field: %g ± %g, %v", m, s, err)
	}
	damped := func(dst []float64, _ float64, y []float64) { dst[0], dst[1] = y[1], -y[0]-0.1*y[1] }
	m, s, err = EnergyMSE(ctx, h, damped, x0s, 10, 100)
	if err != nil || !(m > 1e-3) || !(s > 0) {
		t.Errorf("damped field: %g ± %g, %v", m, s, err)
	}
}
