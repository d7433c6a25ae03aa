package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/hnn-project/hnn/problems"
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
	prog := newProgress(e)
	rep, err := problems.Bench(ctx, &problems.BenchSettings{Budget: o.budget, Stage: func(what string) { prog.show(0, 1, 0, what) }})
	prog.done()
	if err != nil {
		return err
	}
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
	for _, s := range []struct {
		what string
		sc   problems.Scaling
	}{{"K", rep.ScalingK}, {"width", rep.ScalingWidth}} {
		fmt.Fprintf(w, "epoch vs %s (exponent %.2f):", s.what, float64(s.sc.Exponent))
		for _, p := range s.sc.Points {
			fmt.Fprintf(w, " %d: %.3g ms", p.N, float64(p.EpochMs))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "learned-H step (learn_mass_spring network): %.3g ms\n", float64(rep.LearnStepMs))
	for _, name := range rep.TimeToAccuracyRuns {
		if v := rep.TimeToAccuracy[name]; v != nil {
			fmt.Fprintf(w, "time to accuracy %s: %.3g s\n", name, float64(*v))
		} else {
			fmt.Fprintf(w, "time to accuracy %s: not reached within %g s\n", name, o.budget)
		}
		fmt.Fprintf(w, "  (%s)\n", rep.TimeToAccuracyConfig[name])
	}
	fmt.Fprintf(w, "wrote %s\n", filepath.Join(dir, "bench.json"))
	return nil
}
