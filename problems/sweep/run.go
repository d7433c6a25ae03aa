package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/internal/outdir"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// The layout of a sweep folder.
const (
	TasksDir   = "tasks"       // DIR/tasks/000123/ holds task 123's outputs
	LogsDir    = "logs"        // the engines' logs
	ResultFile = "result.json" // written last into a task's folder
	// ProblemFile is the task's resolved problem, written into its
	// folder: hnn solve on it reproduces the task.
	ProblemFile = "problem.yaml"
)

// Dir is a sweep folder with its plan.
type Dir struct {
	Path string
	Plan *Plan
}

// Open reads the plan of the sweep folder at path.
func Open(path string) (*Dir, error) {
	pl, err := ReadPlan(path)
	if err != nil {
		return nil, err
	}
	return &Dir{Path: path, Plan: pl}, nil
}

// Tasks is the number of tasks of the plan.
func (d *Dir) Tasks() int { return len(d.Plan.Tasks) }

// Chunk returns the ids of the engine's task index with chunk tasks per
// index: index·chunk … index·chunk+chunk−1, the last index having fewer.
func (d *Dir) Chunk(index, chunk int) ([]int, error) {
	n := d.Tasks()
	if chunk < 1 {
		return nil, fmt.Errorf("chunk %d: it must be at least 1", chunk)
	}
	if index < 0 || index > (n-1)/chunk {
		return nil, fmt.Errorf("task index %d is out of range: %d tasks in chunks of %d are indices 0 to %d", index, n, chunk, (n-1)/chunk)
	}
	var ids []int
	for id := index * chunk; id < min(n, (index+1)*chunk); id++ {
		ids = append(ids, id)
	}
	return ids, nil
}

// TaskDir is where task id's outputs are published.
func (d *Dir) TaskDir(id int) string {
	return filepath.Join(d.Path, TasksDir, fmt.Sprintf("%06d", id))
}

func (d *Dir) errorFile(id int) string { return d.TaskDir(id) + ".error.json" }
func (d *Dir) lockFile(id int) string {
	return filepath.Join(d.Path, TasksDir, fmt.Sprintf(".%06d.lock", id))
}
func (d *Dir) tempPattern(id int) string { return fmt.Sprintf(".%06d.tmp-", id) }

// Result is a finished task's result.json.
type Result struct {
	ID   int    `json:"id"`
	Hash string `json:"problem_sha256"`
	// Trusted is problems.SolveReport.Trusted: the bound is certified and
	// every requested target or tolerance was met. Verdict says why not.
	Trusted bool    `json:"trusted"`
	Verdict string  `json:"verdict,omitempty"`
	Seconds float64 `json:"seconds"`
	Version string  `json:"hnn_version"`
}

// TaskError is a failed task's record, DIR/tasks/ID.error.json.
type TaskError struct {
	ID      int    `json:"id"`
	Hash    string `json:"problem_sha256"`
	Error   string `json:"error"`
	Time    string `json:"time"`
	Version string `json:"hnn_version"`
}

// RunSettings are the options of Run; the zero value runs a task without
// plots or progress.
type RunSettings struct {
	// Draw, when not nil, adds plots to a task's files; it runs before the
	// report is encoded so that it may set rep.PlotDropped.
	Draw func(p *problems.Problem, sol *solver.Solution, a *errorbound.Assessment, rep *problems.SolveReport, files map[string][]byte) error
	// Progress, when not nil, receives the task's training progress.
	Progress func(id int, pr solver.Progress)
	// Command is recorded in each report's provenance.
	Command []string
}

// ErrBusy is Run's error when another process is running the task.
var ErrBusy = errors.New("another process is running this task")

// Result returns task id's published result, or nil when it has none for
// the plan's problem.
func (d *Dir) Result(id int) *Result {
	b, err := readSmall(filepath.Join(d.TaskDir(id), ResultFile))
	if err != nil {
		return nil
	}
	var r Result
	if json.Unmarshal(b, &r) != nil || r.ID != id || r.Hash != d.Plan.Tasks[id].Hash {
		return nil
	}
	return &r
}

