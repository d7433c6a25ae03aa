package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"strings"

	"github.com/hnn-project/hnn/problems"
)

var methodNames = []string{"euler", "verlet", "yoshida4", "yoshida6", "midpoint", "implicit-euler", "rk4", "dop853"}

func init() {
	register(&command{
		name:    "integrate",
		summary: "integrate a problem with a classical method (symplectic, RK4 or DOP853)",
		usage:   "integrate FILE|NAME [--method M] [--steps N] [--rtol R] [-o DIR]",
		help: `
Integrates Hamilton's equations for the problem over its time interval [0, T]
with a classical method, and writes

  DIR/trajectory.csv  the state and H at t_k = k·T/N, k = 0..N
                      (header: t,<coordinates>,<momenta>,H)
  DIR/report.json     method, steps, seconds, max_energy_error = max |H − H(z0)|
                      over the written points, final_state

Methods: euler (symplectic Euler, Mattheakis et al. Eq. 4–5), verlet
(Störmer–Verlet), yoshida4, yoshida6 (explicit, need H = T(p) + V(q));
midpoint, implicit-euler (implicit, any H); rk4 (classical, not symplectic);
dop853 (adaptive 8th order, the reference; --rtol sets both tolerances and
--steps only the number of output points).

Examples:
  hnn integrate henon_heiles
  hnn integrate nonlinear_oscillator --method euler --steps 20000 -o out/euler
  hnn integrate mine.yaml --method dop853 --rtol 1e-10
`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			o := &integrateOpts{}
			fs.StringVar(&o.method, "method", "dop853", "integration method: "+strings.Join(methodNames, ", "))
			fs.IntVar(&o.steps, "steps", 0, "number of steps (output intervals for dop853); 0 means the problem's time.points")
			fs.Float64Var(&o.rtol, "rtol", 1e-12, "relative and absolute tolerance of dop853")
			fs.StringVar(&o.dir, "o", "", "output directory (default out/<problem name>)")
			fs.StringVar(&o.plots, "plots", "png", "plot format: png, svg or none")
			return o.run
		},
	})
}

type integrateOpts struct {
	method string
	steps  int
	rtol   float64
	dir    string
	plots  string
}

func (o *integrateOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("integrate", "integrate FILE|NAME [--method M] [--steps N] [-o DIR]", args, o.plots)
	if err != nil {
		return err
	}
	tr, err := p.Integrate(ctx, &problems.IntegrateSettings{Method: o.method, Steps: o.steps, RTol: o.rtol})
	var se *problems.SettingError
	switch {
	case errors.As(err, &se):
		return usageError("", "integrate: --%s %v", se.Name, se.Err)
	case errors.Is(err, problems.ErrBadIntegrate):
		return inputError(err)
	}
	if err != nil {
		return err
	}
	rep := &tr.Report
	dir := outDir(o.dir, p.Name)
	D, d := p.Dim(), len(p.Coordinates)
	header := append(append([]string{"t"}, p.Names()...), "H")
	rows := make([][]float64, len(tr.Times))
	dE := make([]float64, len(tr.Times))
	x, px := make([]float64, len(tr.Times)), make([]float64, len(tr.Times))
	for k, t := range tr.Times {
		z := tr.States[k*D : (k+1)*D]
		rows[k] = append(append([]float64{t}, z...), tr.Energy[k])
		dE[k] = math.Abs(tr.Energy[k] - float64(rep.Energy0))
		x[k], px[k] = z[0], z[d]
	}
	files := map[string][]byte{"trajectory.csv": csvTable(header, rows)}
	title := p.Name + ", " + rep.Method + ": "
	dropped, err := figures(o.plots, map[string]chart{
		"phase":  {title: title + "phase space", xlabel: p.Coordinates[0], ylabel: p.Momenta[0], series: []series{{name: rep.Method, x: x, y: px}}},
		"energy": {title: title + "energy error", xlabel: "t", ylabel: "|H − H(z0)|", logY: true, series: []series{{name: rep.Method, x: tr.Times, y: dE}}},
	}, nil, files)
	if err != nil {
		return err
	}
	if files["report.json"], err = problems.MarshalReport(rep); err != nil {
		return err
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d steps on [0, %.6g] in %.3g s\n", p.Name, rep.Method, rep.Steps, p.T, float64(rep.Seconds))
	fmt.Fprintf(e.stdout, "  max |H - H(z0)| = %.3g (H(z0) = %.10g)\n", float64(rep.MaxEnergyError), float64(rep.Energy0))
	fmt.Fprintf(e.stdout, "  final state:")
	for i, n := range p.Names() {
		fmt.Fprintf(e.stdout, " %s=%.10g", n, tr.States[rep.Steps*D+i])
	}
	fmt.Fprintln(e.stdout)
	if dropped > 0 {
		fmt.Fprintf(e.stdout, "  plots: %d non-finite points left out\n", dropped)
	}
	fmt.Fprintf(e.stdout, "  wrote %s\n", listFiles(dir, files))
	return nil
}
