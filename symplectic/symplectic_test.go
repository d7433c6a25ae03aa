package symplectic

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
)

func parse(t testing.TB, src string, q, p []string) hamiltonians.Hamiltonian {
	t.Helper()
	f, err := hamiltonians.Parse(src, q, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := f.Separable(); ok {
		return s
	}
	return f
}

var (
	x1, p1  = []string{"q"}, []string{"p"}
	xy, pxy = []string{"x", "y"}, []string{"px", "py"}
)

// slope fits log(err) = a + b·log(dt) by least squares and returns b.
func slope(dts, errs []float64) float64 {
	var sx, sy, sxx, sxy float64
	n := float64(len(dts))
	for i := range dts {
		x, y := math.Log(dts[i]), math.Log(errs[i])
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// TestOrder checks that the observed order of each fixed-step method is
// within 0.1 of its nominal order on the harmonic oscillator and the
// pendulum. The error at T is measured against DOP853 at 1e-13. Step counts
// are chosen per method so the errors stay between ~1e-3 (asymptotic
// regime) and ~1e-11 (far above rounding).
func TestOrder(t *testing.T) {
	problems := []struct {
		name string
		h    hamiltonians.Hamiltonian
		x0   []float64
		T    float64
	}{
		{"oscillator", parse(t, "p^2/2 + q^2/2", x1, p1), []float64{1, 0}, 2},
		{"pendulum", parse(t, "p^2/2 + 3*(1 - cos(q))", x1, p1), []float64{1, 0.5}, 2},
	}
	steps := map[string][]int{
		"euler": {200, 400, 800, 1600, 3200}, "verlet": {50, 100, 200, 400, 800},
		"yoshida4": {20, 40, 80, 160}, "yoshida6": {10, 14, 20, 28},
		"midpoint": {50, 100, 200, 400, 800}, "implicit-euler": {200, 400, 800, 1600, 3200},
		"rk4": {20, 40, 80, 160},
	}
	for _, pr := range problems {
		ref, err := (&DOP853{RTol: 1e-13, ATol: 1e-13}).Solve(context.Background(), HamiltonianSystem(pr.h), pr.x0, 0, pr.T)
		if err != nil {
			t.Fatal(err)
		}
		want := ref.At(nil, pr.T)
		for _, m := range Methods {
			var dts, errs []float64
			for _, n := range steps[m.Name()] {
				tr, err := Integrate(pr.h, pr.x0, 0, pr.T, n, m)
				if err != nil {
					t.Fatal(err)
				}
				got := tr.State(nil, n)
				e := math.Hypot(got[0]-want[0], got[1]-want[1])
				dts, errs = append(dts, pr.T/float64(n)), append(errs, e)
			}
			if b := slope(dts, errs); math.Abs(b-float64(m.Order())) > 0.1 {
				t.Errorf("%s on %s: observed order %.3f, nominal %d (errors %v)", m.Name(), pr.name, b, m.Order(), errs)
			}
		}
	}
}

// TestSymplectic checks DΦᵀ J DΦ = J for each symplectic method's one-step
// map, DΦ by central differences with step 1e-6 (error ~1e-12·‖D³Φ‖ from
// truncation and ~1e-10 from rounding in the entries); the tolerance 1e-9
// sits above both. RK4 must fail the same check, so the test can fail.
func TestSymplectic(t *testing.T) {
	hh := parse(t, "0.5*(px^2 + py^2) + 0.5*(x^2 + y^2) + x^2*y - y^3/3", xy, pxy)
	nonsep := parse(t, "(px - y^2)^2/2 + (py + x*y)^2/2 + (x^2 + y^2)/2 + px*py*x/4", xy, pxy)
	x0 := []float64{0.3, -0.3, 0.3, 0.15}
	for _, m := range Methods {
		h := hh
		if _, ok := m.(*implicit); ok {
			h = nonsep
		}
		defect := symplecticDefect(t, h, m, x0, 0.1)
		if m == RK4 {
			if defect < 1e-7 {
				t.Errorf("rk4 passed the symplecticity check (defect %g): the check cannot fail", defect)
			}
			continue
		}
		if defect > 1e-9 {
			t.Errorf("%s: ‖DΦᵀJDΦ − J‖ = %g", m.Name(), defect)
		}
	}
}

func symplecticDefect(t *testing.T, h hamiltonians.Hamiltonian, m Method, x0 []float64, dt float64) float64 {
	D := len(x0)
	d := D / 2
	jac := mat.NewDense(D, D, nil)
	xp, xm := make([]float64, D), make([]float64, D)
	yp, ym := make([]float64, D), make([]float64, D)
	const eps = 1e-6
	for j := 0; j < D; j++ {
		copy(xp, x0)
		copy(xm, x0)
		xp[j] += eps
		xm[j] -= eps
		if err := m.Step(yp, h, xp, dt); err != nil {
			t.Fatal(err)
		}
		if err := m.Step(ym, h, xm, dt); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < D; i++ {
			jac.Set(i, j, (yp[i]-ym[i])/(2*eps))
		}
	}
	J := mat.NewDense(D, D, nil)
	for i := 0; i < d; i++ {
		J.Set(i, d+i, 1)
		J.Set(d+i, i, -1)
	}
	var tmp, got mat.Dense
	tmp.Mul(jac.T(), J)
	got.Mul(&tmp, jac)
	got.Sub(&got, J)
	return mat.Norm(&got, math.Inf(1))
}

func TestDOP853(t *testing.T) {
	ctx := context.Background()
	osc := func(dst []float64, _ float64, y []float64) { dst[0], dst[1] = y[1], -y[0] }
	sol, err := (&DOP853{}).Solve(ctx, osc, []float64{1, 0}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	// Harmonic oscillator to 1e-10 at t = 100 (the acceptance figure).
	y := sol.At(nil, 100)
	if e := math.Hypot(y[0]-math.Cos(100), y[1]+math.Sin(100)); e > 1e-10 {
		t.Errorf("oscillator error at t=100: %g", e)
	}
	// Dense output between steps: the 7th-order interpolant stays at the
	// level of the step error, 1e-10 over the whole interval.
	var worst float64
	for i := 0; i <= 20000; i++ {
		tt := 100 * float64(i) / 20000
		y := sol.At(nil, tt)
		worst = math.Max(worst, math.Hypot(y[0]-math.Cos(tt), y[1]+math.Sin(tt)))
	}
	if worst > 1e-10 {
		t.Errorf("dense output error %g", worst)
	}
	st := sol.Stats()
	if st.Accepted < 10 || st.Evaluations < 12*st.Accepted || st.ErrorEstimate <= 0 {
		t.Errorf("implausible stats %+v", st)
	}
	// A circular Kepler orbit returns to its start after 10 periods.
	kep := parse(t, "(px^2 + py^2)/2 - 1/sqrt(x^2 + y^2)", xy, pxy)
	x0 := []float64{1, 0, 0, 1}
	ks, err := (&DOP853{}).Solve(ctx, HamiltonianSystem(kep), x0, 0, 20*math.Pi)
	if err != nil {
		t.Fatal(err)
	}
	y = ks.At(nil, 20*math.Pi)
	var e float64
	for i := range y {
		e = math.Max(e, math.Abs(y[i]-x0[i]))
	}
	if e > 1e-9 {
		t.Errorf("Kepler orbit after 10 periods: off by %g", e)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	nonsep := parse(t, "(p - q^2)^2/2 + q^2/2", x1, p1)
	for _, m := range []Method{Euler, Verlet, Yoshida4, Yoshida6} {
		_, err := Integrate(nonsep, []float64{1, 0}, 0, 1, 10, m)
		if !errors.Is(err, ErrNotSeparable) {
			t.Errorf("%s on a non-separable H: %v", m.Name(), err)
		}
	}
	// Newton fails on a huge step of a strongly nonlinear H.
	stiff := parse(t, "exp(p) + exp(q) + p^2*q^2", x1, p1)
	for _, m := range []Method{Midpoint, ImplicitEuler} {
		_, err := Integrate(stiff, []float64{3, 3}, 0, 100, 1, m)
		if !errors.Is(err, ErrNewton) {
			t.Errorf("%s with one huge step: %v, want ErrNewton", m.Name(), err)
		}
	}
	osc := func(dst []float64, _ float64, y []float64) { dst[0], dst[1] = y[1], -y[0] }
	if _, err := (&DOP853{MaxSteps: 5}).Solve(ctx, osc, []float64{1, 0}, 0, 100); err == nil {
		t.Error("MaxSteps not enforced")
	}
	blowup := func(dst []float64, _ float64, y []float64) { dst[0] = y[0] * y[0] }
	if _, err := (&DOP853{}).Solve(ctx, blowup, []float64{1}, 0, 2); err == nil {
		t.Error("y' = y² from 1 blows up at t = 1; DOP853 must fail, not return")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (&DOP853{}).Solve(cctx, osc, []float64{1, 0}, 0, 1e6); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if _, err := MethodByName("leapfrog"); err == nil {
		t.Error("unknown method accepted")
	}
}

// TestTrajectoryAt: exact at the nodes; between them the Hermite
// interpolant's error on the oscillator with dt = 0.01 is at most
// dt⁴/384·max|x⁗| ≈ 3e-11, well below the 1e-9 asserted.
func TestTrajectoryAt(t *testing.T) {
	h := parse(t, "p^2/2 + q^2/2", x1, p1)
	tr, err := Integrate(h, []float64{1, 0}, 0, 1, 100, Yoshida6)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < tr.Len(); k++ {
		a, b := tr.At(nil, tr.Time(k)), tr.State(nil, k)
		if a[0] != b[0] || a[1] != b[1] {
			t.Fatalf("At(t_%d) differs from the stored state", k)
		}
	}
	for i := 0; i < 1000; i++ {
		tt := float64(i) / 1000
		y := tr.At(nil, tt)
		if e := math.Abs(y[0] - math.Cos(tt)); e > 1e-9 {
			t.Fatalf("interpolation error %g at t=%g", e, tt)
		}
	}
}
