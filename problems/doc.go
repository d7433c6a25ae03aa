// Package problems reads problem files: the YAML that states a Hamiltonian
// system, its initial state and time interval, and how to train and compare
// the network solver. It also embeds the catalogue of built-in problems
// (catalog/*.yaml), usable by name wherever a file is.
//
// # Format
//
//	name: henon_heiles              # optional; default: the file's base name
//	description: One line.          # optional
//	coordinates: [x, y]             # q names
//	momenta: [px, py]               # optional; default p<coordinate>
//	parameters: {lambda: 1}         # constants for formulas, in order
//	hamiltonian: 0.5*(px^2 + py^2) + 0.5*(x^2 + y^2) + lambda*(x^2*y - y^3/3)
//	initial: {x: 0.3, y: -0.3, px: 0.3, py: 0.15}
//	time: {end: 6*pi, points: 100}  # the interval [0, end]; K training points
//	solver:                         # every key optional
//	  hidden: [50, 50]              # widths of the hidden layers
//	  activation: sin               # sin | tanh | sigmoid | relu
//	  trial: exp                    # exp: f = 1 − e^−t | linear: f = t
//	  formulation: hamiltonian      # hamiltonian | lagrangian (H = p²/2 + V(q))
//	  epochs: 30000
//	  learning_rate: 8e-3
//	  final_learning_rate: 0        # > 0: decay exponentially to this
//	  beta1: 0.999                  # Adam's moment decay rates
//	  beta2: 0.9999
//	  jitter: 0.18*pi               # std of the per-epoch time perturbation
//	  energy_weight: 0              # λ of Mattheakis et al. Eq. 7–8
//	  seed: 1
//	  target_error: 1e-3            # stop once a bound guarantees this
//	  target_bound: paper           # the bound that decides: paper (ℓmax/σmin) or certified
//	  polish_iterations: 0          # polish iterations after Adam
//	  polish_method: lbfgs          # lbfgs | lm (Levenberg–Marquardt)
//	  init: uniform                 # uniform (PyTorch's default) | glorot
//	  tolerance: 1e-6               # the automatic mode: certified max‖δz‖ ≤ this
//	  max_seconds: 600              # its budget of wall time
//	compare:
//	  euler_factors: [1, 10, 100]   # symplectic Euler at K·factor steps
//
// With tolerance, the solver chooses everything else itself
// (solver.SolveTolerance: a chain of time windows, each network's size and
// optimiser, the window lengths) and trains until the certified bound on
// max‖δz‖ over [0, end] is at most the tolerance; of the keys above it
// uses activation, init, trial, formulation, seed, energy_weight and,
// when given, hidden. A file without a solver section runs in this mode
// at solver.DefaultTolerance (1e-4) with the budget
// solver.DefaultMaxSeconds (600 s). time.points is then not used for
// training (each window has its own points) and may be left out
// (AutoPoints, 200, then sizes the cost estimate); with fixed settings it
// is required.
//
// A learn task (for hnn learn) adds a learn section and may omit initial
// and time; its hamiltonian generates the data and measures the energy:
//
//	learn:
//	  trajectories: 50              # each sampled at points times of [0, time]
//	  points: 30
//	  time: 3
//	  init: radius                  # radius: random direction, radius uniform in radius
//	                                # orbits: bodies in the plane on circular orbits (velocity_noise,
//	                                # orbit_position: circle | box)
//	  radius: [0.1, 1]
//	  noise: 0.1                    # Gaussian noise on the states (targets stay exact)
//	  test_trajectories: 25         # the last ones are the test set (default: half)
//	  data_seed: 0
//	  hidden: [200, 200]            # the model (HNN and baseline)
//	  activation: tanh
//	  steps: 2000                   # Adam steps
//	  learning_rate: 1e-3
//	  batch: 0                      # 0: full batch
//	  weight_decay: 1e-4
//	  seed: 0
//	  seeds: 1                      # runs; run i uses data_seed + i and seed + i; medians reported
//	  energy_trajectories: 15       # the energy metric: fresh initial states,
//	  energy_init: signed           # data: drawn as the data's | signed: each value ±U[energy_range]
//	  energy_range: [0.2, 1]
//	  energy_time: 20               # integrated over [0, energy_time]
//	  energy_time_growth: 1         # start k covers [0, energy_time·growth^k]
//	  energy_points: 100            # times at which the energies are compared, ends included
//	  energy: q^2 + p^2             # optional: the quantity compared (default: the hamiltonian)
//
// A learn section with pixels is the pixel pendulum of Greydanus et al. §5
// (package solver/pixels): the hamiltonian, of one angle q (0 hanging
// down) and its momentum p, draws the frames; the HNN and the baseline
// learn the dynamics in the 2-D latent space of an autoencoder of frame
// pairs. Every pixels key is optional (defaults: the reference code's);
// of the other learn keys only hidden, steps, learning_rate, batch,
// weight_decay (0 turns it off), seed, data_seed, energy_trajectories and
// energy (a formula of the label (q, p)) apply:
//
//	learn:
//	  pixels:
//	    trials: 200                 # trials of frames frames, dt apart; F frames give F − 3 samples
//	    frames: 103
//	    dt: 0.05
//	    max_angle: pi/6             # starts: |q| < max_angle, |p| < max_momentum
//	    max_momentum: 1
//	    label_scale: 0.25           # a sample's label (q, label_scale·q̇)
//	    test_fraction: 0.2          # the first samples are the test set
//	    side: 28                    # frames of side × side pixels
//	    width: 200                  # the autoencoder's hidden width
//	    dynamics_weight: 0.1        # the weight of the latent dynamics' loss
//	    energy_frames: 203          # the energy metric's fresh trajectories,
//	    energy_angle: [pi/11, pi/10]  # starting at energy_angle[0] ≤ |q| ≤ energy_angle[1],
//	    time_scale: 0.98            # compared at time_scale·(F − 3)·k/(F − 4) frames
//	  energy: 1.9*(1 - cos(q)) + p^2   # the quantity compared (this is the default)
//
// # Learn data files
//
// With learn.file the task learns from observations instead of data
// generated from the hamiltonian (which still names the variables and
// serves the energy metric). The path is relative to the problem file
// (catalogue problems read catalog/data/). The file has one observation
// per line: the trajectory's id, t, then the coordinates and the momenta
// in the order of coordinates and momenta (2 + D columns), separated by
// spaces, tabs, commas or semicolons; lines starting with % or # are
// comments:
//
//	% id  t     x      px
//	1     0.00  1.000  0.000
//	1     0.05  0.999 -0.050
//	2     0.00  0.500  0.100
//
// Each trajectory's rows are consecutive, with t increasing; every value
// is a finite number; the file has at least 3 observations and at most
// MaxObservations, and is read through a bounded reader of MaxDataSize
// bytes (a line at most 1 MiB). The targets are forward differences; the
// last learn.test_points states are the test set (default a fifth), and
// the energy metric follows the rest of each test state's trajectory.
//
// A file written by hnn learn (hnn.json) is read wherever a problem file
// is: its Hamiltonian is the learned network. Its name, coordinates and
// momenta are checked as in YAML files, and its layers against its
// weights (at most solver.MaxParameters).
//
// Every number may be an expression of numbers, pi, e, the parameters
// defined before it, the operators + - * / ^ and the functions of the
// formula language (see package hamiltonians): 6*pi, 2*g, sqrt(0.5).
//
// # Validation
//
// Unknown keys are errors that list the keys allowed at that place. Every
// coordinate and momentum needs exactly one initial value; time.end must be
// positive; time.points at least 2; every number finite; sizes stay below the
// limits MaxPoints, MaxEpochs, MaxLayers, MaxWidth, MaxFactor and
// MaxEulerStep; H must be finite at the initial state; a file holds one
// YAML document. Before any work, Parse also refuses a network over
// solver.MaxParameters (with its parameter count and memory) and an
// interval whose reference integration would exceed
// errorbound.MaxReferenceSteps (with the estimated steps and memory,
// errorbound.EstimateCost), and warns in Problem.Warnings when the
// training points are fewer than two per period of the motion linearised
// at the initial state. Every error is an
// *Error naming the file, the key (a dotted path such as solver.epochs) and
// the line; formula errors also carry the column, with the formula and a
// caret, through the wrapped *hamiltonians.SyntaxError.
//
// The compiled Hamiltonian Problem.H implements hamiltonians.Hesser, and
// also hamiltonians.Separable when every mixed derivative ∂²H/∂q∂p is
// identically zero, so explicit symplectic methods can use it.
package problems
