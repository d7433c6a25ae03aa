package solver

import (
	"context"
	"math"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
)

// Enclose contains ẑ and dẑ/dt (At, Deriv) at many times of the interval,
// and the second and third derivatives from finite differences of Deriv,
// for both trial functions and both formulations (the Lagrangian one's
// third derivative of p̂ = dq̂/dt is the fourth of the network).
func TestEnclose(t *testing.T) {
	p := oscillator(t)
	for _, c := range []struct {
		trial Trial
		form  Formulation
	}{{TrialExp, FormulationHamiltonian}, {TrialLinear, FormulationHamiltonian}, {TrialExp, FormulationLagrangian}, {TrialLinear, FormulationLagrangian}} {
		trial := c.trial
		sol, err := Solve(context.Background(), p, &Settings{Hidden: []int{8, 8}, Epochs: 50, Seed: 1, Trial: trial, Formulation: c.form}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var box [4][]hamiltonians.Interval
		for k := range box {
			box[k] = make([]hamiltonians.Interval, 2)
		}
		const a, b = 0.4, 0.45
		if err := sol.Enclose(box, a, b); err != nil {
			t.Fatal(err)
		}
		// Step 1e-4: truncation (h²/6)|ẑ⁽⁵⁾| and rounding ε|ẑ'|/h² are both
		// below 1e-7 here; the tolerance is against the box's own width.
		const step = 1e-4
		for m := 0; m <= 50; m++ {
			tt := a + (b-a)*float64(m)/50
			z, dz := sol.At(nil, tt), sol.Deriv(nil, tt)
			dp, dm, d0 := sol.Deriv(nil, tt+step), sol.Deriv(nil, tt-step), dz
			for i := 0; i < 2; i++ {
				d2 := (dp[i] - dm[i]) / (2 * step)
				d3 := (dp[i] - 2*d0[i] + dm[i]) / (step * step)
				vals := [4]float64{z[i], dz[i], d2, d3}
				for k, v := range vals {
					slack := 0.0
					if k >= 2 {
						slack = 1e-6 * (1 + math.Abs(v))
					}
					if !(box[k][i].Lo-slack <= v && v <= box[k][i].Hi+slack) {
						t.Fatalf("%s, %s trial, t=%g: d^%dz_%d/dt = %g outside %v", c.form, trial, tt, k, i, v, box[k][i])
					}
				}
			}
		}
	}
}
