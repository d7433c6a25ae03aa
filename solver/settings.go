package solver

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

// Problem is what the data-free solver solves: Hamilton's equations for H
// from Z0 on [0, T], trained on K time points.
type Problem struct {
	H  hamiltonians.Hamiltonian // must also implement hamiltonians.Hesser
	Z0 []float64                // initial state [q0, p0]
	T  float64                  // end time
	K  int                      // number of training points
	// Text is the problem's description as text (the problems package
	// stores the YAML file here); Save keeps it so a model can be reloaded.
	Text []byte
}

// Validate reports what is wrong with p, if anything.
func (p Problem) Validate() error {
	if p.H == nil {
		return fmt.Errorf("solver: no Hamiltonian")
	}
	if _, ok := p.H.(hamiltonians.Hesser); !ok {
		return fmt.Errorf("solver: the Hamiltonian must provide its Hessian (hamiltonians.Hesser) for the loss gradient")
	}
	if len(p.Z0) != p.H.Dim() {
		return fmt.Errorf("solver: initial state has %d values, H has dimension %d", len(p.Z0), p.H.Dim())
	}
	for i, v := range p.Z0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("solver: initial state component %d is %v", i, v)
		}
	}
	if !(p.T > 0) || math.IsInf(p.T, 0) {
		return fmt.Errorf("solver: end time %v must be positive and finite", p.T)
	}
	if p.K < 2 {
		return fmt.Errorf("solver: %d training points; need at least 2", p.K)
	}
	return nil
}

// Trial names the parametric function f of the trial solution
// ẑ(t) = z0 + f(t)·N(t) (Mattheakis et al. Eq. 6).
type Trial string

const (
	TrialExp    Trial = "exp"    // f = 1 − e^−t (Eq. 9, the paper's choice)
	TrialLinear Trial = "linear" // f = t (Lagaris et al.)
)

// f returns f(t) and f'(t).
func (tr Trial) f(t float64) (f, df float64) {
	if tr == TrialLinear {
		return t, 1
	}
	e := math.Exp(-t)
	return 1 - e, e
}

// Settings controls training. The zero value of every field means the
// documented default, so a nil *Settings trains with the defaults. The
// problem file's solver section decodes into it (problems.Problem.Solver),
// and Save writes it into the model file, with the JSON names below.
type Settings struct {
	// Hidden lists the widths of the hidden layers. Default [50, 50].
	Hidden []int `json:"hidden"`
	// Activation of the hidden layers. Default ActivationSin.
	Activation Activation `json:"activation"`
	// Init is the weight initialisation. Default InitUniform.
	Init Init `json:"init"`
	// Trial is the parametric function. Default TrialExp.
	Trial Trial `json:"trial"`
	// Formulation is the trial solution's form. Default
	// FormulationHamiltonian; FormulationLagrangian needs H = |p|²/2 + V(q).
	Formulation Formulation `json:"formulation,omitempty"`
	// Epochs is the number of Adam epochs. Default DefaultEpochs.
	Epochs int `json:"epochs"`
	// LearningRate of Adam. Default 8e-3 (the paper's).
	LearningRate float64 `json:"learning_rate"`
	// FinalLearningRate, when set, makes the learning rate decay
	// exponentially from LearningRate to it over the epochs. Zero keeps it
	// constant, as in the paper.
	FinalLearningRate float64 `json:"final_learning_rate,omitempty"`
	// Beta1 and Beta2 are Adam's moment decay rates. Default 0.999 and
	// 0.9999, the values of the paper's reference code: on the oscillator
	// they reach a ten times smaller error in 10^4 epochs than the usual
	// 0.9 and 0.999.
	Beta1 float64 `json:"beta1"`
	Beta2 float64 `json:"beta2"`
	// Jitter is the standard deviation of the Gaussian perturbation of the
	// training times in every epoch. Default 3·T/K, the ratio of both of the
	// paper's experiments (0.06π at spacing 0.02π; 0.18π at 0.06π). Set
	// NoJitter to train on the fixed grid.
	Jitter   float64 `json:"jitter"`
	NoJitter bool    `json:"-"` // saved as jitter 0
	// EnergyWeight is λ of Eq. 7–8. Default 0.
	EnergyWeight float64 `json:"energy_weight"`
	// Seed makes training reproducible: the same seed and problem give the
	// same bits.
	Seed uint64 `json:"seed"`
	// ValidationPoints is the size of the fixed grid on which the best
	// model is judged. Default 4·K+1, at most MaxValidationPoints.
	ValidationPoints int `json:"validation_points"`
	// ValidateEvery is the number of epochs between validations. Default 50.
	ValidateEvery int `json:"validate_every"`
	// PolishIterations is the number of iterations of the polish run after
	// Adam on the validation grid. Default 0 (none).
	PolishIterations int `json:"polish_iterations"`
	// PolishMethod is the optimiser of the polish. Default PolishLBFGS.
	PolishMethod PolishMethod `json:"polish_method,omitempty"`
	// TargetError, when positive, stops training once the bound named by
	// TargetBound is at most TargetError. It is checked after every
	// validation that improved the best model.
	TargetError float64 `json:"target_error,omitempty"`
	// TargetBound is the bound TargetError applies to. Default TargetPaper.
	TargetBound TargetBound `json:"target_bound,omitempty"`
	// Tolerance, when positive, selects the automatic mode
	// (SolveTolerance): a chain of windows, each network's size,
	// optimiser and window length chosen by the solver, trained until the
	// certified bound on max‖z − ẑ‖₂ over [0, T] is at most Tolerance.
	// The problem files use DefaultTolerance when they have no solver
	// section. Zero: one network with the fixed settings above.
	Tolerance float64 `json:"tolerance,omitempty"`
	// MaxSeconds is the automatic mode's budget of wall time, training
	// and certificates together. Default DefaultMaxSeconds.
	MaxSeconds float64 `json:"max_seconds,omitempty"`
	// StopWhen, if set, is asked after every validation that improved the
	// best model whether training may stop (besides TargetError); it
	// returns a reason when it may.
	StopWhen func(s *Solution) (stop bool, reason string) `json:"-"`

	// timeScale, when not 0 or 1, is the factor s of the network's input
	// during training: N is trained as a function of s·t (the automatic
	// mode uses s = 1/window length, so every window's network sees
	// inputs in [0, 1]), and the trained Solution holds the equivalent
	// network of t, with s multiplied into the first layer's weights.
	// Hamiltonian formulation only.
	timeScale float64
	// fastLM is the automatic mode's Levenberg–Marquardt: no condition
	// estimate in its factorisations (trainer.solveDamped) and every step
	// with geodesic acceleration (geodesic.accelerate), which carries it
	// along the narrow valleys where plain steps stall near ℓmax 1e-8.
	fastLM bool
}

