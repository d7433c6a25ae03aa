// Package errorbound says how far an approximate solution ẑ(t) of
// Hamilton's equations can be from the true one, and compares solutions
// with a reference.
//
// Notation: ℓ(t) = dẑ/dt − J∇H(ẑ(t)) is the residual (Mattheakis et al.
// Eq. 14) and e = z − ẑ the error, with e(0) = 0 because the network's
// trial solution fixes the initial state.
//
// # The assessment
//
// Assess does all of the below for one solution, as 'hnn solve' reports
// it: the reference (DOP853 at rtol = atol = 1e-12) computed once, the
// solution evaluated once on GridPoints(K)+1 equally spaced times (20 per
// training spacing), its comparison, the paper's bound, the
// error-propagation estimate and the certified bound, each checked against
// the actual error (Check: value, held, tightness), symplectic Euler at
// each factor of AssessSettings (the problem file's compare section) and
// the Euler steps to match. It returns an Assessment of figures only.
//
// # Comparison
//
// Compare evaluates a Path and a reference on a grid (Grid gives
// t0 + k·(t1−t0)/n, computed from k) and reports the maximum absolute
// error per component, the maximum and RMS phase-space error ‖δz‖₂ and the
// maximum energy error |H(ẑ) − E0|. EulerRun does the same for symplectic
// Euler (Eq. 4–5) at its own nodes, and EulerStepsToMatch finds by
// doubling and bisection the fewest Euler steps whose error is at most a
// target; beyond MeasuredEulerSteps (2·10⁶) it extrapolates from the last
// run by Euler's first-order convergence, n = ⌈n₁E₁/target⌉, and says so.
//
// # The paper's bound
//
// Paper computes ℓmax = max_t sqrt(‖ℓ‖² + λ(H(ẑ) − E0)²) and σmin, the
// smallest singular value of ∇²H(ẑ(t)), over a grid, and the bound
// |δz_i| ≤ ℓmax/σmin of Eq. 22. The derivation keeps only the quadratic
// Taylor term and evaluates at samples, so it is a heuristic; where ∇²H is
// singular along the solution (σmin ≤ 1e-12·σmax, e.g. the translation
// symmetry of the two-body problem) there is no bound and the reason says so.
//
// # Error propagation
//
// Propagate integrates the linearised error equation (Eq. 18)
//
//	ė = J∇²H(ẑ(t))·e − ℓ(t),  e(0) = 0
//
// with DOP853 along the solution. Its result is an estimate of e, exact
// to first order, not a bound. PropagateQuick does the same with RK4 on a
// grid sampled in one batch, for cheap repeated checks during training;
// Tracker carries the same estimate (and optionally Φ(t, 0)) along a
// solution window by window. Amplification integrates Φ along the true
// solution once and projects an error e at t to the largest
// ‖Φ(t′, t)·e‖ on [t, T], what the rest of the horizon can make of it.
//
// # The certified bound
//
// Certify proves a bound on max_t ‖z(t) − ẑ(t)‖₂ over [0, T] from IEEE
// arithmetic and (widened) elementary functions alone. With
// A(t) = J∇²H(ẑ(t)) and r = ∇H(ẑ+e) − ∇H(ẑ) − ∇²H(ẑ)e, the error obeys
// exactly
//
//	ė = A(t)e − ℓ(t) + J·r(t),  e(0) = 0,  ‖r‖ ≤ ½·M3·‖e‖²,
//
// where M3 bounds sup ‖∇³H[e,e]‖ over unit e and over a tube around ẑ
// (Taylor with integral remainder): sqrt(Σ_i ‖M_i‖₂²), M_i the magnitudes of
// the enclosure of slice i of the tensor, ‖M_i‖₂ bounded by the
// Collatz–Wielandt ratio of this non-negative matrix. Every number below
// is an enclosure or an upper bound rounded outward (the next float64
// up, interval.Up, after each operation, or γ_n = nu/(1 − nu) for the n
// operations of a dot product, u = 2⁻⁵³); none is an estimate. The steps:
//
//  1. Cut [0, T] into N sub-intervals at t_k = T·k/N, t_N = T (default 20
//     per training spacing). On each, interval arithmetic encloses ẑ and
//     its first three time derivatives (solver.Solution.Enclose, both
//     formulations) and ∇H, ∇²H, ∇³H over the box of ẑ
//     (hamiltonians.Enclosure; only the entries hamiltonians.Sparse does
//     not list as identically zero are computed). The residual is modelled
//     linearly about the midpoint c, ℓ_pl(s) = ℓ̃(c) + ℓ̃₁(c)(s − c) with ℓ̃
//     the midpoints of the enclosures of ℓ(c) and dℓ/dt(c), and Taylor's
//     theorem bounds the model's error δ_k ≥ sup‖ℓ − ℓ_pl‖ with the
//     enclosure of d²ℓ/dt² over the sub-interval (h²/8 times it). A direct
//     enclosure of ℓ is far too wide: the O(1) terms of dẑ/dt and J∇H(ẑ)
//     cancel only in exact arithmetic. A is enclosed in centred form,
//     A(s) ∈ A(c) + W·(s − c) with W ∋ dA/dt = J∇³H[dẑ/dt] over the
//     sub-interval, so its width is O(h²).
//  2. The linear response u′ = Au − ℓ_pl, u(0) = 0, and the block
//     propagators Φ(t, C_J) (Φ′ = AΦ from the identity at each block start
//     C_J) are computed as continuous piecewise polynomials ũ, Φ̃: on each
//     sub-interval the degree-6 Taylor polynomial of the model ODE with A
//     replaced by the midpoint of its centred form. Nothing is assumed of
//     their accuracy: their defects d = ũ′ − Aũ + ℓ_pl and R = Φ̃′ − AΦ̃
//     are enclosed over each sub-interval for every A in the centred form
//     (coefficient by coefficient, with the rounding of the recurrence and
//     of the polynomial's value at the end), O(h²). The error of Φ̃ is then
//     at most G_J·∫‖R‖ with G_J = exp(∫μ₂(A)⁺) over the block (μ₂ the
//     logarithmic norm, bounded by Gershgorin on the symmetric part of A);
//     sup‖ũ‖ on a sub-interval is max(‖ũ(t_k)‖, ‖ũ(t_{k+1})‖) plus (h²/8)
//     times a bound of the second derivative of ‖ũ‖².
//  3. The remainder w = e − ũ satisfies ‖w(t)‖ ≤ ∫₀ᵗ ‖Φ(t,s)‖(‖d(s)‖ +
//     δ(s) + ½M3(ρ)ρ²)ds. The sub-intervals are grouped into 256 blocks
//     (fewer above D = 16, at least 8). Within a block ‖Φ(t,s)‖ ≤ (sup‖Φ̃‖ +
//     G_J∫‖R‖)² (Φ is symplectic, so ‖Φ(C_J, s)‖ = ‖Φ(s, C_J)‖) or G_J,
//     whichever is smaller; between block ends ‖Φ(C_J, C_I)‖ comes from the
//     products of the computed block propagators, their errors and the
//     rounding of the products carried to C_J by the bounds of later
//     starts (never from Φ(C_J)Φ(C_I)⁻¹, which loses every digit where Φ
//     grows). Norms are verified: for D = 2 the closed form
//     σmax = (√((a+d)² + (b−c)²) + √((a−d)² + (b+c)²))/2 in interval
//     arithmetic, otherwise a shift s above LAPACK's estimate of λmax(XXᵀ)
//     for which the floating-point Cholesky factorisation of sI − XXᵀ runs
//     to completion, plus its backward error γ_{D+1}‖R̃‖_F² (Demmel).
//     Blocks are closed forward in time: on block J the bound β_J =
//     sup‖ũ‖ + (remainder from blocks up to J) must be below the block's
//     tube radius ρ_J, with M3 enclosed over the block's box of ẑ inflated
//     by ρ_J. A continuity argument then gives ‖e(t)‖ ≤ β_J on every block
//     (e(0) = 0, and e cannot leave the tube first), and the bound is
//     max_J β_J = Linear + Integration (the defect d) + Residual (δ) +
//     Nonlinear.
//  4. When the residual and defect parts exceed 3 % of the linear part,
//     Certify tries once more with more sub-intervals (at most
//     MaxIntervals): they fall like N⁻³ and N⁻². With a target bound
//     (CertifySettings.Target, the automatic mode's tolerance) a first
//     attempt below it is kept, and one above it is refined only as far
//     as the target needs, up to three times, each sized by the order of
//     convergence measured between the last two attempts.
//
// A windowed solution (Windowed: solver.Solution chains) is smooth only
// within each window: the sub-intervals are aligned with its joints, each
// window getting its share of N equally spaced, and the jump Δ of ẑ at a
// joint t_k (the float64 rounding of the next window's start state) enters
// the remainder as an impulse, ‖Φ(t, t_k)‖·‖Δ‖ for t ≥ t_k. e(0) = 0 and ℓ
// piecewise smooth are all the argument needs.
//
// The result carries the envelope β(t): β_J on every block closed, so the
// bound is certified on [0, Until] even when the tube fails later (Until
// is then the start of the block that failed).
//
// If the tube does not close, or any enclosure is not finite (the tube
// reaches a singularity of H such as r = 0 of two bodies, or abs at 0),
// the result is "not certified" with the reason and no number. Certify
// reports progress per block and returns soon after ctx is cancelled.
//
// What is assumed, because the computation does not prove it:
//
//   - IEEE 754 binary64 arithmetic with rounding to nearest (the four
//     operations and the square root correctly rounded), as Go specifies.
//   - Go's elementary functions (exp, log, sin, cos, tan, sinh, cosh,
//     tanh) are within the margins internal/interval widens them by: a
//     relative 2⁻⁴⁹ (2⁻⁴⁴ for tan) plus 2⁻⁶⁰ absolute where the result can
//     be near zero, at least five times the largest errors measured
//     against 200-bit references (exp 1.34 ulp, log 0.79, sin 1.41, cos
//     1.35, sinh 2.42, cosh 1.59, tanh 0.97, tan 25.2; see
//     internal/interval). Non-integer powers are exp(c·log x), not
//     math.Pow.
//   - H is the compiled formula, the same function the network was
//     trained on and the reference integrates: its numbers (literals,
//     parameters, pi, e) are float64 values, and the simplifier folds
//     constant subexpressions in float64, in H and in its symbolic
//     derivatives alike (the derivative of y³/3 uses fl(fl(1/3)·3) = 1 where
//     the exact derivative of the tape's fl(1/3)·y³ has 3·fl(1/3); a
//     non-integer exponent c differentiates to c − 1 in float64, exact for
//     c ≥ 1/2). Each fold is within half an ulp of its exact value, a
//     relative change of the vector field of order 1e-16 — at most
//     ∫‖Φ‖·1e-16·‖∇H‖, far below any bound reported — but it is not
//     tracked: the derivatives enclosed are those of the tapes.
//
// A Grönwall bound with the logarithmic norm of A over [0, T] would need
// no propagators but grows like e^{μT}; it is used only within blocks.
package errorbound
