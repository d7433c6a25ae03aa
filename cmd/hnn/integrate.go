package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/outdir"
	"io"
	"math"
	"strings"
	"time"

	"github.com/hnn-project/hnn/problems"
)

var methodNames = []string{"euler", "verlet", "yoshida4", "yoshida6", "midpoint", "implicit-euler", "rk4", "dop853"}

func init() {
	register(&command{
		name:    "integrate",
		summary: "integrate a problem with a classical method (symplectic, RK4 or DOP853)",
		args:    "FILE|NAME",
		shared:  withOut | withPlots | withQuiet | withJSON,
		outDir:  "out/<problem name>",
		setup: func(fs *flag.FlagSet, sh *shared) func(context.Context, *env, []string) error {
			o := &integrateOpts{shared: sh}
			fs.StringVar(&o.method, "method", problems.MethodDOP853, "integration method `M`: "+strings.Join(methodNames, ", "))
			fs.IntVar(&o.steps, "steps", 0, "`N` steps (output intervals for dop853); 0 means the problem's time.points")
			fs.Float64Var(&o.rtol, "rtol", 1e-12, "relative and absolute tolerance `R` of dop853")
			fs.IntVar(&o.output, "output", 0, fmt.Sprintf("write at most `N`+1 states, every ⌈steps/N⌉-th and the last (0: %d)", problems.DefaultIntegrateOutput))
			return o.run
		},
	})
}

type integrateOpts struct {
	*shared
	method string
	steps  int
	rtol   float64
	output int
}

func (o *integrateOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("integrate", args, o.plots)
	if err != nil {
		return err
	}
	dir := outDir(o.dir, p.Name)
	out, err := claimFor(e, p, dir)
	if err != nil {
		return err
	}
	defer out.Release()
	prog := o.progress(e)
	prog.show(0, 1, 0, "integrating: "+o.method)
	start := time.Now()
	tr, err := p.Integrate(ctx, &problems.IntegrateSettings{Method: o.method, Steps: o.steps, RTol: o.rtol, Output: o.output, Progress: func(k, n int) {
		prog.show(k, n, time.Since(start), fmt.Sprintf("integrating: %s step %d/%d", o.method, k, n))
	}})
	prog.done()
	var se *problems.SettingError
	switch {
	case err != nil && ctx.Err() != nil:
		return &exitError{code: exitInterrupted, err: errors.New("interrupted: nothing written")}
	case errors.As(err, &se):
		return usageError("", "integrate: --%s %v", se.Name, se.Err)
	case errors.Is(err, problems.ErrBadIntegrate):
		return inputError(err)
	}
	if err != nil {
		return err
	}
	rep := &tr.Report
	D, d := p.Dim(), len(p.Coordinates)
	dE := make([]float64, len(tr.Energy))
	for k, h := range tr.Energy {
		dE[k] = math.Abs(h - float64(rep.Energy0))
	}
	x, px := chart.Column(tr.States, D, 0), chart.Column(tr.States, D, d)
	files := map[string][]byte{"trajectory.csv": outdir.CSV(p.TableHeader(), p.Table(tr.Times, tr.States))}
	title := p.Name + ", " + rep.Method + ": "
	dropped, err := chart.Figures(o.plots, map[string]chart.Chart{
		"phase":  {Title: title + "phase space", XLabel: p.Coordinates[0], YLabel: p.Momenta[0], Series: []chart.Series{{Name: rep.Method, X: x, Y: px}}},
		"energy": {Title: title + "energy error", XLabel: "t", YLabel: "|H − H(z0)|", LogY: true, Series: []chart.Series{{Name: rep.Method, X: tr.Times, Y: dE}}},
	}, nil, files)
	if err != nil {
		return err
	}
	if files["report.json"], err = problems.MarshalReport(rep); err != nil {
		return err
	}
	if err := out.Write(files); err != nil {
		return err
	}
	return o.print(e, files["report.json"], func(w io.Writer) {
		fmt.Fprintf(w, "%s: %s, %d steps on [0, %.6g] in %.3g s\n", p.Name, rep.Method, rep.Steps, p.T, float64(rep.Seconds))
		fmt.Fprintf(w, "  max |H - H(z0)| = %.3g (H(z0) = %.10g)\n", float64(rep.MaxEnergyError), float64(rep.Energy0))
		fmt.Fprintf(w, "  final state:")
		for i, n := range p.Names() {
			fmt.Fprintf(w, " %s=%.10g", n, tr.States[len(tr.States)-D+i])
		}
		fmt.Fprintln(w)
		if rep.Stride > 1 {
			fmt.Fprintf(w, "  trajectory.csv: every %d-th step and the last (%d states; --output sets how many)\n", rep.Stride, len(tr.Times))
		}
		if dropped > 0 {
			fmt.Fprintf(w, "  plots: %d non-finite points left out\n", dropped)
		}
		fmt.Fprintf(w, "  wrote %s\n", listFiles(dir, files))
	})
}
