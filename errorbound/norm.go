package errorbound

import (
	"github.com/hnn-project/hnn/internal/stats"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/hnn-project/hnn/internal/interval"
)

// Rounding upward of non-negative quantities. Go rounds to nearest, so
// the exact result of one operation lies within half an ulp of the
// computed one, and the next float up bounds it.
var inf = math.Inf(1)

// A zero operand keeps a result exact.

func addUp(a, b float64) float64 {
	if a == 0 || b == 0 {
		return a + b
	}
	return interval.Up(a + b)
}

func mulUp(a, b float64) float64 {
	if (a == 0 || b == 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return 0
	}
	return interval.Up(a * b)
}

func divUp(a, b float64) float64 {
	if a == 0 && b != 0 && !math.IsNaN(b) {
		return 0
	}
	return interval.Up(a / b)
}

func sqrtUp(a float64) float64 {
	if a == 0 {
		return 0
	}
	return interval.Up(math.Sqrt(a))
}

// expUp bounds e^x from above (math.Exp widened as internal/interval does).
func expUp(x float64) float64 { return interval.Point(x).Exp().Hi }

// unit is the unit roundoff of float64, u = 2⁻⁵³.
const unit = 0x1p-53

// gamma is γ_n = n·u/(1 − n·u) (Higham, Accuracy and Stability, §3.1),
// rounded up: |fl(Σ_{i≤n} x_i·y_i) − Σ x_i·y_i| ≤ γ_n Σ |x_i·y_i| for
// any order of summation, with or without fused multiply–adds.
func gamma(n int) float64 {
	nu := float64(n) * unit
	return divUp(nu, 1-nu) * (1 + 4*unit)
}

// inflate bounds from above a non-negative quantity computed in floating
// point by at most n operations on non-negative data, each rounded to
// nearest: the exact value is at most x·(1 + γ_n), plus a tiny absolute
// term for underflow.
func inflate(x float64, n int) float64 {
	return mulUp(x, 1+2*gamma(n)) + 0x1p-1000
}

// frobUp returns an upper bound of the Frobenius norm of v.
func frobUp(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return sqrtUp(inflate(s, len(v)+1))
}

// normWS computes verified upper bounds of the spectral norm ‖X‖₂ of
// square matrices of one size.
type normWS struct {
	D       int
	g, r, a []float64 // G = X·Xᵀ, the Cholesky factor, dsyev's copy of G
	v, work []float64 // eigenvalues, dsyev's workspace
}

func newNormWS(D int) *normWS {
	return &normWS{D: D, g: make([]float64, D*D), r: make([]float64, D*D), a: make([]float64, D*D), v: make([]float64, D)}
}

// norm returns an upper bound of ‖X‖₂ for the D×D row-major matrix x,
// proven from IEEE arithmetic alone.
//
// D = 2: σmax = (√((a+d)² + (b−c)²) + √((a−d)² + (b+c)²))/2 for
// X = [[a, b], [c, d]], evaluated in interval arithmetic; unlike
// √((s + √(s² − 4det²))/2) it has no cancellation.
//
// D > 2: with G̃ = fl(X·Xᵀ) (|G̃ − XXᵀ| ≤ γ_D|X||X|ᵀ, so ‖G̃ − XXᵀ‖₂ ≤
// γ_D‖X‖_F²), an estimate λ̃ of λmax(G̃) (LAPACK's dsyev) and a shift
// s slightly above it, the floating-point Cholesky factorisation of
// B̃ = fl(sI − G̃) is attempted. If it runs to completion, its factor R̃
// satisfies R̃ᵀR̃ = B̃ + ΔB with |ΔB| ≤ γ_{D+1}|R̃ᵀ||R̃| (Demmel; Higham
// Theorem 10.3, whose proof uses only that the algorithm completes), so
// B̃ ≽ −γ_{D+1}‖R̃‖_F²·I, and
//
//	λmax(XXᵀ) ≤ s + γ_{D+1}‖R̃‖_F² + u·max_i|B̃_ii| + γ_D‖X‖_F²,
//
// the third term for the rounding of the diagonal of sI − G̃. Larger
// shifts are tried when the factorisation fails; the last resort is
// ‖X‖_F.
func (ws *normWS) norm(x []float64) float64 {
	D := ws.D
	if D == 2 {
		a, b, c, d := interval.Point(x[0]), interval.Point(x[1]), interval.Point(x[2]), interval.Point(x[3])
		// Sums of squares: clamped at 0 below, where outward rounding of
		// an exact 0 + 0 would reach.
		hyp := func(x, y interval.Interval) interval.Interval {
			s := x.Sqr().Add(y.Sqr())
			return interval.Interval{Lo: math.Max(s.Lo, 0), Hi: s.Hi}.Sqrt()
		}
		return hyp(a.Add(d), b.Sub(c)).Add(hyp(a.Sub(d), b.Add(c))).Scale(0.5).Hi
	}
	frob2 := 0.0
	for _, v := range x {
		frob2 += v * v
	}
	frob2 = inflate(frob2, D*D+1)
	if !stats.Finite(frob2) {
		return inf
	}
	if frob2 == 0 {
		return 0
	}
	g := ws.g
	for i := 0; i < D; i++ {
		xi := x[i*D : (i+1)*D]
		for j := 0; j <= i; j++ {
			xj := x[j*D : (j+1)*D]
			var s float64
			for k, v := range xi {
				s += v * xj[k]
			}
			g[i*D+j], g[j*D+i] = s, s
		}
	}
	lam := ws.estimate()
	gerr := mulUp(gamma(D), frob2)
	for _, f := range [...]float64{1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 0.25} {
		s := lam*(1+f) + f*frob2*1e-3
		if b, ok := ws.cholesky(s); ok {
			bound := addUp(addUp(s, b), gerr)
			return math.Min(sqrtUp(bound), sqrtUp(frob2))
		}
	}
	return sqrtUp(frob2)
}

