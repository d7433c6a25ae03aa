// Package interval is interval arithmetic on float64 with outward rounding:
// every operation returns an interval that contains the exact result of the
// operation applied to every point of its operands.
//
// Go has no rounding modes. The four operations and Sqrt are correctly
// rounded (IEEE 754 round to nearest), so the exact result lies within one
// ulp of the computed one, and moving each endpoint one step outward with
// math.Nextafter encloses it. The elementary functions of package math
// are not correctly rounded. Measured against 200-bit references (mpmath)
// on 20 000 arguments each (uniform, log-uniform from 1e-300 to the
// overflow range or |x| ≤ 2²⁰ for the trigonometric functions, and near
// the multiples of π/2), their largest errors were: exp 1.34 ulp, log
// 0.79, sin 1.41, cos 1.35, sinh 2.42, cosh 1.59, tanh 0.97, and tan 25.2
// ulp (math.Tan returns x itself for |x| < 1e-7, a relative error up to
// x²/3 ≈ 3.4e-15; near its poles the same). Each endpoint is widened by a
// relative 2⁻⁴⁹ (8 to 16 ulp; 2⁻⁴⁴, 256 to 512 ulp, for tan) plus an
// absolute 2⁻⁶⁰ (sin, cos, tan, log: their results can be near zero
// where a relative margin alone is too small), or a relative margin alone
// where the result's sign is known: at least five times every error
// measured. Powers with a non-integer exponent are exp(c·log x) (Powc,
// Pow), not math.Pow, whose error grows with c·log x. Their extrema
// inside an interval (sin and cos at the odd multiples of π/2, cosh at 0)
// are located with a margin, so an interval that might contain one gets
// the extreme value.
//
// An interval with a NaN endpoint or an infinite one means "no finite
// enclosure": division by an interval containing zero, log of a
// non-positive interval and overflow give such results, and they
// propagate. Callers check IsFinite at the end.
package interval

import "math"

// Interval is the closed set [Lo, Hi]; Lo ≤ Hi unless an endpoint is NaN.
type Interval struct{ Lo, Hi float64 }

// Point returns the degenerate interval [x, x].
func Point(x float64) Interval { return Interval{x, x} }

// New returns [min(a,b), max(a,b)].
func New(a, b float64) Interval {
	if a > b {
		a, b = b, a
	}
	return Interval{a, b}
}

// Entire is (−∞, ∞), the result when nothing finite can be said.
var Entire = Interval{math.Inf(-1), math.Inf(1)}

// Up returns the next float64 above x: math.Nextafter(x, +Inf), bit for
// bit, written out so that the compiler inlines it (interval arithmetic
// calls it after every operation).
func Up(x float64) float64 {
	switch b := math.Float64bits(x); {
	case x > 0 && x <= math.MaxFloat64:
		return math.Float64frombits(b + 1)
	case x < 0:
		return math.Float64frombits(b - 1)
	case x == 0:
		return 0x1p-1074
	}
	return x // +Inf or NaN
}

// Down returns the next float64 below x: math.Nextafter(x, −Inf), bit
// for bit.
func Down(x float64) float64 { return -Up(-x) }

func down(x float64) float64 { return Down(x) }
func up(x float64) float64   { return Up(x) }

// Margins of the elementary functions (see the package comment).
const (
	relMargin = 0x1p-49
	tanMargin = 0x1p-44
	absMargin = 0x1p-60
)

// widen widens [lo, hi], computed by a not correctly rounded function,
// by the relative margin and abs.
func widen(lo, hi, abs float64) Interval {
	return Interval{down(lo - relMargin*math.Abs(lo) - abs), up(hi + relMargin*math.Abs(hi) + abs)}
}

// IsFinite reports whether both endpoints are finite numbers.
func (a Interval) IsFinite() bool {
	return !math.IsNaN(a.Lo) && !math.IsNaN(a.Hi) && !math.IsInf(a.Lo, 0) && !math.IsInf(a.Hi, 0)
}

// Contains reports whether x ∈ a.
func (a Interval) Contains(x float64) bool { return a.Lo <= x && x <= a.Hi }

// Mid returns the midpoint (rounded; not an enclosure).
func (a Interval) Mid() float64 { return a.Lo + (a.Hi-a.Lo)/2 }

// Width returns Hi − Lo rounded up.
func (a Interval) Width() float64 { return up(a.Hi - a.Lo) }

// Mag returns max |x| over a, the magnitude (exact).
func (a Interval) Mag() float64 {
	if math.IsNaN(a.Lo) || math.IsNaN(a.Hi) {
		return math.NaN()
	}
	return math.Max(math.Abs(a.Lo), math.Abs(a.Hi))
}

// Hull returns the smallest interval containing a and b.
func Hull(a, b Interval) Interval {
	return Interval{math.Min(a.Lo, b.Lo), math.Max(a.Hi, b.Hi)}
}

// Inflate returns [Lo − r, Hi + r] rounded outward, for r ≥ 0.
func (a Interval) Inflate(r float64) Interval { return Interval{down(a.Lo - r), up(a.Hi + r)} }

