// Package solver solves Hamilton's equations with a data-free neural
// network (Mattheakis, Sondak, Dogra & Protopapas, "Hamiltonian neural
// networks for solving equations of motion", §II.A): no simulator data, the
// network is trained on the equations alone.
//
// # Trial solution and loss
//
// One network N: R → R^D with shared weights gives all D = 2d outputs. The
// trial solution
//
//	ẑ(t) = z0 + f(t)·N(t),   f = 1 − e^−t (Eq. 9, Trial "exp") or f = t ("linear")
//
// satisfies ẑ(0) = z0 exactly (Eq. 6). Its time derivative
// dẑ/dt = f'·N + f·dN/dt uses the network's input tangent dN/dt, computed
// in the same forward pass. The loss (Eq. 7, 8, 13–15) over K times t_n is
//
//	L = (1/K) Σ ‖ℓ_n‖² + λ·(1/K) Σ (H(ẑ_n) − E0)²,   ℓ_n = dẑ/dt(t_n) − J∇H(ẑ(t_n)),
//
// and its gradient needs the exact Hessian of H:
// ∂L/∂ẑ = (2/K)·∇²H·J·ℓ + (2λ/K)(H − E0)∇H, ∂L/∂(dẑ/dt) = (2/K)·ℓ.
//
// # The Lagrangian formulation
//
// With Settings.Formulation = "lagrangian", for H = |p|²/2 + V(q) (checked
// symbolically: hamiltonians.UnitMass), the network N_L: R → R^d gives only
// the coordinates (Eq. 11):
//
//	q̂(t) = q0 + f1(t)·q̇0 + f2(t)·N_L(t),   f1 = 1 − e^−t, f2 = (1 − e^−t)²  (Trial "exp")
//	                                       f1 = t,        f2 = t²           (Trial "linear")
//
// with q̇0 = p0, so q̂(0) = q0 and dq̂/dt(0) = p0. The loss is Eq. 12 plus the
// energy term, L = (1/K) Σ ‖d²q̂/dt² + ∇V(q̂)‖² + λ·(1/K) Σ (H(q̂, dq̂/dt) − E0)²;
// its gradient needs ∇²V and the second derivative of N_L, which
// nn.SecondWorkspace propagates forward beside the value and the first
// derivative (three stacked row blocks per layer). A Lagrangian Solution is
// a phase-space solution like any other: ẑ = [q̂, dq̂/dt] and
// dẑ/dt = [dq̂/dt, d²q̂/dt²], so the residual ℓ of its q rows is zero and
// its p rows are the Euler–Lagrange residual; every comparison and bound
// applies unchanged except the certified bound, which would need the fourth
// time derivative of N_L. An epoch on the paper's oscillator costs about
// 1.8 times the Hamiltonian network's in processor time
// (BenchmarkEpochLagrangianOscillator against BenchmarkEpochOscillator):
// 1.5 times the rows in every matrix product, and the Hamiltonian
// network's fused activation kernels have no second-order counterpart.
//
// # Training
//
// The K times are equally spaced on [0, T] (t_n = n·T/(K−1)) and, in every
// epoch, perturbed by Gaussian noise of standard deviation Settings.Jitter
// and reflected back into [0, T]. Each epoch is one full-batch Adam step.
// Every ValidateEvery epochs the model is judged on a fixed grid of
// ValidationPoints equally spaced times by ℓmax = max sqrt(‖ℓ‖² + λ(H −
// E0)²), and the best model is kept: the last Adam iterate is often
// several times worse. An optional polish then minimises the loss on the
// validation grid without jitter, starting from the best model, and is
// kept if it validates better: L-BFGS (gonum/optimize) on the loss, or
// Levenberg–Marquardt on the residual vector ρ (PolishMethod "lm"), which
// solves (JᵀJ + μI)δ = −Jᵀρ with J = ∂ρ/∂θ at every iteration and reaches
// residuals orders of magnitude smaller for networks of up to a few
// thousand parameters.
//
// The time points of an epoch (and the validation grid) are split into a
// fixed number of chunks that depends on their count alone; each chunk's
// forward pass, loss and reverse pass run on whichever core is free, and
// the chunks' gradients are summed in chunk order. H is therefore
// evaluated from several goroutines at once and must be safe for
// concurrent use, as the Hamiltonians of package hamiltonians are.
//
// Training stops after the epochs; when the bound Settings.TargetBound
// names (the paper's ℓmax/σmin on 4K+1 points, or errorbound.Certify's
// certified bound, tried only when the quick error-propagation estimate is
// within reach) is at most Settings.TargetError, or Settings.StopWhen says
// so ("target reached"); when the loss becomes non-finite ("diverged": the best model
// is kept), or when the context is cancelled ("interrupted": the best model
// so far is returned with a nil error).
//
// # Reproducibility
//
// The initial weights and the jitter come from a PCG generator seeded by
// Settings.Seed, and all sums run in a fixed order: the same seed and
// problem give the same bits, whatever GOMAXPROCS is.
//
// # Learning a Hamiltonian
//
// Learn implements the other mode (Greydanus, Dzamba & Yosinski,
// "Hamiltonian Neural Networks", §3): from states x_i with observed time
// derivatives ẋ_i, it trains a network with a scalar output H_θ(x) on
//
//	L = (1/(N·D)) Σ_i ‖J∇_x H_θ(x_i) − ẋ_i‖²        (their Eq. 3; J∇H = (∂H/∂p, −∂H/∂q))
//
// where ∇_x H_θ comes from a reverse pass through the network and the
// parameter gradient from differentiating that pass (reverse over reverse,
// nn.GradWorkspace): six products of batch × width × width per step,
// whatever the dimension. A step's batch is cut into ⌈B/192⌉ chunks, a
// split that depends on B alone; the chunks run concurrently on their own
// workspaces and their losses and gradients are summed in chunk order, so
// training gives the same bits whatever GOMAXPROCS is. The
// baseline is a network from x to ẋ trained on the same squared error.
// Both use Adam, full batch or a random subset of Batch states per step,
// L2 weight decay, orthogonal initial weights and no bias on the output
// layer, as the paper's code. The trained H_θ is a Learned: a
// Hamiltonian with exact gradient and Hessian through the network.
//
// # Time windows and the automatic mode
//
// A Solution can be a chain of windows [t₀, t₁], [t₁, t₂], … (t₀ = 0,
// the last end T). Window k is a network trained on its own problem from
// the state its predecessor reaches, in local time τ = t − t_k:
//
//	ẑ(t) = ẑ_{k−1}(t_k) + f(t − t_k)·N_k(t − t_k),   t ∈ [t_k, t_{k+1}],
//
// so the chain is continuous up to the float64 rounding of the joint
// states, which Joints bounds by interval arithmetic. At, Deriv, Residual,
// Sample and Enclose dispatch by window (window k holds [t_k, t_{k+1}));
// errorbound.Certify aligns its sub-intervals with the joints and adds the
// jumps to the error. SolveWindows trains a chain with fixed settings on
// given windows, each warm-started from the previous window's weights;
// with the single end T it is Solve, bit for bit.
//
// With Settings.Tolerance > 0, Solve runs the automatic mode
// (SolveTolerance): windows of two hidden layers of 12 and 16 training
// points, the first trained by Adam from random weights, every one by
// Levenberg–Marquardt until its ℓmax reaches a residual target. The target
// comes from the error budget: it starts at ε/T and follows the
// error-propagation estimate carried along the chain (errorbound.Tracker),
// halved when the estimate exceeds ε·t/(2T), doubled when it stays below an
// eighth of that. The first window lasts the time scale
// 1/sqrt(‖∇²H(z0)‖_F); a window that misses its target is kept if the
// estimate stays within ε·t/(4T), else halved (at most twice); the next
// grows by half after one that reached its target. The chain
// is then certified; when the bound is above ε, every window is retrained,
// warm, on targets scaled by ε over the bound, while Settings.MaxSeconds
// lasts (training stops at 85 % of it, leaving the rest for the
// certificate). Training.Tolerance says whether ε was met and up to which
// t the bound is certified. The choices depend on the problem, the seed
// and the tolerance only, so a run that does not hit its time budget is
// reproducible bit for bit; one that does depends on the machine's speed.
//
// # Solutions
//
// A Solution is callable at any t (At, Deriv, Residual) and is safe for
// concurrent use. Enclose gives interval enclosures of ẑ and its first
// three time derivatives over a time interval, for the certified bound. Save writes it as JSON with the problem's source text,
// the settings, the training record and the weights (format
// "hnn-model/1" for a single network, "hnn-model/2" with every window
// for a chain); ProblemSource and Load read both.
package solver
