package symplectic

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/hnn-project/hnn/hamiltonians"
)

// Method advances a Hamiltonian system by one step of size dt.
type Method interface {
	// Name is the method's command-line name.
	Name() string
	// Order is the method's order of convergence.
	Order() int
	// Step stores in dst the state one step of size dt after x. dst and x
	// must not overlap.
	Step(dst []float64, h hamiltonians.Hamiltonian, x []float64, dt float64) error
}

// ErrNotSeparable is returned by the explicit splitting methods for a
// Hamiltonian that is not of the form T(p) + V(q).
var ErrNotSeparable = errors.New("needs a separable Hamiltonian H = T(p) + V(q)")

// ErrNoHessian is returned by the implicit methods for a Hamiltonian
// without an exact Hessian (hamiltonians.Hesser).
var ErrNoHessian = errors.New("needs the exact Hessian of H for Newton's method")

// ErrNewton is returned when an implicit method's Newton iteration does not
// converge, usually because the step is too large.
var ErrNewton = errors.New("Newton's method did not converge; try a smaller step")

// stepper is a method with its scratch space, for loops that must not
// allocate per step.
type stepper interface {
	step(dst []float64, x []float64, dt float64) error
}

// maker builds a stepper for h, or reports why the method cannot handle h.
type maker interface {
	Method
	stepper(h hamiltonians.Hamiltonian) (stepper, error)
}

// The methods. Each explicit splitting method is a table run by one loop.
var (
	// Euler is symplectic Euler as in Mattheakis et al. Eq. 4–5:
	// q_{n+1} = q_n + dt·∂T/∂p(p_n), then p_{n+1} = p_n − dt·∂V/∂q(q_{n+1}).
	Euler Method = &splitting{name: "euler", order: 1, drift: []float64{1}, kick: []float64{1}}
	// Verlet is Störmer–Verlet in kick-drift-kick (leapfrog) form.
	Verlet Method = composition("verlet", 2, []float64{1})
	// Yoshida4 is the fourth-order triple jump of Verlet steps (Yoshida 1990).
	Yoshida4 Method = composition("yoshida4", 4, yoshida4Weights())
	// Yoshida6 is Yoshida's sixth-order composition, solution A.
	Yoshida6 Method = composition("yoshida6", 6, yoshida6Weights())
	// Midpoint is the implicit midpoint rule, symplectic for any H:
	// x_{n+1} = x_n + dt·J∇H((x_n + x_{n+1})/2).
	Midpoint Method = &implicit{name: "midpoint", order: 2, midpoint: true}
	// ImplicitEuler is symplectic Euler for non-separable H, implicit in q:
	// q_{n+1} = q_n + dt·∂H/∂p(q_{n+1}, p_n), p_{n+1} = p_n − dt·∂H/∂q(q_{n+1}, p_n).
	// For separable H it reduces to Euler.
	ImplicitEuler Method = &implicit{name: "implicit-euler", order: 1}
	// RK4 is the classical fourth-order Runge–Kutta method (not symplectic).
	RK4 Method = &rk4{}
)

// Methods lists the fixed-step methods in the order of the help text.
var Methods = []Method{Euler, Verlet, Yoshida4, Yoshida6, Midpoint, ImplicitEuler, RK4}

// MethodByName returns the fixed-step method with the given name.
func MethodByName(name string) (Method, error) {
	var names []string
	for _, m := range Methods {
		if m.Name() == name {
			return m, nil
		}
		names = append(names, m.Name())
	}
	return nil, fmt.Errorf("unknown method %q; expected one of %s", name, strings.Join(names, ", "))
}

func yoshida4Weights() []float64 {
	c := math.Cbrt(2)
	w1 := 1 / (2 - c)
	w0 := -c / (2 - c)
	return []float64{w1, w0, w1}
}

// yoshida6Weights are Yoshida's (1990) solution A, Phys. Lett. A 150, 262.
func yoshida6Weights() []float64 {
	w1 := -1.17767998417887
	w2 := 0.235573213359357
	w3 := 0.784513610477560
	w0 := 1 - 2*(w1+w2+w3)
	return []float64{w3, w2, w1, w0, w1, w2, w3}
}

// splitting is an explicit splitting method for separable H: for each i,
// q += drift[i]·dt·∂T/∂p(p), then p −= kick[i]·dt·∂V/∂q(q).
type splitting struct {
	name        string
	order       int
	drift, kick []float64
}

