package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/internal/nn"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure training speed and time to accuracy on this machine",
		usage:   "bench [--json] [-o DIR] [--budget SECONDS]",
		help: `
Measures, on this machine:

  epoch_ms            median time of one training epoch of the paper's
                      oscillator and Hénon–Heiles configurations, over 2000
                      epochs after 200 of warm-up (blocks of 100 epochs)
  scaling_k           epoch time for K = 100 … 10 000 training points, and the
                      fitted exponent of epoch time against K
  scaling_width       epoch time for hidden widths 16 … 256 (K = 200), and the
                      fitted exponent
  learn_step_ms       one HNN training step of learn_mass_spring as 'hnn learn'
                      runs it (the catalogue's data and network; ∇H by a
                      reverse pass, reverse over reverse, Adam), over 300 steps
  time_to_accuracy_s  wall time of training the oscillator until ℓmax ≤ 3.3e-3
                      and max phase-space error ≤ 1e-3 against the reference
                      ("paper"), and until max error ≤ 1e-5 on [0, 4π] ("1e-5");
                      null when not reached within --budget seconds. Both runs
                      use Adam, then the Levenberg–Marquardt polish, on
                      narrower layers than the paper's; time_to_accuracy_config
                      states each run's training

Epoch times use all the processors Go is given (GOMAXPROCS): the time points
are split into chunks trained in parallel. The accuracy is always measured
against the reference solution (DOP853) on 20 points per training spacing,
never assumed. Results go to stdout as a table, or as JSON with --json, and to
DIR/bench.json.

Examples:
  hnn bench
  hnn bench --json --budget 60 > bench.json
`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			o := &benchOpts{}
			fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
			fs.StringVar(&o.dir, "o", "", "output directory (default out/bench)")
			fs.Float64Var(&o.budget, "budget", 120, "seconds allowed for each time-to-accuracy run")
			return o.run
		},
	})
}

type benchOpts struct {
	json   bool
	dir    string
	budget float64
}

type benchReport struct {
	EpochMs        map[string]problems.Number  `json:"epoch_ms"`
	ScalingK       scaling            `json:"scaling_k"`
	ScalingWidth   scaling            `json:"scaling_width"`
	LearnStepMs    problems.Number             `json:"learn_step_ms"`
	TimeToAccuracy map[string]*problems.Number `json:"time_to_accuracy_s"`
	// TimeToAccuracyConfig states the training of each time-to-accuracy run.
	TimeToAccuracyConfig map[string]string `json:"time_to_accuracy_config"`
	Machine              machineInfo       `json:"machine"`
}

// scaling is epoch time against one size, with the fitted exponent of
// epoch time ∝ size^exponent.
type scaling struct {
	Exponent problems.Number       `json:"exponent"`
	Points   []scalePoint `json:"points"`
}

type scalePoint struct {
	N       int    `json:"n"`
	EpochMs problems.Number `json:"epoch_ms"`
}

// fit sets the exponent from the points.
func (s *scaling) fit() {
	var x, y []float64
	for _, p := range s.Points {
		x, y = append(x, math.Log(float64(p.N))), append(y, math.Log(float64(p.EpochMs)))
	}
	s.Exponent = problems.Number(fitSlope(x, y))
}

type machineInfo struct {
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	BLAS       string `json:"blas"`
	GoVersion  string `json:"go"`
	Arch       string `json:"arch"`
}

