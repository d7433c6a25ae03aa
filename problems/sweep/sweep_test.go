package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/problems"
)

// Bad sweep files: each is one *problems.Error naming the file and the
// key, before any task is resolved or written.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, text string
		key        string   // the error's key
		want       []string // substrings of the message
	}{
		{"unknown top key", "base: mass_spring\naxes: {solver.seed: [1]}\nsweep: 1\n", "sweep", []string{"unknown key", "axes, base, collect, set, zip"}},
		{"no base", "axes: {solver.seed: [1]}\n", "base", []string{"missing"}},
		{"unknown base", "base: nosuch\naxes: {solver.seed: [1]}\n", "base", []string{"nosuch"}},
		{"learn base", "base: learn_mass_spring\naxes: {solver.seed: [1]}\n", "base", []string{"learn task"}},
		{"no axes", "base: mass_spring\n", "axes", []string{"at least one axis"}},
		{"unknown axis key", "base: mass_spring\naxes: {solver.epoch: [1]}\n", "axes.solver.epoch", []string{`unknown key "epoch"`, "epochs"}},
		{"section as axis", "base: mass_spring\naxes: {solver: [1]}\n", "axes.solver", []string{"is a section"}},
		{"empty axis", "base: mass_spring\naxes: {solver.seed: []}\n", "axes.solver.seed", []string{"empty"}},
		{"list for a value", "base: mass_spring\naxes: {solver.seed: [[1, 2]]}\n", "axes.solver.seed", []string{"single value"}},
		{"value for a list", "base: mass_spring\nset: {solver.hidden: 8}\naxes: {solver.seed: [1]}\n", "set.solver.hidden", []string{"takes a list"}},
		{"bad linspace", "base: mass_spring\naxes: {initial.q: {linspace: [0, 1, 2.5]}}\n", "axes.initial.q", []string{"whole number"}},
		{"twice", "base: mass_spring\nset: {solver.seed: 1}\naxes: {solver.seed: [1]}\n", "axes.solver.seed", []string{"given twice"}},
		{"zip unknown", "base: mass_spring\naxes: {initial.q: [1, 2]}\nzip: [[initial.q, initial.p]]\n", "zip", []string{"initial.p is not an axis"}},
		{"zip lengths", "base: mass_spring\naxes: {initial.q: [1, 2], initial.p: [0]}\nzip: [[initial.q, initial.p]]\n", "zip", []string{"has 1 values but initial.q has 2"}},
		{"too many tasks", "base: mass_spring\naxes: {initial.q: {linspace: [0, 1, 1000]}, solver.seed: {linspace: [1, 1001, 1001]}}\n", "axes", []string{"1.001e+06 tasks", "limit is 1000000"}},
		{"bad collect", "base: mass_spring\naxes: {solver.seed: [1]}\ncollect: [bounds.certified]\n", "collect", []string{"is a section", "value"}},
		{"collect list", "base: mass_spring\naxes: {solver.seed: [1]}\ncollect: [euler.max_error]\n", "collect", []string{"give an index"}},
		{"two documents", "base: mass_spring\n---\nbase: x\n", "", []string{"second YAML document"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), "s.yaml", "")
			var pe *problems.Error
			if !errors.As(err, &pe) {
				t.Fatalf("want a *problems.Error, got %v", err)
			}
			if pe.File != "s.yaml" || pe.Key != tc.key {
				t.Errorf("file %q key %q, want s.yaml and %q: %v", pe.File, pe.Key, tc.key, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}

// A value the problem format rejects fails the plan, naming the axis key
// and the task.
func TestPlanRejectsValue(t *testing.T) {
	s, err := Parse([]byte("base: mass_spring\naxes:\n  solver.seed: [1]\n  solver.activation: [sin, cosh]\n"), "s.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Plan(nil)
	var pe *problems.Error
	if !errors.As(err, &pe) || pe.Key != "axes.solver.activation" || !strings.Contains(err.Error(), "task 1 (solver.seed = 1, solver.activation = cosh)") {
		t.Fatalf("want the axis key and task 1 named, got %v", err)
	}
}

// Tasks come in a fixed order, the last axis fastest, zip groups moving
// together, each with the hash of its resolved problem (the report's
// problem_sha256).
func TestPlanOrder(t *testing.T) {
	s, err := Parse([]byte("base: henon_heiles\nset: {solver.epochs: 10}\naxes:\n  initial.y: {linspace: [-0.2, 0.2, 3]}\n  initial.px: [0.1, 0.2]\n  initial.py: [0.3, 0.4]\n  solver.seed: [1, 2]\nzip: [[initial.px, initial.py]]\n"), "s.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := s.Plan(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Tasks) != 12 || !slices.Equal(pl.Axes, []string{"initial.y", "initial.px", "initial.py", "solver.seed"}) {
		t.Fatalf("%d tasks over %v", len(pl.Tasks), pl.Axes)
	}
	for id, want := range map[int][]string{0: {"-0.2", "0.1", "0.3", "1"}, 1: {"-0.2", "0.1", "0.3", "2"}, 2: {"-0.2", "0.2", "0.4", "1"}, 11: {"0.2", "0.2", "0.4", "2"}} {
		if !slices.Equal(pl.Tasks[id].Values, want) {
			t.Errorf("task %d: %v, want %v", id, pl.Tasks[id].Values, want)
		}
	}
	text, err := pl.Resolve(2)
	if err != nil {
		t.Fatal(err)
	}
	p, err := problems.Parse(text, "x", "x")
	if err != nil {
		t.Fatal(err)
	}
	// y = −0.2, px = 0.2, py = 0.4, seed 1, 10 epochs, the rest the base's.
	if !slices.Equal(p.Z0, []float64{0.3, -0.2, 0.2, 0.4}) || p.Solver.Epochs != 10 || p.Solver.Seed != 1 || p.Solver.PolishIterations != 3000 {
		t.Errorf("task 2 resolved to z0 %v, epochs %d, seed %d, polish %d", p.Z0, p.Solver.Epochs, p.Solver.Seed, p.Solver.PolishIterations)
	}
	if pl.Tasks[2].Hash != problems.TextHash(text) {
		t.Errorf("hash %s is not the resolved text's", pl.Tasks[2].Hash)
	}
}

// A plan is never changed: the same plan again is a no-op, another one a
// *ConflictError.
func TestPlanWriteOnce(t *testing.T) {
	dir := t.TempDir()
	plan := func(text string) *Plan { return planOf(t, text) }
	a := plan("base: mass_spring\naxes: {solver.seed: [1, 2]}\n")
	if existed, err := a.Write(dir); err != nil || existed {
		t.Fatalf("first write: %v %v", existed, err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, PlanFile))
	if existed, err := plan("base: mass_spring\naxes: {solver.seed: [1, 2]}\n").Write(dir); err != nil || !existed {
		t.Fatalf("same plan: %v %v", existed, err)
	}
	var ce *ConflictError
	if _, err := plan("base: mass_spring\naxes: {solver.seed: [1, 3]}\n").Write(dir); !errors.As(err, &ce) {
		t.Fatalf("another plan: want a *ConflictError, got %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, PlanFile)); string(after) != string(before) {
		t.Error("plan.json changed")
	}
}

func TestRanges(t *testing.T) {
	for _, tc := range []struct {
		ids  []int
		want string
	}{{nil, ""}, {[]int{5}, "5"}, {[]int{0, 1, 2, 3, 17}, "0-3,17"}, {[]int{1, 3, 4, 6, 7, 8}, "1,3-4,6-8"}} {
		if got := Ranges(tc.ids); got != tc.want {
			t.Errorf("Ranges(%v) = %q, want %q", tc.ids, got, tc.want)
		}
		if tc.want == "" {
			continue
		}
		back, err := ParseRanges(tc.want, 100)
		if err != nil || !slices.Equal(back, tc.ids) {
			t.Errorf("ParseRanges(%q) = %v, %v", tc.want, back, err)
		}
	}
	for _, bad := range []string{"3-1", "x", "-2", "0-100"} {
		if _, err := ParseRanges(bad, 100); err == nil {
			t.Errorf("ParseRanges(%q) accepted", bad)
		}
	}
}

// Run publishes a task whole (result.json last), skips it the second
// time, and a cancelled run publishes nothing and records no error.
func TestRunPublishSkipCancel(t *testing.T) {
	d, pl := planned(t, "base: mass_spring\nset: {solver.epochs: 50, solver.polish_iterations: 20, solver.hidden: [8], time.points: 40}\naxes: {solver.seed: [1, 2]}\n")
	r, skipped, err := d.Run(context.Background(), 0, nil)
	if err != nil || skipped || r.Hash != pl.Tasks[0].Hash {
		t.Fatalf("run: %+v %v %v", r, skipped, err)
	}
	for _, f := range []string{ResultFile, ProblemFile, "report.json", "model.json", "solution.csv"} {
		if _, err := os.Stat(filepath.Join(d.TaskDir(0), f)); err != nil {
			t.Errorf("task 0: %v", err)
		}
	}
	if _, skipped, err := d.Run(context.Background(), 0, nil); err != nil || !skipped {
		t.Fatalf("second run: skipped %v, %v", skipped, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := d.Run(ctx, 1, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if _, err := os.Stat(d.TaskDir(1)); !os.IsNotExist(err) {
		t.Errorf("cancelled task 1 has a folder: %v", err)
	}
	if st, _ := d.TaskStatus(1); st != Missing {
		t.Errorf("cancelled task 1 is %s, want missing", st)
	}
	if _, _, err := d.Collect(false); err == nil {
		t.Error("collect with a missing task succeeded")
	}
	sum, _, err := d.Collect(true)
	if err != nil {
		t.Fatal(err)
	}
	csv := string(sum.CSV())
	if !strings.HasPrefix(csv, "id,solver.seed,network.max_error,bounds.certified.value,training.seconds,status,reason\n0,1,") || !strings.Contains(csv, "\n1,2,,,,missing,\n") {
		t.Errorf("summary.csv:\n%s", csv)
	}
}

// Local runs every task once across its workers, reports each to Done one
// at a time, skips them all the second time, and a cancelled Local runs
// nothing and returns the context's error.
func TestLocal(t *testing.T) {
	d, _ := planned(t, "base: mass_spring\nset: {solver.epochs: 30, solver.polish_iterations: 10, solver.hidden: [8], time.points: 30}\naxes: {solver.seed: [1, 2, 3, 4, 5]}\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c, err := d.Local(ctx, nil); !errors.Is(err, context.Canceled) || c.Finished() != 0 {
		t.Fatalf("cancelled Local: %+v, %v", c, err)
	}
	for _, tc := range []struct {
		name    string
		workers int
		want    Counts
	}{
		{"first", 3, Counts{Tasks: 5, Ran: 5}},
		{"again", 2, Counts{Tasks: 5, Skipped: 5}},
	} {
		seen := map[int]bool{}
		last := Counts{}
		c, err := d.Local(context.Background(), &LocalSettings{Workers: tc.workers, Done: func(o Outcome, c Counts) {
			if seen[o.ID] || o.Err != nil || c.Finished() != last.Finished()+1 {
				t.Errorf("%s: task %d: seen %v, %v, counts %+v after %+v", tc.name, o.ID, seen[o.ID], o.Err, c, last)
			}
			seen[o.ID], last = true, c
		}})
		if err != nil || c != tc.want || len(seen) != 5 {
			t.Errorf("%s: %+v, %v, %d tasks seen; want %+v", tc.name, c, err, len(seen), tc.want)
		}
	}
}

// EngineTask reads Slurm's array index before Kubernetes' completion
// index, and rejects what is not an index.
func TestEngineTask(t *testing.T) {
	for _, tc := range []struct {
		slurm, k8s string
		want       int
		ok, bad    bool
	}{
		{"", "", 0, false, false},
		{"7", "", 7, true, false},
		{"", "3", 3, true, false},
		{"2", "5", 2, true, false},
		{"x", "", 0, false, true},
		{"-1", "", 0, false, true},
	} {
		t.Setenv("SLURM_ARRAY_TASK_ID", tc.slurm)
		t.Setenv("JOB_COMPLETION_INDEX", tc.k8s)
		n, ok, err := EngineTask()
		if n != tc.want || ok != tc.ok || (err != nil) != tc.bad {
			t.Errorf("SLURM_ARRAY_TASK_ID=%q JOB_COMPLETION_INDEX=%q: %d, %v, %v", tc.slurm, tc.k8s, n, ok, err)
		}
	}
}

// planned plans the sweep text into a temporary folder and opens it.
func planned(t *testing.T, text string) (*Dir, *Plan) {
	t.Helper()
	pl := planOf(t, text)
	dir := t.TempDir()
	if _, err := pl.Write(dir); err != nil {
		t.Fatal(err)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d, pl
}

// planOf parses the sweep text and plans it.
func planOf(t *testing.T, text string) *Plan {
	t.Helper()
	s, err := Parse([]byte(text), "s.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := s.Plan(nil)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}
