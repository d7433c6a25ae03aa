package errorbound

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
)

// PropagateQuick is a cheap version of Propagate: it integrates the
// linearised error equation (Eq. 18) with classical RK4 on n equal steps
// of [0, T], from ẑ, dẑ/dt sampled at the 2n+1 step ends and midpoints in
// one batch (when s is a Sampler), and returns the largest ‖e‖₂ at the step
// ends. Its error is O((T/n)⁴) relative; callers use it to decide whether
// a costlier bound is worth computing (n = 4K: a quarter of a training
// spacing per step).
func PropagateQuick(h hamiltonians.Hamiltonian, s Solution, T float64, n int) (float64, error) {
	tk, err := NewTracker(h, false)
	if err != nil {
		return 0, err
	}
	tk.Advance(s, T, n)
	return tk.Worst, nil
}

// Tracker carries PropagateQuick's estimate along a solution piece by
// piece, as a windowed solver trains it: the error e(t) of Eq. 18 and the
// fundamental matrix Φ(t, 0) of the variational equation Φ′ = J∇²H(ẑ)Φ,
// both by RK4 from the same samples. It is an estimate, not a bound.
type Tracker struct {
	h   hamiltonians.Hesser
	T   float64   // the time reached
	E   []float64 // e(T)
	Phi []float64 // Φ(T, 0), D×D row-major
	// Worst is the largest ‖e‖₂ at the step ends so far, PhiMax the
	// largest Frobenius norm of Φ(t, 0) (at least ‖Φ(t, 0)‖₂).
	Worst, PhiMax float64
}

// NewTracker starts a Tracker at t = 0 with e = 0 and, when withPhi is
// set, Φ = I (tracking Φ costs D times the work of e; without it Phi is
// nil and PhiMax stays 0).
func NewTracker(h hamiltonians.Hamiltonian, withPhi bool) (*Tracker, error) {
	hs, ok := h.(hamiltonians.Hesser)
	if !ok {
		return nil, fmt.Errorf("errorbound: error propagation needs the Hessian of H, which this Hamiltonian does not provide")
	}
	D := h.Dim()
	tk := &Tracker{h: hs, E: make([]float64, D)}
	if withPhi {
		tk.Phi, tk.PhiMax = make([]float64, D*D), math.Sqrt(float64(D))
		for i := 0; i < D; i++ {
			tk.Phi[i*D+i] = 1
		}
	}
	return tk, nil
}

// Copy returns an independent copy of tk.
func (tk *Tracker) Copy() *Tracker {
	c := *tk
	c.E = append([]float64(nil), tk.E...)
	if tk.Phi != nil {
		c.Phi = append([]float64(nil), tk.Phi...)
	}
	return &c
}

// Advance integrates from the time reached to t1 in n RK4 steps along s.
// A non-finite estimate makes Worst +Inf.
func (tk *Tracker) Advance(s Solution, t1 float64, n int) {
	if n < 1 {
		panic("errorbound: PropagateQuick needs n ≥ 1")
	}
	h := tk.h
	D := h.Dim()
	d := D / 2
	times := Grid(tk.T, t1, 2*n)
	zs, dzs := sampled(s, D, times, true)
	res := make([]float64, len(times)*D)
	hess := make([]*mat.SymDense, len(times))
	g := make([]float64, D)
	for k := range times {
		z := zs[k*D : (k+1)*D]
		hamiltonians.Residual(res[k*D:(k+1)*D], g, h, z, dzs[k*D:(k+1)*D])
		hess[k] = mat.NewSymDense(D, nil)
		h.Hess(hess[k], z)
	}
	// f(k, e) = J∇²H(ẑ(t_k))e − c·ℓ(t_k) at sample k (c = 1 for e, 0 for
	// the columns of Φ).
	f := func(dst []float64, k int, e []float64, c float64) {
		for i := 0; i < D; i++ {
			var v float64
			for j := 0; j < D; j++ {
				v += hess[k].At(i, j) * e[j]
			}
			g[i] = v
		}
		for i := 0; i < d; i++ {
			if c == 0 {
				dst[i], dst[d+i] = g[d+i], -g[i]
				continue
			}
			dst[i] = g[d+i] - res[k*D+i]
			dst[d+i] = -g[i] - res[k*D+d+i]
		}
	}
	tmp := make([]float64, D)
	var k1, k2, k3, k4 = make([]float64, D), make([]float64, D), make([]float64, D), make([]float64, D)
	rk4 := func(e []float64, j int, step, c float64) {
		f(k1, 2*j, e, c)
		for i := range tmp {
			tmp[i] = e[i] + step/2*k1[i]
		}
		f(k2, 2*j+1, tmp, c)
		for i := range tmp {
			tmp[i] = e[i] + step/2*k2[i]
		}
		f(k3, 2*j+1, tmp, c)
		for i := range tmp {
			tmp[i] = e[i] + step*k3[i]
		}
		f(k4, 2*j+2, tmp, c)
		for i := range e {
			e[i] += step / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	step := (t1 - tk.T) / float64(n)
	col := make([]float64, D)
	for j := 0; j < n; j++ {
		rk4(tk.E, j, step, 1)
		tk.Worst = math.Max(tk.Worst, norm(tk.E))
		if math.IsNaN(tk.Worst) {
			tk.Worst = math.Inf(1)
			break
		}
		if tk.Phi == nil {
			continue
		}
		var fro float64
		for c := 0; c < D; c++ {
			for i := range col {
				col[i] = tk.Phi[i*D+c]
			}
			rk4(col, j, step, 0)
			for i, v := range col {
				tk.Phi[i*D+c] = v
				fro += v * v
			}
		}
		tk.PhiMax = math.Max(tk.PhiMax, math.Sqrt(fro))
	}
	tk.T = t1
}
