package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"
	"path/filepath"

	"github.com/hnn-project/hnn/problems"
)

func init() {
	register(&command{
		name:    "bound",
		summary: "recompute the error bounds and comparisons of a saved model",
		args:    "MODEL.json",
		shared:  withOut | withPlots | withQuiet | withJSON,
		outDir:  "the model's directory",
		setup: func(_ *flag.FlagSet, sh *shared) func(context.Context, *env, []string) error {
			return (&boundOpts{sh}).run
		},
	})
}

type boundOpts struct{ *shared }

func (o *boundOpts) run(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usageError("usage: "+lookup("bound").usage(), "bound: expected one saved model, got %d arguments", len(args))
	}
	if err := chart.CheckFormat(o.plots); err != nil {
		return usageError("", "bound: %v", err)
	}
	p, sol, err := problems.LoadModel(args[0])
	if err != nil {
		return inputError(err)
	}
	dir := cmp.Or(o.dir, filepath.Dir(args[0]))
	out, err := claimFor(e, p, dir)
	if err != nil {
		return err
	}
	defer out.Release()
	if o.dir == "" {
		out.Keep(filepath.Base(args[0])) // the model read is there already
	}
	rep, a, files, err := analyseSolution(ctx, p, sol, o.plots, o.progress(e), commandLine(e), true)
	if err != nil {
		return fmt.Errorf("problem %s: %w", p.Name, err)
	}
	if o.dir == "" {
		delete(files, "model.json")
	}
	if err := o.deliver(e, out, dir, p, rep, a, files); err != nil {
		return err
	}
	o.say(e, "wrote %s\n", listFiles(dir, files))
	if a.Interrupted != "" {
		return interrupted(dir, a)
	}
	return verdict(rep)
}
