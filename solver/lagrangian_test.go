package solver

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
)

func henonHeiles(t *testing.T) Problem {
	f, err := hamiltonians.Parse("0.5*(px^2 + py^2) + 0.5*(x^2 + y^2) + x^2*y - y^3/3", []string{"x", "y"}, []string{"px", "py"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Problem{H: f, Z0: []float64{0.3, -0.3, 0.3, 0.15}, T: 2, K: 20, Text: []byte("henon-heiles")}
}

// The gradient of the Lagrangian loss (Eq. 11–12, with and without the
// energy term, both trial functions, one and two degrees of freedom)
// matches central differences, through the training batch (K = 200 times
// split into several chunks evaluated in parallel). Step 1e-6 and tolerance
// as in TestLossGradient.
func TestLagrangianLossGradient(t *testing.T) {
	for _, p := range []Problem{oscillator(t), henonHeiles(t)} {
		p.K = 200
		for _, lambda := range []float64{0, 0.7} {
			for _, trial := range []Trial{TrialExp, TrialLinear} {
				s := &Settings{Hidden: []int{6, 5}, Activation: "tanh", Epochs: 1, EnergyWeight: lambda, Trial: trial, Formulation: FormulationLagrangian, NoJitter: true}
				sol, err := Solve(context.Background(), p, s, nil)
				if err != nil {
					t.Fatal(err)
				}
				tr := newTrainer(p, sol.Settings, sol.net, nil)
				if len(tr.batch.parts) < 2 {
					t.Fatalf("%d chunks; the test wants several", len(tr.batch.parts))
				}
				grad := make([]float64, len(sol.net.Params))
				tr.batch.lossGrad(tr.grid, grad)
				for i := range sol.net.Params {
					old := sol.net.Params[i]
					sol.net.Params[i] = old + 1e-6
					lp := tr.batch.lossGrad(tr.grid, nil)
					sol.net.Params[i] = old - 1e-6
					lm := tr.batch.lossGrad(tr.grid, nil)
					sol.net.Params[i] = old
					fd := (lp - lm) / 2e-6
					if math.Abs(fd-grad[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
						t.Errorf("D=%d λ=%g %s: ∂L/∂θ%d = %g, finite difference %g", len(p.Z0), lambda, trial, i, grad[i], fd)
					}
				}
			}
		}
	}
}

// A Lagrangian solution is a full phase-space solution: ẑ(0) = z0 exactly,
// the momentum is the velocity (dq̂/dt = p̂, so the q rows of the residual
// vanish), Deriv is the derivative of At, and Save/Load round-trips it.
func TestLagrangianSolution(t *testing.T) {
	p := henonHeiles(t)
	sol, err := Solve(context.Background(), p, &Settings{Hidden: []int{8}, Epochs: 50, Seed: 2, Formulation: FormulationLagrangian}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if z := sol.At(nil, 0); !equal(z, p.Z0) {
		t.Errorf("ẑ(0) = %v, want %v", z, p.Z0)
	}
	for _, tm := range []float64{0.3, 1.1, 1.9} {
		z, dz, r := sol.At(nil, tm), sol.Deriv(nil, tm), sol.Residual(nil, tm)
		for i := 0; i < 2; i++ {
			if dz[i] != z[2+i] || r[i] != 0 {
				t.Errorf("t=%g: dq/dt = %g, p = %g, residual %g", tm, dz[i], z[2+i], r[i])
			}
		}
		// Central differences of At: step 1e-5, error ~1e-10 for an O(1)
		// smooth trajectory; 1e-7 leaves margin.
		zp, zm := sol.At(nil, tm+1e-5), sol.At(nil, tm-1e-5)
		for i := range dz {
			if fd := (zp[i] - zm[i]) / 2e-5; math.Abs(fd-dz[i]) > 1e-7 {
				t.Errorf("t=%g: Deriv[%d] = %g, finite difference %g", tm, i, dz[i], fd)
			}
		}
	}
	// The training loss and ℓmax agree with the residual ℓ(t) computed the
	// long way (At, Deriv and ∇H): L = mean ‖ℓ‖², ℓmax = max ‖ℓ‖ over the
	// same times, to rounding (1e-12 relative).
	tr := newTrainer(p, sol.Settings, sol.net, nil)
	var mean, worst float64
	for _, tm := range tr.grid {
		r := sol.Residual(nil, tm)
		mean += dot(r, r) / float64(len(tr.grid))
		worst = math.Max(worst, math.Sqrt(dot(r, r)))
	}
	if loss := tr.batch.lossGrad(tr.grid, nil); math.Abs(loss-mean) > 1e-12*mean {
		t.Errorf("training loss %g, mean ‖ℓ‖² %g", loss, mean)
	}
	if lmax := sol.LMax(p.K - 1); math.Abs(lmax-worst) > 1e-12*worst {
		t.Errorf("ℓmax %g, max ‖ℓ‖ %g", lmax, worst)
	}
	var buf bytes.Buffer
	if err := sol.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"formulation": "lagrangian"`) {
		t.Error("saved model does not record its formulation")
	}
	back, err := Load(buf.Bytes(), p)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := sol.At(nil, 1.234), back.At(nil, 1.234); !equal(a, b) {
		t.Errorf("after Load ẑ(1.234) = %v, want %v", b, a)
	}
	if a, b := sol.LMax(100), back.LMax(100); a != b {
		t.Errorf("after Load ℓmax = %g, want %g", b, a)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Training the Lagrangian network lowers ℓmax: 400 epochs take the
// oscillator's residual to below a tenth of the untrained network's.
func TestLagrangianTraining(t *testing.T) {
	p := oscillator(t)
	sol, err := Solve(context.Background(), p, &Settings{Hidden: []int{16, 16}, Epochs: 400, Seed: 3, Formulation: FormulationLagrangian, PolishIterations: 20}, nil)
	if err != nil {
		t.Fatal(err)
	}
	untrained, err := Solve(context.Background(), p, &Settings{Hidden: []int{16, 16}, Epochs: 1, Seed: 3, Formulation: FormulationLagrangian}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l0, l1 := untrained.LMax(200), sol.LMax(200); !(l1 < l0/10) {
		t.Errorf("ℓmax %g after training, %g before; want a tenfold decrease", l1, l0)
	}
	if sol.Training.Polish == 0 {
		t.Errorf("the L-BFGS polish did not run: %+v", sol.Training)
	}
}

// A bad formulation and a Hamiltonian that is not |p|²/2 + V(q) are
// refused with errors that say why.
func TestFormulationErrors(t *testing.T) {
	nonsep, err := hamiltonians.Parse("p^2/2*(1 + x^2) + x^2/2", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	heavy, err := hamiltonians.Parse("p^2 + x^2/2", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	osc := oscillator(t)
	for _, c := range []struct {
		h      hamiltonians.Hamiltonian
		form   Formulation
		polish PolishMethod
		want   string
	}{
		{osc.H, "newtonian", "", `unknown formulation "newtonian"`},
		{nonsep, FormulationLagrangian, "", "H = |p|²/2 + V(q)"},
		{heavy, FormulationLagrangian, "", "H = |p|²/2 + V(q)"},
		{osc.H, FormulationLagrangian, "lm", "lbfgs polish"},
	} {
		p := Problem{H: c.h, Z0: []float64{1, 0}, T: 1, K: 10}
		_, err := Solve(context.Background(), p, &Settings{Formulation: c.form, Epochs: 1, PolishMethod: c.polish}, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with %v: error %v, want one containing %q", c.form, c.h, err, c.want)
		}
	}
}