// Run runs task id unless its result is published already (skipped). It
// solves the task's problem, assesses the solution, writes the outputs
// into a temporary folder with result.json last and renames that folder
// into place, so a task's folder is there whole or not at all. A failure
// is recorded in DIR/tasks/ID.error.json and returned. When ctx is
// cancelled (SIGTERM from the engine) it stops, publishes nothing and
// returns ctx's error.
func (d *Dir) Run(ctx context.Context, id int, set *RunSettings) (r *Result, skipped bool, err error) {
	if set == nil {
		set = &RunSettings{}
	}
	if id < 0 || id >= d.Tasks() {
		return nil, false, fmt.Errorf("task %d: the plan has tasks 0 to %d", id, d.Tasks()-1)
	}
	if r := d.Result(id); r != nil {
		return r, true, nil
	}
	release, err := outdir.Lock(d.lockFile(id))
	if errors.Is(err, outdir.ErrLocked) {
		return nil, false, fmt.Errorf("task %d: %w", id, ErrBusy)
	} else if err != nil {
		return nil, false, fmt.Errorf("task %d: %w", id, err)
	}
	defer release()
	if r := d.Result(id); r != nil { // published while we waited for the lock
		return r, true, nil
	}
	d.removeStale(id)
	r, err = d.run(ctx, id, set)
	if err != nil && ctx.Err() == nil {
		d.recordError(id, err)
	}
	if err != nil {
		return nil, false, fmt.Errorf("task %d: %w", id, err)
	}
	os.Remove(d.errorFile(id))
	return r, false, nil
}

// removeStale removes what an earlier, killed run of task id left: its
// temporary folders, and a task folder without a valid result.
func (d *Dir) removeStale(id int) {
	tmps, _ := filepath.Glob(filepath.Join(d.Path, TasksDir, d.tempPattern(id)+"*"))
	for _, t := range tmps {
		os.RemoveAll(t)
	}
	if _, err := os.Stat(d.TaskDir(id)); err == nil {
		os.RemoveAll(d.TaskDir(id))
	}
}

func (d *Dir) run(ctx context.Context, id int, set *RunSettings) (*Result, error) {
	start := time.Now()
	text, err := d.Plan.Resolve(id)
	if err != nil {
		return nil, err
	}
	p, err := problems.Parse(text, d.Plan.Base, d.Plan.BaseName)
	if err != nil {
		return nil, err
	}
	var mon func(solver.Progress)
	if set.Progress != nil {
		mon = func(pr solver.Progress) { set.Progress(id, pr) }
	}
	sol, err := solver.Solve(ctx, p.Problem, &p.Solver, mon)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	a, err := sol.Assess(ctx, &p.Compare)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("assessment: %w", err)
	}
	rep := p.SolveReport(sol, a)
	rep.Provenance.Command = set.Command
	files := map[string][]byte{ProblemFile: text}
	if set.Draw != nil {
		if err := set.Draw(p, sol, a, rep, files); err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
	}
	if err := p.SolveFiles(sol, a, rep, files); err != nil {
		return nil, err
	}
	res := &Result{ID: id, Hash: d.Plan.Tasks[id].Hash, Trusted: true, Seconds: time.Since(start).Seconds(), Version: problems.Version()}
	if err := rep.Trusted(); err != nil {
		res.Trusted, res.Verdict = false, err.Error()
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return res, d.publish(id, files, res)
}

// publish writes files and then the result into a temporary folder and
// renames it to the task's folder.
func (d *Dir) publish(id int, files map[string][]byte, res *Result) error {
	tmp, err := os.MkdirTemp(filepath.Join(d.Path, TasksDir), d.tempPattern(id))
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // after the rename, nothing is there
	for name, b := range files {
		if !outdir.ValidName(name) {
			return fmt.Errorf("output name %q is not a plain file name", name)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := writeSynced(filepath.Join(tmp, ResultFile), append(b, '\n')); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, d.TaskDir(id))
}

// writeSynced writes a file and flushes it to the disk, so that the
// result, once renamed into place, survives a crash of the node.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (d *Dir) recordError(id int, err error) {
	te := TaskError{ID: id, Hash: d.Plan.Tasks[id].Hash, Error: err.Error(), Time: time.Now().UTC().Format(time.RFC3339), Version: problems.Version()}
	b, merr := json.MarshalIndent(te, "", "  ")
	if merr == nil {
		outdir.WriteFile(d.errorFile(id), append(b, '\n'))
	}
}

// taskError returns task id's recorded failure, or nil.
func (d *Dir) taskError(id int) *TaskError {
	b, err := readSmall(d.errorFile(id))
	if err != nil {
		return nil
	}
	var te TaskError
	if json.Unmarshal(b, &te) != nil {
		return &TaskError{ID: id, Error: "unreadable " + filepath.Base(d.errorFile(id))}
	}
	return &te
}

// readSmall reads a small bookkeeping file (at most 1 MiB).
func readSmall(path string) ([]byte, error) { return readLimited(path, 1<<20) }

// readLimited reads the file at path, failing past limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("%s: more than %d bytes", path, limit)
	}
	return b, err
}

// firstLine is s up to its first newline.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