// Add returns a + b.
func (a Interval) Add(b Interval) Interval { return Interval{down(a.Lo + b.Lo), up(a.Hi + b.Hi)} }

// Sub returns a − b.
func (a Interval) Sub(b Interval) Interval { return Interval{down(a.Lo - b.Hi), up(a.Hi - b.Lo)} }

// Neg returns −a (exact).
func (a Interval) Neg() Interval { return Interval{-a.Hi, -a.Lo} }

// Mul returns a·b.
func (a Interval) Mul(b Interval) Interval {
	p1, p2, p3, p4 := a.Lo*b.Lo, a.Lo*b.Hi, a.Hi*b.Lo, a.Hi*b.Hi
	lo, hi := min(p1, p2, p3, p4), max(p1, p2, p3, p4) // NaN propagates
	if math.IsNaN(lo) || math.IsNaN(hi) {
		// 0·∞: an operand is already unbounded.
		return Interval{math.NaN(), math.NaN()}
	}
	return Interval{down(lo), up(hi)}
}

// Scale returns c·a for a point c.
func (a Interval) Scale(c float64) Interval { return a.Mul(Point(c)) }

// Div returns a/b, Entire when b contains zero.
func (a Interval) Div(b Interval) Interval {
	if b.Lo <= 0 && b.Hi >= 0 || math.IsNaN(b.Lo) || math.IsNaN(b.Hi) {
		return Entire
	}
	q1, q2, q3, q4 := a.Lo/b.Lo, a.Lo/b.Hi, a.Hi/b.Lo, a.Hi/b.Hi
	lo, hi := min(q1, q2, q3, q4), max(q1, q2, q3, q4)
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return Interval{math.NaN(), math.NaN()}
	}
	return Interval{down(lo), up(hi)}
}

// Sqr returns a², which unlike a·a is never negative.
func (a Interval) Sqr() Interval { return a.Powi(2) }

// Abs returns |a|.
func (a Interval) Abs() Interval {
	switch {
	case a.Lo >= 0:
		return a
	case a.Hi <= 0:
		return a.Neg()
	}
	return Interval{0, math.Max(-a.Lo, a.Hi)}
}

// Sign returns the sign of x: 1, −1, or 0 for 0 (either zero) and NaN.
func Sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// Sign returns the set of signs of a: [1,1], [−1,−1], [0,0] or their hull.
func (a Interval) Sign() Interval { return Interval{Sign(a.Lo), Sign(a.Hi)} }

// powUp and powDown return x^n for x ≥ 0 and n ≥ 0 rounded up and down:
// repeated squaring with every product rounded outward.
func powUp(x float64, n int) float64 {
	r := 1.0
	for n > 0 {
		if n&1 == 1 {
			r = up(r * x)
		}
		n >>= 1
		if n > 0 {
			x = up(x * x)
		}
	}
	return r
}

func powDown(x float64, n int) float64 {
	r := 1.0
	for n > 0 {
		if n&1 == 1 {
			r = math.Max(0, down(r*x))
		}
		n >>= 1
		if n > 0 {
			x = math.Max(0, down(x*x))
		}
	}
	return r
}

// Powi returns a^n for an integer n (negative n: 1/a^|n|).
func (a Interval) Powi(n int) Interval {
	if math.IsNaN(a.Lo) || math.IsNaN(a.Hi) {
		return a
	}
	switch {
	case n == 0:
		return Point(1)
	case n < 0:
		return Point(1).Div(a.Powi(-n))
	case n%2 == 0:
		switch {
		case a.Lo >= 0:
			return Interval{powDown(a.Lo, n), powUp(a.Hi, n)}
		case a.Hi <= 0:
			return Interval{powDown(-a.Hi, n), powUp(-a.Lo, n)}
		}
		return Interval{0, powUp(math.Max(-a.Lo, a.Hi), n)}
	}
	// Odd n: increasing.
	lo := powDown(a.Lo, n)
	if a.Lo < 0 {
		lo = -powUp(-a.Lo, n)
	}
	hi := powUp(a.Hi, n)
	if a.Hi < 0 {
		hi = -powDown(-a.Hi, n)
	}
	return Interval{lo, hi}
}

// Sqrt returns √a, NaN-bounded when a reaches below zero.
func (a Interval) Sqrt() Interval {
	if a.Lo < 0 || math.IsNaN(a.Lo) {
		return Interval{math.NaN(), math.NaN()}
	}
	return Interval{math.Max(0, down(math.Sqrt(a.Lo))), up(math.Sqrt(a.Hi))}
}

// Exp returns e^a.
func (a Interval) Exp() Interval {
	r := widen(math.Exp(a.Lo), math.Exp(a.Hi), 0)
	r.Lo = math.Max(r.Lo, 0)
	return r
}

// Log returns log a, NaN-bounded unless a > 0.
func (a Interval) Log() Interval {
	if !(a.Lo > 0) {
		return Interval{math.NaN(), math.NaN()}
	}
	return widen(math.Log(a.Lo), math.Log(a.Hi), absMargin)
}

// Pow returns a^b = exp(b·log a) for a > 0.
func (a Interval) Pow(b Interval) Interval { return b.Mul(a.Log()).Exp() }

