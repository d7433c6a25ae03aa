package symplectic

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
)

// maxNewton is the iteration cap of the implicit methods' Newton solver.
const maxNewton = 50

// implicit is implicit midpoint (midpoint = true) or implicit symplectic
// Euler, solved by Newton's method with the exact Hessian.
type implicit struct {
	name     string
	order    int
	midpoint bool
}

func (m *implicit) Name() string { return m.name }
func (m *implicit) Order() int   { return m.order }

func (m *implicit) Step(dst []float64, h hamiltonians.Hamiltonian, x []float64, dt float64) error {
	st, err := m.stepper(h)
	if err != nil {
		return err
	}
	return st.step(dst, x, dt)
}

func (m *implicit) stepper(h hamiltonians.Hamiltonian) (stepper, error) {
	hs, ok := h.(hamiltonians.Hesser)
	if !ok {
		return nil, fmt.Errorf("symplectic: %s %w", m.name, ErrNoHessian)
	}
	D := h.Dim()
	n := D
	if !m.midpoint {
		n = D / 2
	}
	return &implicitStepper{
		m: m, h: hs, D: D,
		hess: mat.NewSymDense(D, nil), jac: mat.NewDense(n, n, nil),
		res: mat.NewVecDense(n, nil), delta: mat.NewVecDense(n, nil),
		y: make([]float64, D), g: make([]float64, D),
	}, nil
}

type implicitStepper struct {
	m     *implicit
	h     hamiltonians.Hesser
	D     int
	hess  *mat.SymDense
	jac   *mat.Dense
	lu    mat.LU
	res   *mat.VecDense
	delta *mat.VecDense
	y, g  []float64
}

// converged reports whether a Newton update is at rounding level.
func converged(delta *mat.VecDense, x []float64) bool {
	var dn, xn float64
	for i := 0; i < delta.Len(); i++ {
		dn = math.Max(dn, math.Abs(delta.AtVec(i)))
	}
	for _, v := range x {
		xn = math.Max(xn, math.Abs(v))
	}
	return dn <= 1e-15*math.Max(1, xn)
}

func (st *implicitStepper) step(dst, x []float64, dt float64) error {
	if st.m.midpoint {
		return st.midpoint(dst, x, dt)
	}
	return st.euler(dst, x, dt)
}

// midpoint solves F(x1) = x1 − x0 − dt·J∇H(m) = 0, m = (x0 + x1)/2, with
// Jacobian I − (dt/2)·J∇²H(m).
func (st *implicitStepper) midpoint(dst, x []float64, dt float64) error {
	D, d := st.D, st.D/2
	y, g := st.y, st.g
	hamiltonians.VectorField(g, st.h, x)
	for i := range dst {
		dst[i] = x[i] + dt*g[i] // explicit Euler predictor
	}
	for it := 0; it < maxNewton; it++ {
		for i := range y {
			y[i] = (x[i] + dst[i]) / 2
		}
		hamiltonians.VectorField(g, st.h, y)
		for i := 0; i < D; i++ {
			st.res.SetVec(i, dst[i]-x[i]-dt*g[i])
		}
		st.h.Hess(st.hess, y)
		for i := 0; i < D; i++ {
			for j := 0; j < D; j++ {
				// (J∇²H)_ij: rows of ∇²H for p above, minus rows for q below.
				var jh float64
				if i < d {
					jh = st.hess.At(d+i, j)
				} else {
					jh = -st.hess.At(i-d, j)
				}
				v := -dt / 2 * jh
				if i == j {
					v++
				}
				st.jac.Set(i, j, v)
			}
		}
		if err := st.solve(); err != nil {
			return err
		}
		for i := range dst {
			dst[i] -= st.delta.AtVec(i)
		}
		if bad(dst) {
			break
		}
		if converged(st.delta, dst) {
			return nil
		}
	}
	return fmt.Errorf("symplectic: %s: %w (dt=%g)", st.m.name, ErrNewton, dt)
}

// euler solves G(q1) = q1 − q0 − dt·∂H/∂p(q1, p0) = 0 with Jacobian
// I − dt·∂²H/∂p∂q, then sets p1 = p0 − dt·∂H/∂q(q1, p0).
func (st *implicitStepper) euler(dst, x []float64, dt float64) error {
	d := st.D / 2
	y, g := st.y, st.g
	copy(y, x)
	st.h.Grad(g, x)
	for i := 0; i < d; i++ {
		y[i] = x[i] + dt*g[d+i]
	}
	ok := false
	for it := 0; it < maxNewton && !ok; it++ {
		st.h.Grad(g, y)
		for i := 0; i < d; i++ {
			st.res.SetVec(i, y[i]-x[i]-dt*g[d+i])
		}
		st.h.Hess(st.hess, y)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				v := -dt * st.hess.At(d+i, j)
				if i == j {
					v++
				}
				st.jac.Set(i, j, v)
			}
		}
		if err := st.solve(); err != nil {
			return err
		}
		for i := 0; i < d; i++ {
			y[i] -= st.delta.AtVec(i)
		}
		if bad(y) {
			break
		}
		ok = converged(st.delta, y[:d])
	}
	if !ok {
		return fmt.Errorf("symplectic: %s: %w (dt=%g)", st.m.name, ErrNewton, dt)
	}
	st.h.Grad(g, y)
	for i := 0; i < d; i++ {
		dst[i] = y[i]
		dst[d+i] = x[d+i] - dt*g[i]
	}
	return nil
}

func (st *implicitStepper) solve() error {
	st.lu.Factorize(st.jac)
	if err := st.lu.SolveVecTo(st.delta, false, st.res); err != nil {
		return fmt.Errorf("symplectic: %s: %w: singular Jacobian", st.m.name, ErrNewton)
	}
	return nil
}

func bad(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}
