package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/hnn-project/hnn/problems"
)

func init() {
	register(&command{
		name:    "bound",
		summary: "recompute the error bounds and comparisons of a saved model",
		usage:   "bound MODEL.json [-o DIR] [--plots png|svg|none]",
		help: `
Loads a model saved by 'hnn solve' (its model.json holds the problem, the
settings and the weights), and recomputes without training everything
'hnn solve' reports: the comparison with the reference and with symplectic
Euler, the paper's bound ℓmax/σmin (Mattheakis et al. Eq. 22), the
error-propagation estimate (Eq. 18) and the certified bound on max‖δz‖
(errorbound.Certify: interval arithmetic over the network and the formula,
a tube closed around the solution; "not certified" with the reason when it
cannot be closed), each checked against the actual error (held or
violated, and the ratio to the actual error). It writes report.json,
solution.csv and the plots beside the model, or into DIR with -o (with a
copy of the model there).

Examples:
  hnn bound out/henon_heiles/model.json
  hnn bound out/henon_heiles/model.json -o out/hh-bounds --plots svg
`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			o := &boundOpts{}
			fs.StringVar(&o.dir, "o", "", "output directory (default: the model's directory)")
			fs.StringVar(&o.plots, "plots", "png", "plot format: png, svg or none")
			return o.run
		},
	})
}

type boundOpts struct {
	dir, plots string
}

func (o *boundOpts) run(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usageError("usage: hnn bound MODEL.json [-o DIR]", "bound: expected one saved model, got %d arguments", len(args))
	}
	if err := plotFormat(o.plots); err != nil {
		return usageError("", "bound: %v", err)
	}
	p, sol, err := problems.LoadModel(args[0])
	if err != nil {
		return inputError(err)
	}
	dir := cmp.Or(o.dir, filepath.Dir(args[0]))
	rep, files, err := analyseSolution(ctx, p, sol, o.plots, newProgress(e))
	if err != nil {
		return fmt.Errorf("problem %s: %w", p.Name, err)
	}
	if o.dir == "" {
		delete(files, "model.json") // the model read is there already
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	printSolveReport(e.stdout, p, rep)
	fmt.Fprintf(e.stdout, "wrote %s\n", listFiles(dir, files))
	if rep.assessment.Interrupted != "" {
		return errCertifyInterrupted
	}
	return nil
}
