// Package errorbound says how far an approximate solution ẑ(t) of
// Hamilton's equations can be from the true one, and compares solutions
// with a reference.
//
// Notation: ℓ(t) = dẑ/dt − J∇H(ẑ(t)) is the residual (Mattheakis et al.
// Eq. 14) and e = z − ẑ the error, with e(0) = 0 because the network's
// trial solution fixes the initial state.
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
// to first order, not a bound.
package errorbound
