package hamiltonians

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Formula is a Hamiltonian written in the formula language, compiled with
// its exact gradient and Hessian. It implements Hamiltonian and Hesser and
// is safe for concurrent use.
type Formula struct {
	src   string
	q, p  []string
	dim   int
	g     *graph
	h     int32   // node of H
	grad  []int32 // nodes of ∂H/∂x_i
	hess  []int32 // nodes of ∂²H/∂x_i∂x_j, upper triangle row by row
	tH    *tape
	tGrad *tape
	tHess *tape
	sep   *separable // nil when H is not separable
	box   boxTapes   // interval tapes, built on first use (interval.go)
}

// Parse compiles the Hamiltonian formula src over coordinates q and momenta
// p (state x = [q..., p...]) with named constant parameters. Errors in the
// formula are *SyntaxError values with the column.
func Parse(src string, q, p []string, params map[string]float64) (*Formula, error) {
	if len(q) != len(p) {
		return nil, fmt.Errorf("hamiltonians: %d coordinates but %d momenta", len(q), len(p))
	}
	if len(q) == 0 {
		return nil, fmt.Errorf("hamiltonians: no coordinates")
	}
	if 2*len(q) > MaxVariables {
		return nil, fmt.Errorf("hamiltonians: %d state variables; the limit is %d", 2*len(q), MaxVariables)
	}
	vars := append(append([]string(nil), q...), p...)
	g := newGraph()
	ps, err := newParser(src, g, vars, params)
	if err != nil {
		return nil, err
	}
	h, err := ps.parse()
	if err != nil {
		return nil, err
	}
	if err := g.check(); err != nil {
		return nil, &SyntaxError{Src: src, Col: 1, Msg: err.Error()}
	}
	D := len(vars)
	f := &Formula{src: src, q: q, p: p, dim: D, g: g, h: h}
	f.grad = make([]int32, D)
	for i := range f.grad {
		f.grad[i] = g.deriv(h, i)
	}
	for i := 0; i < D; i++ {
		for j := i; j < D; j++ {
			f.hess = append(f.hess, g.deriv(f.grad[i], j))
			if err := g.check(); err != nil {
				return nil, &SyntaxError{Src: src, Col: 1, Msg: err.Error()}
			}
		}
	}
	f.tH = compile(g, D, []int32{h})
	f.tGrad = compile(g, D, f.grad)
	f.tHess = compile(g, D, f.hess)
	f.sep = f.separable()
	return f, nil
}

func newParser(src string, g *graph, vars []string, params map[string]float64) (*parser, error) {
	if len(src) > MaxFormulaLen {
		return nil, &SyntaxError{Src: src[:64], Col: 1, Msg: fmt.Sprintf("formula is %d bytes long; the limit is %d", len(src), MaxFormulaLen)}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	ps := &parser{src: src, toks: toks, g: g, names: map[string]int32{}}
	reserved := func(n string) string {
		if _, ok := functions[n]; ok {
			return "a function"
		}
		if _, ok := constants[n]; ok {
			return "a constant"
		}
		return ""
	}
	for i, v := range vars {
		if r := reserved(v); r != "" {
			return nil, fmt.Errorf("hamiltonians: variable %q is %s", v, r)
		}
		if _, dup := ps.names[v]; dup {
			return nil, fmt.Errorf("hamiltonians: variable %q appears twice", v)
		}
		ps.names[v] = g.variable(i)
	}
	pnames := make([]string, 0, len(params))
	for n := range params {
		pnames = append(pnames, n)
	}
	sort.Strings(pnames)
	for _, n := range pnames {
		if r := reserved(n); r != "" {
			return nil, fmt.Errorf("hamiltonians: parameter %q is %s", n, r)
		}
		if _, dup := ps.names[n]; dup {
			return nil, fmt.Errorf("hamiltonians: %q is both a variable and a parameter", n)
		}
		v := params[n]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("hamiltonians: parameter %q is %v", n, v)
		}
		ps.names[n] = g.constant(v)
	}
	ps.known = append(append(append(append([]string(nil), vars...), pnames...), "pi", "e"), functionNames...)
	return ps, nil
}

// Eval evaluates a constant expression: numbers, pi, e, the parameters,
// the operators and functions of the formula language, but no variables.
// Problem files use it for numeric fields such as "6*pi".
func Eval(src string, params map[string]float64) (float64, error) {
	g := newGraph()
	ps, err := newParser(src, g, nil, params)
	if err != nil {
		return 0, err
	}
	n, err := ps.parse()
	if err != nil {
		return 0, err
	}
	c, ok := g.isConst(n)
	if !ok {
		// Folding stops at non-finite results; evaluate to report them.
		t := compile(g, 0, []int32{n})
		var v float64
		t.run(nil, func(s []float64) { v = s[t.out[0]] })
		return v, &SyntaxError{Src: src, Col: 1, Msg: fmt.Sprintf("the expression is not a finite number (%v)", v)}
	}
	return c, nil
}

