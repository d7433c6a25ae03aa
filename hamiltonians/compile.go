package hamiltonians

import (
	"math"
	"sync"
)

// instr is one instruction of a compiled tape: slots[dst] = op(slots[a], slots[b]).
type instr struct {
	op   op
	a, b int32
	dst  int32
	c    float64
}

// tape is straight-line code evaluating several outputs of the graph at
// once, with their common subexpressions computed once. Slots 0..nvar−1
// hold the variables, then come the constants, then one slot per
// instruction.
type tape struct {
	nvar   int
	consts []float64 // values of slots nvar .. nvar+len(consts)−1
	code   []instr
	out    []int32 // slot of each output
	nslots int
	pool   sync.Pool // *[]float64 scratch of nslots, for concurrent use without allocation
}

// compile builds the tape for the given output nodes.
func compile(g *graph, nvar int, outputs []int32) *tape {
	t := &tape{nvar: nvar}
	slot := make(map[int32]int32, 64)
	// Variables first, at their own index, whether used or not.
	for v := 0; v < nvar; v++ {
		if id, ok := g.intern[node{op: opVar, v: int32(v)}]; ok {
			slot[id] = int32(v)
		}
	}
	next := int32(nvar)
	// Constants next.
	var visit func(a int32)
	order := make([]int32, 0, 64)
	seen := map[int32]bool{}
	// Iterative post-order traversal: expression depth after
	// differentiation can exceed what recursion should be trusted with.
	type frame struct {
		id    int32
		state int
	}
	visit = func(root int32) {
		stack := []frame{{root, 0}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if seen[f.id] {
				stack = stack[:len(stack)-1]
				continue
			}
			n := g.nodes[f.id]
			kids := children(n)
			if f.state < len(kids) {
				k := kids[f.state]
				f.state++
				if !seen[k] {
					stack = append(stack, frame{k, 0})
				}
				continue
			}
			seen[f.id] = true
			order = append(order, f.id)
			stack = stack[:len(stack)-1]
		}
	}
	for _, o := range outputs {
		visit(o)
	}
	for _, id := range order {
		n := g.nodes[id]
		if n.op == opConst {
			slot[id] = next
			next++
			t.consts = append(t.consts, n.c)
		}
	}
	for _, id := range order {
		n := g.nodes[id]
		if n.op == opConst || n.op == opVar {
			continue
		}
		in := instr{op: n.op, dst: next, a: slot[n.a], c: n.c}
		switch n.op {
		case opAdd, opMul, opDiv, opPow:
			in.b = slot[n.b]
		}
		slot[id] = next
		next++
		t.code = append(t.code, in)
	}
	t.out = make([]int32, len(outputs))
	for i, o := range outputs {
		t.out[i] = slot[o]
	}
	t.nslots = int(next)
	t.pool.New = func() any {
		s := make([]float64, t.nslots)
		copy(s[t.nvar:], t.consts)
		return &s
	}
	return t
}

func children(n node) []int32 {
	switch n.op {
	case opConst, opVar:
		return nil
	case opAdd, opMul, opDiv, opPow:
		return []int32{n.a, n.b}
	}
	return []int32{n.a}
}

// run evaluates the tape at x and calls emit with the scratch slots; the
// outputs are s[t.out[i]]. It allocates nothing once the pool is warm.
func (t *tape) run(x []float64, emit func(s []float64)) {
	sp := t.pool.Get().(*[]float64)
	s := *sp
	copy(s[:t.nvar], x)
	exec(t.code, s)
	emit(s)
	t.pool.Put(sp)
}

// exec runs straight-line code over the slots.
func exec(code []instr, s []float64) {
	for i := range code {
		in := &code[i]
		a := s[in.a]
		var r float64
		switch in.op {
		case opAdd:
			r = a + s[in.b]
		case opMul:
			r = a * s[in.b]
		case opDiv:
			r = a / s[in.b]
		case opNeg:
			r = -a
		case opPowi:
			r = powi(a, int(in.c))
		case opPowc:
			r = math.Pow(a, in.c)
		case opPow:
			r = math.Pow(a, s[in.b])
		default:
			r = funcs[in.op-opFunc].eval(a)
		}
		s[in.dst] = r
	}
}

// powi computes x^n by repeated squaring; exact for small n as written.
func powi(x float64, n int) float64 {
	switch n {
	case 2:
		return x * x
	case 3:
		return x * x * x
	case 4:
		x2 := x * x
		return x2 * x2
	case -1:
		return 1 / x
	case -2:
		return 1 / (x * x)
	}
	if n < 0 {
		return 1 / powi(x, -n)
	}
	r := 1.0
	for n > 0 {
		if n&1 == 1 {
			r *= x
		}
		x *= x
		n >>= 1
	}
	return r
}
