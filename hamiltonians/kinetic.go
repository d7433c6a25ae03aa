package hamiltonians

// UnitMass reports whether H = |p|²/2 + V(q): H is separable, every
// second derivative ∂²H/∂p_i∂p_j simplifies symbolically to the constant
// δ_ij, and ∂H/∂p vanishes at p = 0 (which rules out a linear term in p).
// Then p = q̇ along every trajectory, and Hamilton's equations are the
// Euler–Lagrange equations q̈ = −∇V(q) that the Lagrangian formulation of
// the solver trains on.
func (f *Formula) UnitMass() bool {
	if f.sep == nil {
		return false
	}
	D, d := f.dim, f.dim/2
	k := 0
	for i := 0; i < D; i++ {
		for j := i; j < D; j++ {
			if i >= d {
				want := 0.0
				if i == j {
					want = 1
				}
				if !f.g.isConstVal(f.hess[k], want) {
					return false
				}
			}
			k++
		}
	}
	p := make([]float64, d)
	dT := make([]float64, d)
	f.sep.GradT(dT, p)
	for _, v := range dT {
		if v != 0 {
			return false
		}
	}
	return true
}

// UnitMass reports whether h is a Formula of the form |p|²/2 + V(q) (see
// Formula.UnitMass). Other Hamiltonians report false.
func UnitMass(h Hamiltonian) bool {
	switch f := h.(type) {
	case *Formula:
		return f.UnitMass()
	case *separable:
		return f.Formula.UnitMass()
	}
	return false
}
