package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/hnn-project/hnn/problems"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure training speed and time to accuracy on this machine",
		shared:  withOut | withQuiet | withJSON,
		outDir:  "out/bench",
		setup: func(fs *flag.FlagSet, sh *shared) func(context.Context, *env, []string) error {
			o := &benchOpts{shared: sh}
			fs.Float64Var(&o.budget, "budget", 120, "`SECONDS` allowed for each time-to-accuracy run")
			return o.run
		},
	})
}

type benchOpts struct {
	*shared
	budget float64
}

func (o *benchOpts) run(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("usage: "+lookup("bench").usage(), "bench: unexpected arguments %q", args)
	}
	if !(o.budget > 0) {
		return usageError("", "bench: --budget %v must be positive", o.budget)
	}
	dir := outDir(o.dir, "bench")
	out, err := claimDir(dir)
	if err != nil {
		return err
	}
	defer out.Release()
	prog := o.progress(e)
	rep, err := problems.Bench(ctx, &problems.BenchSettings{Budget: o.budget, Stage: func(what string) { prog.show(0, 1, 0, what) }})
	prog.done()
	if err != nil {
		return err
	}
	js, err := problems.MarshalReport(rep)
	if err != nil {
		return err
	}
	if err := out.Write(map[string][]byte{"bench.json": js}); err != nil {
		return err
	}
	return o.print(e, js, func(w io.Writer) {
		printBench(w, rep, o.budget)
		fmt.Fprintf(w, "wrote %s\n", filepath.Join(dir, "bench.json"))
	})
}

// printBench prints bench's table.
func printBench(w io.Writer, rep *problems.BenchReport, budget float64) {
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
			fmt.Fprintf(w, "time to accuracy %s: not reached within %g s\n", name, budget)
		}
		fmt.Fprintf(w, "  (%s)\n", rep.TimeToAccuracyConfig[name])
	}
	c := rep.Certified
	if c.Seconds != nil {
		fmt.Fprintf(w, "time to a certified %g (automatic mode, nonlinear_oscillator on [0, 4π]): %.3g s, bound %.3g, %d windows\n", float64(c.Tolerance), float64(*c.Seconds), float64(*c.Bound), len(c.Windows))
	} else {
		fmt.Fprintf(w, "time to a certified %g (automatic mode, nonlinear_oscillator on [0, 4π]): not reached within %g s\n", float64(c.Tolerance), budget)
	}
}
