package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/figures"
	"github.com/hnn-project/hnn/internal/outdir"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/problems/sweep"
	"github.com/hnn-project/hnn/solver"
)

func init() {
	register(&command{
		name:    "sweep",
		summary: "plan many runs, run them on Slurm, Kubernetes or here, and collect one table",
		args:    "plan|run|status|collect|slurm|k8s|local SWEEP|DIR",
		shared:  withOut | withQuiet | withJSON,
		outDir:  "out/<sweep name>",
		setup: func(fs *flag.FlagSet, sh *shared) func(context.Context, *env, []string) error {
			o := &sweepOpts{shared: sh}
			fs.StringVar(&o.plots, "plots", "", "write the plots as `png|svg|none` (default: none for run and local, png for collect)")
			fs.IntVar(&o.task, "task", -1, "run the engine's task index `I` (default: $SLURM_ARRAY_TASK_ID, then $JOB_COMPLETION_INDEX)")
			fs.IntVar(&o.chunk, "chunk", 0, "`K` tasks per engine task: run runs tasks I·K to I·K+K−1 (default 1; slurm: as many as keep the array within --max-array-size)")
			fs.IntVar(&o.jobs, "j", 0, "`N` tasks at once for local (default: the number of cores)")
			fs.BoolVar(&o.allowMissing, "allow-missing", false, "collect: write the table with rows for the tasks that have no result")
			fs.BoolVar(&o.collect, "collect", false, "slurm, k8s: print the collect job instead")
			fs.StringVar(&o.ids, "ids", "", "slurm: submit only the chunks holding these task `IDS`, e.g. 0-3,17 (from hnn sweep status)")
			fs.IntVar(&o.res.CPUs, "cpus", 1, "slurm, k8s: `N` cores per task")
			fs.StringVar(&o.res.Mem, "mem", "1G", "slurm, k8s: memory per task, `SIZE` such as 1G or 1500M")
			fs.IntVar(&o.res.MaxParallel, "max-parallel", 0, "slurm, k8s: at most `P` tasks at once (default: no limit)")
			fs.StringVar(&o.res.Hnn, "hnn", "", "slurm, k8s: the hnn `COMMAND` on the nodes (default: this program's absolute path; k8s: hnn)")
			fs.StringVar(&o.slurm.Time, "time", "", "slurm: time limit per array task, `T` such as 30:00 (default: the partition's)")
			fs.StringVar(&o.slurm.Partition, "partition", "", "slurm: the `PARTITION` (default: the cluster's)")
			fs.StringVar(&o.slurm.Account, "account", "", "slurm: the `ACCOUNT` to charge")
			fs.IntVar(&o.slurm.MaxArraySize, "max-array-size", sweep.DefaultMaxArraySize, "slurm: the cluster's `MaxArraySize` (scontrol show config)")
			fs.StringVar(&o.k8s.Image, "image", "", "k8s: the container `IMAGE` with hnn on its PATH")
			fs.StringVar(&o.k8s.Volume, "volume", "", "k8s: the PersistentVolumeClaim `CLAIM` that holds the sweep folder")
			fs.StringVar(&o.k8s.Mount, "mount", "/sweep", "k8s: where the volume is mounted, `PATH`")
			fs.StringVar(&o.k8s.SubPath, "subpath", "", "k8s: the sweep folder's `PATH` inside the volume (default: its root)")
			fs.StringVar(&o.name, "name", "hnn-sweep", "slurm, k8s: the job's `NAME`")
			o.fs = fs
			return o.run
		},
	})
}

type sweepOpts struct {
	*shared
	fs                    *flag.FlagSet
	plots, ids, name      string
	task, chunk, jobs     int
	allowMissing, collect bool
	res                   sweep.Resources
	slurm                 sweep.SlurmSettings
	k8s                   sweep.K8sSettings
}

// sweepFlags are the flags each subcommand takes beyond --quiet.
var sweepFlags = map[string][]string{
	"plan":    {"o"},
	"run":     {"task", "chunk", "plots"},
	"status":  {"json"},
	"collect": {"allow-missing", "plots", "json"},
	"slurm":   {"collect", "ids", "cpus", "mem", "max-parallel", "hnn", "time", "partition", "account", "max-array-size", "chunk", "name"},
	"k8s":     {"collect", "cpus", "mem", "max-parallel", "hnn", "image", "volume", "mount", "subpath", "chunk", "name"},
	"local":   {"j", "plots"},
}

