package hamiltonians

import (
	"math"

	"github.com/hnn-project/hnn/internal/interval"
)

// function is a one-argument function of the formula language. The table
// funcs is the only place that knows one: the parser takes its names, the
// tapes its eval, the simplifier its parity and rules, differentiation its
// deriv and the interval tapes its box.
type function struct {
	name string // as written in formulas, and in references between entries (graph.call)
	// internal functions are no name of the formula language: they appear
	// only in derivatives (sign, the derivative of abs).
	internal bool
	eval     func(float64) float64
	// deriv returns the node of the derivative of f(x), f′(x)·dx, built
	// with the graph's constructors from the nodes of x, of fx = f(x) and
	// of dx, the derivative of x (never the constant 0).
	deriv func(g *graph, x, fx, dx int32) int32
	// box encloses f over an interval, rounding outward.
	box func(Interval) Interval
	// kink: f is not smooth at 0, so a box evaluation whose argument
	// interval contains 0 reports ErrNotSmooth.
	kink bool
	// The simplifier's rules: f(−x) by parity; f(f(x)) = f(x) when
	// idempotent; f(g(x)) = x for the function g named by inverts.
	parity     parity
	idempotent bool
	inverts    string
}

// parity is a function's symmetry under negation of its argument.
type parity uint8

const (
	noParity parity = iota
	even            // f(−x) = f(x)
	odd             // f(−x) = −f(x)
)

// funcs is the table of the one-argument functions, in the order the
// error messages list them; funcs[i] has the op opFunc + i. It is filled by
// init because the derivatives call graph methods that read the table.
//
// Adding a function is adding an entry (and, if internal/interval has no
// enclosure for it yet, the Interval method). TestFunctionTable checks
// every entry: value, gradient and Hessian against finite differences,
// enclosures against samples, kink and parity against the function's
// values; the package documentation's list of functions must name it.
var funcs []function

// functions maps the names of the formula language's functions to their
// ops: the table's named entries and pow(a, b), whose two arguments make it
// an operator of the graph. functionNames lists them in that order.
var (
	functions     = map[string]op{}
	functionNames []string
	funcOps       = map[string]op{} // every table entry, internal ones too
)

func init() {
	funcs = []function{
		{name: "sin", eval: math.Sin, box: Interval.Sin, parity: odd,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.mul(g.call("cos", x), dx) }},
		{name: "cos", eval: math.Cos, box: Interval.Cos, parity: even,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.mul(g.neg(g.call("sin", x)), dx) }},
		{name: "tan", eval: math.Tan, box: Interval.Tan, parity: odd,
			deriv: func(g *graph, x, fx, dx int32) int32 { // 1/cos²
				return g.mul(g.div(g.constant(1), g.powi(g.call("cos", x), 2)), dx)
			}},
		{name: "exp", eval: math.Exp, box: Interval.Exp,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.mul(fx, dx) }},
		{name: "log", eval: math.Log, box: Interval.Log, inverts: "exp",
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.div(dx, x) }},
		{name: "sqrt", eval: math.Sqrt, box: Interval.Sqrt,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.div(dx, g.mul(g.constant(2), fx)) }},
		{name: "sinh", eval: math.Sinh, box: Interval.Sinh, parity: odd,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.mul(g.call("cosh", x), dx) }},
		{name: "cosh", eval: math.Cosh, box: Interval.Cosh, parity: even,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.mul(g.call("sinh", x), dx) }},
		{name: "tanh", eval: math.Tanh, box: Interval.Tanh, parity: odd,
			deriv: func(g *graph, x, fx, dx int32) int32 { // 1 − tanh²
				return g.mul(g.sub(g.constant(1), g.powi(fx, 2)), dx)
			}},
		{name: "abs", eval: math.Abs, box: Interval.Abs, kink: true, parity: even, idempotent: true,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.mul(g.call("sign", x), dx) }},
		{name: "sign", internal: true, eval: interval.Sign, box: Interval.Sign, kink: true, parity: odd,
			deriv: func(g *graph, x, fx, dx int32) int32 { return g.constant(0) }},
	}
	for i, f := range funcs {
		o := opFunc + op(i)
		funcOps[f.name] = o
		if !f.internal {
			functions[f.name] = o
			functionNames = append(functionNames, f.name)
		}
	}
	functions["pow"] = opPow
	functionNames = append(functionNames, "pow")
}

// isFunc reports whether o is a function of the table.
func (o op) isFunc() bool { return o >= opFunc }

// function returns the table entry of a function op.
func (o op) function() *function {
	if !o.isFunc() || int(o-opFunc) >= len(funcs) {
		panic("hamiltonians: " + o.String() + " is not a function of the table")
	}
	return &funcs[o-opFunc]
}

// call builds the function of the table named name applied to a.
func (g *graph) call(name string, a int32) int32 {
	o, ok := funcOps[name]
	if !ok {
		panic("hamiltonians: no function " + name + " in the table")
	}
	return g.fn(o, a)
}