// composition turns weights w_k of kick-drift-kick Verlet steps into a
// drift/kick table, merging adjacent half kicks.
func composition(name string, order int, w []float64) *splitting {
	s := &splitting{name: name, order: order}
	s.drift = append(s.drift, 0)
	s.kick = append(s.kick, w[0]/2)
	for k := range w {
		s.drift = append(s.drift, w[k])
		next := 0.0
		if k+1 < len(w) {
			next = w[k+1] / 2
		}
		s.kick = append(s.kick, w[k]/2+next)
	}
	return s
}

func (s *splitting) Name() string { return s.name }
func (s *splitting) Order() int   { return s.order }

func (s *splitting) Step(dst []float64, h hamiltonians.Hamiltonian, x []float64, dt float64) error {
	st, err := s.stepper(h)
	if err != nil {
		return err
	}
	return st.step(dst, x, dt)
}

func (s *splitting) stepper(h hamiltonians.Hamiltonian) (stepper, error) {
	sep, ok := h.(hamiltonians.Separable)
	if !ok {
		return nil, fmt.Errorf("symplectic: %s %w; use implicit-euler or midpoint for this one", s.name, ErrNotSeparable)
	}
	d := h.Dim() / 2
	return &splitStepper{s: s, h: sep, g: make([]float64, d)}, nil
}

type splitStepper struct {
	s *splitting
	h hamiltonians.Separable
	g []float64
}

func (st *splitStepper) step(dst, x []float64, dt float64) error {
	d := len(x) / 2
	copy(dst, x)
	q, p := dst[:d], dst[d:]
	for i, a := range st.s.drift {
		if a != 0 {
			st.h.GradT(st.g, p)
			for j := range q {
				q[j] += a * dt * st.g[j]
			}
		}
		if b := st.s.kick[i]; b != 0 {
			st.h.GradV(st.g, q)
			for j := range p {
				p[j] -= b * dt * st.g[j]
			}
		}
	}
	return nil
}

// rk4 is the classical Runge–Kutta method on ż = J∇H(z).
type rk4 struct{}

func (rk4) Name() string { return "rk4" }
func (rk4) Order() int   { return 4 }
func (m rk4) Step(dst []float64, h hamiltonians.Hamiltonian, x []float64, dt float64) error {
	st, _ := m.stepper(h)
	return st.step(dst, x, dt)
}
func (rk4) stepper(h hamiltonians.Hamiltonian) (stepper, error) {
	D := h.Dim()
	return &rk4Stepper{h: h, k: [4][]float64{make([]float64, D), make([]float64, D), make([]float64, D), make([]float64, D)}, y: make([]float64, D)}, nil
}

type rk4Stepper struct {
	h hamiltonians.Hamiltonian
	k [4][]float64
	y []float64
}

func (st *rk4Stepper) step(dst, x []float64, dt float64) error {
	k, y := st.k, st.y
	hamiltonians.VectorField(k[0], st.h, x)
	for i := range y {
		y[i] = x[i] + dt/2*k[0][i]
	}
	hamiltonians.VectorField(k[1], st.h, y)
	for i := range y {
		y[i] = x[i] + dt/2*k[1][i]
	}
	hamiltonians.VectorField(k[2], st.h, y)
	for i := range y {
		y[i] = x[i] + dt*k[2][i]
	}
	hamiltonians.VectorField(k[3], st.h, y)
	for i := range dst {
		dst[i] = x[i] + dt/6*(k[0][i]+2*k[1][i]+2*k[2][i]+k[3][i])
	}
	return nil
}

// Stepper is a method bound to one Hamiltonian with its scratch space, for
// long loops: its Step allocates nothing.
type Stepper struct {
	m Method
	s stepper
}

// NewStepper binds m to h, or reports why m cannot integrate h (for
// example ErrNotSeparable).
func NewStepper(m Method, h hamiltonians.Hamiltonian) (*Stepper, error) {
	s, err := newStepper(m, h)
	if err != nil {
		return nil, err
	}
	return &Stepper{m: m, s: s}, nil
}

// Step stores in dst the state one step of size dt after x.
func (s *Stepper) Step(dst, x []float64, dt float64) error { return s.s.step(dst, x, dt) }