func (o *sweepOpts) run(ctx context.Context, e *env, args []string) error {
	usage := "usage: hnn sweep plan SWEEP -o DIR | hnn sweep run|status|collect|slurm|k8s|local DIR (hnn help sweep)"
	if len(args) != 2 || sweepFlags[args[0]] == nil {
		return usageError(usage, "sweep: expected a subcommand and a sweep file or folder, got %q", args)
	}
	sub := args[0]
	var bad error
	o.fs.Visit(func(f *flag.Flag) {
		if f.Name != "quiet" && !slices.Contains(sweepFlags[sub], f.Name) && bad == nil {
			bad = usageError(usage, "sweep %s: --%s is not one of its flags (%s)", sub, f.Name, strings.Join(sweepFlags[sub], ", "))
		}
	})
	if bad != nil {
		return bad
	}
	if o.plots != "" {
		if err := chart.CheckFormat(o.plots); err != nil {
			return usageError("", "sweep: %v", err)
		}
	}
	if sub == "plan" {
		return o.plan(e, args[1])
	}
	d, err := sweep.Open(args[1])
	if err != nil {
		return inputError(err)
	}
	switch sub {
	case "run":
		return o.runTasks(ctx, e, d)
	case "status":
		return o.status(e, d)
	case "collect":
		return o.collectTable(e, d)
	case "local":
		return o.local(ctx, e, d)
	}
	return o.engine(e, d, sub)
}

func (o *sweepOpts) plan(e *env, file string) error {
	s, err := sweep.Load(file)
	if err != nil {
		return inputError(err)
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(e.stderr, "hnn: warning: %s\n", w)
	}
	prog, start := o.progress(e), time.Now()
	pl, err := s.Plan(func(done, total int) { prog.show(done, total, time.Since(start), "resolving the tasks") })
	prog.done()
	if err != nil {
		return inputError(err)
	}
	dir := outDir(o.dir, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)))
	existed, err := pl.Write(dir)
	var ce *sweep.ConflictError
	if errors.As(err, &ce) {
		return inputError(err)
	} else if err != nil {
		return err
	}
	what := "planned"
	if existed {
		what = "the plan is already there:"
	}
	fmt.Fprintf(e.stdout, "%s %d tasks of %s over %s in %s\nnext: hnn sweep local %s, or hnn sweep slurm %s > sweep.sh\n",
		what, len(pl.Tasks), pl.BaseName, strings.Join(pl.Axes, ", "), filepath.Join(dir, sweep.PlanFile), dir, dir)
	return nil
}

// runSettings are the settings of a task run: plots only when asked.
func (o *sweepOpts) runSettings(e *env, d *sweep.Dir) *sweep.RunSettings {
	set := &sweep.RunSettings{Command: commandLine(e)}
	if o.plots != "" && o.plots != "none" {
		set.Draw = func(p *problems.Problem, sol *solver.Solution, a *errorbound.Assessment, rep *problems.SolveReport, files map[string][]byte) error {
			return figures.SolveFiles(o.plots, p, sol, a, rep, files)
		}
	}
	return set
}

