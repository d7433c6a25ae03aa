package hamiltonians

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

type formulaCase struct {
	name   string
	src    string
	q, p   []string
	params map[string]float64
	sep    bool
	// lo, hi bound the random states of the check (inside the domain).
	lo, hi float64
}

func twoBody() string {
	return "(px1^2+py1^2)/(2*m1) + (px2^2+py2^2)/(2*m2) - g*m1*m2/sqrt((x1-x2)^2+(y1-y2)^2)"
}

func threeBody() string {
	var b strings.Builder
	b.WriteString("(px1^2+py1^2+px2^2+py2^2+px3^2+py3^2)/2")
	for _, ij := range [][2]int{{1, 2}, {1, 3}, {2, 3}} {
		fmt.Fprintf(&b, " - 1/sqrt((x%d-x%[2]d)^2 + (y%[1]d-y%[2]d)^2)", ij[0], ij[1])
	}
	return b.String()
}

var one = []string{"q"}
var oneP = []string{"p"}

// formulaCases are the catalogue Hamiltonians and further formulas that
// exercise every function and operator.
var formulaCases = []formulaCase{
	{"oscillator", "p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, nil, true, -2, 2},
	{"henon-heiles", "0.5*(px^2 + py^2) + 0.5*(x^2 + y^2) + lambda*(x^2*y - y^3/3)", []string{"x", "y"}, []string{"px", "py"}, map[string]float64{"lambda": 1}, true, -1, 1},
	{"mass-spring", "k*q^2/2 + p^2/(2*m)", one, oneP, map[string]float64{"k": 1, "m": 1}, true, -2, 2},
	{"mass-spring HNN code", "q^2 + p^2", one, oneP, nil, true, -2, 2},
	{"pendulum", "2*m*g*l*(1 - cos(q)) + l^2*p^2/(2*m)", one, oneP, map[string]float64{"m": 1, "l": 1, "g": 3}, true, -3, 3},
	{"two-body", twoBody(), []string{"x1", "y1", "x2", "y2"}, []string{"px1", "py1", "px2", "py2"}, map[string]float64{"m1": 1, "m2": 1, "g": 1}, true, -1, 1},
	{"three-body", threeBody(), []string{"x1", "y1", "x2", "y2", "x3", "y3"}, []string{"px1", "py1", "px2", "py2", "px3", "py3"}, nil, true, -1, 1},
	{"sin", "sin(q)*p^2", one, oneP, nil, false, -2, 2},
	{"cos", "cos(q*p) + q", one, oneP, nil, false, -2, 2},
	{"tan", "tan(q/2) + p^2/2", one, oneP, nil, true, -1, 1},
	{"exp", "exp(-q^2) * p^2", one, oneP, nil, false, -1.5, 1.5},
	{"log", "log(1 + q^2 + p^2)", one, oneP, nil, false, -2, 2},
	{"sqrt", "sqrt(1 + q^2) + sqrt(2 + p^2)", one, oneP, nil, true, -2, 2},
	{"sinh", "sinh(q)*q + p^2", one, oneP, nil, true, -2, 2},
	{"cosh", "cosh(q - p)", one, oneP, nil, false, -2, 2},
	{"tanh", "tanh(q)*tanh(p)", one, oneP, nil, false, -2, 2},
	{"abs", "abs(q)^3 + abs(p)^3", one, oneP, nil, true, 0.1, 2},
	{"pow", "pow(q, 3) + pow(p, 2)", one, oneP, nil, true, -2, 2},
	{"pow variable exponent", "pow(1 + q^2, p) + (2 + p^2)^(q/3)", one, oneP, nil, false, -1, 1},
	{"non-integer power", "(1 + q^2)^1.5 + (1 + p^2)^(-0.5)", one, oneP, nil, true, -2, 2},
	{"right-assoc power", "2^q^2 + p^2", one, oneP, nil, true, -1, 1},
	{"unary minus", "-q^2*-1 + -(-p)^2*-1", one, oneP, nil, true, -2, 2},
	{"division", "p^2/(2*(1 + q^2)) + q^2/2", one, oneP, nil, false, -2, 2},
	{"magnetic", "(px + y/2)^2/2 + (py - x/2)^2/2 + (x^2 + y^2)/2", []string{"x", "y"}, []string{"px", "py"}, nil, false, -1, 1},
	{"double pendulum", "(p1^2 + 2*p2^2 - 2*p1*p2*cos(a - b))/(2*(1 + sin(a - b)^2)) - 2*cos(a) - cos(b)", []string{"a", "b"}, []string{"p1", "p2"}, nil, false, -1, 1},
	{"constants", "pi*q^2 + e^p", one, oneP, nil, true, -1, 1},
	{"nested", "exp(sin(cos(q)))*log(2 + tanh(p)^2)", one, oneP, nil, false, -1, 1},
	{"toda", "(p1^2+p2^2+p3^2)/2 + exp(q1-q2) + exp(q2-q3) + exp(q3-q1)", []string{"q1", "q2", "q3"}, []string{"p1", "p2", "p3"}, nil, true, -1, 1},
}

// TestDerivativesFD checks the exact gradient and Hessian against central
// finite differences at random states.
func TestDerivativesFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range formulaCases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(c.src, c.q, c.p, c.params)
			if err != nil {
				t.Fatal(err)
			}
			D := f.Dim()
			for trial := 0; trial < 5; trial++ {
				x := make([]float64, D)
				for i := range x {
					x[i] = c.lo + (c.hi-c.lo)*rng.Float64()
				}
				checkFD(t, f, x)
			}
		})
	}
}

