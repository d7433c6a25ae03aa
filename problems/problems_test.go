package problems

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

// The catalogue problems with facts stated in the papers.
func TestCatalog(t *testing.T) {
	want := map[string]struct {
		dim    int
		points int
		end    float64
		e0     float64 // H(z0), from the paper where it gives one
		tol    float64 // the paper rounds E0 to two digits
		sep    bool
	}{
		"nonlinear_oscillator": {2, 200, 4 * math.Pi, 2.06, 0.005, true}, // 003 §III.A: E0 = 2.06
		"henon_heiles":         {4, 100, 6 * math.Pi, 0.13, 0.005, true}, // 003 §III.B: E0 = 0.13
		"mass_spring":          {2, 200, 4 * math.Pi, 0.5, 1e-15, true},
		"pendulum":             {2, 200, 4 * math.Pi, 6*(1-math.Cos(0.7)) + 0.045, 1e-14, true},
		"two_body":             {8, 200, 8, 0.95*0.95*0.5 - 1, 1e-14, true},
		"three_body":           {12, 200, 6.32591398, -1.2871, 1e-3, true}, // figure-eight energy ≈ −1.287
		// The experiments of hnn reproduce, with the paper's K and intervals.
		"paper_fig2":            {2, 200, 4 * math.Pi, 2.06, 0.005, true},
		"paper_fig3":            {2, 200, 4 * math.Pi, 2.06, 0.005, true},
		"paper_fig4":            {2, 500, 20 * math.Pi, 2.06, 0.005, true},
		"paper_fig5":            {4, 100, 6 * math.Pi, 0.13, 0.005, true},
		"paper_fig6":            {4, 100, 6 * math.Pi, 0.13, 0.005, true},
		"paper_fig7":            {4, 500, 12 * math.Pi, 0.13, 0.005, true},
		"paper_eq12_lagrangian": {2, 200, 4 * math.Pi, 2.06, 0.005, true},
		// The automatic mode's long horizons (issue 13).
		"henon_heiles_long": {4, 500, 12 * math.Pi, 0.13, 0.005, true},
		"oscillator_long":   {2, 500, 20 * math.Pi, 2.06, 0.005, true},
		"henon_heiles_100":  {4, 500, 100, 0.13, 0.005, true},
	}
	list, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}

	learnTasks := 0
	defer func() {
		if len(list)-learnTasks != len(want) {
			t.Errorf("catalogue has %d solve problems, want %d", len(list)-learnTasks, len(want))
		}
	}()
	for _, ent := range list {
		if strings.HasPrefix(ent.Name, "learn_") {
			learnTasks++
			p, err := Load(ent.Name)
			if err != nil || p.Learn == nil || ent.Description == "" {
				t.Errorf("%s: %v", ent.Name, err)
			}
			continue
		}
		w, ok := want[ent.Name]
		if !ok {
			t.Errorf("unexpected catalogue entry %q", ent.Name)
			continue
		}
		if ent.Description == "" || strings.Contains(ent.Description, "\n") {
			t.Errorf("%s: description must be one line, got %q", ent.Name, ent.Description)
		}
		p, err := Load(ent.Name)
		if err != nil {
			t.Fatalf("%s: %v", ent.Name, err)
		}
		if p.Dim() != w.dim || p.K != w.points || math.Abs(p.T-w.end) > 1e-12 {
			t.Errorf("%s: dim %d points %d end %v, want %d %d %v", ent.Name, p.Dim(), p.K, p.T, w.dim, w.points, w.end)
		}
		if e0 := p.H.H(p.Z0); math.Abs(e0-w.e0) > w.tol {
			t.Errorf("%s: H(z0) = %v, want %v ± %v", ent.Name, e0, w.e0, w.tol)
		}
		if _, ok := p.H.(hamiltonians.Separable); ok != w.sep {
			t.Errorf("%s: separable %v, want %v", ent.Name, ok, w.sep)
		}
		if _, ok := p.H.(hamiltonians.Hesser); !ok {
			t.Errorf("%s: compiled Hamiltonian has no exact Hessian", ent.Name)
		}
		// Fixed settings, or the automatic mode with its tolerance.
		fixed := p.Solver.Epochs != 0 && len(p.Solver.Hidden) != 0 && p.Solver.LearningRate != 0
		if !fixed && !(p.Solver.Tolerance > 0) || fixed && p.Solver.Tolerance != 0 {
			t.Errorf("%s: the catalogue must carry training settings or a tolerance, got %+v", ent.Name, p.Solver)
		}
	}
}

