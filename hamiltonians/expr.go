package hamiltonians

import (
	"fmt"
	"math"

	"github.com/hnn-project/hnn/internal/interval"
)

// op is the operation of an expression node.
type op uint8

const (
	opConst op = iota // value c
	opVar             // variable number v
	opAdd             // a + b
	opMul             // a * b
	opDiv             // a / b
	opNeg             // −a
	opPowi            // a^n for an integer constant n (stored in c)
	opPowc            // a^c for a non-integer constant c
	opPow             // a^b, both expressions
	opFunc            // the first function of the table funcs (functions.go): opFunc + i is funcs[i]
)

var opNames = [...]string{"const", "var", "+", "*", "/", "neg", "powi", "powc", "pow"}

// String returns the operation's name.
func (o op) String() string {
	switch {
	case int(o) < len(opNames):
		return opNames[o]
	case int(o-opFunc) < len(funcs):
		return funcs[o-opFunc].name
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// node is one vertex of the expression graph. Children are node indices.
type node struct {
	op   op
	a, b int32
	c    float64 // the constant (opConst), the exponent (opPowi, opPowc)
	v    int32   // the variable (opVar)
	// lo, hi enclose the exact value that c rounds (opConst: the value of
	// the constant expression folded into c; opPowc: the exponent), so
	// that interval enclosures cover H as written, not as folded in
	// float64. lo = hi = c where c is exact.
	lo, hi float64
}

// graph is a hash-consed expression DAG: structurally equal nodes are
// created once, so common subexpressions of H, its gradient and its Hessian
// are shared. Constructors simplify (constant folding, x+0, x*1, x*0, x^1,
// x^0, −(−x), x−x, x/x …) and order commutative operands, so equal
// expressions meet.
type graph struct {
	nodes  []node
	intern map[node]int32
	dcache map[[2]int32]int32 // (node, variable) → derivative node
	err    error
}

func newGraph() *graph {
	return &graph{intern: map[node]int32{}, dcache: map[[2]int32]int32{}}
}

// check reports the first error recorded by a constructor (the node cap).
func (g *graph) check() error { return g.err }

func (g *graph) make(n node) int32 {
	if n.op == opConst && n.c == 0 {
		n.c = 0 // −0 and +0 are the same node
	}
	if n.op == opConst || n.op == opPowc {
		if n.lo == 0 && n.hi == 0 {
			n.lo, n.hi = n.c, n.c // exact unless said otherwise
		}
		if n.lo == 0 {
			n.lo = 0
		}
		if n.hi == 0 {
			n.hi = 0
		}
	}
	if id, ok := g.intern[n]; ok {
		return id
	}
	if len(g.nodes) >= MaxNodes {
		if g.err == nil {
			g.err = fmt.Errorf("expression too large: more than %d distinct subexpressions in H and its derivatives", MaxNodes)
		}
		return 0
	}
	id := int32(len(g.nodes))
	g.nodes = append(g.nodes, n)
	g.intern[n] = id
	return id
}

// constant is the node of the exact constant c.
func (g *graph) constant(c float64) int32 { return g.make(node{op: opConst, c: c, lo: c, hi: c}) }

// rounded is the node of a constant whose exact value lies in box, c the
// float64 computed for it.
func (g *graph) rounded(c float64, box Interval) int32 {
	lo, hi := math.Min(box.Lo, c), math.Max(box.Hi, c)
	return g.make(node{op: opConst, c: c, lo: lo, hi: hi})
}

// box is the enclosure of the exact value of constant node a.
func (g *graph) box(a int32) Interval {
	n := g.nodes[a]
	return Interval{Lo: n.lo, Hi: n.hi}
}

func (g *graph) variable(v int) int32 { return g.make(node{op: opVar, v: int32(v)}) }

func (g *graph) isConst(a int32) (float64, bool) {
	n := g.nodes[a]
	return n.c, n.op == opConst
}

// isConstVal reports whether a is exactly the constant c (a rounded
// constant equal to c in float64 is not: simplifying it away would drop
// its enclosure).
func (g *graph) isConstVal(a int32, c float64) bool {
	n := g.nodes[a]
	return n.op == opConst && n.c == c && n.lo == c && n.hi == c
}

// fold returns a constant node for v, whose exact value lies in box, when
// v and box are finite; other results are left unfolded so that
// evaluation, not parsing, meets them (the parser reports non-finite
// constants separately).
func (g *graph) fold(v float64, box Interval, fallback node) int32 {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(box.Lo) || math.IsNaN(box.Hi) || math.IsInf(box.Lo, 0) || math.IsInf(box.Hi, 0) {
		return g.make(fallback)
	}
	return g.rounded(v, box)
}

func (g *graph) add(a, b int32) int32 {
	ca, aok := g.isConst(a)
	cb, bok := g.isConst(b)
	switch {
	case g.isConstVal(a, 0):
		return b
	case g.isConstVal(b, 0):
		return a
	case aok && bok:
		return g.fold(ca+cb, g.exact(a, b, twoSumErr(ca, cb) == 0, ca+cb, g.box(a).Add(g.box(b))), node{op: opAdd, a: a, b: b})
	}
	if na, nb := g.nodes[a], g.nodes[b]; na.op == opNeg && na.a == b || nb.op == opNeg && nb.a == a {
		return g.constant(0)
	}
	if a == b {
		return g.mul(g.constant(2), a)
	}
	if a > b {
		a, b = b, a
	}
	return g.make(node{op: opAdd, a: a, b: b})
}

func (g *graph) sub(a, b int32) int32 { return g.add(a, g.neg(b)) }

func (g *graph) neg(a int32) int32 {
	if c, ok := g.isConst(a); ok {
		return g.rounded(-c, g.box(a).Neg())
	}
	if n := g.nodes[a]; n.op == opNeg {
		return n.a
	}
	return g.make(node{op: opNeg, a: a})
}

func (g *graph) mul(a, b int32) int32 {
	ca, aok := g.isConst(a)
	cb, bok := g.isConst(b)
	if bok && !aok {
		a, b, ca, cb, aok, bok = b, a, cb, ca, bok, aok
	}
	switch {
	case g.isConstVal(a, 0) || g.isConstVal(b, 0):
		return g.constant(0)
	case g.isConstVal(a, 1):
		return b
	case g.isConstVal(b, 1):
		return a
	case g.isConstVal(a, -1):
		return g.neg(b)
	case g.isConstVal(b, -1):
		return g.neg(a)
	case aok && bok:
		return g.fold(ca*cb, g.exact(a, b, exactMul(ca, cb), ca*cb, g.box(a).Mul(g.box(b))), node{op: opMul, a: a, b: b})
	}
	// Pull signs out so −x·y and x·(−y) meet as −(x·y).
	if na := g.nodes[a]; na.op == opNeg {
		return g.neg(g.mul(na.a, b))
	}
	if nb := g.nodes[b]; nb.op == opNeg {
		return g.neg(g.mul(a, nb.a))
	}
	if aok {
		// c1·(c2·x) → (c1c2)·x
		if nb := g.nodes[b]; nb.op == opMul {
			if c2, ok := g.isConst(nb.a); ok {
				return g.mul(g.rounded(ca*c2, g.exact(a, nb.a, exactMul(ca, c2), ca*c2, g.box(a).Mul(g.box(nb.a)))), nb.b)
			}
		}
		return g.make(node{op: opMul, a: a, b: b})
	}
	if a == b {
		return g.powi(a, 2)
	}
	if a > b {
		a, b = b, a
	}
	return g.make(node{op: opMul, a: a, b: b})
}

func (g *graph) div(a, b int32) int32 {
	ca, aok := g.isConst(a)
	cb, bok := g.isConst(b)
	switch {
	case g.isConstVal(a, 0) && !(bok && g.box(b).Contains(0)):
		return g.constant(0)
	case aok && bok:
		return g.fold(ca/cb, g.exact(a, b, exactDiv(ca, cb), ca/cb, g.box(a).Div(g.box(b))), node{op: opDiv, a: a, b: b})
	case g.isConstVal(b, 1):
		return a
	case g.isConstVal(b, -1):
		return g.neg(a)
	case bok && cb != 0 && !g.box(b).Contains(0):
		return g.mul(g.rounded(1/cb, g.exact(b, b, exactDiv(1, cb), 1/cb, interval.Point(1).Div(g.box(b)))), a)
	case g.isConstVal(a, 0):
		return g.constant(0)
	case a == b:
		return g.constant(1)
	}
	if na := g.nodes[a]; na.op == opNeg {
		return g.neg(g.div(na.a, b))
	}
	return g.make(node{op: opDiv, a: a, b: b})
}

// pow builds a^b, choosing the integer-power form when b is a small
// integer constant (exact, and fast by repeated multiplication).
func (g *graph) pow(a, b int32) int32 {
	cb, bok := g.isConst(b)
	if bok {
		eb := g.box(b)
		exact := eb.Lo == cb && eb.Hi == cb
		if exact && cb == math.Trunc(cb) && math.Abs(cb) <= 1<<20 {
			return g.powi(a, int(cb))
		}
		pc := node{op: opPowc, a: a, c: cb, lo: eb.Lo, hi: eb.Hi}
		if ca, ok := g.isConst(a); ok {
			return g.fold(math.Pow(ca, cb), powcBox(g.box(a), eb), pc)
		}
		if exact && cb == 0.5 {
			return g.call("sqrt", a)
		}
		return g.make(pc)
	}
	if ca, ok := g.isConst(a); ok && ca == math.E { // e as written, or its double
		return g.call("exp", b)
	}
	return g.make(node{op: opPow, a: a, b: b})
}

func (g *graph) powi(a int32, n int) int32 {
	switch n {
	case 0:
		return g.constant(1)
	case 1:
		return a
	}
	if c, ok := g.isConst(a); ok {
		v := math.Pow(c, float64(n))
		return g.fold(v, g.exact(a, a, exactPowi(c, n, v), v, g.box(a).Powi(n)), node{op: opPowi, a: a, c: float64(n)})
	}
	na := g.nodes[a]
	switch na.op {
	case opPowi: // (x^m)^n = x^(mn) for integers
		return g.powi(na.a, int(na.c)*n)
	case opNeg:
		if n%2 == 0 {
			return g.powi(na.a, n)
		}
		return g.neg(g.powi(na.a, n))
	}
	return g.make(node{op: opPowi, a: a, c: float64(n)})
}

// fn builds a one-argument function node, simplified by the rules of its
// table entry.
func (g *graph) fn(f op, a int32) int32 {
	spec := f.function()
	if c, ok := g.isConst(a); ok {
		return g.fold(spec.eval(c), spec.box(g.box(a)), node{op: f, a: a})
	}
	na := g.nodes[a]
	switch {
	case spec.idempotent && na.op == f, spec.parity == even && na.op == opNeg:
		return g.fn(f, na.a)
	case spec.parity == odd && na.op == opNeg:
		return g.neg(g.fn(f, na.a))
	case spec.inverts != "" && na.op == funcOps[spec.inverts]:
		return na.a
	}
	return g.make(node{op: f, a: a})
}

// deriv returns the node of ∂a/∂x_v, built once per (node, variable).
func (g *graph) deriv(a int32, v int) int32 {
	key := [2]int32{a, int32(v)}
	if d, ok := g.dcache[key]; ok {
		return d
	}
	d := g.derivUncached(a, v)
	g.dcache[key] = d
	return d
}

func (g *graph) derivUncached(a int32, v int) int32 {
	n := g.nodes[a]
	zero := g.constant(0)
	switch n.op {
	case opConst:
		return zero
	case opVar:
		if int(n.v) == v {
			return g.constant(1)
		}
		return zero
	case opAdd:
		return g.add(g.deriv(n.a, v), g.deriv(n.b, v))
	case opNeg:
		return g.neg(g.deriv(n.a, v))
	case opMul:
		return g.add(g.mul(g.deriv(n.a, v), n.b), g.mul(n.a, g.deriv(n.b, v)))
	case opDiv: // (a/b)' = a'/b − a·b'/b²
		da, db := g.deriv(n.a, v), g.deriv(n.b, v)
		return g.sub(g.div(da, n.b), g.div(g.mul(a, db), n.b))
	case opPowi: // (a^n)' = n·a^(n−1)·a'
		da := g.deriv(n.a, v)
		if g.isConstVal(da, 0) {
			return zero
		}
		k := int(n.c)
		return g.mul(g.mul(g.constant(float64(k)), g.powi(n.a, k-1)), da)
	case opPowc: // (a^c)' = c·a^(c−1)·a'
		da := g.deriv(n.a, v)
		if g.isConstVal(da, 0) {
			return zero
		}
		e := Interval{Lo: n.lo, Hi: n.hi}
		c, cm1 := g.rounded(n.c, e), g.constant(n.c-1)
		if e.Lo != e.Hi || twoSumErr(n.c, -1) != 0 {
			cm1 = g.rounded(n.c-1, e.Sub(interval.Point(1)))
		}
		return g.mul(g.mul(c, g.pow(n.a, cm1)), da)
	case opPow: // (a^b)' = a^b·(b'·log a + b·a'/a)
		da, db := g.deriv(n.a, v), g.deriv(n.b, v)
		return g.mul(a, g.add(g.mul(db, g.call("log", n.a)), g.div(g.mul(n.b, da), n.a)))
	}
	da := g.deriv(n.a, v)
	if g.isConstVal(da, 0) {
		return zero
	}
	return n.op.function().deriv(g, n.a, a, da)
}

// uses reports whether node a depends structurally on any variable for
// which want is true.
func (g *graph) uses(a int32, want func(v int) bool, memo map[int32]bool) bool {
	if r, ok := memo[a]; ok {
		return r
	}
	n := g.nodes[a]
	var r bool
	switch n.op {
	case opConst:
	case opVar:
		r = want(int(n.v))
	case opAdd, opMul, opDiv, opPow:
		r = g.uses(n.a, want, memo) || g.uses(n.b, want, memo)
	default:
		r = g.uses(n.a, want, memo)
	}
	memo[a] = r
	return r
}

// powcBox encloses a^c over a ≥ 0 and an exponent interval c: for each a
// the power is monotone in c, so the hull at the exponent's ends covers it.
func powcBox(a, c Interval) Interval {
	if c.Lo == c.Hi {
		return a.Powc(c.Lo)
	}
	lo, hi := a.Powc(c.Lo), a.Powc(c.Hi)
	return Interval{Lo: math.Min(lo.Lo, hi.Lo), Hi: math.Max(lo.Hi, hi.Hi)}
}

// exact returns the point v when the constants a and b are exact and the
// operation on them was (ok), else box: the fold of exact operands by an
// exact operation stays exact, so simplifications by value still apply.
func (g *graph) exact(a, b int32, ok bool, v float64, box Interval) Interval {
	if ok && g.isConstVal(a, g.nodes[a].c) && g.isConstVal(b, g.nodes[b].c) {
		return interval.Point(v)
	}
	return box
}

// twoSumErr is the rounding error of a+b (Knuth's TwoSum): zero exactly
// when the sum is exact.
func twoSumErr(a, b float64) float64 {
	s := a + b
	bb := s - a
	return (a - (s - bb)) + (b - bb)
}

// tiny is below the normal range, where an FMA residual may itself round
// to zero: products and quotients there count as inexact.
const tiny = 0x1p-960

func exactMul(a, b float64) bool {
	p := a * b
	return p == 0 && (a == 0 || b == 0) || math.Abs(p) > tiny && math.FMA(a, b, -p) == 0
}

func exactDiv(a, b float64) bool {
	q := a / b
	return b != 0 && (a == 0 || math.Abs(q) > tiny && math.Abs(a) > tiny && math.FMA(q, b, -a) == 0)
}

// exactPowi reports whether v = c^n exactly, for 0 < n ≤ 64 by repeated
// exact multiplication; other powers count as inexact unless c is 0 or ±1.
func exactPowi(c float64, n int, v float64) bool {
	if c == 0 || c == 1 || c == -1 {
		return true
	}
	if n <= 0 || n > 64 {
		return false
	}
	p := c
	for range n - 1 {
		if !exactMul(p, c) {
			return false
		}
		p *= c
	}
	return p == v
}
