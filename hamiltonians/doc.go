// Package hamiltonians holds the vocabulary of the project — a Hamiltonian
// H(q, p) with its gradient, and optionally its Hessian (Hesser) and a
// separable form H = T(p) + V(q) (Separable) — and the formula language in
// which users write Hamiltonians.
//
// # State layout
//
// A state is x = [q1..qd, p1..pd] of length D = 2d. Hamilton's equations
// are ż = J∇H(z) with J = [[0, I], [−I, 0]]: q̇ = ∂H/∂p, ṗ = −∂H/∂q
// (Mattheakis et al. Eq. 1–3); VectorField computes them.
//
// # The formula language
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = ("-" | "+") unary | power
//	power   = primary [ "^" unary ]
//	primary = number | name | function "(" expr { "," expr } ")" | "(" expr ")"
//
// Numbers are decimal (1, 2.5, .5, 8e-3). ^ is the power, right-associative
// and binding tighter than unary minus: -x^2 = −(x²), 2^3^2 = 2^9, and
// 2^-1 = 0.5. Functions: sin cos tan exp log sqrt sinh cosh tanh abs of one
// argument, pow(a, b). Constants: pi, e. Names are the coordinates, the
// momenta and the parameters; a name may not be used twice or shadow a
// function or constant. There is no implicit multiplication: write 2*x.
//
// # Derivatives and evaluation
//
// Parse builds an expression graph in which structurally equal
// subexpressions are one node (hash-consing), differentiates it exactly by
// the chain rule to get the gradient and the upper triangle of the
// Hessian, and simplifies while building: constant folding (that does not
// produce a non-finite value), x+0, x−x, x·1, x·0, −(−x), c1·(c2·x), x/c as
// (1/c)·x, x^1, x^0, (x^m)^n, integer powers kept as repeated
// multiplication, log(exp(x)), odd and even functions of −x. H, ∇H and
// ∇²H are then compiled into three straight-line tapes over a slot array
// in which every shared subexpression is computed once. Evaluation does no
// map look-up and allocates nothing: scratch slots come from a sync.Pool,
// so a *Formula is safe for concurrent use.
//
// # Separability
//
// A formula is separable when every mixed derivative ∂²H/∂q_i∂p_j
// simplifies to the constant 0 and, structurally, ∂H/∂p mentions no
// coordinate and ∂H/∂q no momentum. Formula.Separable then returns a view
// with GradT(p) and GradV(q), which the explicit symplectic methods need.
// Formula.UnitMass (and UnitMass for any Hamiltonian) further reports
// whether H = |p|²/2 + V(q): separable, the p–p block of ∇²H simplifies
// to the constant identity and ∂H/∂p vanishes at p = 0. The solver's
// Lagrangian formulation needs exactly that form (p = q̇).
//
// # Interval enclosures
//
// A Formula is also an Enclosure: GradBox, HessBox and Deriv3Box enclose
// ∇H, ∇²H and every third derivative over a box of states by running the
// same tapes in interval arithmetic with outward rounding (package
// internal/interval; Interval is its type). The third derivatives are
// built from the Hessian's nodes on first use. An abs or sign whose
// argument may be zero on the box gives ErrNotSmooth; division by an
// interval containing zero and the like give non-finite intervals.
//
// The enclosures are of H as written, not as folded: numbers in a formula
// and parameters are their float64 values, pi and e the mathematical
// constants (enclosed within an ulp), and every constant the simplifier
// folds keeps an interval around the exact value of the expression it
// stands for (fold of exact operands by an exact operation, checked by
// TwoSum or an FMA residual, stays a point, so simplifications by value
// such as x·1 and the exact Hessian of p²/2 still apply). The float64
// tapes evaluate the folded values, as before.
//
// # Limits
//
// MaxFormulaLen bytes of formula, MaxDepth levels of nesting (checked
// before recursing, so no input can overflow the stack), MaxVariables state
// variables (64 degrees of freedom; 32 are tested), and MaxNodes distinct
// subexpressions in H and its derivatives. Each gives an error, never a
// crash or a hang.
//
// # Errors
//
// A malformed formula or an unknown name is a *SyntaxError with the
// 1-based column; its message says what was expected and shows the formula
// with a caret under the column. Unknown names list the known ones.
package hamiltonians
