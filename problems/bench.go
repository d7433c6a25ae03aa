package problems

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/internal/nn"
	"github.com/hnn-project/hnn/internal/stats"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

// BenchSettings are the settings of Bench; the zero value is the default.
type BenchSettings struct {
	// Budget is the wall time allowed for each time-to-accuracy run, in
	// seconds (0: 120).
	Budget float64
	// Stage, if set, is called with the name of each measurement as it
	// starts.
	Stage func(stage string)
}

// BenchReport is bench.json: speed and time to accuracy on this machine.
type BenchReport struct {
	EpochMs        map[string]Number  `json:"epoch_ms"`
	ScalingK       Scaling            `json:"scaling_k"`
	ScalingWidth   Scaling            `json:"scaling_width"`
	LearnStepMs    Number             `json:"learn_step_ms"`
	TimeToAccuracy map[string]*Number `json:"time_to_accuracy_s"` // nil: not reached within the budget
	// TimeToAccuracyConfig states the training of each time-to-accuracy run.
	TimeToAccuracyConfig map[string]string `json:"time_to_accuracy_config"`
	// TimeToAccuracyRuns names the runs in the order they ran.
	TimeToAccuracyRuns []string `json:"-"`
	// Certified is the automatic mode's run: the oscillator over [0, 4π]
	// at tolerance CertifiedTolerance.
	Certified CertifiedRun `json:"time_to_certified"`
	Machine   Machine      `json:"machine"`
}

// CertifiedTolerance is the tolerance of the bench's automatic-mode run.
const CertifiedTolerance = 1e-8

// CertifiedRun is the bench's automatic-mode run (solver.SolveTolerance
// with the default choices, seed 1, MaxSeconds the budget): the wall time
// of the whole run, certificate included, when the tolerance was met (nil
// when not), the certified bound and the windows.
type CertifiedRun struct {
	Tolerance Number         `json:"tolerance"`
	Seconds   *Number        `json:"seconds"`
	Bound     *Number        `json:"bound"`
	Windows   []WindowReport `json:"windows"`
}

// certifiedRun times the automatic mode on p at CertifiedTolerance.
func certifiedRun(ctx context.Context, p *Problem, budget float64) (CertifiedRun, error) {
	run := CertifiedRun{Tolerance: CertifiedTolerance}
	start := time.Now()
	sol, err := solver.SolveTolerance(ctx, p.Problem, &solver.Settings{Tolerance: CertifiedTolerance, MaxSeconds: budget, Seed: 1}, nil)
	if err != nil {
		return run, err
	}
	secs := time.Since(start).Seconds()
	if t := sol.Training.Tolerance; t != nil {
		if t.Met {
			run.Seconds = num(secs)
		}
		if !math.IsInf(t.Bound, 0) {
			run.Bound = num(t.Bound)
		}
	}
	run.Windows = windowReports(sol)
	return run, nil
}

// Scaling is epoch time against one size, with the fitted exponent of
// epoch time ∝ size^exponent (least squares on log-log).
type Scaling struct {
	Exponent Number       `json:"exponent"`
	Points   []ScalePoint `json:"points"`
}

// ScalePoint is the epoch time at one size.
type ScalePoint struct {
	N       int    `json:"n"`
	EpochMs Number `json:"epoch_ms"`
}

// fit sets the exponent from the points.
func (s *Scaling) fit() {
	var x, y []float64
	for _, p := range s.Points {
		x, y = append(x, math.Log(float64(p.N))), append(y, math.Log(float64(p.EpochMs)))
	}
	s.Exponent = Number(slope(x, y))
}

func slope(x, y []float64) float64 {
	_, beta := stat.LinearRegression(x, y, nil, false)
	return beta
}

// Machine is what the benchmark ran on.
type Machine struct {
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	BLAS       string `json:"blas"`
	GoVersion  string `json:"go"`
	Arch       string `json:"arch"`
}