// checkFD compares Grad with central differences of H and Hess with
// central differences of Grad. The step h = 1e-5·max(1,|x|) balances the
// O(h²) truncation error against the O(ε/h) rounding error, both near
// 1e-10 relative for smooth functions of moderate size; the tolerance 1e-6
// relative to the size of the entries leaves a margin of 10^3-10^4.
func checkFD(t *testing.T, f *Formula, x []float64) {
	t.Helper()
	D := f.Dim()
	g := make([]float64, D)
	f.Grad(g, x)
	hess := mat.NewSymDense(D, nil)
	f.Hess(hess, x)
	gp := make([]float64, D)
	gm := make([]float64, D)
	xp := append([]float64(nil), x...)
	for i := 0; i < D; i++ {
		h := 1e-5 * math.Max(1, math.Abs(x[i]))
		xp[i] = x[i] + h
		fp := f.H(xp)
		f.Grad(gp, xp)
		xp[i] = x[i] - h
		fm := f.H(xp)
		f.Grad(gm, xp)
		xp[i] = x[i]
		fd := (fp - fm) / (2 * h)
		if !close(g[i], fd, 1e-6, math.Abs(f.H(x))) {
			t.Errorf("∂H/∂x%d at %v = %v, finite difference %v", i, x, g[i], fd)
		}
		for j := 0; j < D; j++ {
			fdj := (gp[j] - gm[j]) / (2 * h)
			if !close(hess.At(i, j), fdj, 1e-6, maxAbs(g)) {
				t.Errorf("∂²H/∂x%d∂x%d at %v = %v, finite difference %v", i, j, x, hess.At(i, j), fdj)
			}
		}
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// close reports |a−b| ≤ tol·max(|a|, |b|, scale, 1e-3): relative, with a
// floor so entries that vanish are compared at the scale of their neighbours.
func close(a, b, tol, scale float64) bool {
	return math.Abs(a-b) <= tol*math.Max(math.Max(math.Abs(a), math.Abs(b)), math.Max(scale, 1e-3))
}

func TestSeparable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range formulaCases {
		f, err := Parse(c.src, c.q, c.p, c.params)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := f.Separable()
		if ok != c.sep {
			t.Errorf("%s: separable = %v, want %v", c.name, ok, c.sep)
			continue
		}
		if !ok {
			continue
		}
		d := f.Dim() / 2
		x := make([]float64, 2*d)
		for i := range x {
			x[i] = c.lo + (c.hi-c.lo)*rng.Float64()
		}
		g := make([]float64, 2*d)
		f.Grad(g, x)
		gt, gv := make([]float64, d), make([]float64, d)
		s.GradT(gt, x[d:])
		s.GradV(gv, x[:d])
		for i := 0; i < d; i++ {
			// Same tape instructions on the same inputs: identical bits.
			if gv[i] != g[i] || gt[i] != g[d+i] {
				t.Errorf("%s: GradV/GradT %v %v differ from Grad %v", c.name, gv, gt, g)
			}
		}
		if _, ok := s.(Hesser); !ok {
			t.Errorf("%s: the separable view lost the Hessian", c.name)
		}
	}
	for _, src := range []string{"(p - q^2)^2/2 + q^2/2", "p^2*q^2", "q*p", "exp(q + p)", "sqrt(q^2 + p^2)"} {
		f, err := Parse(src, one, oneP, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := f.Separable(); ok {
			t.Errorf("%q reported separable", src)
		}
	}
}

func TestSimplification(t *testing.T) {
	cases := []struct {
		src       string
		maxInstrs int // instructions of the Hessian tape
	}{
		{"p^2/2 + q^2/2", 0},              // Hessian is the constant identity
		{"x*1 + 0 + p^1*1 - 0", 0},        // linear: Hessian is zero
		{"(q + 0)^1 * (p*1)", 0},          // ∂²(qp) is constant
		{"q^4/4 + p^2/2", 1},              // 3q²: one powi and one multiply at most
		{"2*3*q^2 + (1+1)*p^2", 0},        // constant folding
		{"sin(q)^2 + cos(q)^2 + p^2", 12}, // no identities, but shared sin/cos
	}
	for _, c := range cases {
		q := []string{"q"}
		if strings.Contains(c.src, "x") {
			q = []string{"x"}
		}
		f, err := Parse(c.src, q, oneP, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(f.tHess.code); n > c.maxInstrs+1 {
			t.Errorf("%q: Hessian tape has %d instructions, want at most %d", c.src, n, c.maxInstrs+1)
		}
	}
}

func TestEval(t *testing.T) {
	cases := []struct {
		src    string
		params map[string]float64
		want   float64
	}{
		{"6*pi", nil, 6 * math.Pi},
		{"2*g", map[string]float64{"g": 3}, 6},
		{"0.18*pi", nil, 0.18 * math.Pi},
		{"8e-3", nil, 8e-3},
		{".5", nil, 0.5},
		{"-2^2", nil, -4},
		{"2^-1", nil, 0.5},
		{"2^3^2", nil, 512},
		{"sqrt(0.5)*0.95", nil, 0.95 * math.Sqrt(0.5)},
		{"pow(2, 10) - 1e3", nil, 24},
		{"e", nil, math.E},
		{"1e-400", nil, 0},
	}
	for _, c := range cases {
		got, err := Eval(c.src, c.params)
		if err != nil || math.Abs(got-c.want) > 1e-15*math.Abs(c.want) {
			t.Errorf("Eval(%q) = %v, %v; want %v", c.src, got, err, c.want)
		}
	}
	for _, src := range []string{"x", "2*q", "1/0", "log(0)", "sqrt(-1)", "1e999", "", "3 +"} {
		if v, err := Eval(src, nil); err == nil {
			t.Errorf("Eval(%q) = %v, want an error", src, v)
		}
	}
}

func TestParseErrors(t *testing.T) {
	q, p := []string{"x", "y"}, []string{"px", "py"}
	deep := strings.Repeat("(", 10000) + "x" + strings.Repeat(")", 10000)
	cases := []struct {
		src string
		col int    // expected column, 0: don't check
		msg string // expected substring
	}{
		{"", 1, "empty formula"},
		{"   ", 4, "empty formula"},
		{"(x + y", 7, `expected ")"`},
		{"x + y)", 6, `unmatched ")"`},
		{"x +", 4, "expected a number"},
		{"2 +* x", 4, "expected a number"},
		{"z + x", 1, `unknown name "z"`},
		{"x + zz", 5, "known: x, y, px, py, pi, e, sin"},
		{"foo(x)", 1, `unknown name "foo"`},
		{"pow(x)", 1, "pow takes 2 argument(s), got 1"},
		{"sin(x, y)", 1, "sin takes 1 argument(s), got 2"},
		{"sin x", 5, `expected "(" after the function sin`},
		{"x y", 3, "expected an operator"},
		{"2x", 2, "expected an operator"},
		{"x + é", 5, "unexpected character"},
		{"x + \x80", 5, "invalid UTF-8"},
		{"x * 1e999", 5, "too large"},
		{"x(2)", 2, "not a function"},
		{"1..2 + x", 1, "malformed number"},
		{"x, y", 2, "expected an operator"},
		{"()", 2, "expected an expression"},
		{deep, MaxDepth + 1, "nested deeper"},
		{strings.Repeat("-", 300) + "x", MaxDepth + 1, "nested deeper"},
		{strings.Repeat("x+", MaxFormulaLen) + "x", 0, "limit"},
	}
	for _, c := range cases {
		_, err := Parse(c.src, q, p, nil)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%.20q) = %v, want a *SyntaxError", c.src, err)
			continue
		}
		if c.col != 0 && se.Col != c.col {
			t.Errorf("Parse(%.20q): column %d, want %d (%v)", c.src, se.Col, c.col, err)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse(%.20q): %q lacks %q", c.src, err, c.msg)
		}
		if lines := strings.Split(err.Error(), "\n"); len(lines) != 3 || !strings.HasSuffix(lines[2], "^") {
			t.Errorf("Parse(%.20q): message is not message/formula/caret: %q", c.src, err)
		}
	}
}

func TestCaretPosition(t *testing.T) {
	_, err := Parse("px^2 + x^2 + zz", []string{"x"}, []string{"px"}, nil)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 || strings.Index(lines[2], "^") != strings.Index(lines[1], "zz") {
		t.Errorf("caret not under the unknown name:\n%s", err)
	}
}

func TestBadVariables(t *testing.T) {
	for _, c := range []struct {
		q, p   []string
		params map[string]float64
		msg    string
	}{
		{[]string{"x"}, []string{"x"}, nil, "twice"},
		{[]string{"sin"}, []string{"p"}, nil, "function"},
		{[]string{"pi"}, []string{"p"}, nil, "constant"},
		{[]string{"x"}, []string{"p"}, map[string]float64{"x": 1}, "both"},
		{[]string{"x"}, []string{"p"}, map[string]float64{"g": math.NaN()}, "NaN"},
		{[]string{"x", "y"}, []string{"p"}, nil, "momenta"},
	} {
		if _, err := Parse("x", c.q, c.p, c.params); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse with q=%v p=%v params=%v: %v, want %q", c.q, c.p, c.params, err, c.msg)
		}
	}
	q := make([]string, MaxVariables/2+1)
	p := make([]string, len(q))
	for i := range q {
		q[i], p[i] = fmt.Sprintf("q%d", i), fmt.Sprintf("p%d", i)
	}
	if _, err := Parse("q0", q, p, nil); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("too many variables: %v", err)
	}
}

