package nn

import "math"

// Adam is the optimiser of Kingma and Ba (2015) with bias correction:
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
//	θ ← θ − lr·m̂/(sqrt(v̂) + ε),  m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
//
// WeightDecay adds λ·θ to the gradient first (L2 regularisation, as
// PyTorch's Adam weight_decay). Zero fields mean LR 1e-3, Beta1 0.9,
// Beta2 0.999, Eps 1e-8, no weight decay. The moments are allocated on the
// first Step.
type Adam struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64

	m, v   []float64
	t      int
	b1, b2 float64 // β1^t, β2^t
}

// Step updates params in place from grad.
func (a *Adam) Step(params, grad []float64) {
	if a.m == nil {
		a.m = make([]float64, len(params))
		a.v = make([]float64, len(params))
		a.b1, a.b2 = 1, 1
	}
	lr, b1, b2, eps := a.LR, a.Beta1, a.Beta2, a.Eps
	if lr == 0 {
		lr = 1e-3
	}
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	a.t++
	a.b1 *= b1
	a.b2 *= b2
	c1, c2 := 1/(1-a.b1), 1/(1-a.b2)
	for i, g := range grad {
		if a.WeightDecay != 0 {
			g += a.WeightDecay * params[i]
		}
		m := b1*a.m[i] + (1-b1)*g
		v := b2*a.v[i] + (1-b2)*g*g
		a.m[i], a.v[i] = m, v
		params[i] -= lr * (m * c1) / (math.Sqrt(v*c2) + eps)
	}
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.t }
