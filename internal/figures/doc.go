// Package figures decides which pictures each command draws from the
// library's results; internal/chart decides how any picture looks.
//
//   - Solve and SolveFiles: a solve's phase space (one panel per degree of
//     freedom, at most 8), the network's error per component |δz_i(t)|
//     against the reference with the propagated estimate (Eq. 18), the
//     paper's bound ℓmax/σmin, the certified bound and its envelope β(t),
//     the energy H along each trajectory, the training loss (Adam's
//     epochs, then the polish iterations; a window chain's windows in
//     turn), and in two or more dimensions the orbit. Drawing order is
//     symplectic Euler, the reference (dashed), then the network on top.
//   - Learn and LearnFiles: Greydanus et al. Fig. 2 and 3 for the first
//     held-out initial state: ground truth (black, dashed), the baseline
//     (red) and the HNN (blue); the coordinate MSE, the true energy, the
//     HNN's conserved quantity H_θ(x(t)) − H_θ(x(0)), and body orbits.
//   - PixelFiles: Fig. 4 (decoded frames against the truth), Fig. 5 and
//     C.1 (the latent space with level sets of H_θ), energy and loss.
//   - Sweep: each collected field against each axis, as the median with
//     the least and largest values over the other axes, and a heat map of
//     the first field over the first two axes (median over the rest).
//
// Every function takes the figures' format ("png" or "svg") and adds
// named files to a map; writing them is the caller's business. The same
// inputs give the same bytes.
package figures