func (o *benchOpts) run(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("usage: hnn bench [--json] [-o DIR]", "bench: unexpected arguments %q", args)
	}
	if !(o.budget > 0) {
		return usageError("", "bench: --budget %v must be positive", o.budget)
	}
	dir := o.dir
	if dir == "" {
		dir = filepath.Join("out", "bench")
	}
	osc, err := problems.Catalogued("nonlinear_oscillator")
	if err != nil {
		return err
	}
	hh, err := problems.Catalogued("henon_heiles")
	if err != nil {
		return err
	}
	prog := newProgress(e)
	step := func(what string) { prog.show(0, 1, 0, what) }
	rep := benchReport{
		EpochMs:              map[string]problems.Number{},
		TimeToAccuracy:       map[string]*problems.Number{},
		TimeToAccuracyConfig: map[string]string{},
		Machine:              machineInfo{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), BLAS: nn.Kernels(), GoVersion: runtime.Version(), Arch: runtime.GOARCH},
	}
	for _, c := range []struct {
		key string
		p   *problems.Problem
	}{{"oscillator", osc}, {"henon_heiles", hh}} {
		step("epoch time: " + c.p.Name)
		ms, err := epochMs(ctx, c.p.Problem, &c.p.Solver, 2000)
		if err != nil {
			return err
		}
		rep.EpochMs[c.key] = problems.Number(ms)
	}
	for _, k := range []int{100, 300, 1000, 3000, 10000} {
		step(fmt.Sprintf("scaling: K = %d", k))
		pr := osc.Problem
		pr.K = k
		ms, err := epochMs(ctx, pr, &osc.Solver, max(200, 2_000_000/k/10))
		if err != nil {
			return err
		}
		rep.ScalingK.Points = append(rep.ScalingK.Points, scalePoint{k, problems.Number(ms)})
	}
	rep.ScalingK.fit()
	for _, w := range []int{16, 32, 64, 128, 256} {
		step(fmt.Sprintf("scaling: width %d", w))
		set := osc.Solver
		set.Hidden = []int{w, w}
		ms, err := epochMs(ctx, osc.Problem, &set, 500)
		if err != nil {
			return err
		}
		rep.ScalingWidth.Points = append(rep.ScalingWidth.Points, scalePoint{w, problems.Number(ms)})
	}
	rep.ScalingWidth.fit()
	step("learned-H step")
	ls, err := learnStepMs(ctx)
	if err != nil {
		return err
	}
	rep.LearnStepMs = problems.Number(ls)
	for _, run := range accuracyRuns {
		step("time to accuracy: " + run.name)
		s, err := timeToAccuracy(ctx, osc, run, o.budget)
		if err != nil {
			return err
		}
		rep.TimeToAccuracy[run.name] = s
		rep.TimeToAccuracyConfig[run.name] = run.describe()
	}
	prog.done()
	js, err := problems.MarshalReport(rep)
	if err != nil {
		return err
	}
	if err := writeFiles(dir, map[string][]byte{"bench.json": js}); err != nil {
		return err
	}
	if o.json {
		_, err := e.stdout.Write(js)
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "machine: %d cores, GOMAXPROCS %d, %s, %s\n", rep.Machine.Cores, rep.Machine.GOMAXPROCS, rep.Machine.BLAS, rep.Machine.GoVersion)
	fmt.Fprintf(w, "epoch (median): oscillator %.3g ms, henon_heiles %.3g ms\n", float64(rep.EpochMs["oscillator"]), float64(rep.EpochMs["henon_heiles"]))
	fmt.Fprintf(w, "epoch vs K (exponent %.2f):", float64(rep.ScalingK.Exponent))
	for _, s := range rep.ScalingK.Points {
		fmt.Fprintf(w, " %d: %.3g ms", s.N, float64(s.EpochMs))
	}
	fmt.Fprintf(w, "\nepoch vs width (exponent %.2f):", float64(rep.ScalingWidth.Exponent))
	for _, s := range rep.ScalingWidth.Points {
		fmt.Fprintf(w, " %d: %.3g ms", s.N, float64(s.EpochMs))
	}
	fmt.Fprintf(w, "\nlearned-H step (learn_mass_spring network): %.3g ms\n", float64(rep.LearnStepMs))
	for _, run := range accuracyRuns {
		if v := rep.TimeToAccuracy[run.name]; v != nil {
			fmt.Fprintf(w, "time to accuracy %s: %.3g s\n", run.name, float64(*v))
		} else {
			fmt.Fprintf(w, "time to accuracy %s: not reached within %g s\n", run.name, o.budget)
		}
		fmt.Fprintf(w, "  (%s)\n", run.describe())
	}
	fmt.Fprintf(w, "wrote %s\n", filepath.Join(dir, "bench.json"))
	return nil
}

