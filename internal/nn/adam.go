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

	// The settings of the current step, defaults filled in, and its bias
	// corrections 1/(1−β1^t), 1/(1−β2^t).
	lr, beta1, beta2, eps, c1, c2 float64
}

// Step updates params in place from grad.
func (a *Adam) Step(params, grad []float64) {
	a.Begin(len(params))
	a.Apply(params, grad, 0)
}

// Begin starts a step for a parameter vector of length n: the step count
// and the bias corrections advance. Apply then updates the parameters,
// possibly in pieces from several goroutines. Step is Begin and one Apply.
func (a *Adam) Begin(n int) {
	if a.m == nil {
		a.m = make([]float64, n)
		a.v = make([]float64, n)
		a.b1, a.b2 = 1, 1
	}
	if len(a.m) != n {
		panic("nn: Adam used on parameter vectors of different lengths")
	}
	a.lr, a.beta1, a.beta2, a.eps = a.LR, a.Beta1, a.Beta2, a.Eps
	if a.lr == 0 {
		a.lr = 1e-3
	}
	if a.beta1 == 0 {
		a.beta1 = 0.9
	}
	if a.beta2 == 0 {
		a.beta2 = 0.999
	}
	if a.eps == 0 {
		a.eps = 1e-8
	}
	a.t++
	a.b1 *= a.beta1
	a.b2 *= a.beta2
	a.c1, a.c2 = 1/(1-a.b1), 1/(1-a.b2)
}

// Apply updates params, the piece of the parameter vector that starts at
// offset off, from grad, the same piece of the gradient, for the step
// begun by Begin. Calls on disjoint pieces may run concurrently; the
// result does not depend on how the vector is cut.
func (a *Adam) Apply(params, grad []float64, off int) {
	lr, b1, b2, eps, c1, c2, wd := a.lr, a.beta1, a.beta2, a.eps, a.c1, a.c2, a.WeightDecay
	m, v := a.m[off:off+len(params)], a.v[off:off+len(params)]
	grad = grad[:len(params)]
	for i, g := range grad {
		if wd != 0 {
			g += wd * params[i]
		}
		mi := b1*m[i] + (1-b1)*g
		vi := b2*v[i] + (1-b2)*g*g
		m[i], v[i] = mi, vi
		params[i] -= lr * (mi * c1) / (math.Sqrt(vi*c2) + eps)
	}
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.t }