// A file without a solver section is the automatic mode at the default
// tolerance; one with a section and no tolerance keeps fixed settings.
func TestDefaultIsAutomatic(t *testing.T) {
	src := "coordinates: [x]\nhamiltonian: px^2/2 + x^2/2\ninitial: {x: 1, px: 0}\ntime: {end: 1, points: 10}\n"
	p, err := Parse([]byte(src), "auto.yaml", "auto")
	if err != nil {
		t.Fatal(err)
	}
	if p.Solver.Tolerance != solver.DefaultTolerance {
		t.Errorf("tolerance %v, want the default %v", p.Solver.Tolerance, solver.DefaultTolerance)
	}
	p, err = Parse([]byte(src+"solver: {seed: 2, max_seconds: 30}\n"), "fixed.yaml", "fixed")
	if err != nil {
		t.Fatal(err)
	}
	if p.Solver.Tolerance != 0 || p.Solver.MaxSeconds != 30 {
		t.Errorf("tolerance %v, max seconds %v; want 0 and 30", p.Solver.Tolerance, p.Solver.MaxSeconds)
	}
	if _, err = Parse([]byte(src+"solver: {tolerance: -1}\n"), "bad.yaml", "bad"); err == nil || !strings.Contains(err.Error(), "solver.tolerance") {
		t.Errorf("negative tolerance: %v", err)
	}
	// time.points is optional in the automatic mode only.
	nopts := strings.Replace(src, ", points: 10", "", 1)
	p, err = Parse([]byte(nopts), "auto.yaml", "auto")
	if err != nil {
		t.Fatal(err)
	}
	if p.K != AutoPoints {
		t.Errorf("K = %d without time.points in the automatic mode, want %d", p.K, AutoPoints)
	}
	if p, err = Parse([]byte(nopts+"solver: {tolerance: 1e-6}\n"), "auto.yaml", "auto"); err != nil || p.K != AutoPoints {
		t.Errorf("solver.tolerance without time.points: K %v, %v", p, err)
	}
	if _, err = Parse([]byte(nopts+"solver: {seed: 2}\n"), "fixed.yaml", "fixed"); err == nil || !strings.Contains(err.Error(), "time.points") {
		t.Errorf("fixed settings without time.points: %v, want an error naming time.points", err)
	}
}

func TestPaperSettings(t *testing.T) {
	p, err := Load("nonlinear_oscillator")
	if err != nil {
		t.Fatal(err)
	}
	s := p.Solver
	// 003 §III.A as the paper's code runs it: two hidden layers of 50, sin,
	// 5·10^4 epochs, lr 8·10^-3, jitter std Δt·0.03·T with Δt = T/(K−1),
	// energy term weight 1.
	T := 4 * math.Pi
	if len(s.Hidden) != 2 || s.Hidden[0] != 50 || s.Epochs != 50000 || s.LearningRate != 8e-3 || math.Abs(s.Jitter-T/199*0.03*T) > 1e-15 || s.Activation != "sin" || s.Trial != "exp" || s.EnergyWeight != 1 {
		t.Errorf("oscillator settings %+v differ from the paper's code", s)
	}
	if got := p.Z0; got[0] != 1.3 || got[1] != 1.0 {
		t.Errorf("initial %v, want (1.3, 1.0)", got)
	}
}

func TestExpressionsAndDefaults(t *testing.T) {
	src := `
coordinates: [x, y]
parameters: {g: 3, h: 2*g}
hamiltonian: (px^2 + py^2)/2 + g*x^2 + h*y^2
initial: {x: 1/2, y: -g/6, px: 0, py: sin(pi/2)}
time: {end: 6*pi, points: 2*50}
solver: {epochs: 1e3, seed: 18446744073709551615, jitter: 0, hidden: [8*2]}
`
	p, err := Parse([]byte(src), "t.yaml", "t")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "t" {
		t.Errorf("name %q, want the default t", p.Name)
	}
	if strings.Join(p.Momenta, ",") != "px,py" {
		t.Errorf("default momenta %v, want [px py]", p.Momenta)
	}
	want := []float64{0.5, -0.5, 0, 1}
	for i := range want {
		if p.Z0[i] != want[i] {
			t.Errorf("initial %v, want %v", p.Z0, want)
			break
		}
	}
	if p.T != 6*math.Pi || p.K != 100 || p.Solver.Epochs != 1000 || p.Solver.Seed != math.MaxUint64 || p.Solver.Hidden[0] != 16 {
		t.Errorf("got end %v points %d epochs %d seed %d hidden %v", p.T, p.K, p.Solver.Epochs, p.Solver.Seed, p.Solver.Hidden)
	}
	if !p.Solver.NoJitter || p.Solver.Jitter != 0 {
		t.Errorf("explicit jitter 0 lost: %v, no jitter %v", p.Solver.Jitter, p.Solver.NoJitter)
	}
	if len(p.Parameters) != 2 || p.Parameters[1].Value != 6 {
		t.Errorf("parameters %+v, want g=3, h=6", p.Parameters)
	}
}