// Bench measures, on this machine: the median epoch time of the
// catalogue's nonlinear_oscillator and henon_heiles, its scaling with K
// and with the hidden width, one learned-H training step of
// learn_mass_spring, and the wall time to reach the accuracy of each
// time-to-accuracy run (accuracy always measured against the reference).
func Bench(ctx context.Context, set *BenchSettings) (*BenchReport, error) {
	var s BenchSettings
	if set != nil {
		s = *set
	}
	if s.Budget == 0 {
		s.Budget = 120
	}
	if !(s.Budget > 0) {
		return nil, fmt.Errorf("bench: budget %v must be positive", s.Budget)
	}
	stage := func(what string) {
		if s.Stage != nil {
			s.Stage(what)
		}
	}
	osc, err := Catalogued("nonlinear_oscillator")
	if err != nil {
		return nil, err
	}
	hh, err := Catalogued("henon_heiles")
	if err != nil {
		return nil, err
	}
	rep := &BenchReport{
		EpochMs:              map[string]Number{},
		TimeToAccuracy:       map[string]*Number{},
		TimeToAccuracyConfig: map[string]string{},
		Machine:              Machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), BLAS: nn.Kernels(), GoVersion: runtime.Version(), Arch: runtime.GOARCH},
	}
	for _, c := range []struct {
		key string
		p   *Problem
	}{{"oscillator", osc}, {"henon_heiles", hh}} {
		stage("epoch time: " + c.p.Name)
		ms, err := EpochMs(ctx, c.p.Problem, &c.p.Solver, 2000)
		if err != nil {
			return nil, err
		}
		rep.EpochMs[c.key] = Number(ms)
	}
	for _, k := range []int{100, 300, 1000, 3000, 10000} {
		stage(fmt.Sprintf("scaling: K = %d", k))
		pr := osc.Problem
		pr.K = k
		ms, err := EpochMs(ctx, pr, &osc.Solver, max(200, 2_000_000/k/10))
		if err != nil {
			return nil, err
		}
		rep.ScalingK.Points = append(rep.ScalingK.Points, ScalePoint{k, Number(ms)})
	}
	rep.ScalingK.fit()
	for _, w := range []int{16, 32, 64, 128, 256} {
		stage(fmt.Sprintf("scaling: width %d", w))
		set := osc.Solver
		set.Hidden = []int{w, w}
		ms, err := EpochMs(ctx, osc.Problem, &set, 500)
		if err != nil {
			return nil, err
		}
		rep.ScalingWidth.Points = append(rep.ScalingWidth.Points, ScalePoint{w, Number(ms)})
	}
	rep.ScalingWidth.fit()
	stage("learned-H step")
	ls, err := learnStepMs(ctx)
	if err != nil {
		return nil, err
	}
	rep.LearnStepMs = Number(ls)
	for _, run := range accuracyRuns {
		stage("time to accuracy: " + run.name)
		secs, err := timeToAccuracy(ctx, osc, run, s.Budget)
		if err != nil {
			return nil, err
		}
		rep.TimeToAccuracy[run.name] = secs
		rep.TimeToAccuracyConfig[run.name] = run.describe()
		rep.TimeToAccuracyRuns = append(rep.TimeToAccuracyRuns, run.name)
	}
	stage(fmt.Sprintf("time to a certified %g", CertifiedTolerance))
	if rep.Certified, err = certifiedRun(ctx, osc, s.Budget); err != nil {
		return nil, err
	}
	return rep, ctx.Err()
}

// EpochMs returns the median time of one epoch of Solve with set over
// blocks of 100 epochs, after 200 epochs of warm-up. Validation runs once
// per block on a two-point grid, a negligible cost.
func EpochMs(ctx context.Context, p solver.Problem, set *solver.Settings, epochs int) (float64, error) {
	const warm, block = 200, 100
	epochs = max(epochs, block) / block * block
	s := *set
	s.Epochs, s.ValidateEvery, s.ValidationPoints, s.PolishIterations, s.TargetError, s.StopWhen = warm+epochs, block, 2, 0, 0, nil
	var marks []time.Duration
	_, err := solver.Solve(ctx, p, &s, func(pr solver.Progress) {
		if pr.Epoch >= warm {
			marks = append(marks, pr.Elapsed)
		}
	})
	if err != nil {
		return 0, err
	}
	var per []float64
	for i := 1; i < len(marks); i++ {
		per = append(per, float64(marks[i]-marks[i-1])/float64(time.Millisecond)/block)
	}
	if len(per) == 0 {
		return math.NaN(), nil
	}
	return stats.Median(per), nil
}

