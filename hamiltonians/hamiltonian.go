package hamiltonians

import "gonum.org/v1/gonum/mat"

// Hamiltonian is a time-independent Hamiltonian H(q, p) on a phase space of
// dimension D = 2d. A state is x = [q1..qd, p1..pd].
//
// Implementations in this package are safe for concurrent use.
type Hamiltonian interface {
	// Dim returns D = 2d, the length of a state.
	Dim() int
	// H returns the value of the Hamiltonian at x.
	H(x []float64) float64
	// Grad stores [∂H/∂q, ∂H/∂p] at x in dst, which has length Dim().
	Grad(dst, x []float64)
}

// Hesser is a Hamiltonian that also gives its exact Hessian ∇²H.
type Hesser interface {
	Hamiltonian
	// Hess stores ∇²H(x) in dst, which is Dim()×Dim().
	Hess(dst *mat.SymDense, x []float64)
}

// Separable is a Hamiltonian of the form H = T(p) + V(q). Explicit symplectic
// splitting methods (symplectic Euler, Störmer–Verlet, Yoshida) need it.
type Separable interface {
	Hamiltonian
	// GradT stores ∂T/∂p in dst; p and dst have length d = Dim()/2.
	GradT(dst, p []float64)
	// GradV stores ∂V/∂q in dst; q and dst have length d = Dim()/2.
	GradV(dst, q []float64)
}

// Residual stores ∇H(z) in g and the residual of Hamilton's equations
// ℓ = dz − J∇H(z) (Mattheakis et al. Eq. 14) in dst, and returns dst: the
// one place where ℓ is formed, for a state z and its time derivative dz.
// dst and g have length Dim() and must not overlap each other or z.
func Residual(dst, g []float64, h Hamiltonian, z, dz []float64) []float64 {
	h.Grad(g, z)
	d := len(z) / 2
	for i := 0; i < d; i++ {
		dst[i] = dz[i] - g[d+i]
		dst[d+i] = dz[d+i] + g[i]
	}
	return dst
}

// VectorField stores Hamilton's vector field ż = J∇H(z) at x in dst, that is
// q̇ = ∂H/∂p and ṗ = −∂H/∂q. dst and x must not overlap.
func VectorField(dst []float64, h Hamiltonian, x []float64) {
	h.Grad(dst, x)
	d := len(x) / 2
	for i := 0; i < d; i++ {
		dst[i], dst[d+i] = dst[d+i], -dst[i]
	}
}
