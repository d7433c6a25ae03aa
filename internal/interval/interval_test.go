package interval

import (
	"cmp"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exact computes x op y in 300-bit arithmetic, exact for + − · and
// correctly rounded far below float64's ulp for / and √.
func exact(op byte, x, y float64) *big.Float {
	a := new(big.Float).SetPrec(300).SetFloat64(x)
	b := new(big.Float).SetPrec(300).SetFloat64(y)
	r := new(big.Float).SetPrec(300)
	switch op {
	case '+':
		return r.Add(a, b)
	case '-':
		return r.Sub(a, b)
	case '*':
		return r.Mul(a, b)
	case '/':
		return r.Quo(a, b)
	case 's':
		return r.Sqrt(a)
	}
	panic("op")
}

func inBig(iv Interval, v *big.Float) bool {
	lo := new(big.Float).SetPrec(300).SetFloat64(iv.Lo)
	hi := new(big.Float).SetPrec(300).SetFloat64(iv.Hi)
	return lo.Cmp(v) <= 0 && v.Cmp(hi) <= 0
}

// Outward rounding: on degenerate intervals the result must contain the
// exact value even when float64 rounds it (0.1 + 0.2 ≠ 0.3 exactly), and
// must be strictly wider than the rounded value when rounding happened.
func TestOutwardRounding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ops := []struct {
		name byte
		f    func(a, b Interval) Interval
	}{
		{'+', Interval.Add}, {'-', Interval.Sub}, {'*', Interval.Mul}, {'/', Interval.Div},
		{'s', func(a, _ Interval) Interval { return a.Sqrt() }},
	}
	for n := 0; n < 2000; n++ {
		x := (rng.Float64() + 0.1) * math.Pow(10, float64(rng.IntN(20)-10))
		y := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(20)-10))
		if n == 0 {
			x, y = 0.1, 0.2
		}
		for _, op := range ops {
			got := op.f(Point(x), Point(y))
			want := exact(op.name, x, y)
			if !inBig(got, want) {
				t.Fatalf("%g %c %g: %v does not contain %s", x, op.name, y, got, want.Text('g', 25))
			}
			// Not exact in float64: the enclosure must have two distinct ends.
			f, _ := want.Float64()
			if new(big.Float).SetPrec(300).SetFloat64(f).Cmp(want) != 0 && !(got.Lo < got.Hi) {
				t.Fatalf("%g %c %g: %v is degenerate but the result is inexact", x, op.name, y, got)
			}
		}
	}
}

// Every operation contains its point values for random points of random
// intervals. For the elementary functions, whose float64 values are
// within a few ulp of the exact ones, the enclosure is at least 8 ulp
// wider, so containing the float64 value tests the extrema and
// monotonicity logic.
func TestEnclosure(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	randInterval := func(scale float64) Interval {
		a := (rng.Float64()*2 - 1) * scale
		w := rng.Float64() * scale * math.Pow(10, -float64(rng.IntN(6)))
		return Interval{a, a + w}
	}
	pick := func(a Interval) float64 {
		switch rng.IntN(4) {
		case 0:
			return a.Lo
		case 1:
			return a.Hi
		}
		return a.Lo + rng.Float64()*(a.Hi-a.Lo)
	}
	type unary struct {
		name string
		f    func(Interval) Interval
		g    func(float64) float64
	}
	// sign written independently of Sign (the samples are never NaN).
	sign := func(x float64) float64 { return float64(cmp.Compare(x, 0)) }
	unaries := []unary{
		{"neg", Interval.Neg, func(x float64) float64 { return -x }},
		{"sqr", Interval.Sqr, func(x float64) float64 { return x * x }},
		{"abs", Interval.Abs, math.Abs},
		{"sign", Interval.Sign, sign},
		{"sqrt", Interval.Sqrt, math.Sqrt},
		{"exp", Interval.Exp, math.Exp},
		{"log", Interval.Log, math.Log},
		{"sin", Interval.Sin, math.Sin},
		{"cos", Interval.Cos, math.Cos},
		{"tan", Interval.Tan, math.Tan},
		{"sinh", Interval.Sinh, math.Sinh},
		{"cosh", Interval.Cosh, math.Cosh},
		{"tanh", Interval.Tanh, math.Tanh},
	}
	for n := -4; n <= 7; n++ {
		unaries = append(unaries, unary{"powi", func(a Interval) Interval { return a.Powi(n) }, func(x float64) float64 { return math.Pow(x, float64(n)) }})
	}
	for _, c := range []float64{0.5, 1.5, -0.5, 2.25} {
		unaries = append(unaries, unary{"powc", func(a Interval) Interval { return a.Powc(c) }, func(x float64) float64 { return math.Pow(x, c) }})
	}
	for _, u := range unaries {
		for n := 0; n < 3000; n++ {
			a := randInterval([]float64{0.5, 3, 20}[n%3])
			r := u.f(a)
			if !r.IsFinite() {
				continue // no finite enclosure claimed (pole, log of ≤ 0, …)
			}
			for range 5 {
				x := pick(a)
				if v := u.g(x); !r.Contains(v) {
					t.Fatalf("%s(%v) = %v does not contain %s(%g) = %g", u.name, a, r, u.name, x, v)
				}
			}
		}
	}
	binaries := []struct {
		name string
		f    func(a, b Interval) Interval
		g    func(x, y float64) float64
	}{
		{"add", Interval.Add, func(x, y float64) float64 { return x + y }},
		{"sub", Interval.Sub, func(x, y float64) float64 { return x - y }},
		{"mul", Interval.Mul, func(x, y float64) float64 { return x * y }},
		{"div", Interval.Div, func(x, y float64) float64 { return x / y }},
		{"pow", Interval.Pow, math.Pow},
	}
	for _, op := range binaries {
		for n := 0; n < 3000; n++ {
			a, b := randInterval(3), randInterval(3)
			r := op.f(a, b)
			if !r.IsFinite() {
				continue
			}
			for range 5 {
				x, y := pick(a), pick(b)
				if v := op.g(x, y); !r.Contains(v) {
					t.Fatalf("%s(%v, %v) = %v does not contain %g", op.name, a, b, r, v)
				}
			}
		}
	}
}

