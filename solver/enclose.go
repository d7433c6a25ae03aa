package solver

import (
	"fmt"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/interval"
	"github.com/hnn-project/hnn/internal/nn"
)

// Enclose stores in z[k] (k = 0..3, each of length D) an interval
// enclosure of d^kẑ/dt^k over every t in [t0, t1], with outward rounding:
// ẑ(t) = z0 + f(t)·N(t) and its derivatives by Leibniz's rule,
// d^kẑ/dt^k = Σ_j C(k,j)·f^(j)·N^(k−j), with the network enclosed by
// interval arithmetic (nn.Net.EncloseTime). The certified error bound of
// package errorbound uses it; a ReLU network gives an error.
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
	if s.Settings.Formulation == FormulationLagrangian {
		return fmt.Errorf("solver: d³ẑ/dt³ of the Lagrangian network is the fourth time derivative of N_L, beyond the %d the interval enclosure of the network gives", nn.TimeOrders)
	}
	var y [nn.TimeOrders + 1][]interval.Interval
	for k := range y {
		y[k] = make([]interval.Interval, D)
	}
	tt := interval.Interval{Lo: t0, Hi: t1}
	if err := s.net.EncloseTime(tt, y); err != nil {
		return fmt.Errorf("solver: %w", err)
	}
	f := trialEnclose(s.Settings.Trial, tt)
	binom := [4][4]float64{{1}, {1, 1}, {1, 2, 1}, {1, 3, 3, 1}}
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

// trialEnclose encloses f and its first three derivatives over tt.
func trialEnclose(tr Trial, tt interval.Interval) [4]interval.Interval {
	if tr == TrialLinear {
		return [4]interval.Interval{tt, interval.Point(1), interval.Point(0), interval.Point(0)}
	}
	e := tt.Neg().Exp() // e^−t
	return [4]interval.Interval{interval.Point(1).Sub(e), e, e.Neg(), e}
}
