package solver

import (
	"fmt"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/interval"
)

// Enclose stores in z[k] (k = 0..3, each of length D) an interval
// enclosure of d^kẑ/dt^k over every t in [t0, t1], with outward rounding,
// the network enclosed by interval arithmetic (nn.Net.EncloseTime). The
// certified error bound of package errorbound uses it; a ReLU network
// gives an error.
//
// Hamiltonian formulation: ẑ(t) = z0 + f(t)·N(t) and, by Leibniz's rule,
// d^kẑ/dt^k = Σ_j C(k,j)·f^(j)·N^(k−j).
//
// Lagrangian formulation: ẑ = (q̂, dq̂/dt) with q̂ = q0 + f1(t)·q̇0 +
// f2(t)·N_L(t), so d^kẑ/dt^k = (q̂^(k), q̂^(k+1)) with q̂^(m) =
// f1^(m)·q̇0 + Σ_j C(m,j)·f2^(j)·N_L^(m−j), m ≤ 4: d³ẑ/dt³ needs the fourth
// time derivative of the network.
//
// A chain (see Window) encloses over the window that contains [t0, t1];
// an interval that crosses a joint of two windows gives an error.
func (s *Solution) Enclose(z [4][]hamiltonians.Interval, t0, t1 float64) error {
	D := s.Problem.H.Dim()
	for _, zk := range z {
		if len(zk) != D {
			panic("solver: Enclose destination has the wrong length")
		}
	}
	if !(t0 <= t1) {
		panic(fmt.Sprintf("solver: Enclose on [%g, %g]", t0, t1))
	}
	if s.chain != nil {
		return s.encloseChain(z, t0, t1)
	}
	return s.encloseOver(z, interval.Interval{Lo: t0, Hi: t1})
}

// encloseOver is Enclose of a single network over the interval tt of its
// own time.
func (s *Solution) encloseOver(z [4][]hamiltonians.Interval, tt interval.Interval) error {
	D := s.Problem.H.Dim()
	lag := s.Settings.Formulation == FormulationLagrangian
	orders, out := 3, D
	if lag {
		orders, out = 4, D/2
	}
	y := make([][]interval.Interval, orders+1)
	for k := range y {
		y[k] = make([]interval.Interval, out)
	}
	if err := s.net.EncloseTime(tt, y); err != nil {
		return fmt.Errorf("solver: %w", err)
	}
	if lag {
		s.encloseLagrangian(z, tt, y)
		return nil
	}
	f := trialEnclose(s.Settings.Trial, tt)
	for k := 0; k <= 3; k++ {
		for i := 0; i < D; i++ {
			v := interval.Point(0)
			if k == 0 {
				v = interval.Point(s.Problem.Z0[i])
			}
			for j := 0; j <= k; j++ {
				v = v.Add(f[j].Mul(y[k-j][i]).Scale(binom[k][j]))
			}
			z[k][i] = v
		}
	}
	return nil
}

// binom holds the binomial coefficients C(k, j) for k ≤ 4.
var binom = [5][5]float64{{1}, {1, 1}, {1, 2, 1}, {1, 3, 3, 1}, {1, 4, 6, 4, 1}}

// encloseLagrangian fills z from the enclosures y[m] of N_L^(m), m ≤ 4.
func (s *Solution) encloseLagrangian(z [4][]hamiltonians.Interval, tt interval.Interval, y [][]interval.Interval) {
	d := len(y[0])
	f1, f2 := lagTrialEnclose(s.Settings.Trial, tt)
	z0 := s.Problem.Z0
	for m := 0; m <= 4; m++ {
		for i := 0; i < d; i++ {
			v := f1[m].Scale(z0[d+i]) // q̇0 = p0
			if m == 0 {
				v = v.Add(interval.Point(z0[i]))
			}
			for j := 0; j <= m; j++ {
				v = v.Add(f2[j].Mul(y[m-j][i]).Scale(binom[m][j]))
			}
			// q̂^(m) is the q part of d^mẑ/dt^m and the p part of d^(m−1)ẑ/dt^(m−1).
			if m <= 3 {
				z[m][i] = v
			}
			if m >= 1 {
				z[m-1][d+i] = v
			}
		}
	}
}

// trialEnclose encloses f and its first three derivatives over tt.
func trialEnclose(tr Trial, tt interval.Interval) [4]interval.Interval {
	if tr == TrialLinear {
		return [4]interval.Interval{tt, interval.Point(1), interval.Point(0), interval.Point(0)}
	}
	e := tt.Neg().Exp() // e^−t
	return [4]interval.Interval{interval.Point(1).Sub(e), e, e.Neg(), e}
}

// lagTrialEnclose encloses f1, f2 of the Lagrangian trial solution and
// their first four derivatives over tt: for TrialExp, with e = e^−t,
// f1 = 1 − e (derivatives ±e) and f2 = (1 − e)², f2' = 2e(1 − e),
// f2” = 2e(2e − 1), f2”' = 2e(1 − 4e), f2⁗ = 2e(8e − 1); for TrialLinear
// f1 = t, f2 = t².
func lagTrialEnclose(tr Trial, tt interval.Interval) (f1, f2 [5]interval.Interval) {
	zero, one, two := interval.Point(0), interval.Point(1), interval.Point(2)
	if tr == TrialLinear {
		return [5]interval.Interval{tt, one, zero, zero, zero}, [5]interval.Interval{tt.Sqr(), tt.Scale(2), two, zero, zero}
	}
	e := tt.Neg().Exp()
	e2 := e.Scale(2)
	f1 = [5]interval.Interval{one.Sub(e), e, e.Neg(), e, e.Neg()}
	f2 = [5]interval.Interval{
		one.Sub(e).Sqr(),
		e2.Mul(one.Sub(e)),
		e2.Mul(e2.Sub(one)),
		e2.Mul(one.Sub(e.Scale(4))),
		e2.Mul(e.Scale(8).Sub(one)),
	}
	return f1, f2
}
