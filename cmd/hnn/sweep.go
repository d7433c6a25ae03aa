package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/outdir"
	"github.com/hnn-project/hnn/internal/stats"
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
			charts, err := solveCharts(p, sol, a, rep, p.Table(a.Grid, a.States), p.Table(a.Grid, a.RefStates))
			if err == nil {
				rep.PlotDropped, err = chart.Figures(o.plots, charts, []string{"phase", "errors", "energy", "loss"}, files)
			}
			return err
		}
	}
	return set
}

// runTasks is hnn sweep run: the tasks of one engine task, in turn.
func (o *sweepOpts) runTasks(ctx context.Context, e *env, d *sweep.Dir) error {
	if o.task < 0 {
		for _, v := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
			if s := os.Getenv(v); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil {
					return usageError("", "sweep run: $%s = %q is not a task index", v, s)
				}
				o.task = n
				break
			}
		}
		if o.task < 0 {
			return usageError("give --task I, or run it as a Slurm array or a Kubernetes Indexed Job", "sweep run: no task index")
		}
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
	jobs := o.jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	var (
		mu                           sync.Mutex
		ran, skipped, untrusted, bad int
		next                         int
		wg                           sync.WaitGroup
		start                        = time.Now()
	)
	prog, set := o.progress(e), o.runSettings(e, d)
	n := d.Tasks()
	for range min(jobs, n) {
		wg.Go(func() {
			for {
				mu.Lock()
				id := next
				next++
				mu.Unlock()
				if id >= n || ctx.Err() != nil {
					return
				}
				r, skip, err := d.Run(ctx, id, set)
				mu.Lock()
				switch {
				case ctx.Err() != nil:
				case err != nil:
					bad++
					prog.done()
					fmt.Fprintf(e.stderr, "hnn: task %d failed: %v\n", id, err)
				case skip:
					skipped++
				default:
					ran++
				}
				if err == nil && !r.Trusted {
					untrusted++
				}
				done := ran + skipped + bad
				prog.show(done, n, time.Since(start), fmt.Sprintf("%d/%d tasks (%d skipped, %d failed)", done, n, skipped, bad))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	prog.done()
	o.say(e, "%d tasks: %d run, %d skipped, %d failed, %d untrusted, in %.1f s\n", n, ran, skipped, bad, untrusted, time.Since(start).Seconds())
	switch {
	case ctx.Err() != nil:
		return &exitError{code: exitInterrupted, err: fmt.Errorf("stopped: %d tasks finished and are kept; rerun to do the rest", ran+skipped)}
	case bad > 0:
		return fmt.Errorf("%d tasks failed (hnn sweep status %s)", bad, d.Path)
	case untrusted > 0:
		return &exitError{code: exitCheck, err: fmt.Errorf("%d tasks are untrusted (hnn sweep status %s)", untrusted, d.Path)}
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
		if err := sweepCharts(s, format, files); err != nil {
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

// sweepCharts draws each numeric field against each numeric axis (each
// value of the other axes a curve, or their median and range when there
// are many) and, with two or more axes, the first field as a heat map
// over the first two.
func sweepCharts(s *sweep.Summary, format string, files map[string][]byte) error {
	plotName := func(parts ...string) string { return strings.ReplaceAll(strings.Join(parts, "-"), ".", "_") }
	for f, field := range s.Fields {
		for a, axis := range s.Axes {
			al, ok := s.Along(f, a)
			if !ok {
				continue
			}
			c := chart.Chart{Title: field + " against " + axis, XLabel: axis, YLabel: field, LegendRoom: true, LogY: positive(al)}
			lo, mid, hi := make([]float64, len(al.X)), make([]float64, len(al.X)), make([]float64, len(al.X))
			for i, v := range al.Values {
				lo[i], mid[i], hi[i] = spread(v)
			}
			c.Series = []chart.Series{{X: al.X, Y: mid}}
			if len(s.Axes) > 1 {
				c.Series[0].Name = "median over " + others(s.Axes, a)
			}
			if !slices.Equal(lo, hi) {
				grey := color.Gray{Y: 120}
				c.Series = append(c.Series, chart.Series{Name: "least and largest over " + others(s.Axes, a), X: al.X, Y: lo, Dashed: true, Color: grey}, chart.Series{X: al.X, Y: hi, Dashed: true, Color: grey})
			}
			if _, err := chart.Figures(format, map[string]chart.Chart{plotName(field, axis): c}, nil, files); err != nil {
				return err
			}
		}
	}
	if len(s.Axes) >= 2 && len(s.Fields) > 0 {
		xs, ys, z, ok := s.Grid(0, 0, 1)
		if ok && len(xs) > 1 && len(ys) > 1 {
			al, _ := s.Along(0, 0)
			p, err := chart.HeatMap{Title: s.Fields[0] + heatNote(s.Axes), XLabel: s.Axes[0], YLabel: s.Axes[1], Xs: xs, Ys: ys, Z: z, Log: positive(al)}.Plot()
			if err == nil {
				files[plotName(s.Fields[0], "heatmap")+"."+format], err = chart.Render(p, format)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// others names the axes other than a.
func others(axes []string, a int) string {
	return strings.Join(slices.Delete(slices.Clone(axes), a, a+1), ", ")
}

// heatNote says what a heat map's cell shows when more than two axes
// meet in it.
func heatNote(axes []string) string {
	if len(axes) > 2 {
		return " (median over " + strings.Join(axes[2:], ", ") + ")"
	}
	return ""
}

// positive reports whether every value is positive and they span more
// than two decades: a log axis then reads better.
func positive(al sweep.Along) bool {
	lo, hi := 0.0, 0.0
	for _, v := range al.Values {
		for _, y := range v {
			if y <= 0 {
				return false
			}
			if lo == 0 || y < lo {
				lo = y
			}
			hi = max(hi, y)
		}
	}
	return lo > 0 && hi/lo > 100
}

// spread is the least, the median and the largest of v (NaN when empty).
func spread(v []float64) (lo, mid, hi float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	w := slices.Clone(v)
	slices.Sort(w)
	return w[0], stats.Median(w), w[len(w)-1]
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
