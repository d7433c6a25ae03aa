package errorbound

import (
	"math"

	"github.com/hnn-project/hnn/hamiltonians"
)

// Path is a trajectory that can be evaluated at any time of its interval:
// a network solution, a reference solution, an interpolated integrator run.
type Path interface {
	// At stores the state at time t in dst and returns it; nil dst allocates.
	At(dst []float64, t float64) []float64
}

// Grid returns the n+1 times t0 + k·(t1−t0)/n, k = 0..n, computed from k
// (never accumulated) so that the last one is exactly t1.
func Grid(t0, t1 float64, n int) []float64 {
	if n < 1 {
		panic("errorbound: Grid needs n ≥ 1")
	}
	ts := make([]float64, n+1)
	for k := range ts {
		ts[k] = t0 + float64(k)*(t1-t0)/float64(n)
	}
	ts[n] = t1
	return ts
}

// Comparison summarises how far a path is from a reference over a set of
// times.
type Comparison struct {
	// MaxAbs[i] = max_t |ẑ_i(t) − z_i(t)| for each state component.
	MaxAbs []float64
	// Max = max_t ‖ẑ(t) − z(t)‖₂, the phase-space error.
	Max float64
	// RMS = sqrt(mean_t ‖ẑ(t) − z(t)‖₂²).
	RMS float64
	// MaxEnergy = max_t |H(ẑ(t)) − E0| with E0 = H at the reference's
	// first time.
	MaxEnergy float64
	// NonFinite counts the times at which the path was not finite; the
	// maxima are then +Inf.
	NonFinite int
}

// Compare evaluates path and ref at each of times and summarises their
// difference. E0 is taken from ref at times[0].
func Compare(h hamiltonians.Hamiltonian, path, ref Path, times []float64) Comparison {
	xs, _ := sampled(path, h.Dim(), times, false)
	return compareSampled(h, xs, ref, times)
}

// compareSampled is Compare of the path's states xs at times (row k for
// times[k]).
func compareSampled(h hamiltonians.Hamiltonian, xs []float64, ref Path, times []float64) Comparison {
	D := h.Dim()
	x := make([]float64, D)
	z := make([]float64, D)
	c := Comparison{MaxAbs: make([]float64, D)}
	e0 := h.H(ref.At(z, times[0]))
	var sum float64
	for k, t := range times {
		copy(x, xs[k*D:(k+1)*D])
		ref.At(z, t)
		c.accumulate(h, x, z, e0, &sum)
	}
	c.finish(sum, len(times))
	return c
}

// accumulate adds the difference at one time.
func (c *Comparison) accumulate(h hamiltonians.Hamiltonian, x, z []float64, e0 float64, sum *float64) {
	var n2 float64
	finite := true
	for i := range x {
		d := math.Abs(x[i] - z[i])
		if math.IsNaN(d) || math.IsInf(d, 0) {
			finite = false
			d = math.Inf(1)
		}
		if d > c.MaxAbs[i] {
			c.MaxAbs[i] = d
		}
		n2 += d * d
	}
	de := math.Abs(h.H(x) - e0)
	if math.IsNaN(de) {
		finite = false
		de = math.Inf(1)
	}
	if !finite {
		c.NonFinite++
	}
	c.MaxEnergy = math.Max(c.MaxEnergy, de)
	c.Max = math.Max(c.Max, math.Sqrt(n2))
	*sum += n2
}

func (c *Comparison) finish(sum float64, n int) {
	c.RMS = math.Sqrt(sum / float64(n))
}
