package hamiltonians

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// tableArgs are the candidate arguments at which each function of the
// table is checked; those where it is not finite (log, sqrt of a negative
// number) are skipped. None is 0, where abs and sign have their kink.
var tableArgs = []float64{-2.5, -1.1, -0.7, -0.3, 0.3, 0.7, 1.1, 2.5}

// TestFunctionTable checks that the table funcs alone drives the formula
// language. For every entry: its simplifier's rules hold numerically and
// are applied, its box contains its values, and a box reaching 0 is
// reported not smooth exactly when the entry says kink. For every named
// entry, f(q·p) parses under its name, evaluates to the entry's eval, has a
// gradient and Hessian that agree with finite differences, and has GradBox
// and HessBox enclosures that contain them at sampled points. Internal
// entries are no names of the language, and appear in the derivatives of
// named ones (where those checks reach them).
func TestFunctionTable(t *testing.T) {
	const p = 1.25 // q·p with p ≠ 1 makes the chain rule's inner derivative non-trivial
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range funcs {
		spec := &funcs[i]
		o := opFunc + op(i)
		t.Run(spec.name, func(t *testing.T) {
			if spec.eval == nil || spec.deriv == nil || spec.box == nil {
				t.Fatal("the entry lacks eval, deriv or box")
			}
			if spec.inverts != "" {
				if _, ok := funcOps[spec.inverts]; !ok {
					t.Fatalf("inverts %q, which is not in the table", spec.inverts)
				}
			}
			if funcOps[spec.name] != o {
				t.Fatalf("funcOps[%q] = %v, want %v", spec.name, funcOps[spec.name], o)
			}
			checkSimplified(t, spec)
			checkKink(t, spec, o)
			if got := sampledParity(spec); got != spec.parity {
				t.Errorf("%s at every argument, but declared %s", parityNames[got], parityNames[spec.parity])
			}

			src := spec.name + "(q*p)"
			f, err := Parse(src, one, oneP, nil)
			if spec.internal {
				// Not a name of the language, and no reserved word.
				var se *SyntaxError
				if !errors.As(err, &se) || !strings.Contains(se.Msg, "unknown name") {
					t.Errorf("Parse(%q): %v, want an unknown name", src, err)
				}
				if _, err := Parse(spec.name+"*q + p", []string{spec.name, "q"}, []string{"p", "pq"}, nil); err != nil {
					t.Errorf("a variable named %s: %v", spec.name, err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if functions[spec.name] != o || !slices.Contains(functionNames, spec.name) {
					t.Errorf("the parser does not know %s", spec.name)
				}
				if _, err := Parse("q + p", []string{spec.name}, oneP, nil); err == nil {
					t.Errorf("a variable named %s was accepted", spec.name)
				}
			}
			var used int
			for _, u := range tableArgs {
				if v := spec.eval(u); math.IsNaN(v) || math.IsInf(v, 0) {
					continue
				}
				used++
				checkRules(t, spec, u)
				if spec.internal {
					checkBoxes(t, nil, spec, []float64{u, 1}, math.Abs(u)/2, rng)
					continue
				}
				x := []float64{u / p, p}
				// The tape evaluates q·p and then the entry's eval: the
				// same operations, so the same bits.
				if got, want := f.H(x), spec.eval(x[0]*x[1]); got != want {
					t.Errorf("H at %v = %v, eval gives %v", x, got, want)
				}
				checkFD(t, f, x)
				for _, r := range []float64{0, 1e-3, 0.1} {
					checkBoxes(t, f, spec, x, math.Min(r, math.Abs(u)/2), rng)
				}
			}
			// Three arguments at least, so that every entry is really checked.
			if used < 3 {
				t.Errorf("finite at only %d of the arguments %v: widen tableArgs", used, tableArgs)
			}
			if spec.kink && !spec.internal {
				// The derivatives of a kink function need not show the
				// kink (abs″ = 0): the boxes check H's own tape.
				f, err := Parse(spec.name+"(q) + p^2", one, oneP, nil)
				if err != nil {
					t.Fatal(err)
				}
				hb := make([]Interval, 4)
				if err := f.HessBox(hb, []Interval{{Lo: -0.1, Hi: 0.1}, {Lo: p, Hi: p}}); !errors.Is(err, ErrNotSmooth) {
					t.Errorf("HessBox around the kink at 0: error %v, want ErrNotSmooth", err)
				}
			}
		})
	}
	reached := map[op]bool{} // the functions in the derivatives of the named ones
	for _, spec := range funcs {
		if spec.internal {
			continue
		}
		f, err := Parse(spec.name+"(q*p)", one, oneP, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tp := range []*tape{f.tGrad, f.tHess} {
			for _, in := range tp.code {
				reached[in.op] = true
			}
		}
	}
	for i := range funcs {
		if o := opFunc + op(i); funcs[i].internal && !reached[o] {
			t.Errorf("internal function %s appears in no derivative of a named one", funcs[i].name)
		}
	}
	want := []string{}
	for _, f := range funcs {
		if !f.internal {
			want = append(want, f.name)
		}
	}
	if got := functionNames[:len(functionNames)-1]; !slices.Equal(got, want) || functionNames[len(functionNames)-1] != "pow" {
		t.Errorf("functionNames = %v, want the table's names %v and pow", functionNames, want)
	}
}

// checkKink checks the entry's kink against f, f′ and f″ (from the
// graph's derivatives) just left and right of 0: a jump in one of them
// where all are finite is a kink, and then the box evaluation must report
// a box holding 0 as not smooth. Across ±1e-9 a smooth function and its
// derivatives of moderate size move by about 1e-9; 1e-6 separates that
// from the jumps of abs′ and sign (2).
func checkKink(t *testing.T, spec *function, o op) {
	t.Helper()
	g := newGraph()
	fx := g.fn(o, g.variable(0))
	d1 := g.deriv(fx, 0)
	tp := compile(g, 1, []int32{fx, d1, g.deriv(d1, 0)})
	at := func(x float64) (v [3]float64) {
		tp.run([]float64{x}, func(s []float64) {
			for i, o := range tp.out {
				v[i] = s[o]
			}
		})
		return v
	}
	left, right := at(-1e-9), at(1e-9)
	finite, jump := true, false
	for i := range left {
		finite = finite && !math.IsNaN(left[i]+right[i]) && !math.IsInf(left[i]+right[i], 0)
		jump = jump || math.Abs(left[i]-right[i]) > 1e-6*(1+math.Abs(left[i]))
	}
	if finite && jump != spec.kink {
		t.Errorf("f, f′, f″ left and right of 0: %v, %v, but kink = %v", left, right, spec.kink)
	}
	if _, ok := tp.runBox([]Interval{{Lo: -0.1, Hi: 0.1}}); ok == spec.kink {
		t.Errorf("a box holding 0 is reported smooth = %v, but kink = %v", ok, spec.kink)
	}
}

var parityNames = [...]string{noParity: "no parity", even: "even", odd: "odd"}

// sampledParity returns the parity that f shows to the bit at the
// arguments ±u of tableArgs where it is finite, so that no entry omits a
// parity the simplifier could use.
func sampledParity(spec *function) parity {
	isEven, isOdd, n := true, true, 0
	for _, u := range tableArgs {
		fu, fm := spec.eval(u), spec.eval(-u)
		if math.IsNaN(fu+fm) || math.IsInf(fu+fm, 0) {
			continue
		}
		n++
		isEven = isEven && fm == fu
		isOdd = isOdd && fm == -fu
	}
	switch {
	case n == 0 || isEven == isOdd:
		return noParity
	case isEven:
		return even
	}
	return odd
}

// checkRules checks that the simplifier's rules of spec hold at u. They
// must hold to the bit, since the simplifier's rewrite must not change a
// value: math's odd and even functions are symmetric to the bit and abs is
// idempotent exactly. The inverse is exact only up to the rounding of both
// functions, a few ulp: 1e-15 relative (log(exp(x)) is rewritten to x,
// which is the exact value).
func checkRules(t *testing.T, spec *function, u float64) {
	t.Helper()
	fu, fm := spec.eval(u), spec.eval(-u)
	switch spec.parity {
	case even:
		if fm != fu {
			t.Errorf("even, but f(%v) = %v and f(%v) = %v", -u, fm, u, fu)
		}
	case odd:
		if fm != -fu {
			t.Errorf("odd, but f(%v) = %v and f(%v) = %v", -u, fm, u, fu)
		}
	}
	if spec.idempotent && spec.eval(fu) != fu {
		t.Errorf("idempotent, but f(f(%v)) = %v ≠ f(%v) = %v", u, spec.eval(fu), u, fu)
	}
	if spec.inverts != "" {
		inner := funcOps[spec.inverts].function()
		if back := spec.eval(inner.eval(u)); math.Abs(back-u) > 1e-15*math.Abs(u) {
			t.Errorf("inverts %s, but f(%s(%v)) = %v", spec.inverts, spec.inverts, u, back)
		}
	}
}

// checkSimplified checks that Parse applies the rules of spec: f(−q) is
// the node of f(q) or of its negation, f(f(q)) is f(q) and f(g(q)) is q.
func checkSimplified(t *testing.T, spec *function) {
	t.Helper()
	g := newGraph()
	q := g.variable(0)
	fq := g.fn(funcOps[spec.name], q)
	same := func(what string, got, want int32) {
		if got != want {
			t.Errorf("%s is not simplified", what)
		}
	}
	switch spec.parity {
	case even:
		same(spec.name+"(−q)", g.fn(funcOps[spec.name], g.neg(q)), fq)
	case odd:
		same(spec.name+"(−q)", g.fn(funcOps[spec.name], g.neg(q)), g.neg(fq))
	}
	if spec.idempotent {
		same(spec.name+"("+spec.name+"(q))", g.fn(funcOps[spec.name], fq), fq)
	}
	if spec.inverts != "" {
		same(spec.name+"("+spec.inverts+"(q))", g.fn(funcOps[spec.name], g.call(spec.inverts, q)), q)
	}
}

// checkBoxes checks the enclosures over the box q ∈ [x0 − r/p, x0 + r/p],
// p = x1 (so the argument q·p has radius r): the entry's box contains its
// eval, GradBox and HessBox contain Grad and Hess, at the ends and at
// random points (without f, only the entry's box). Enclosures are
// guarantees, so there is no tolerance.
func checkBoxes(t *testing.T, f *Formula, spec *function, x []float64, r float64, rng *rand.Rand) {
	t.Helper()
	p := x[1]
	box := []Interval{{Lo: x[0] - r/p, Hi: x[0] + r/p}, {Lo: p, Hi: p}}
	arg := box[0].Mul(box[1])
	fb := spec.box(arg)
	gb, hb := make([]Interval, 2), make([]Interval, 4)
	if f != nil {
		if err := errors.Join(f.GradBox(gb, box), f.HessBox(hb, box)); err != nil {
			t.Fatalf("box %v: %v", box, err)
		}
	}
	g, h := make([]float64, 2), mat.NewSymDense(2, nil)
	y := []float64{0, p}
	for k := range 20 {
		switch k {
		case 0:
			y[0] = box[0].Lo
		case 1:
			y[0] = box[0].Hi
		default:
			y[0] = box[0].Lo + rng.Float64()*(box[0].Hi-box[0].Lo)
		}
		u := y[0] * p
		if v := spec.eval(u); !fb.Contains(v) {
			t.Fatalf("f(%v) = %v outside its enclosure %v over %v", u, v, fb, arg)
		}
		if f == nil {
			continue
		}
		f.Grad(g, y)
		f.Hess(h, y)
		for i := 0; i < 2; i++ {
			if !gb[i].Contains(g[i]) {
				t.Fatalf("box %v: ∂H/∂x%d(%v) = %v outside %v", box, i, y, g[i], gb[i])
			}
			for j := 0; j < 2; j++ {
				if !hb[2*i+j].Contains(h.At(i, j)) {
					t.Fatalf("box %v: ∂²H/∂x%d∂x%d(%v) = %v outside %v", box, i, j, y, h.At(i, j), hb[2*i+j])
				}
			}
		}
	}
}

// The package documentation lists exactly the table's functions.
func TestDocListsFunctions(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`\n// ?`).ReplaceAllString(string(src), " ")
	m := regexp.MustCompile(`Functions: ([a-z ]+) of one argument, pow\(a, b\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal(`doc.go has no "Functions: … of one argument, pow(a, b)"`)
	}
	if got, want := strings.Fields(m[1]), functionNames[:len(functionNames)-1]; !slices.Equal(got, want) {
		t.Errorf("doc.go lists the functions %v, the table has %v", got, want)
	}
}
