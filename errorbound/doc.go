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
// target.
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
// grid sampled in one batch, for cheap repeated checks during training.
//
// # The certified bound
//
// Certify proves a bound on max_t ‖z(t) − ẑ(t)‖₂ over [0, T]. With
// A(t) = J∇²H(ẑ(t)) and r = ∇H(ẑ+e) − ∇H(ẑ) − ∇²H(ẑ)e, the error obeys
// exactly
//
//	ė = A(t)e − ℓ(t) + J·r(t),  e(0) = 0,  ‖r‖ ≤ ½·M3·‖e‖²,
//
// where M3 bounds sup ‖∇³H[e,e]‖ over unit e and over a tube around ẑ
// (Taylor with integral remainder): sqrt(Σ_i ‖M_i‖₂²), M_i the magnitudes of
// the enclosure of slice i of the tensor, ‖M_i‖₂ bounded by the
// Collatz–Wielandt ratio of this non-negative matrix. The steps:
//
//  1. Cut [0, T] into N sub-intervals (default 4000; hnn uses at least 20
//     per training spacing). On each, interval arithmetic encloses ẑ and
//     its first three time derivatives (solver.Solution.Enclose) and ∇H,
//     ∇²H, ∇³H over the box of ẑ (hamiltonians.Enclosure). The residual is
//     modelled linearly about the midpoint c, ℓ_pl(s) = ℓ̃(c) + ℓ̃₁(c)(s − c)
//     with ℓ̃ the midpoints of the enclosures of ℓ(c) and dℓ/dt(c), and
//     Taylor's theorem bounds the model's error δ_k ≥ sup‖ℓ − ℓ_pl‖ with the
//     enclosure of d²ℓ/dt² over the sub-interval (h²/8 times it). A direct
//     enclosure of ℓ is far too wide: the O(1) terms of dẑ/dt and J∇H(ẑ)
//     cancel only in exact arithmetic.
//  2. The fundamental matrix Φ' = AΦ, Φ(0) = I, is integrated once by
//     DOP853 (rtol = atol = 1e-12, steps at most 20 sub-intervals). The
//     linear part u(t) = −Φ(t)∫₀ᵗ Φ(s)⁻¹ℓ_pl(s)ds (Φ⁻¹ = −JΦᵀJ, Φ being
//     symplectic) keeps the cancellation between the residual's
//     oscillations; each sub-interval's integral is 3-point Gauss–Legendre.
//     Between nodes ‖u‖ is bounded with the Grönwall factor
//     L_k = exp(h·‖∇²H‖_F over the box).
//  3. The remainder w = e − u satisfies ‖w(t)‖ ≤ ∫₀ᵗ ‖Φ(t,s)‖(δ(s) +
//     ½M3(ρ)ρ²)ds. The sub-intervals are grouped into about 256 blocks;
//     ‖Φ(t,s)‖₂ comes from exact norms of Φ(C_J)Φ(C_I)⁻¹ between block
//     ends, norms between each block start and its nodes, and the factors
//     L_k. Blocks are closed forward in time: on block J the bound
//     β_J = sup‖u‖ + ε + (remainder from blocks up to J) must be below the
//     block's tube radius ρ_J, with M3 enclosed over the block's box of ẑ
//     inflated by ρ_J. A continuity argument then gives ‖e(t)‖ ≤ β_J on
//     every block (e(0) = 0, and e cannot leave the tube first), and the
//     bound is max_J β_J.
//  4. When the residual part exceeds 3 % of the linear part, Certify tries
//     once more with more sub-intervals (at most MaxIntervals), since that
//     part falls like N⁻² to N⁻³.
//
// If the tube does not close, or any enclosure is not finite (the tube
// reaches a singularity of H such as r = 0 of two bodies, or abs at 0),
// the result is "not certified" with the reason and no number.
//
// Assumptions, stated because they are not proven by the computation:
//
//   - H is the compiled formula with its constants as float64 values (the
//     same function the network was trained on and the reference
//     integrates); its symbolic derivatives are exact for it, except that a
//     non-integer constant exponent c uses c − 1 rounded to float64.
//   - The two numerical integrations are as accurate as DOP853 estimates:
//     Φ's error is taken as at most 2D·‖Φ‖·E relative, E the sum of the
//     local error estimates, and u's as that times ‖Φ‖·‖∫Φ⁻¹ℓ_pl‖ plus the
//     difference between the 3- and 2-point Gauss rules. These enter as
//     the "integration" part of the bound and are negligible (≲1e-12) in
//     practice. Everything else — ẑ and its derivatives, ℓ, ∇²H, ∇³H —
//     is enclosed over the continuous sub-intervals, not sampled.
//   - Interval arithmetic: the four operations and square root are
//     correctly rounded in Go and rounded outward with math.Nextafter;
//     math's elementary functions are not correctly rounded, so their
//     results are widened by 8 ulp (plus 2⁻⁶⁰ absolute for sin, cos, log),
//     well above their documented errors (see internal/interval).
//   - Matrix norms and eigenvalues in step 3 are computed in floating point
//     and widened by a relative 1e-10.
//
// A Grönwall bound with the logarithmic norm of A over [0, T] would need
// none of steps 2–3 but grows like e^{μT} even on a harmonic oscillator;
// it is used only across single sub-intervals (the factors L_k).
package errorbound