// Check reports what Solve would reject in s for p (settings out of
// range, a network over MaxParameters or over MaxWorkspaceBytes of
// buffers) before any work.
func (s *Settings) Check(p Problem) error {
	_, err := s.resolved(p)
	return err
}

// resolved returns a copy with defaults filled in, checked.
func (s *Settings) resolved(p Problem) (Settings, error) {
	var r Settings
	if s != nil {
		r = *s
	}
	if len(r.Hidden) == 0 {
		r.Hidden = []int{50, 50}
	}
	r.Hidden = append([]int(nil), r.Hidden...)
	if r.timeScale == 1 || r.Formulation == FormulationLagrangian {
		r.timeScale = 0
	}
	for _, err := range []error{
		oneOf("activation", r.Activation, Activations),
		oneOf("init", r.Init, Inits),
		oneOf("trial", r.Trial, Trials),
		oneOf("formulation", r.Formulation, Formulations),
		oneOf("polish method", r.PolishMethod, PolishMethods),
		oneOf("target bound", r.TargetBound, TargetBounds),
	} {
		if err != nil {
			return r, err
		}
	}
	r.Activation = cmp.Or(r.Activation, ActivationSin)
	r.Init = cmp.Or(r.Init, InitUniform)
	r.PolishMethod = cmp.Or(r.PolishMethod, PolishLBFGS)
	r.Trial = cmp.Or(r.Trial, TrialExp)
	if r.TargetError > 0 {
		r.TargetBound = cmp.Or(r.TargetBound, TargetPaper)
	}
	if err := r.checkFormulation(p); err != nil {
		return r, err
	}
	if r.Epochs == 0 {
		r.Epochs = DefaultEpochs
	}
	if r.LearningRate == 0 {
		r.LearningRate = 8e-3
	}
	if r.Beta1 == 0 {
		r.Beta1 = 0.999
	}
	if r.Beta2 == 0 {
		r.Beta2 = 0.9999
	}
	if r.Jitter == 0 && !r.NoJitter {
		r.Jitter = 3 * p.T / float64(p.K)
	}
	if r.NoJitter {
		r.Jitter = 0
	}
	if r.ValidationPoints == 0 {
		r.ValidationPoints = min(4*p.K+1, MaxValidationPoints)
	}
	if r.ValidateEvery == 0 {
		r.ValidateEvery = 50
	}
	var bad []string
	if r.Epochs < 0 {
		bad = append(bad, fmt.Sprintf("epochs %d < 0", r.Epochs))
	}
	if !(r.LearningRate > 0) {
		bad = append(bad, fmt.Sprintf("learning rate %v ≤ 0", r.LearningRate))
	}
	if !(r.FinalLearningRate >= 0) || r.FinalLearningRate > r.LearningRate {
		bad = append(bad, fmt.Sprintf("final learning rate %v outside [0, learning rate]", r.FinalLearningRate))
	}
	if !(r.Beta1 >= 0 && r.Beta1 < 1) || !(r.Beta2 >= 0 && r.Beta2 < 1) {
		bad = append(bad, fmt.Sprintf("Adam betas (%v, %v) outside [0, 1)", r.Beta1, r.Beta2))
	}
	if !(r.Jitter >= 0) || math.IsInf(r.Jitter, 0) {
		bad = append(bad, fmt.Sprintf("jitter %v", r.Jitter))
	}
	if !(r.TargetError >= 0) || math.IsInf(r.TargetError, 0) {
		bad = append(bad, fmt.Sprintf("target error %v", r.TargetError))
	}
	if !(r.Tolerance >= 0) || math.IsInf(r.Tolerance, 0) {
		bad = append(bad, fmt.Sprintf("tolerance %v", r.Tolerance))
	}
	if !(r.MaxSeconds >= 0) || math.IsInf(r.MaxSeconds, 0) {
		bad = append(bad, fmt.Sprintf("max seconds %v", r.MaxSeconds))
	}
	if !(r.EnergyWeight >= 0) || math.IsInf(r.EnergyWeight, 0) {
		bad = append(bad, fmt.Sprintf("energy weight %v", r.EnergyWeight))
	}
	if r.ValidationPoints < 2 || r.ValidateEvery < 1 || r.PolishIterations < 0 {
		bad = append(bad, "validation or polish settings out of range")
	}
	for _, w := range r.Hidden {
		if w < 1 {
			bad = append(bad, fmt.Sprintf("hidden width %d", w))
		}
	}
	if len(bad) > 0 {
		return r, fmt.Errorf("solver: invalid settings: %s", strings.Join(bad, "; "))
	}
	need := workspaceBytes(max(p.K, r.ValidationPoints), r.Hidden, p.H.Dim())
	if r.Formulation == FormulationLagrangian {
		need = need * 3 / 2 // three stacked row blocks instead of two
	}
	arch := nn.Arch{In: 1, Hidden: r.Hidden, Out: r.outputs(p.H.Dim()), OutputBias: true}
	if err := checkParameters(arch, need, r.PolishIterations > 0); err != nil {
		return r, err
	}
	if need > MaxWorkspaceBytes {
		return r, fmt.Errorf("solver: %d training and %d validation points with hidden layers %v need about %.1f GB of buffers; the limit is %.1f GB: use fewer points or narrower layers", p.K, r.ValidationPoints, r.Hidden, float64(need)/1e9, float64(MaxWorkspaceBytes)/1e9)
	}
	return r, nil
}

