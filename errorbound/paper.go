package errorbound

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
)

// Solution is an approximate solution with its time derivative, such as a
// trained network ẑ(t) with dẑ/dt.
type Solution interface {
	Path
	// Deriv stores dẑ/dt at time t in dst and returns it; nil dst allocates.
	Deriv(dst []float64, t float64) []float64
}

// Sampler is a Solution that can evaluate many times at once; Paper and
// Compare use it when available.
type Sampler interface {
	// Sample stores ẑ(ts[i]) and dẑ/dt(ts[i]) in rows i of z and dz (each
	// len(ts)·D; either may be nil).
	Sample(ts, z, dz []float64)
}

// sampled evaluates s at times, in one batch when s is a Sampler.
func sampled(s Path, D int, times []float64, deriv bool) (z, dz []float64) {
	z, dz, _ = sampledCtx(context.Background(), s, D, times, deriv)
	return z, dz
}

// sampleChunk is the number of times sampledCtx evaluates between checks
// of its context: the chunk of solver.Solution.Sample, so that the chunks
// and therefore the bits are those of one call.
const sampleChunk = 4096

// sampledCtx is sampled, checking ctx every sampleChunk times.
func sampledCtx(ctx context.Context, s Path, D int, times []float64, deriv bool) (z, dz []float64, err error) {
	z = make([]float64, len(times)*D)
	if deriv {
		dz = make([]float64, len(times)*D)
	}
	for lo := 0; lo < len(times); lo += sampleChunk {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		hi := min(len(times), lo+sampleChunk)
		var dzc []float64
		if deriv {
			dzc = dz[lo*D : hi*D]
		}
		sampleInto(s, D, times[lo:hi], z[lo*D:hi*D], dzc)
	}
	return z, dz, nil
}

// sampleInto evaluates s (and its derivative, when dz is not nil) at times.
func sampleInto(s Path, D int, times, z, dz []float64) {
	if b, ok := s.(Sampler); ok {
		b.Sample(times, z, dz)
		return
	}
	for i, t := range times {
		s.At(z[i*D:(i+1)*D], t)
		if dz != nil {
			s.(Solution).Deriv(dz[i*D:(i+1)*D], t)
		}
	}
}

// Residual stores ℓ(t) = dẑ/dt − J∇H(ẑ(t)) (Mattheakis et al. Eq. 14) in
// dst and returns it, with ẑ(t) in z (both of length D; nil allocates).
func Residual(dst, z []float64, h hamiltonians.Hamiltonian, s Solution, t float64) (res, state []float64) {
	D := h.Dim()
	if dst == nil {
		dst = make([]float64, D)
	}
	if z == nil {
		z = make([]float64, D)
	}
	s.At(z, t)
	dz := s.Deriv(nil, t)
	return hamiltonians.Residual(dst, make([]float64, D), h, z, dz), z
}

// PaperBound is the error bound of Mattheakis et al. Eq. 22: every
// component of the error satisfies |δz_i| ≤ ℓmax/σmin. It is a heuristic
// (the derivation drops terms), not a proof; see Certify for one.
type PaperBound struct {
	// LMax = max_t sqrt(‖ℓ(t)‖² + λ·(H(ẑ(t)) − E0)²) over the grid.
	LMax float64
	// LMaxAt is the time of the maximum.
	LMaxAt float64
	// SigmaMin = min over the grid of the smallest singular value of ∇²H(ẑ(t)).
	SigmaMin float64
	// Bound = LMax/SigmaMin, +Inf when SigmaMin is zero or numerically so.
	Bound float64
	// Reason says why Bound is infinite; empty otherwise.
	Reason string
}

// singularTol decides when σmin is "numerically zero": relative to the
// largest singular value, below what rounding in forming ∇²H can produce.
const singularTol = 1e-12

// Paper computes the bound of Eq. 22 on the given times, with energy
// weight lambda (Eq. 13). h must implement hamiltonians.Hesser.
func Paper(h hamiltonians.Hamiltonian, s Solution, e0, lambda float64, times []float64) (PaperBound, error) {
	zs, dzs := sampled(s, h.Dim(), times, true)
	return paperSampled(h, zs, dzs, e0, lambda, times)
}

// paperSampled is Paper of the solution's states zs and derivatives dzs
// at times (row k for times[k]).
func paperSampled(h hamiltonians.Hamiltonian, zs, dzs []float64, e0, lambda float64, times []float64) (PaperBound, error) {
	hs, ok := h.(hamiltonians.Hesser)
	if !ok {
		return PaperBound{}, fmt.Errorf("errorbound: the paper's bound needs the Hessian of H, which this Hamiltonian does not provide")
	}
	D := h.Dim()
	res := make([]float64, D)
	g := make([]float64, D)
	z := make([]float64, D)
	hess := mat.NewSymDense(D, nil)
	var eig mat.EigenSym
	b := PaperBound{SigmaMin: math.Inf(1)}
	var sigmaMax float64
	for k, t := range times {
		copy(z, zs[k*D:(k+1)*D])
		hamiltonians.Residual(res, g, h, z, dzs[k*D:(k+1)*D])
		l2 := dot(res, res)
		if lambda > 0 {
			r := h.H(z) - e0
			l2 += lambda * r * r
		}
		l := math.Sqrt(l2)
		if l > b.LMax || math.IsNaN(l) {
			b.LMax, b.LMaxAt = l, t
		}
		hs.Hess(hess, z)
		if !eig.Factorize(hess, false) {
			return PaperBound{}, fmt.Errorf("errorbound: eigenvalues of ∇²H at t=%g did not converge", t)
		}
		for _, v := range eig.Values(nil) {
			v = math.Abs(v)
			if v < b.SigmaMin || math.IsNaN(v) {
				b.SigmaMin = v
			}
			sigmaMax = math.Max(sigmaMax, v)
		}
	}
	switch {
	case math.IsNaN(b.LMax) || math.IsInf(b.LMax, 0):
		b.Bound, b.Reason = math.Inf(1), "the residual is not finite on the grid"
	case math.IsNaN(b.SigmaMin):
		b.Bound, b.Reason = math.Inf(1), "the Hessian of H is not finite along the solution"
	case b.SigmaMin <= singularTol*sigmaMax:
		b.SigmaMin = math.Max(b.SigmaMin, 0)
		b.Bound, b.Reason = math.Inf(1), "the Hessian of H is singular along the solution (σmin = 0, e.g. from a translation symmetry), so ℓmax/σmin gives no bound"
	default:
		b.Bound = b.LMax / b.SigmaMin
	}
	return b, nil
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