// estimate returns an estimate of λmax(G) for the symmetric positive
// semidefinite G in ws.g (LAPACK's dsyev, eigenvalues only; not a bound).
func (ws *normWS) estimate() float64 {
	D := ws.D
	copy(ws.a, ws.g)
	a := blas64.Symmetric{N: D, Stride: D, Data: ws.a, Uplo: blas.Upper}
	if ws.work == nil {
		work := []float64{0}
		lapack64.Syev(lapack.EVNone, a, ws.v, work, -1)
		ws.work = make([]float64, int(work[0]))
	}
	if !lapack64.Syev(lapack.EVNone, a, ws.v, ws.work, len(ws.work)) {
		// Gershgorin, an upper bound of λmax, when dsyev fails.
		var lam float64
		for i := 0; i < D; i++ {
			var r float64
			for _, v := range ws.g[i*D : (i+1)*D] {
				r += math.Abs(v)
			}
			lam = math.Max(lam, r)
		}
		return lam
	}
	return math.Max(0, ws.v[D-1])
}

// cholesky factors B̃ = fl(sI − G) in place of ws.r and, when the
// factorisation runs to completion, returns γ_{D+1}‖R̃‖_F² +
// u·max_i|B̃_ii| rounded up, the amount by which s may fall short of
// λmax(G).
func (ws *normWS) cholesky(s float64) (float64, bool) {
	D, g, r := ws.D, ws.g, ws.r
	var dmax float64
	for i := 0; i < D; i++ {
		for j := 0; j < D; j++ {
			r[i*D+j] = -g[i*D+j]
		}
		r[i*D+i] = s - g[i*D+i]
		dmax = math.Max(dmax, math.Abs(r[i*D+i]))
	}
	// Row-oriented: r holds B̃ on and above the diagonal, overwritten by
	// the upper triangular factor R̃ (R̃ᵀR̃ = B̃).
	var f2 float64
	for j := 0; j < D; j++ {
		d := r[j*D+j]
		for k := 0; k < j; k++ {
			d -= r[k*D+j] * r[k*D+j]
		}
		if !(d > 0) || !stats.Finite(d) {
			return 0, false
		}
		rjj := math.Sqrt(d)
		r[j*D+j] = rjj
		f2 += rjj * rjj
		for i := j + 1; i < D; i++ {
			v := r[j*D+i]
			for k := 0; k < j; k++ {
				v -= r[k*D+j] * r[k*D+i]
			}
			v /= rjj
			r[j*D+i] = v
			f2 += v * v
		}
	}
	f2 = inflate(f2, D*D+1)
	return addUp(mulUp(gamma(D+1), f2), mulUp(unit, dmax)), true
}
