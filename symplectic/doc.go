// Package symplectic integrates Hamilton's equations ż = J∇H(z) with
// classical methods: structure-preserving fixed-step methods to compare
// the network with, and the adaptive high-order reference solver.
//
// # Fixed-step methods
//
// A state is x = [q, p]. Step times are t0 + k·(t1−t0)/n, computed from k,
// never accumulated.
//
// The explicit splitting methods need a separable H = T(p) + V(q)
// (hamiltonians.Separable) and are tables run by one loop: for each stage
// i, a drift q ← q + a_i·dt·∂T/∂p(p), then a kick p ← p − b_i·dt·∂V/∂q(q).
//
//	euler     symplectic Euler, Mattheakis et al. Eq. 4–5: a = (1), b = (1):
//	          q_{n+1} = q_n + dt·∂T/∂p(p_n), p_{n+1} = p_n − dt·∂V/∂q(q_{n+1})  order 1
//	verlet    Störmer–Verlet, kick-drift-kick (leapfrog): a = (0, 1), b = (½, ½)     order 2
//	yoshida4  Verlet steps of weights w1, w0, w1 with w1 = 1/(2 − 2^⅓),
//	          w0 = −2^⅓/(2 − 2^⅓) (Yoshida 1990)                                   order 4
//	yoshida6  Verlet steps of weights w3, w2, w1, w0, w1, w2, w3, Yoshida's
//	          solution A: w1 = −1.17767998417887, w2 = 0.235573213359357,
//	          w3 = 0.784513610477560, w0 = 1 − 2(w1 + w2 + w3)                    order 6
//
// A composition of Verlet steps merges adjacent half kicks, so a method of
// s Verlet steps costs s+1 force evaluations. Given a non-separable H these
// methods return ErrNotSeparable and name the implicit alternatives.
//
// The implicit methods work for any H with an exact Hessian
// (hamiltonians.Hesser) and solve their equations by Newton's method with
// that Hessian, stopping when the update is below 1e-15 relative to the
// state, and returning ErrNewton after 50 iterations or on a non-finite
// iterate:
//
//	midpoint        x_{n+1} = x_n + dt·J∇H((x_n + x_{n+1})/2)                       order 2
//	implicit-euler  q_{n+1} = q_n + dt·∂H/∂p(q_{n+1}, p_n),
//	                p_{n+1} = p_n − dt·∂H/∂q(q_{n+1}, p_n)                          order 1
//
// implicit-euler is implicit in q only (Newton on d unknowns) and reduces
// to euler for separable H. rk4 is the classical Runge–Kutta method, of
// order 4 and not symplectic.
//
// Trajectory.At interpolates between steps with the cubic Hermite
// polynomial through the neighbouring states and vector fields (error
// O(dt⁴) on top of the method's own).
//
// # The reference solver
//
// DOP853 is the 12-stage explicit Runge–Kutta method of order 8 of Dormand
// and Prince, with Hairer's coefficients, error estimator and dense output
// (Hairer, Nørsett & Wanner, Solving Ordinary Differential Equations I,
// 2nd ed.; dop853.f). With sk_i = atol + rtol·max(|y_i|, |y1_i|), the
// embedded 5th-order estimate e5 and 3rd-order estimate e3 combine into
//
//	err = |h|·Σ(e5_i/sk_i)² / sqrt(n·(Σ(e5_i/sk_i)² + 0.01·Σ(e3_i/sk_i)²)),
//
// a step is accepted when err ≤ 1, and the next step is
// h·min(3, max(1/6, 0.9·err^(−1/8))) (never larger after a rejection). The
// first step comes from Hairer's hinit. Three extra stages per step give a
// continuous 7th-order solution (Dense.At). Stats.ErrorEstimate sums the
// local error estimates: an estimate of the global error, not a bound.
package symplectic
