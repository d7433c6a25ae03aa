package solver

import (
	"fmt"
	"strings"
)

// The named choices of the settings. Each is a string type whose values are
// the words of the problem file's keys (solver.activation, solver.init, …)
// and of report.json; the lists below are every valid value, in the order
// error messages give them.

// Activation is the activation function of the hidden layers.
type Activation string

const (
	ActivationSin     Activation = "sin" // the paper's choice for the data-free solver
	ActivationTanh    Activation = "tanh"
	ActivationSigmoid Activation = "sigmoid"
	ActivationReLU    Activation = "relu"
)

// Activations lists the activations.
var Activations = []Activation{ActivationSin, ActivationTanh, ActivationSigmoid, ActivationReLU}

// Init is the weight initialisation.
type Init string

const (
	// InitUniform draws weights and biases from ±1/sqrt(fan-in), as
	// PyTorch's nn.Linear (which the paper's code used).
	InitUniform Init = "uniform"
	// InitGlorot draws Glorot-uniform weights and sets the biases to zero.
	InitGlorot Init = "glorot"
)

// Inits lists the initialisations.
var Inits = []Init{InitUniform, InitGlorot}

// Trials lists the trial functions.
var Trials = []Trial{TrialExp, TrialLinear}

// Formulation is the form of the trial solution and its equations.
type Formulation string

const (
	// FormulationHamiltonian trains ẑ = z0 + f(t)·N(t) on Hamilton's
	// equations (Mattheakis et al. Eq. 6–8), one network with D outputs.
	FormulationHamiltonian Formulation = "hamiltonian"
	// FormulationLagrangian trains q̂ = q0 + f1(t)·q̇0 + f2(t)·N_L(t) on the
	// Euler–Lagrange equations q̈ = −∇V(q) (Mattheakis et al. Eq. 11–12), one
	// network with d outputs, for H = |p|²/2 + V(q); the momentum is
	// p̂ = dq̂/dt.
	FormulationLagrangian Formulation = "lagrangian"
)

// Formulations lists the formulations.
var Formulations = []Formulation{FormulationHamiltonian, FormulationLagrangian}

// PolishMethod is the optimiser of the polish run after Adam.
type PolishMethod string

const (
	// PolishLBFGS is gonum/optimize's L-BFGS on the loss.
	PolishLBFGS PolishMethod = "lbfgs"
	// PolishLM is Levenberg–Marquardt on the residual vector: far faster to
	// high accuracy for networks of up to a few thousand parameters (each
	// iteration solves a system with one unknown per parameter).
	PolishLM PolishMethod = "lm"
)

// PolishMethods lists the polish methods.
var PolishMethods = []PolishMethod{PolishLBFGS, PolishLM}

// Name is how reports name the method.
func (m PolishMethod) Name() string {
	if m == PolishLM {
		return "Levenberg–Marquardt"
	}
	return "L-BFGS"
}

// TargetBound is the bound that Settings.TargetError is a target for.
type TargetBound string

const (
	// TargetPaper is the paper's bound ℓmax/σmin (Eq. 22) on 4K+1 points,
	// a heuristic (Mattheakis et al. §II.B: choosing the accuracy in
	// advance).
	TargetPaper TargetBound = "paper"
	// TargetCertified is the certified bound on max‖δz‖ of
	// errorbound.Certify.
	TargetCertified TargetBound = "certified"
)

// TargetBounds lists the target bounds.
var TargetBounds = []TargetBound{TargetPaper, TargetCertified}

// Status is how training ended (Training.Stopped).
type Status string

const (
	StoppedCompleted   Status = "completed"      // every epoch and polish iteration ran
	StoppedInterrupted Status = "interrupted"    // the context was cancelled
	StoppedDiverged    Status = "diverged"       // the loss stopped being finite
	StoppedTarget      Status = "target reached" // TargetError or StopWhen said stop
	// StoppedTargetMissed: every epoch and polish iteration ran and the
	// bound of TargetError never reached it.
	StoppedTargetMissed Status = "target not reached"
)

// Phase is the phase of training a Progress comes from.
type Phase string

const (
	PhaseAdam    Phase = "adam"
	PhasePolish  Phase = "polish"
	PhaseWindow  Phase = "window"  // a window of the automatic mode is finished
	PhaseCertify Phase = "certify" // the automatic mode certifies the chain
)

// oneOf checks that v is one of the allowed values (the empty value, the
// default, is allowed too) and names them all when it is not.
func oneOf[T ~string](what string, v T, allowed []T) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return fmt.Errorf("solver: unknown %s %q; expected one of %s", what, v, strings.Join(names, ", "))
}