// Extrema inside the interval, and the cases with no finite enclosure.
func TestSpecialCases(t *testing.T) {
	cases := []struct {
		name string
		got  Interval
		ok   func(Interval) bool
	}{
		{"sin over π/2", Interval{1, 2}.Sin(), func(r Interval) bool { return r.Hi == 1 && r.Lo < math.Sin(1) }},
		{"sin over −π/2", Interval{-2, -1}.Sin(), func(r Interval) bool { return r.Lo == -1 }},
		{"cos over 0", Interval{-0.1, 0.2}.Cos(), func(r Interval) bool { return r.Hi == 1 && r.Lo <= math.Cos(0.2) }},
		{"cos over π", Interval{3, 3.3}.Cos(), func(r Interval) bool { return r.Lo == -1 }},
		{"cos over 2π·1000", Interval{2000*math.Pi - 0.1, 2000*math.Pi + 0.1}.Cos(), func(r Interval) bool { return r.Hi == 1 }},
		{"sin of a wide interval", Interval{0, 7}.Sin(), func(r Interval) bool { return r == Interval{-1, 1} }},
		{"cosh over 0", Interval{-1, 2}.Cosh(), func(r Interval) bool { return r.Lo == 1 && r.Hi >= math.Cosh(2) }},
		{"even power over 0", Interval{-2, 1}.Powi(2), func(r Interval) bool { return r.Lo == 0 && r.Hi >= 4 }},
		{"odd power", Interval{-2, 1}.Powi(3), func(r Interval) bool { return r.Lo <= -8 && r.Hi >= 1 }},
		{"abs over 0", Interval{-3, 1}.Abs(), func(r Interval) bool { return r == Interval{0, 3} }},
		{"division by an interval holding 0", Point(1).Div(Interval{-1, 1}), func(r Interval) bool { return !r.IsFinite() }},
		{"negative power of an interval holding 0", Interval{-1, 1}.Powi(-2), func(r Interval) bool { return !r.IsFinite() }},
		{"log of a non-positive interval", Interval{-1, 1}.Log(), func(r Interval) bool { return !r.IsFinite() }},
		{"sqrt of a negative interval", Interval{-1, 1}.Sqrt(), func(r Interval) bool { return !r.IsFinite() }},
		{"tan over its pole", Interval{1, 2}.Tan(), func(r Interval) bool { return !r.IsFinite() }},
		{"overflow", Point(1e300).Mul(Point(1e300)), func(r Interval) bool { return !r.IsFinite() }},
		{"NaN propagates", Interval.Add(Interval{math.NaN(), 1}, Point(1)).Mul(Point(2)), func(r Interval) bool { return !r.IsFinite() }},
	}
	for _, c := range cases {
		if !c.ok(c.got) {
			t.Errorf("%s: %v", c.name, c.got)
		}
	}
	if n := Norm([]Interval{{-3, 1}, {4, 4}}); n < 5 || n > 5*(1+1e-15) {
		t.Errorf("Norm = %v, want 5 rounded up", n)
	}
}