// Powc returns a^c for a constant non-integer c, which needs a ≥ 0 (and
// a > 0 when c < 0). It is exp(c·log x) at each end in interval
// arithmetic (x^c is monotone in x): math.Pow is not within a few ulp
// when c·log x is large (64 ulp at c = 100.5, 577 at c = 1000.5), while
// the error of log x, amplified by c, is carried here by the intervals.
func (a Interval) Powc(c float64) Interval {
	if math.IsNaN(a.Lo) || math.IsNaN(a.Hi) || a.Lo < 0 || a.Lo == 0 && c < 0 {
		return Interval{math.NaN(), math.NaN()}
	}
	at := func(x float64) Interval {
		if x == 0 {
			return Point(0) // c > 0 here
		}
		return Point(x).Log().Scale(c).Exp()
	}
	lo, hi := at(a.Lo), at(a.Hi)
	if c < 0 {
		lo, hi = hi, lo
	}
	return Interval{math.Max(lo.Lo, 0), hi.Hi}
}

// Sinh returns sinh a (increasing).
func (a Interval) Sinh() Interval { return widen(math.Sinh(a.Lo), math.Sinh(a.Hi), 0) }

// Tanh returns tanh a (increasing).
func (a Interval) Tanh() Interval {
	r := widen(math.Tanh(a.Lo), math.Tanh(a.Hi), 0)
	return Interval{math.Max(r.Lo, -1), math.Min(r.Hi, 1)}
}

// Cosh returns cosh a (minimum 1 at 0).
func (a Interval) Cosh() Interval {
	lo := 1.0
	switch {
	case a.Lo > 0:
		lo = math.Cosh(a.Lo)
	case a.Hi < 0:
		lo = math.Cosh(a.Hi)
	}
	hi := math.Max(math.Cosh(a.Lo), math.Cosh(a.Hi))
	r := widen(lo, hi, 0)
	r.Lo = math.Max(r.Lo, 1)
	return r
}

// maxTrigArg is where argument reduction of sin and cos stops being
// trusted with a plain multiple of π; beyond it the result is [−1, 1].
const maxTrigArg = 1 << 20

// crosses reports whether [lo, hi] may contain a point φ + 2πk for an
// integer k, with a margin for the rounding of φ + 2πk.
func crosses(lo, hi, phi float64) bool {
	k := math.Ceil((lo - phi) / (2 * math.Pi))
	for _, kk := range []float64{k - 1, k, k + 1} {
		c := phi + 2*math.Pi*kk
		m := 1e-15 * (1 + math.Abs(c))
		if c >= lo-m && c <= hi+m {
			return true
		}
	}
	return false
}

// Sin returns sin a.
func (a Interval) Sin() Interval { return a.trig(math.Sin, math.Pi/2, -math.Pi/2) }

// Cos returns cos a.
func (a Interval) Cos() Interval { return a.trig(math.Cos, 0, math.Pi) }

// trig encloses f = sin or cos over a: f at the ends, widened, and ±1
// where a contains a point of maximum (top + 2πk) or minimum (bottom + 2πk).
func (a Interval) trig(f func(float64) float64, top, bottom float64) Interval {
	if !a.IsFinite() {
		return Interval{math.NaN(), math.NaN()}
	}
	if a.Hi-a.Lo >= 2*math.Pi || math.Abs(a.Lo) > maxTrigArg || math.Abs(a.Hi) > maxTrigArg {
		return Interval{-1, 1}
	}
	f1, f2 := f(a.Lo), f(a.Hi)
	r := widen(math.Min(f1, f2), math.Max(f1, f2), absMargin)
	if crosses(a.Lo, a.Hi, top) {
		r.Hi = 1
	}
	if crosses(a.Lo, a.Hi, bottom) {
		r.Lo = -1
	}
	return Interval{math.Max(r.Lo, -1), math.Min(r.Hi, 1)}
}

// Tan returns tan a, Entire when a may contain a pole.
func (a Interval) Tan() Interval {
	if !a.IsFinite() || a.Hi-a.Lo >= math.Pi || crosses(a.Lo, a.Hi, math.Pi/2) || crosses(a.Lo, a.Hi, -math.Pi/2) ||
		math.Abs(a.Lo) > maxTrigArg || math.Abs(a.Hi) > maxTrigArg {
		return Entire
	}
	lo, hi := math.Tan(a.Lo), math.Tan(a.Hi)
	return Interval{down(lo - tanMargin*math.Abs(lo) - absMargin), up(hi + tanMargin*math.Abs(hi) + absMargin)}
}

// Norm returns an upper bound of the Euclidean norm of the vector of
// magnitudes of v.
func Norm(v []Interval) float64 {
	var s float64
	for _, x := range v {
		if m := x.Mag(); m != 0 {
			s = up(s + up(m*m))
		} else if math.IsNaN(m) {
			return m
		}
	}
	return up(math.Sqrt(s))
}

// MidRad returns the interval [m − r, m + r] rounded outward, r ≥ 0.
func MidRad(m, r float64) Interval { return Interval{down(m - r), up(m + r)} }