// epochMs returns the median time of one epoch over blocks of 100 epochs,
// after 200 epochs of warm-up. Validation runs once per block on a
// two-point grid, a negligible cost.
func epochMs(ctx context.Context, p solver.Problem, set *solver.Settings, epochs int) (float64, error) {
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
	sort.Float64s(per)
	return per[len(per)/2], nil
}

// learnSteps is the problems.Number of training steps timed by learnStepMs.
const learnSteps = 300

// learnStepMs returns the wall time of one HNN training step of
// learn_mass_spring as 'hnn learn' runs it (solver.Learn on the catalogue's
// data and settings, learnSteps steps instead of the task's): ∇ₓH_θ by a
// reverse pass, the parameter gradient of the loss on it by reverse over
// reverse, and Adam.
func learnStepMs(ctx context.Context) (float64, error) {
	p, err := problems.Catalogued("learn_mass_spring")
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
// Levenberg–Marquardt polish (solver.Settings.PolishMethod "lm"), on
// narrower layers than the paper's (fewer parameters make each
// Gauss–Newton step cheap).
var accuracyRuns = []accuracyRun{
	{name: "paper", lmax: 3.3e-3, err: 1e-3, hidden: []int{16, 16}, epochs: 3000, polish: 2000, grid: 401},
	{name: "1e-5", lmax: math.Inf(1), err: 1e-5, hidden: []int{16, 16}, epochs: 2000, polish: 5000, grid: 401},
}

func (r accuracyRun) describe() string {
	return fmt.Sprintf("K = 200, hidden %v, sin, seed 1, %d Adam epochs (lr 8e-3, betas 0.999, 0.9999, jitter 0.06π), then up to %d Levenberg–Marquardt iterations on a validation grid of %d points; accuracy checked against DOP853 on 4001 points", r.hidden, r.epochs, r.polish, r.grid)
}

// settings returns the run's training settings.
func (r accuracyRun) settings(p *problems.Problem) *solver.Settings {
	set := p.Solver
	set.Hidden = append([]int(nil), r.hidden...)
	set.Epochs, set.PolishIterations, set.PolishMethod, set.ValidationPoints = r.epochs, r.polish, solver.PolishLM, r.grid
	return &set
}

// timeToAccuracy trains the oscillator as run says and returns the wall
// time at which a validated model first has ℓmax ≤ run.lmax and max
// phase-space error ≤ run.err against the reference, both on 20 points per
// training spacing, or nil.
func timeToAccuracy(ctx context.Context, p *problems.Problem, run accuracyRun, budget float64) (*problems.Number, error) {
	ref, err := (&symplectic.DOP853{}).Solve(ctx, symplectic.HamiltonianSystem(p.H), p.Z0, 0, p.T)
	if err != nil {
		return nil, err
	}
	grid := errorbound.Grid(0, p.T, 20*p.K)
	set := run.settings(p)
	start := time.Now()
	var reached *problems.Number
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
		s := problems.Number(time.Since(start).Seconds())
		reached = &s
		return true, "accuracy reached"
	}
	if _, err := solver.Solve(bctx, p.Problem, set, nil); err != nil {
		return nil, err
	}
	return reached, nil
}

// fitSlope returns the least-squares slope of y against x.
func fitSlope(x, y []float64) float64 {
	var sx, sy, sxx, sxy float64
	n := float64(len(x))
	for i := range x {
		sx, sy, sxx, sxy = sx+x[i], sy+y[i], sxx+x[i]*x[i], sxy+x[i]*y[i]
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}
