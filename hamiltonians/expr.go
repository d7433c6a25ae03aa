package hamiltonians

import (
	"fmt"
	"math"
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

func (g *graph) constant(c float64) int32 { return g.make(node{op: opConst, c: c}) }
func (g *graph) variable(v int) int32     { return g.make(node{op: opVar, v: int32(v)}) }

func (g *graph) isConst(a int32) (float64, bool) {
	n := g.nodes[a]
	return n.c, n.op == opConst
}

func (g *graph) isConstVal(a int32, c float64) bool {
	v, ok := g.isConst(a)
	return ok && v == c
}

// fold returns a constant node for v when it is finite; non-finite results
// are left unfolded so that evaluation, not parsing, meets them (the parser
// reports non-finite constants separately).
func (g *graph) fold(v float64, fallback node) int32 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return g.make(fallback)
	}
	return g.constant(v)
}

func (g *graph) add(a, b int32) int32 {
	ca, aok := g.isConst(a)
	cb, bok := g.isConst(b)
	switch {
	case aok && bok:
		return g.fold(ca+cb, node{op: opAdd, a: a, b: b})
	case aok && ca == 0:
		return b
	case bok && cb == 0:
		return a
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
		return g.constant(-c)
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
	case aok && bok:
		return g.fold(ca*cb, node{op: opMul, a: a, b: b})
	case aok && ca == 0:
		return g.constant(0)
	case aok && ca == 1:
		return b
	case aok && ca == -1:
		return g.neg(b)
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
				return g.mul(g.constant(ca*c2), nb.b)
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
	case aok && bok:
		return g.fold(ca/cb, node{op: opDiv, a: a, b: b})
	case bok && cb == 1:
		return a
	case bok && cb == -1:
		return g.neg(a)
	case bok && cb != 0:
		return g.mul(g.constant(1/cb), a)
	case aok && ca == 0:
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
		if cb == math.Trunc(cb) && math.Abs(cb) <= 1<<20 {
			return g.powi(a, int(cb))
		}
		if ca, ok := g.isConst(a); ok {
			return g.fold(math.Pow(ca, cb), node{op: opPowc, a: a, c: cb})
		}
		if cb == 0.5 {
			return g.call("sqrt", a)
		}
		return g.make(node{op: opPowc, a: a, c: cb})
	}
	if g.isConstVal(a, math.E) {
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
		return g.fold(math.Pow(c, float64(n)), node{op: opPowi, a: a, c: float64(n)})
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
		return g.fold(spec.eval(c), node{op: f, a: a})
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
		return g.mul(g.mul(g.constant(n.c), g.pow(n.a, g.constant(n.c-1))), da)
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