// runTasks is hnn sweep run: the tasks of one engine task, in turn.
func (o *sweepOpts) runTasks(ctx context.Context, e *env, d *sweep.Dir) error {
	if o.task < 0 {
		n, ok, err := sweep.EngineTask()
		if err != nil {
			return usageError("", "sweep run: %v", err)
		} else if !ok {
			return usageError("give --task I, or run it as a Slurm array or a Kubernetes Indexed Job", "sweep run: no task index")
		}
		o.task = n
	}
	if n, err := strconv.Atoi(os.Getenv("SLURM_CPUS_PER_TASK")); err == nil && n > 0 {
		runtime.GOMAXPROCS(n) // Slurm without cgroups does not limit the cores; elsewhere Go reads the cgroup limit
	}
	ids, err := d.Chunk(o.task, max(o.chunk, 1))
	if err != nil {
		return usageError("", "sweep run: %v", err)
	}
	set, failed := o.runSettings(e, d), 0
	for _, id := range ids {
		r, skipped, err := d.Run(ctx, id, set)
		switch {
		case ctx.Err() != nil:
			return &exitError{code: exitInterrupted, err: fmt.Errorf("stopped: task %d was not published; the finished ones are kept", id)}
		case err != nil:
			failed++
			fmt.Fprintf(e.stderr, "hnn: task %d failed: %v\n", id, err)
		default:
			fmt.Fprintf(e.stderr, "task %d: %s\n", id, outcome(r, skipped))
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d tasks failed (recorded in %s)", failed, len(ids), filepath.Join(d.Path, sweep.TasksDir))
	}
	return nil
}

func outcome(r *sweep.Result, skipped bool) string {
	s := fmt.Sprintf("done in %.1f s", r.Seconds)
	if skipped {
		s = "skipped: its result is there"
	}
	if !r.Trusted {
		s += "; untrusted: " + r.Verdict
	}
	return s
}

// local is hnn sweep local: the run code on N workers of this machine.
func (o *sweepOpts) local(ctx context.Context, e *env, d *sweep.Dir) error {
	prog, start := o.progress(e), time.Now()
	c, err := d.Local(ctx, &sweep.LocalSettings{Workers: o.jobs, Run: o.runSettings(e, d), Done: func(t sweep.Outcome, c sweep.Counts) {
		if t.Err != nil {
			prog.done()
			fmt.Fprintf(e.stderr, "hnn: task %d failed: %v\n", t.ID, t.Err)
		}
		prog.show(c.Finished(), c.Tasks, time.Since(start), fmt.Sprintf("%d/%d tasks (%d skipped, %d failed)", c.Finished(), c.Tasks, c.Skipped, c.Failed))
	}})
	prog.done()
	o.say(e, "%d tasks: %d run, %d skipped, %d failed, %d untrusted, in %.1f s\n", c.Tasks, c.Ran, c.Skipped, c.Failed, c.Untrusted, time.Since(start).Seconds())
	switch {
	case err != nil:
		return &exitError{code: exitInterrupted, err: fmt.Errorf("stopped: %d tasks finished and are kept; rerun to do the rest", c.Ran+c.Skipped)}
	case c.Failed > 0:
		return fmt.Errorf("%d tasks failed (hnn sweep status %s)", c.Failed, d.Path)
	case c.Untrusted > 0:
		return &exitError{code: exitCheck, err: fmt.Errorf("%d tasks are untrusted (hnn sweep status %s)", c.Untrusted, d.Path)}
	}
	return nil
}

func (o *sweepOpts) status(e *env, d *sweep.Dir) error {
	st := d.Status()
	if o.json {
		out := map[string]any{"tasks": st.Tasks, "errors": st.Errors, "verdicts": st.Verdicts}
		for _, s := range sweep.Statuses {
			out[string(s)] = sweep.Ranges(st.IDs[s])
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		e.stdout.Write(append(b, '\n'))
	} else {
		fmt.Fprintf(e.stdout, "%d tasks:", st.Tasks)
		for _, s := range sweep.Statuses {
			fmt.Fprintf(e.stdout, " %d %s", st.Count(s), s)
		}
		fmt.Fprintln(e.stdout)
		for _, s := range sweep.Statuses[1:] {
			if st.Count(s) > 0 {
				fmt.Fprintf(e.stdout, "%-9s %s\n", s+":", sweep.Ranges(st.IDs[s]))
			}
		}
		for _, id := range st.IDs[sweep.Failed][:min(3, st.Count(sweep.Failed))] {
			fmt.Fprintf(e.stdout, "task %d: %s\n", id, st.Errors[id])
		}
		if ids := st.ToRun(); len(ids) > 0 {
			fmt.Fprintf(e.stdout, "to run them: hnn sweep local %s, or hnn sweep slurm %s --ids %s | sbatch\n", d.Path, d.Path, sweep.Ranges(ids))
		}
	}
	if !st.Complete() || st.Count(sweep.Untrusted) > 0 {
		return &exitError{code: exitCheck, err: fmt.Errorf("%d of %d tasks done and trusted", st.Count(sweep.Done), st.Tasks)}
	}
	return nil
}

func (o *sweepOpts) collectTable(e *env, d *sweep.Dir) error {
	s, st, err := d.Collect(o.allowMissing)
	var ie *sweep.IncompleteError
	if errors.As(err, &ie) {
		return &exitError{code: exitCheck, err: fmt.Errorf("%v; nothing written", err)}
	} else if err != nil {
		return err
	}
	js, err := s.JSON()
	if err != nil {
		return err
	}
	files := map[string][]byte{sweep.SummaryCSV: s.CSV(), sweep.SummaryJSON: js}
	format := o.plots
	if format == "" {
		format = "png"
	}
	if format != "none" {
		if err := figures.Sweep(s, format, files); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(files))
	for name, b := range files {
		if err := outdir.WriteFile(filepath.Join(d.Path, name), b); err != nil {
			return err
		}
		names = append(names, name)
	}
	if o.json {
		e.stdout.Write(js)
	} else {
		fmt.Fprintf(e.stdout, "%d rows: %d done, %d untrusted, %d without a result\nwrote %s\n", len(s.Rows), st.Count(sweep.Done), st.Count(sweep.Untrusted), st.Tasks-st.Count(sweep.Done)-st.Count(sweep.Untrusted), listFiles(d.Path, files))
	}
	if !st.Complete() || st.Count(sweep.Untrusted) > 0 {
		return &exitError{code: exitCheck, err: fmt.Errorf("%d of %d rows are done and trusted; see the status column", st.Count(sweep.Done), st.Tasks)}
	}
	return nil
}

// engine is hnn sweep slurm and hnn sweep k8s: print the job.
func (o *sweepOpts) engine(e *env, d *sweep.Dir, sub string) error {
	o.res.Chunk = o.chunk
	var text string
	var err error
	if sub == "slurm" {
		if o.res.Hnn == "" {
			if o.res.Hnn, err = os.Executable(); err != nil {
				return err
			}
		}
		o.slurm.Resources, o.slurm.JobName = o.res, o.name
		if o.ids != "" {
			if o.slurm.IDs, err = sweep.ParseRanges(o.ids, d.Tasks()); err != nil {
				return usageError("", "sweep slurm: --ids: %v", err)
			}
		}
		if o.collect {
			text, err = d.SlurmCollect(&o.slurm)
		} else {
			text, err = d.Slurm(&o.slurm)
		}
	} else {
		o.k8s.Resources, o.k8s.Name = o.res, o.name
		if o.collect {
			text, err = d.K8sCollect(&o.k8s)
		} else {
			text, err = d.K8s(&o.k8s)
		}
	}
	if err != nil {
		return usageError("", "sweep %s: %v", sub, err)
	}
	_, err = io.WriteString(e.stdout, text)
	return err
}
