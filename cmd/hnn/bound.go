package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
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
	if err := plotFormat(o.plots); err != nil {
		return usageError("", "bound: %v", err)
	}
	p, sol, err := loadModel(args[0])
	if err != nil {
		return inputError(err)
	}
	dir := cmp.Or(o.dir, filepath.Dir(args[0]))
	rep, a, files, err := analyseSolution(ctx, p, sol, o.plots, o.progress(e))
	if err != nil {
		return fmt.Errorf("problem %s: %w", p.Name, err)
	}
	if o.dir == "" {
		delete(files, "model.json") // the model read is there already
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	if err := o.print(e, files["report.json"], func(w io.Writer) { printSolveReport(w, p, rep) }); err != nil {
		return err
	}
	o.say(e, "wrote %s\n", listFiles(dir, files))
	if a.Interrupted {
		return errCertifyInterrupted
	}
	return nil
}

// loadModel reads a model written by hnn solve, with its problem.
func loadModel(path string) (*problems.Problem, *solver.Solution, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if st.IsDir() {
		return nil, nil, fmt.Errorf("%s: is a directory, not a saved model", path)
	}
	if st.Size() > 256<<20 {
		return nil, nil, fmt.Errorf("%s: %d bytes is too large for a saved model", path, st.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	src, err := solver.ProblemSource(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	p, err := problems.Parse([]byte(src), path+" (its problem)", "model")
	if err != nil {
		return nil, nil, err
	}
	sol, err := solver.Load(data, p.Problem)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, sol, nil
}
