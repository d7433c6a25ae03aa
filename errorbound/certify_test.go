package errorbound

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/interval"
)

// closedForm is a "network" given in closed form: the exact solution of a
// problem plus ε·g(t) with g(0) = 0, so its error is known. f gives the
// value and three time derivatives over an interval of times; At and
// Deriv use it on degenerate intervals.
type closedForm struct {
	D int
	f func(t interval.Interval) [4][]interval.Interval
}

func (c closedForm) At(dst []float64, t float64) []float64 {
	if dst == nil {
		dst = make([]float64, c.D)
	}
	for i, v := range c.f(interval.Point(t))[0] {
		dst[i] = v.Mid()
	}
	return dst
}

func (c closedForm) Deriv(dst []float64, t float64) []float64 {
	if dst == nil {
		dst = make([]float64, c.D)
	}
	for i, v := range c.f(interval.Point(t))[1] {
		dst[i] = v.Mid()
	}
	return dst
}

func (c closedForm) Enclose(z [4][]hamiltonians.Interval, t0, t1 float64) error {
	r := c.f(interval.Interval{Lo: t0, Hi: t1})
	for k := range z {
		copy(z[k], r[k])
	}
	return nil
}

// sinDerivs and sin2Derivs enclose sin t and sin² t with three derivatives.
func sinDerivs(t interval.Interval) [4]interval.Interval {
	s, c := t.Sin(), t.Cos()
	return [4]interval.Interval{s, c, s.Neg(), c.Neg()}
}

func sin2Derivs(t interval.Interval) [4]interval.Interval {
	t2 := t.Scale(2)
	s2, c2 := t2.Sin(), t2.Cos()
	return [4]interval.Interval{t.Sin().Sqr(), s2, c2.Scale(2), s2.Scale(-4)}
}

// oscillatorPerturbed is the harmonic oscillator's solution (cos t, −sin t)
// plus ε·sin²t in both components; the error is −ε·sin²t·(1, 1).
func oscillatorPerturbed(eps float64) closedForm {
	return closedForm{D: 2, f: func(t interval.Interval) [4][]interval.Interval {
		s, c := t.Sin(), t.Cos()
		q := [4]interval.Interval{c, s.Neg(), c.Neg(), s}
		p := [4]interval.Interval{s.Neg(), c.Neg(), s, c}
		g := sin2Derivs(t)
		var r [4][]interval.Interval
		for k := range r {
			r[k] = []interval.Interval{q[k].Add(g[k].Scale(eps)), p[k].Add(g[k].Scale(eps))}
		}
		return r
	}}
}

// expPerturbed is the solution of H = e^p + q from (0, 0), q = 1 − e^−t,
// p = −t (nonlinear: ∂³H/∂p³ = e^p), plus ε·(sin²t, sin t).
func expPerturbed(eps float64) closedForm {
	return closedForm{D: 2, f: func(t interval.Interval) [4][]interval.Interval {
		e := t.Neg().Exp()
		q := [4]interval.Interval{interval.Point(1).Sub(e), e, e.Neg(), e}
		p := [4]interval.Interval{t.Neg(), interval.Point(-1), interval.Point(0), interval.Point(0)}
		g1, g2 := sin2Derivs(t), sinDerivs(t)
		var r [4][]interval.Interval
		for k := range r {
			r[k] = []interval.Interval{q[k].Add(g1[k].Scale(eps)), p[k].Add(g2[k].Scale(eps))}
		}
		return r
	}}
}

func formula(t *testing.T, src string) hamiltonians.Hamiltonian {
	t.Helper()
	f, err := hamiltonians.Parse(src, []string{"q"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The certified bound holds on perturbed exact solutions, linear and
// nonlinear, and is tight there: the linear part solves the error
// equation driven by the residual, which is exact up to O(ε²).
func TestCertifyPerturbed(t *testing.T) {
	cases := []struct {
		name string
		h    string
		sol  func(eps float64) closedForm
		T    float64
		gmax func(eps float64, t float64) float64 // ‖z − ẑ‖ at t
	}{
		{"oscillator", "p^2/2 + q^2/2", oscillatorPerturbed, 4 * math.Pi, func(eps, t float64) float64 {
			return eps * math.Sqrt2 * math.Sin(t) * math.Sin(t)
		}},
		{"exp(p) + q", "exp(p) + q", expPerturbed, 3, func(eps, t float64) float64 {
			return eps * math.Hypot(math.Sin(t)*math.Sin(t), math.Sin(t))
		}},
	}
	for _, c := range cases {
		for _, eps := range []float64{1e-2, 1e-4, 1e-6} {
			h := formula(t, c.h)
			res, err := Certify(context.Background(), h, c.sol(eps), c.T, &CertifySettings{Intervals: 4000})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Certified {
				t.Fatalf("%s, ε=%g: not certified: %s", c.name, eps, res.Reason)
			}
			var actual float64
			for _, tt := range Grid(0, c.T, 20000) {
				actual = math.Max(actual, c.gmax(eps, tt))
			}
			// Held, and within 10 %: the excess is the floor of the
			// residual part, (h²/8)·(width of ℓ” over a sub-interval, O(h))
			// integrated, about 4e-8 at h = 4π/4000, 3 % of the error at
			// ε = 1e-6, plus the Grönwall factors between nodes.
			t.Logf("%s, ε=%g: bound %.4g, actual %.4g, %.4g×", c.name, eps, res.Bound, actual, res.Bound/actual)
			if !(res.Bound >= actual) || res.Bound > 1.1*actual {
				t.Errorf("%s, ε=%g: bound %g, actual %g (ratio %.4g); %+v", c.name, eps, res.Bound, actual, res.Bound/actual, res)
			}
		}
	}
}

// When the argument cannot be closed the result says so and has no number.
func TestCertifyNotCertified(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, h string
		sol     Solution
		T       float64
		reason  string
	}{
		// ε = 3: the tube around p must be so wide that e^p's third
		// derivative makes the remainder exceed it.
		{"tube does not close", "exp(p) + q", expPerturbed(3), 3, "tube does not close"},
		// ẑ = (t − 1, 1) crosses the singularity of 1/q at t = 1.
		{"singularity", "p^2/2 + 1/q", closedForm{D: 2, f: func(t interval.Interval) [4][]interval.Interval {
			z := interval.Point(0)
			return [4][]interval.Interval{{t.Sub(interval.Point(1)), interval.Point(1)}, {interval.Point(1), z}, {z, z}, {z, z}}
		}}, 2, "not finite"},
		{"no enclosure", "p^2/2 + q^2/2", perturbed{1e-3}, 1, "cannot be enclosed"},
	}
	for _, c := range cases {
		res, err := Certify(ctx, formula(t, c.h), c.sol, c.T, &CertifySettings{Intervals: 500})
		if err != nil {
			t.Fatal(err)
		}
		if res.Certified || !math.IsInf(res.Bound, 1) || !strings.Contains(res.Reason, c.reason) {
			t.Errorf("%s: %+v, want not certified because %q", c.name, res, c.reason)
		}
	}
}
