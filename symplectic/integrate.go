package symplectic

import (
	"fmt"
	"math"
	"sort"

	"github.com/hnn-project/hnn/hamiltonians"
)

// Trajectory is the result of a fixed-step integration: the states at the
// step times t_k = t0 + k·(t1−t0)/n, k = 0..n.
type Trajectory struct {
	h      hamiltonians.Hamiltonian
	t0, t1 float64
	n      int
	states []float64 // (n+1)·D, row k is the state at t_k
}

// Integrate takes steps fixed steps of m from t0 to t1 starting at x0.
// Step times are t0 + k·(t1−t0)/steps, never accumulated.
func Integrate(h hamiltonians.Hamiltonian, x0 []float64, t0, t1 float64, steps int, m Method) (*Trajectory, error) {
	D := h.Dim()
	if len(x0) != D {
		return nil, fmt.Errorf("symplectic: initial state has %d values for a Hamiltonian of dimension %d", len(x0), D)
	}
	if steps < 1 {
		return nil, fmt.Errorf("symplectic: %d steps; need at least 1", steps)
	}
	if !(t1 > t0) {
		return nil, fmt.Errorf("symplectic: empty interval [%g, %g]", t0, t1)
	}
	st, err := newStepper(m, h)
	if err != nil {
		return nil, err
	}
	tr := &Trajectory{h: h, t0: t0, t1: t1, n: steps, states: make([]float64, (steps+1)*D)}
	copy(tr.states, x0)
	for k := 0; k < steps; k++ {
		ta := t0 + float64(k)*(t1-t0)/float64(steps)
		tb := t0 + float64(k+1)*(t1-t0)/float64(steps)
		cur := tr.states[k*D : (k+1)*D]
		next := tr.states[(k+1)*D : (k+2)*D]
		if err := st.step(next, cur, tb-ta); err != nil {
			return nil, fmt.Errorf("at t=%g: %w", ta, err)
		}
		if bad(next) {
			return nil, fmt.Errorf("symplectic: %s: the state became non-finite at t=%g", m.Name(), tb)
		}
	}
	return tr, nil
}

// newStepper returns m's stepper for h.
func newStepper(m Method, h hamiltonians.Hamiltonian) (stepper, error) {
	if mk, ok := m.(maker); ok {
		return mk.stepper(h)
	}
	return methodStepper{m, h}, nil
}

// methodStepper adapts a Method from outside the package.
type methodStepper struct {
	m Method
	h hamiltonians.Hamiltonian
}

func (s methodStepper) step(dst, x []float64, dt float64) error { return s.m.Step(dst, s.h, x, dt) }

// Len returns the number of stored states, steps+1.
func (tr *Trajectory) Len() int { return tr.n + 1 }

// Time returns t_k.
func (tr *Trajectory) Time(k int) float64 {
	if k == tr.n {
		return tr.t1
	}
	return tr.t0 + float64(k)*(tr.t1-tr.t0)/float64(tr.n)
}

// State stores the state at t_k in dst and returns it; nil dst allocates.
func (tr *Trajectory) State(dst []float64, k int) []float64 {
	D := tr.h.Dim()
	if dst == nil {
		dst = make([]float64, D)
	}
	copy(dst, tr.states[k*D:(k+1)*D])
	return dst
}

// At stores the state at time t in dst and returns it; nil dst allocates.
// At the step times it returns the stored states exactly; between them it
// interpolates with the cubic Hermite polynomial through the two
// neighbouring states and the vector field there, whose error is O(dt⁴)
// plus the method's own error. Outside [t0, t1] it clamps to the ends.
func (tr *Trajectory) At(dst []float64, t float64) []float64 {
	D := tr.h.Dim()
	if dst == nil {
		dst = make([]float64, D)
	}
	dt := (tr.t1 - tr.t0) / float64(tr.n)
	k := int(math.Floor((t - tr.t0) / dt))
	k = max(0, min(k, tr.n-1))
	// Step times are computed, not accumulated: correct k at the edges.
	for k > 0 && t < tr.Time(k) {
		k--
	}
	for k < tr.n-1 && t >= tr.Time(k+1) {
		k++
	}
	ta, tb := tr.Time(k), tr.Time(k+1)
	xa := tr.states[k*D : (k+1)*D]
	xb := tr.states[(k+1)*D : (k+2)*D]
	switch {
	case t <= ta:
		copy(dst, xa)
		return dst
	case t >= tb:
		copy(dst, xb)
		return dst
	}
	fa := make([]float64, D)
	fb := make([]float64, D)
	hamiltonians.VectorField(fa, tr.h, xa)
	hamiltonians.VectorField(fb, tr.h, xb)
	hermite(dst, xa, xb, fa, fb, tb-ta, (t-ta)/(tb-ta))
	return dst
}

// hermite evaluates the cubic Hermite interpolant at s ∈ [0, 1] of a step
// of length h with end values a, b and end derivatives fa, fb.
func hermite(dst, a, b, fa, fb []float64, h, s float64) {
	s2, s3 := s*s, s*s*s
	h00 := 2*s3 - 3*s2 + 1
	h10 := s3 - 2*s2 + s
	h01 := -2*s3 + 3*s2
	h11 := s3 - s2
	for i := range dst {
		dst[i] = h00*a[i] + h10*h*fa[i] + h01*b[i] + h11*h*fb[i]
	}
}

// search returns the index i of the last element of ts with ts[i] ≤ t,
// clamped to [0, len(ts)−2].
func search(ts []float64, t float64) int {
	i := sort.SearchFloat64s(ts, t)
	if i < len(ts) && ts[i] == t {
		return min(i, len(ts)-2)
	}
	return max(0, min(i-1, len(ts)-2))
}