// Limits on the size of a training run.
const (
	// MaxValidationPoints caps the default validation grid (4K+1 points).
	MaxValidationPoints = 20_001
	// MaxWorkspaceBytes caps the memory of the network's buffers.
	MaxWorkspaceBytes = 2 << 30
)

// workspaceBytes estimates the memory of a workspace for n points with one
// tangent direction: per layer, inputs, pre-activations, two derivative
// arrays and a gradient scratch over 2n stacked rows.
func workspaceBytes(n int, hidden []int, out int) int64 {
	var widths int64 = 1 + int64(out)
	for _, w := range hidden {
		widths += int64(w)
	}
	return 8 * 2 * int64(n) * widths * 5
}

// DefaultEpochs is the number of Adam epochs when Settings.Epochs is 0.
const DefaultEpochs = 20000

// inputs returns the network's inputs for the times ts: ts itself without
// a time scale, else s·ts stored in buf (of at least len(ts)).
func (s *Settings) inputs(buf, ts []float64) []float64 {
	if s.timeScale == 0 {
		return ts
	}
	buf = buf[:len(ts)]
	for i, t := range ts {
		buf[i] = s.timeScale * t
	}
	return buf
}

// inputRate returns d(input)/dt: the time scale, 1 without one.
func (s *Settings) inputRate() float64 {
	if s.timeScale == 0 {
		return 1
	}
	return s.timeScale
}
