// Package pixels learns a Hamiltonian from images alone: the pixel
// pendulum of Greydanus et al., "Hamiltonian Neural Networks" (§5, Task 5,
// Fig. 4 and 5, Table 1 row 5, Appendix C), as their code
// (experiment-pixels, analyze-pixels) does it, in Go.
//
// # Data
//
// A pendulum of one angle q and its momentum p, with Hamiltonian H
// (the catalogue's learn_pixel_pendulum uses gym's Pendulum-v0,
// H = p²/2 + 15(1 − cos q)), is integrated from random starts with the
// reference integrator (DOP853, 1e-10) and drawn as an anti-aliased bar on
// 28 × 28 gray frames, Dt = 0.05 apart (Geometry, Render). A sample is a
// frame pair x = (f_{j+1}, f_{j+2}), 1568 values, so that the velocity is
// observable, with its successor x' = (f_{j+2}, f_{j+3}); 200 trials of
// 103 frames give 20 000 samples, the first fifth the test set. A sample's
// label is (q, 0.25·q̇) at its first frame.
//
// # Model and loss
//
// An encoder E (1568 → 200 → 200 → 200 → 2, relu, the last two hidden
// layers residual: h ← h + relu(hW + b)) maps a sample to a latent
// z = (z_q, z_p) and a decoder D (the mirror image) maps it back. The
// latent dynamics f is an HNN, f = J∇H_θ = (∂H_θ/∂z_p, −∂H_θ/∂z_q) with
// H_θ a tanh network 2 → 200 → 200 → 1, or the baseline, f a tanh network
// 2 → 200 → 200 → 2. With z = E(x) and z' = E(x'), the loss of a batch is
//
//	L = mean((x − D(z))²)                  autoencoder
//	  + mean((z_p − (z'_q − z_q))²)        canonical coordinates (Eq. 7)
//	  + 0.1·mean((z' − (z + f(z)))²)       one Euler step of one frame
//
// and Adam (learning rate 1e-3, weight decay 1e-5 on every parameter)
// takes 10 000 steps of 200 random training samples. The gradient of the
// HNN's term reaches the encoder through ∇H_θ: reverse over reverse for
// the parameters of H_θ, then nn.GradWorkspace.InputGradient for z.
//
// # Energy metric
//
// As the analysis notebook: a fresh trajectory of 203 frames starting at
// π/11 ≤ |q| ≤ π/10; its first frame pair is encoded, the latent ODE
// ż = f(z) integrated (DOP853, 1e-9) and sampled at 200 points of
// [0, 0.98·200] frames; each point is mapped to a label by the
// least-squares affine map from the training set's latents to their
// labels; the score is the mean over the 200 samples of
// (E(label) − E(predicted label))² with the notebook's E(q, p) =
// 1.9(1 − cos q) + p². Run scores several fresh trajectories (mean ±
// standard error) and reports the first's score alone as the notebook's.
//
// # Reproducibility and speed
//
// Everything is drawn from the two seeds (data and training), so a run's
// bits depend on its settings alone. The HNN and the baseline train side
// by side, one goroutine each with serial products (nn.ResWorkspace), so
// the bits do not depend on GOMAXPROCS either. The encoder's first product
// skips the pixels that are black on every frame of a block of 50 batch
// rows ordered by the frames' mean column, which leaves the products'
// values exact and saves most of their cost.
package pixels