// chain builds a 32-degree-of-freedom anharmonic chain.
func chain(n int) (string, []string, []string) {
	q, p := make([]string, n), make([]string, n)
	var b strings.Builder
	for i := 0; i < n; i++ {
		q[i], p[i] = fmt.Sprintf("q%d", i), fmt.Sprintf("p%d", i)
		fmt.Fprintf(&b, "p%d^2/2 + q%[1]d^2/2 + ", i)
	}
	for i := 0; i+1 < n; i++ {
		fmt.Fprintf(&b, "(q%d - q%d)^4/4 + ", i+1, i)
	}
	b.WriteString("0")
	return b.String(), q, p
}

func TestChain32(t *testing.T) {
	src, q, p := chain(32)
	start := time.Now()
	f, err := Parse(src, q, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("32-DOF chain: parsed in %v; %s", time.Since(start), f.Describe())
	if _, ok := f.Separable(); !ok {
		t.Error("the chain is separable")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 64)
	for i := range x {
		x[i] = rng.Float64()*2 - 1
	}
	checkFD(t, f, x)
}

// A formula at the limits must fail or succeed quickly, never hang.
func TestHostileQuick(t *testing.T) {
	// 2000 nested sin: derivatives grow linearly thanks to sharing.
	src := strings.Repeat("sin(", 150) + "q*p" + strings.Repeat(")", 150)
	start := time.Now()
	_, err := Parse(src, one, oneP, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A product of many distinct factors has a dense Hessian of products.
	var b strings.Builder
	q, p := make([]string, 64), make([]string, 64)
	for i := range q {
		q[i], p[i] = fmt.Sprintf("q%d", i), fmt.Sprintf("p%d", i)
		fmt.Fprintf(&b, "sin(q%d + p%[1]d)*", i)
	}
	b.WriteString("1")
	if _, err := Parse(b.String(), q, p, nil); err != nil && !strings.Contains(err.Error(), "too large") {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("hostile formulas took %v", d)
	}
}

func TestConcurrent(t *testing.T) {
	f, err := Parse(formulaCases[1].src, formulaCases[1].q, formulaCases[1].p, formulaCases[1].params)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.3, -0.3, 0.3, 0.15}
	want := make([]float64, 4)
	f.Grad(want, x)
	done := make(chan bool)
	for w := 0; w < 4; w++ {
		go func() {
			g := make([]float64, 4)
			ok := true
			for i := 0; i < 1000; i++ {
				f.Grad(g, x)
				for j := range g {
					ok = ok && g[j] == want[j]
				}
			}
			done <- ok
		}()
	}
	for w := 0; w < 4; w++ {
		if !<-done {
			t.Error("concurrent evaluation gave different results")
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	f, _ := Parse(formulaCases[1].src, formulaCases[1].q, formulaCases[1].p, formulaCases[1].params)
	x := []float64{0.3, -0.3, 0.3, 0.15}
	g := make([]float64, 4)
	h := mat.NewSymDense(4, nil)
	s, _ := f.Separable()
	half := make([]float64, 2)
	allocs := testing.AllocsPerRun(100, func() {
		f.H(x)
		f.Grad(g, x)
		f.Hess(h, x)
		s.GradT(half, x[2:])
		s.GradV(half, x[:2])
	})
	if allocs != 0 {
		t.Errorf("%v allocations per evaluation, want 0", allocs)
	}
}
