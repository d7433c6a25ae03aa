package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// setupSecond builds a random network of one input and a batch of times.
func setupSecond(act Activation, out, B int, seed uint64) (*Net, *SecondWorkspace, []float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	n, err := New(Arch{In: 1, Hidden: []int{7, 5}, Out: out, Act: act, OutputBias: true})
	if err != nil {
		panic(err)
	}
	n.InitGlorot(rng)
	for i := range n.Params {
		n.Params[i] += 0.1 * rng.NormFloat64()
	}
	t := make([]float64, B)
	for i := range t {
		t[i] = 2 * rng.NormFloat64()
	}
	return n, NewSecondWorkspace(n.Arch, B), t
}

// The first-derivative rows agree with the tangent stream of Workspace, and
// the second-derivative rows with central differences of that stream:
// step 1e-5 leaves truncation ~1e-10·|y””| and rounding ~1e-11/1e-5, so
// 1e-7 has margin for these O(1) networks.
func TestSecondDerivatives(t *testing.T) {
	for _, act := range []Activation{Sin, Tanh, Sigmoid} {
		n, w, ts := setupSecond(act, 2, 4, 5)
		_, dy, ddy := w.Forward(n, ts)
		dy, ddy = append([]float64(nil), dy...), append([]float64(nil), ddy...)
		w1 := NewWorkspace(n.Arch, len(ts), 1)
		ones := make([]float64, len(ts))
		for i := range ones {
			ones[i] = 1
		}
		_, tan := w1.Forward(n, ts, ones)
		for i := range dy {
			// Same products in the same order: equal to rounding.
			if math.Abs(dy[i]-tan[i]) > 1e-13 {
				t.Errorf("%v: first derivative %d = %g, tangent stream %g", act, i, dy[i], tan[i])
			}
		}
		const h = 1e-5
		shift := func(s float64) []float64 {
			x := make([]float64, len(ts))
			for i := range x {
				x[i] = ts[i] + s
			}
			_, d := w1.Forward(n, x, ones)
			return append([]float64(nil), d...)
		}
		dp, dm := shift(h), shift(-h)
		for i := range ddy {
			fd := (dp[i] - dm[i]) / (2 * h)
			if math.Abs(fd-ddy[i]) > 1e-7 {
				t.Errorf("%v: second derivative %d = %g, finite difference %g", act, i, ddy[i], fd)
			}
		}
	}
}

// secondLoss is L = Σ a⊙Y + Σ b⊙dY + Σ c⊙ddY for fixed random weights.
func secondLoss(w *SecondWorkspace, n *Net, ts, a, b, c []float64) float64 {
	y, dy, ddy := w.Forward(n, ts)
	var s float64
	for i := range y {
		s += a[i]*y[i] + b[i]*dy[i] + c[i]*ddy[i]
	}
	return s
}

// Parameter gradients against central differences, with the error budget
// of TestGradients (step 1e-6, tolerance 1e-6 of the gradient's scale).
func TestSecondGradients(t *testing.T) {
	for _, act := range []Activation{Sin, Tanh, Sigmoid} {
		n, w, ts := setupSecond(act, 3, 4, uint64(20+act))
		rng := rand.New(rand.NewPCG(98, 1))
		m := len(ts) * 3
		a, b, c := make([]float64, m), make([]float64, m), make([]float64, m)
		for i := range a {
			a[i], b[i], c[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		}
		secondLoss(w, n, ts, a, b, c)
		grad := make([]float64, len(n.Params))
		w.Backward(n, a, b, c, grad)
		scale := 0.0
		for _, g := range grad {
			scale = math.Max(scale, math.Abs(g))
		}
		for i := range n.Params {
			const h = 1e-6
			old := n.Params[i]
			n.Params[i] = old + h
			lp := secondLoss(w, n, ts, a, b, c)
			n.Params[i] = old - h
			lm := secondLoss(w, n, ts, a, b, c)
			n.Params[i] = old
			fd := (lp - lm) / (2 * h)
			if math.Abs(fd-grad[i]) > 1e-6*math.Max(scale, 1) {
				t.Errorf("%v: ∂L/∂θ[%d] = %g, finite difference %g", act, i, grad[i], fd)
			}
		}
	}
}

// The third derivatives of the activations against central differences of
// the second (step 1e-5: error ~1e-10, tolerance 1e-8).
func TestThirdDerivative(t *testing.T) {
	for _, act := range []Activation{Sin, Tanh, Sigmoid} {
		for _, z := range []float64{-2.3, -0.4, 0, 0.7, 1.9} {
			const h = 1e-5
			_, _, _, d3 := act.eval3(z)
			_, _, dp := act.eval(z + h)
			_, _, dm := act.eval(z - h)
			if fd := (dp - dm) / (2 * h); math.Abs(fd-d3) > 1e-8 {
				t.Errorf("%v at %g: σ”' = %g, finite difference %g", act, z, d3, fd)
			}
		}
	}
}