// Dim returns D = 2d.
func (f *Formula) Dim() int { return f.dim }

// String returns the formula as written.
func (f *Formula) String() string { return f.src }

// Coordinates and Momenta return the variable names.
func (f *Formula) Coordinates() []string { return append([]string(nil), f.q...) }
func (f *Formula) Momenta() []string     { return append([]string(nil), f.p...) }

// H evaluates the Hamiltonian at x.
func (f *Formula) H(x []float64) float64 {
	f.checkLen(x)
	var v float64
	f.tH.run(x, func(s []float64) { v = s[f.tH.out[0]] })
	return v
}

// Grad stores ∇H(x) = [∂H/∂q, ∂H/∂p] in dst.
func (f *Formula) Grad(dst, x []float64) {
	f.checkLen(x)
	f.checkLen(dst)
	t := f.tGrad
	t.run(x, func(s []float64) {
		for i, o := range t.out {
			dst[i] = s[o]
		}
	})
}

// Hess stores the exact Hessian ∇²H(x) in dst, which must be Dim×Dim.
func (f *Formula) Hess(dst *mat.SymDense, x []float64) {
	f.checkLen(x)
	if dst.SymmetricDim() != f.dim {
		panic("hamiltonians: Hessian destination has the wrong size")
	}
	raw := dst.RawSymmetric()
	t := f.tHess
	D := f.dim
	t.run(x, func(s []float64) {
		k := 0
		for i := 0; i < D; i++ {
			row := raw.Data[i*raw.Stride:]
			for j := i; j < D; j++ {
				row[j] = s[t.out[k]]
				k++
			}
		}
	})
}

func (f *Formula) checkLen(x []float64) {
	if len(x) != f.dim {
		panic(fmt.Sprintf("hamiltonians: state of length %d for a Hamiltonian of dimension %d", len(x), f.dim))
	}
}

// Separable returns a view of f implementing Separable (and Hesser) when H
// = T(p) + V(q): every mixed derivative ∂²H/∂q_i∂p_j simplifies to zero and
// ∂H/∂p mentions no coordinate, ∂H/∂q no momentum.
func (f *Formula) Separable() (Separable, bool) {
	if f.sep == nil {
		return nil, false
	}
	return f.sep, true
}

// separable is the Separable view of a Formula.
type separable struct {
	*Formula
	tT, tV *tape // ∂H/∂p over p (slots 0..d−1), ∂H/∂q over q
}

func (f *Formula) separable() *separable {
	d := f.dim / 2
	k := 0
	for i := 0; i < f.dim; i++ {
		for j := i; j < f.dim; j++ {
			if i < d && j >= d && !f.g.isConstVal(f.hess[k], 0) {
				return nil
			}
			k++
		}
	}
	isQ := func(v int) bool { return v < d }
	isP := func(v int) bool { return v >= d }
	mq, mp := map[int32]bool{}, map[int32]bool{}
	for i := 0; i < d; i++ {
		if f.g.uses(f.grad[i], isP, mp) || f.g.uses(f.grad[d+i], isQ, mq) {
			return nil
		}
	}
	// ∂H/∂p as a function of p alone: compile over all D slots and load p
	// into the momentum slots; the coordinate slots are never read.
	return &separable{
		Formula: f,
		tT:      compile(f.g, f.dim, f.grad[d:]),
		tV:      compile(f.g, f.dim, f.grad[:d]),
	}
}

// GradT stores ∂T/∂p = ∂H/∂p in dst; p and dst have length d.
func (s *separable) GradT(dst, p []float64) {
	d := s.dim / 2
	if len(p) != d || len(dst) != d {
		panic("hamiltonians: GradT needs slices of length d")
	}
	runHalf(s.tT, d, p, dst)
}

// GradV stores ∂V/∂q = ∂H/∂q in dst; q and dst have length d.
func (s *separable) GradV(dst, q []float64) {
	d := s.dim / 2
	if len(q) != d || len(dst) != d {
		panic("hamiltonians: GradV needs slices of length d")
	}
	runHalf(s.tV, 0, q, dst)
}

// runHalf evaluates t with half of the state loaded at offset off.
func runHalf(t *tape, off int, half, dst []float64) {
	sp := t.pool.Get().(*[]float64)
	sl := *sp
	copy(sl[off:off+len(half)], half)
	exec(t.code, sl)
	for i, o := range t.out {
		dst[i] = sl[o]
	}
	t.pool.Put(sp)
}

// Describe returns a one-line summary, e.g. for reports.
func (f *Formula) Describe() string {
	kind := "non-separable"
	if f.sep != nil {
		kind = "separable"
	}
	return fmt.Sprintf("H(%s; %s), %s, %d instructions for ∇²H", strings.Join(f.q, ","), strings.Join(f.p, ","), kind, len(f.tHess.code))
}