// learnSteps is the number of training steps timed by learnStepMs.
const learnSteps = 300

// learnStepMs returns the wall time of one HNN training step of
// learn_mass_spring as 'hnn learn' runs it (solver.Learn on the catalogue's
// data and settings, learnSteps steps instead of the task's): ∇ₓH_θ by a
// reverse pass, the parameter gradient of the loss on it by reverse over
// reverse, and Adam.
func learnStepMs(ctx context.Context) (float64, error) {
	p, err := Catalogued("learn_mass_spring")
	if err != nil {
		return 0, err
	}
	train, test, _, err := p.LearnData(ctx)
	if err != nil {
		return 0, err
	}
	set := p.Learn.Settings
	set.Steps = learnSteps
	res, err := solver.Learn(ctx, train, test, &set, nil)
	if err != nil {
		return 0, err
	}
	return res.HNNSeconds / learnSteps * 1000, nil
}

// accuracyRun is a time-to-accuracy run: its targets and its training.
type accuracyRun struct {
	name      string
	lmax, err float64 // targets: ℓmax and max phase-space error (+Inf: none)
	hidden    []int
	epochs    int // Adam epochs at the catalogue's learning rate and betas
	polish    int // Levenberg–Marquardt iterations on the validation grid
	grid      int // points of the validation grid
}

// accuracyRuns are the time-to-accuracy runs of the oscillator: a short
// Adam phase from the catalogue's seed and settings, then the
// Levenberg–Marquardt polish, on narrower layers than the paper's (fewer
// parameters make each Gauss–Newton step cheap).
var accuracyRuns = []accuracyRun{
	{name: "paper", lmax: 3.3e-3, err: 1e-3, hidden: []int{16, 16}, epochs: 3000, polish: 2000, grid: 401},
	{name: "1e-5", lmax: math.Inf(1), err: 1e-5, hidden: []int{16, 16}, epochs: 2000, polish: 5000, grid: 401},
}

func (r accuracyRun) describe() string {
	return fmt.Sprintf("K = 200, hidden %v, sin, seed 1, %d Adam epochs (lr 8e-3, betas 0.999, 0.9999, jitter 0.06π), then up to %d Levenberg–Marquardt iterations on a validation grid of %d points; accuracy checked against DOP853 on 4001 points", r.hidden, r.epochs, r.polish, r.grid)
}

// settings returns the run's training settings.
func (r accuracyRun) settings(p *Problem) *solver.Settings {
	set := p.Solver
	set.Hidden = append([]int(nil), r.hidden...)
	set.Epochs, set.PolishIterations, set.PolishMethod, set.ValidationPoints = r.epochs, r.polish, solver.PolishLM, r.grid
	return &set
}

// timeToAccuracy trains p as run says and returns the wall time at which a
// validated model first has ℓmax ≤ run.lmax and max phase-space error ≤
// run.err against the reference, both on 20 points per training spacing,
// or nil when the budget (seconds) ran out first.
func timeToAccuracy(ctx context.Context, p *Problem, run accuracyRun, budget float64) (*Number, error) {
	ref, err := (&symplectic.DOP853{}).Solve(ctx, symplectic.HamiltonianSystem(p.H), p.Z0, 0, p.T)
	if err != nil {
		return nil, err
	}
	grid := errorbound.Grid(0, p.T, 20*p.K)
	set := run.settings(p)
	start := time.Now()
	var reached *Number
	bctx, cancel := context.WithTimeout(ctx, time.Duration(budget*float64(time.Second)))
	defer cancel()
	set.StopWhen = func(sol *solver.Solution) (bool, string) {
		if sol.Training.BestLMax > run.lmax {
			return false, ""
		}
		c := errorbound.Compare(p.H, sol, ref, grid)
		if c.Max > run.err || !math.IsInf(run.lmax, 1) && sol.LMax(20*p.K) > run.lmax {
			return false, ""
		}
		reached = num(time.Since(start).Seconds())
		return true, "accuracy reached"
	}
	if _, err := solver.Solve(bctx, p.Problem, set, nil); err != nil {
		return nil, err
	}
	return reached, nil
}
