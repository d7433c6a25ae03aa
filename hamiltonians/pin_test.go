package hamiltonians

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

var updatePin = flag.Bool("update", false, "rewrite testdata/pin.golden from the current code")

// pinExtra are formulas for the simplifier's rules that formulaCases and
// boxFormulas do not reach: odd and even functions of a negation,
// abs(abs x), log(exp x), and powers that become sqrt and exp.
var pinExtra = []formulaCase{
	{"parity", "sin(-q) + cos(-q) + tan(-q/3) + sinh(-p) + cosh(-p) + tanh(-p) + abs(-q)*p", one, oneP, nil, false, 0.1, 1},
	{"collapse", "abs(abs(q) + 1) + log(exp(q*p)) + (1 + q^2)^0.5 + e^(p/2)", one, oneP, nil, false, -1, 1},
}

// TestPinnedBits guards refactors of the formula language: H, ∇H, ∇²H,
// the separable halves, the box enclosures of ∇H, ∇²H and the third
// derivatives, and the tape sizes of many formulas at fixed points must
// keep their exact float64 bits. testdata/pin.golden holds one FNV-64a hash
// of the bits per formula and quantity; go test -run TestPinnedBits
// -update rewrites it (only for a change meant to alter results).
//
// The hashes were recorded on amd64: other architectures may fuse a*b + c
// into one rounding or use other code for package math, so they skip.
func TestPinnedBits(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the pinned bits were recorded on amd64, not %s", runtime.GOARCH)
	}
	var cases []formulaCase
	cases = append(cases, formulaCases...)
	cases = append(cases, pinExtra...)
	for _, b := range boxFormulas {
		c := formulaCase{name: "box " + b.name, src: b.src, q: one, p: oneP, lo: -0.1, hi: 0.1}
		if len(b.centre) == 8 {
			c.q, c.p = []string{"x1", "y1", "x2", "y2"}, []string{"px1", "py1", "px2", "py2"}
		}
		cases = append(cases, c)
	}
	var out bytes.Buffer
	for _, c := range cases {
		f, err := Parse(c.src, c.q, c.p, c.params)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, l := range pinSums(f, c) {
			fmt.Fprintf(&out, "%s\t%s\n", c.name, l)
		}
	}
	consts := fnv.New64a()
	for _, src := range []string{"sin(1) + cos(2) + tan(0.5)", "exp(1.5) + log(3) + sqrt(2)", "sinh(0.7) + cosh(-0.7) + tanh(0.3)", "abs(-2.5)^1.5 + pow(2, 0.3) + 2^-3 + e^pi"} {
		v, err := Eval(src, nil)
		if err != nil {
			t.Fatalf("Eval(%q): %v", src, err)
		}
		fmt.Fprintf(consts, "%016x", math.Float64bits(v))
	}
	fmt.Fprintf(&out, "Eval\tconstants\t%016x\n", consts.Sum64())

	const golden = "testdata/pin.golden"
	if *updatePin {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	wl, gl := lines(want), lines(out.Bytes())
	if len(wl) != len(gl) {
		t.Fatalf("%s has %d lines, the code gives %d", golden, len(wl), len(gl))
	}
	for i := range wl {
		if wl[i] != gl[i] {
			t.Errorf("bits changed: %s, was %s", gl[i], wl[i])
		}
	}
}

func lines(b []byte) []string {
	var l []string
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		l = append(l, strings.TrimSpace(s.Text()))
	}
	return l
}

// pinSums evaluates f at five fixed states in [c.lo, c.hi] (and boxes
// around them) and returns "quantity\thash" lines, one per quantity.
func pinSums(f *Formula, c formulaCase) []string {
	names := []string{"tape", "H", "grad", "hess", "sep", "gradbox", "hessbox", "deriv3box"}
	sums := make(map[string]hash.Hash64, len(names))
	for _, n := range names {
		sums[n] = fnv.New64a()
	}
	put := func(n string, v ...float64) {
		for _, x := range v {
			fmt.Fprintf(sums[n], "%016x", math.Float64bits(x))
		}
	}
	putBox := func(n string, v []Interval, err error) {
		for _, x := range v {
			put(n, x.Lo, x.Hi)
		}
		fmt.Fprintf(sums[n], "%v", err)
	}
	put("tape", float64(len(f.tH.code)), float64(len(f.tGrad.code)), float64(len(f.tHess.code)), float64(len(f.tHess.consts)))
	rng := rand.New(rand.NewPCG(7, 8))
	D := f.Dim()
	g := make([]float64, D)
	hess := mat.NewSymDense(D, nil)
	gb, hb, tb := make([]Interval, D), make([]Interval, D*D), make([]Interval, D*D*D)
	for trial := 0; trial < 5; trial++ {
		x := make([]float64, D)
		for i := range x {
			x[i] = c.lo + (c.hi-c.lo)*rng.Float64()
		}
		put("H", f.H(x))
		f.Grad(g, x)
		put("grad", g...)
		f.Hess(hess, x)
		put("hess", hess.RawSymmetric().Data...)
		if s, ok := f.Separable(); ok {
			half := make([]float64, D/2)
			s.GradT(half, x[D/2:])
			put("sep", half...)
			s.GradV(half, x[:D/2])
			put("sep", half...)
		}
		for _, r := range []float64{0, 1e-3, 0.05} {
			box := make([]Interval, D)
			for i, v := range x {
				box[i] = Interval{Lo: v - r, Hi: v + r}
			}
			putBox("gradbox", gb, f.GradBox(gb, box))
			putBox("hessbox", hb, f.HessBox(hb, box))
			putBox("deriv3box", tb, f.Deriv3Box(tb, box))
		}
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%s\t%016x", n, sums[n].Sum64())
	}
	return out
}