// Powc contains the exact power a^c = a^n·√a (c = n + ½, computed in
// 400-bit arithmetic) at large c, where math.Pow is off by 64 ulp at
// c = 100.5 and 577 at c = 1000.5 (the old 8-ulp enclosure missed the
// exact value at half and nine tenths of these points).
func TestPowcLarge(t *testing.T) {
	const prec = 400
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []float64{100.5, 1000.5, -100.5} {
		n := int(math.Abs(c))
		var widest float64
		for range 1000 {
			// a^c within float64's range: |c·log a| < 700.
			a := math.Exp((2*rng.Float64() - 1) * 690 / math.Abs(c))
			r := Point(a).Powc(c)
			x := new(big.Float).SetPrec(prec).SetFloat64(a)
			p := new(big.Float).SetPrec(prec).SetFloat64(1)
			for range n {
				p.Mul(p, x)
			}
			p.Mul(p, new(big.Float).SetPrec(prec).Sqrt(x))
			if c < 0 {
				p.Quo(new(big.Float).SetPrec(prec).SetFloat64(1), p)
			}
			lo := new(big.Float).SetPrec(prec).SetFloat64(r.Lo)
			hi := new(big.Float).SetPrec(prec).SetFloat64(r.Hi)
			if p.Cmp(lo) < 0 || p.Cmp(hi) > 0 {
				t.Fatalf("%g^%g: %v does not contain %s", a, c, r, p.Text('g', 20))
			}
			widest = math.Max(widest, (r.Hi-r.Lo)/r.Hi)
		}
		t.Logf("c = %g: widest enclosure %.3g relative", c, widest)
	}
}

// tanSeries is tan δ = δ + δ³/3 + 2δ⁵/15 + 17δ⁷/315 in 300-bit
// arithmetic: exact to far below an ulp for |δ| ≤ 2e-7.
func tanSeries(d *big.Float) *big.Float {
	x2 := new(big.Float).SetPrec(300).Mul(d, d)
	sum, term := new(big.Float).SetPrec(300).Set(d), new(big.Float).SetPrec(300).Set(d)
	for _, c := range [][2]int64{{1, 3}, {2, 15}, {17, 315}} {
		term.Mul(term, x2)
		v := new(big.Float).SetPrec(300).Mul(term, new(big.Float).SetPrec(300).SetInt64(c[0]))
		sum.Add(sum, v.Quo(v, new(big.Float).SetPrec(300).SetInt64(c[1])))
	}
	return sum
}

// Tan contains tan x at small x and near its poles, where math.Tan is off
// by up to 25 ulp (it returns the reduced argument itself below 1e-7):
// tan x from the series at small x, and tan(π/2 − δ) = 1/tan δ with π to
// 100 digits near the pole (the old 8-ulp margin missed these).
func TestTanSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	pi, _ := new(big.Float).SetPrec(300).SetString("3.141592653589793238462643383279502884197169399375105820974944592307816406286208998628034825342117068")
	halfPi := new(big.Float).SetPrec(300).Quo(pi, new(big.Float).SetPrec(300).SetInt64(2))
	inside := func(r Interval, v *big.Float) bool {
		return v.Cmp(new(big.Float).SetFloat64(r.Lo)) >= 0 && v.Cmp(new(big.Float).SetFloat64(r.Hi)) <= 0
	}
	for range 2000 {
		x := (2*rng.Float64() - 1) * 2e-7
		if v := tanSeries(new(big.Float).SetPrec(300).SetFloat64(x)); !inside(Point(x).Tan(), v) {
			t.Fatalf("tan(%g): %v does not contain %s", x, Point(x).Tan(), v.Text('g', 20))
		}
		// Near the pole: x = π/2 − δ, δ from 1e-8 to 2e-7.
		y := math.Pi/2 - (1e-8 + 1.9e-7*rng.Float64())
		d := new(big.Float).SetPrec(300).Sub(halfPi, new(big.Float).SetPrec(300).SetFloat64(y))
		v := new(big.Float).SetPrec(300).Quo(new(big.Float).SetPrec(300).SetInt64(1), tanSeries(d))
		if !inside(Point(y).Tan(), v) {
			t.Fatalf("tan(%g): %v does not contain %s", y, Point(y).Tan(), v.Text('g', 20))
		}
	}
}

// TestUpDown checks Up and Down against math.Nextafter bit for bit, on
// the special values and on random bit patterns.
func TestUpDown(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 0x1p-1074, -0x1p-1074, 1, -1, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), 0x1p-1022, -0x1p-1022}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		xs = append(xs, math.Float64frombits(r.Uint64()))
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	for _, x := range xs {
		if u, want := Up(x), math.Nextafter(x, math.Inf(1)); !same(u, want) {
			t.Fatalf("Up(%v) = %v, want %v", x, u, want)
		}
		if d, want := Down(x), math.Nextafter(x, math.Inf(-1)); !same(d, want) {
			t.Fatalf("Down(%v) = %v, want %v", x, d, want)
		}
	}
}