// Every bad input gets an *Error naming the file and the key.
func TestBadInput(t *testing.T) {
	const ok = `coordinates: [x]
momenta: [p]
hamiltonian: p^2/2 + x^2/2
initial: {x: 1, p: 0}
time: {end: 1, points: 10}
`
	cases := []struct {
		name, src string
		key       string // expected Error.Key ("" for file-level errors)
		msg       string // expected substring
	}{
		{"empty", "", "", "empty"},
		{"blank", "  \n\n", "", "empty"},
		{"malformed", "coordinates: [x\n", "", "malformed YAML"},
		{"not a mapping", "- a\n- b\n", "", "mapping"},
		{"unknown key", ok + "solvr: {}\n", "solvr", `unknown key "solvr"`},
		{"unknown nested key", ok + "solver: {epoch: 3}\n", "solver.epoch", "known keys here"},
		{"unknown time key", strings.Replace(ok, "points: 10", "points: 10, start: 0", 1), "time.start", "unknown key"},
		{"formula unknown name", strings.Replace(ok, "x^2/2", "z^2/2", 1), "hamiltonian", `"z"`},
		{"formula unbalanced", strings.Replace(ok, "p^2/2", "(p^2/2", 1), "hamiltonian", "column"},
		{"formula missing", strings.Replace(ok, "hamiltonian: p^2/2 + x^2/2\n", "", 1), "hamiltonian", "missing"},
		{"missing initial value", strings.Replace(ok, "{x: 1, p: 0}", "{x: 1}", 1), "initial", "no initial value for p"},
		{"extra initial value", strings.Replace(ok, "{x: 1, p: 0}", "{x: 1, p: 0, y: 2}", 1), "initial.y", "not a coordinate"},
		{"duplicate initial value", strings.Replace(ok, "{x: 1, p: 0}", "{x: 1, p: 0, x: 2}", 1), "", "x"},
		{"zero end", strings.Replace(ok, "end: 1", "end: 0", 1), "time.end", "> 0"},
		{"negative end", strings.Replace(ok, "end: 1", "end: -pi", 1), "time.end", "> 0"},
		{"nan", strings.Replace(ok, "x: 1,", "x: .nan,", 1), "initial.x", "finite"},
		{"inf", strings.Replace(ok, "end: 1", "end: .inf", 1), "time.end", "finite"},
		{"inf expression", strings.Replace(ok, "end: 1", "end: 1e308*10", 1), "time.end", "finite"},
		{"huge points", strings.Replace(ok, "points: 10", "points: 1e12", 1), "time.points", "out of range"},
		{"one point", strings.Replace(ok, "points: 10", "points: 1", 1), "time.points", "out of range"},
		{"fractional points", strings.Replace(ok, "points: 10", "points: 10.5", 1), "time.points", "whole number"},
		{"missing time", strings.Replace(ok, "time: {end: 1, points: 10}\n", "", 1), "time.end", "missing"},
		{"bool number", strings.Replace(ok, "end: 1", "end: true", 1), "time.end", "expected a number"},
		{"unknown name in number", strings.Replace(ok, "end: 1", "end: 2*q", 1), "time.end", `"q"`},
		{"coordinates scalar", strings.Replace(ok, "[x]", "x", 1), "", "list"},
		{"too many momenta", strings.Replace(ok, "[p]", "[p, q]", 1), "momenta", "2 momenta for 1"},
		{"duplicate names", strings.Replace(ok, "[p]", "[x]", 1), "momenta", "twice"},
		{"bad name", strings.Replace(ok, "[x]", "[2x]", 1), "coordinates", "not a name"},
		{"param shadows variable", ok + "parameters: {x: 1}\n", "parameters.x", "coordinate"},
		{"huge width", ok + "solver: {hidden: [100000]}\n", "solver.hidden[0]", "out of range"},
		{"huge epochs", ok + "solver: {epochs: 1e12}\n", "solver.epochs", "out of range"},
		{"bad activation", ok + "solver: {activation: swish}\n", "solver.activation", "sin, tanh"},
		{"bad polish method", ok + "solver: {polish_method: newton}\n", "solver.polish_method", "lbfgs, lm"},
		{"bad lr", ok + "solver: {learning_rate: -1}\n", "solver.learning_rate", "out of range"},
		{"bad formulation", ok + "solver: {formulation: newtonian}\n", "solver.formulation", "hamiltonian, lagrangian"},
		{"lagrangian non-separable", strings.Replace(ok, "p^2/2 + x^2/2", "p^2/2*(1 + x^2)", 1) + "solver: {formulation: lagrangian}\n", "solver.formulation", "|p|²/2 + V(q)"},
		{"lagrangian heavy", strings.Replace(ok, "p^2/2 + x^2/2", "p^2 + x^2/2", 1) + "solver: {formulation: lagrangian}\n", "solver.formulation", "|p|²/2 + V(q)"},
		{"euler factor zero", ok + "compare: {euler_factors: [0]}\n", "compare.euler_factors[0]", "out of range"},
		{"H not finite at z0", strings.Replace(ok, "p^2/2 + x^2/2", "p^2/2 + 1/x", 1) + "", "", ""},
		{"bad problem name", ok + "name: ../evil\n", "name", "not a usable name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := c.src
			if c.name == "H not finite at z0" {
				src = strings.Replace(src, "{x: 1, p: 0}", "{x: 0, p: 0}", 1)
				c.key, c.msg = "initial", "not finite"
			}
			_, err := Parse([]byte(src), "bad.yaml", "bad")
			if err == nil {
				t.Fatalf("accepted:\n%s", src)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *problems.Error", err, err)
			}
			if pe.File != "bad.yaml" || !strings.HasPrefix(err.Error(), "bad.yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
			if c.key != "" && pe.Key != c.key {
				t.Errorf("key %q, want %q (%v)", pe.Key, c.key, err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("message %q does not contain %q", err, c.msg)
			}
		})
	}
}

func TestFormulaErrorKeepsSyntaxError(t *testing.T) {
	src := "coordinates: [x]\nhamiltonian: px^2/2 + x^2/2 + zz\ninitial: {x: 1, px: 0}\ntime: {end: 1, points: 10}\n"
	_, err := Parse([]byte(src), "f.yaml", "f")
	var se *hamiltonians.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v does not wrap a *hamiltonians.SyntaxError", err)
	}
	if se.Col != 18 {
		t.Errorf("column %d, want 18", se.Col)
	}
	if !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "^") {
		t.Errorf("message lacks the line or the caret: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "my_osc.yaml")
	b, _ := CatalogYAML("nonlinear_oscillator")
	if err := os.WriteFile(good, []byte(strings.Replace(string(b), "name: nonlinear_oscillator\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "my_osc" || p.Source != good {
		t.Errorf("name %q source %q; want the file's base name and path", p.Name, p.Source)
	}
	for _, c := range []struct{ arg, msg string }{
		{"", "no problem given"},
		{dir, "is a directory"},
		{filepath.Join(dir, "missing.yaml"), "no such file"},
		{"no_such_problem", "the catalogue has: henon_heiles"},
	} {
		if _, err := Load(c.arg); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Load(%q) = %v, want an error containing %q", c.arg, err, c.msg)
		}
	}
	if p, err := Load("henon_heiles.yaml"); err != nil || p.Name != "henon_heiles" {
		t.Errorf("catalogue name with .yaml: %v", err)
	}
	// A directory named like a catalogue problem (the output folder of
	// 'hnn solve henon_heiles -o henon_heiles') is not a problem file:
	// the name still means the catalogue's.
	t.Chdir(dir)
	if err := os.Mkdir("henon_heiles", 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := Load("henon_heiles"); err != nil || p.Name != "henon_heiles" || p.Source != "catalog/henon_heiles.yaml" {
		t.Errorf("catalogue name shadowed by a directory: %v", err)
	}
}

// LearnData follows the analytic H: every target is J∇H at the clean state,
// so with zero noise ẋ·∇H = 0 and H is constant along each trajectory.
func TestLearnData(t *testing.T) {
	p, err := Load("learn_pendulum")
	if err != nil {
		t.Fatal(err)
	}
	p.Learn.Noise = 0
	train, test, starts, err := p.LearnData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 25*45 || test.N != 25*45 || len(starts) != 15 {
		t.Fatalf("sizes %d %d %d", train.N, test.N, len(starts))
	}
	g := make([]float64, 2)
	for i := 0; i < train.N; i++ {
		x := train.X[2*i : 2*i+2]
		p.H.Grad(g, x)
		// Exact derivative: q̇ = ∂H/∂p, ṗ = −∂H/∂q, to rounding.
		if math.Abs(train.DX[2*i]-g[1]) > 1e-12 || math.Abs(train.DX[2*i+1]+g[0]) > 1e-12 {
			t.Fatalf("target %v at %v is not J∇H = (%g, %g)", train.DX[2*i:2*i+2], x, g[1], -g[0])
		}
	}
	// Energy along the first trajectory: DOP853 at 1e-10 keeps it to 1e-8.
	e0 := p.H.H(train.X[:2])
	for j := 0; j < 45; j++ {
		if e := p.H.H(train.X[2*j : 2*j+2]); math.Abs(e-e0) > 1e-8 {
			t.Fatalf("energy drifts along the trajectory: %g vs %g", e, e0)
		}
	}
	// The trajectories start at a radius within [1.3, 2.3].
	for k := 0; k < 25; k++ {
		x := train.X[2*45*k : 2*45*k+2]
		if r := math.Hypot(x[0], x[1]); r < 1.3-1e-12 || r > 2.3+1e-12 {
			t.Errorf("trajectory %d starts at radius %g, outside [1.3, 2.3]", k, r)
		}
	}
	// The energy metric's states (energy_init: signed): |q|, |p| in [0.2, 1],
	// both signs drawn.
	signs := map[bool]int{}
	for _, s := range starts {
		for _, v := range s.X0 {
			if a := math.Abs(v); a < 0.2 || a > 1 {
				t.Errorf("energy initial state %v outside ±[0.2, 1]", s.X0)
			}
			signs[v > 0]++
		}
	}
	if signs[true] == 0 || signs[false] == 0 {
		t.Errorf("energy initial states draw one sign only: %v", signs)
	}
	// Same seed, same data.
	again, _, _, _ := p.LearnData(context.Background())
	for i := range train.X {
		if train.X[i] != again.X[i] {
			t.Fatal("data generation is not deterministic")
		}
	}
}

func TestLearnErrors(t *testing.T) {
	base := "coordinates: [q]\nmomenta: [p]\nhamiltonian: q^2 + p^2\nlearn: {%s}\n"
	for _, c := range []struct{ body, key string }{
		{"trajectories: 1", "learn.trajectories"},
		{"radius: [1]", "learn.radius"},
		{"radius: [2, 1]", "learn.radius"},
		{"test_trajectories: 60", "learn.test_trajectories"},
		{"noise: -1", "learn.noise"},
		{"activation: swish", "learn.activation"},
		{"stepz: 3", "learn.stepz"},
		{"trajectories: 100000, points: 1000", "learn.points"},
		{"energy_init: box", "learn.energy_init"},
		{"energy_range: [0, 1]", "learn.energy_range"},
		{"orbit_position: square", "learn.orbit_position"},
		{"energy: q^", "learn.energy"},
		{"energy_time_growth: 0", "learn.energy_time_growth"},
		{"energy_time_growth: 3", "learn.energy_time_growth"}, // 20·3^14 > MaxEnergySpan
		{"energy_time: 2e6", "learn.energy_time"},
		{"seeds: 0", "learn.seeds"},
		{"seeds: 1001", "learn.seeds"},
	} {
		_, err := Parse([]byte(fmt.Sprintf(base, c.body)), "l.yaml", "l")
		var pe *Error
		if !errors.As(err, &pe) || pe.Key != c.key {
			t.Errorf("%s: %v, want key %s", c.body, err, c.key)
		}
	}
}

// learn.energy replaces the compared quantity, not the Hamiltonian.
func TestLearnEnergy(t *testing.T) {
	src := "coordinates: [q]\nmomenta: [p]\nhamiltonian: 3*(1 - cos(q)) + p^2\nlearn: {energy: q^2 + p^2}\n"
	p, err := Parse([]byte(src), "l.yaml", "l")
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{1, 0.5}
	if e, h := p.Learn.Energy.H(x), p.H.H(x); e != 1.25 || h != 3*(1-math.Cos(1))+0.25 {
		t.Errorf("energy %g, H %g at %v", e, h, x)
	}
}

func TestObservations(t *testing.T) {
	p, err := Load("learn_real_pendulum")
	if err != nil {
		t.Fatal(err)
	}
	train, test, cases, err := p.LearnData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// 556 rows give 555 forward differences: 445 train, 110 test.
	if train.N != 445 || test.N != 110 || len(cases) != 15 {
		t.Fatalf("train %d test %d cases %d", train.N, test.N, len(cases))
	}
	// First target: (θ(5+1/6) − θ(5))·6 from the file's first two rows.
	want := (1.2753554896511765 - 1.1383885512243586) / (5.166666666666667 - 5.0)
	if math.Abs(train.DX[0]-want) > 1e-12 {
		t.Errorf("first target %g, want %g", train.DX[0], want)
	}
	if c := cases[0]; c.Observed == nil || len(c.Observed.T) != 111 || c.Observed.T[0] != 0 {
		t.Errorf("first energy case: %+v", c.Observed)
	}

	bad := []struct{ data, msg string }{
		{"% header\n0 0 1\n", "columns"},
		{"0 0 1 x\n0 1 1 2\n0 2 1 2\n", "not a finite number"},
		{"0 0 1 2\n0 0 1 2\n0 1 1 2\n", "does not increase"},
		{"0 0 1 2\n1 0 1 2\n0 1 1 2\n", "continues after"},
		{"0 0 1 nan\n", "not a finite number"},
		{"0 0 1 2\n", "need at least 3"},
	}
	for _, b := range bad {
		_, err := readObservations(strings.NewReader(b.data), "d.txt", 2)
		if err == nil || !strings.Contains(err.Error(), b.msg) || !strings.HasPrefix(err.Error(), "d.txt") {
			t.Errorf("%q: %v, want %q", b.data, err, b.msg)
		}
	}
	dir := t.TempDir()
	src := "coordinates: [q]\nmomenta: [p]\nhamiltonian: p^2/2 + q^2/2\nlearn: {file: missing.txt}\n"
	os.WriteFile(filepath.Join(dir, "l.yaml"), []byte(src), 0o644)
	lp, err := Load(filepath.Join(dir, "l.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := lp.LearnData(context.Background()); err == nil || !strings.Contains(err.Error(), "learn.file") {
		t.Errorf("missing data file: %v", err)
	}
}

// Orbit initial states: centre of mass and total momentum zero, and without
// noise a rigidly rotating polygon whose separations stay constant.
func TestOrbitState(t *testing.T) {
	for _, c := range []struct {
		n   int
		box bool
	}{{2, false}, {3, false}, {2, true}, {3, true}} {
		n := c.n
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		x := orbitState(rng, n, c.box, 0.5, 1, 0)
		if c.box && (x[0] < 0.5 || x[0] > 1 || x[1] < 0.5 || x[1] > 1) {
			t.Errorf("n=%d box: first body at (%g, %g), outside [0.5, 1]²", n, x[0], x[1])
		}
		if r := math.Hypot(x[0], x[1]); !c.box && (r < 0.5 || r > 1) {
			t.Errorf("n=%d: first body at radius %g, outside [0.5, 1]", n, r)
		}
		var cx, cy, px, py float64
		for b := 0; b < n; b++ {
			cx, cy = cx+x[2*b], cy+x[2*b+1]
			px, py = px+x[2*n+2*b], py+x[2*n+2*b+1]
		}
		if math.Abs(cx)+math.Abs(cy)+math.Abs(px)+math.Abs(py) > 1e-12 {
			t.Errorf("n=%d: centre of mass (%g, %g), momentum (%g, %g)", n, cx, cy, px, py)
		}
		name := map[int]string{2: "two_body", 3: "three_body"}[n]
		p, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := (&symplectic.DOP853{}).Solve(context.Background(), symplectic.HamiltonianSystem(p.H), x, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		d0 := math.Hypot(x[0]-x[2], x[1]-x[3])
		for _, tt := range []float64{1, 3.7, 10} {
			y := sol.At(nil, tt)
			// A circular orbit keeps its separation; DOP853 at 1e-12 to 1e-9.
			if d := math.Hypot(y[0]-y[2], y[1]-y[3]); math.Abs(d-d0) > 1e-9 {
				t.Errorf("n=%d: separation %g at t=%g, %g at 0", n, d, tt, d0)
			}
		}
	}
}
