package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/symplectic"
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

type integrateReport struct {
	Problem        string                     `json:"problem"`
	Method         string                     `json:"method"`
	Steps          int                        `json:"steps"`
	End            problems.Number            `json:"t_end"`
	Seconds        problems.Number            `json:"seconds"`
	Energy0        problems.Number            `json:"energy0"`
	MaxEnergyError problems.Number            `json:"max_energy_error"`
	FinalState     map[string]problems.Number `json:"final_state"`
	RTol           *problems.Number           `json:"rtol,omitempty"`
	Evaluations    int                        `json:"evaluations,omitempty"`
	AcceptedSteps  int                        `json:"accepted_steps,omitempty"`
	RejectedSteps  int                        `json:"rejected_steps,omitempty"`
}

func (o *integrateOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("integrate", "integrate FILE|NAME [--method M] [--steps N] [-o DIR]", args, o.plots)
	if err != nil {
		return err
	}
	if p.Z0 == nil {
		return inputError(fmt.Errorf("%s: no initial state and time: this is a learn task (hnn learn %s)", p.Source, args[0]))
	}
	steps := o.steps
	if steps == 0 {
		steps = p.K
	}
	if steps < 1 || steps > problems.MaxEulerStep {
		return usageError("", "integrate: --steps %d is out of range [1, %d]", steps, problems.MaxEulerStep)
	}
	if !(o.rtol > 0 && o.rtol < 1) {
		return usageError("", "integrate: --rtol %v must be in (0, 1)", o.rtol)
	}
	var m symplectic.Method
	if o.method != "dop853" {
		if m, err = symplectic.MethodByName(o.method); err != nil {
			return usageError("", "integrate: --method: %v", err)
		}
	}
	dir := outDir(o.dir, p.Name)

	rep := integrateReport{Problem: p.Name, Method: o.method, Steps: steps, End: problems.Number(p.T), Energy0: problems.Number(p.H.H(p.Z0))}
	start := time.Now()
	var at func(dst []float64, t float64) []float64
	if m == nil {
		d := &symplectic.DOP853{RTol: o.rtol, ATol: o.rtol}
		sol, err := d.Solve(ctx, symplectic.HamiltonianSystem(p.H), p.Z0, 0, p.T)
		if err != nil {
			return integrateError(p, err)
		}
		at = sol.At
		st := sol.Stats()
		r := problems.Number(o.rtol)
		rep.RTol, rep.Evaluations, rep.AcceptedSteps, rep.RejectedSteps = &r, st.Evaluations, st.Accepted, st.Rejected
	} else {
		tr, err := symplectic.Integrate(p.H, p.Z0, 0, p.T, steps, m)
		if err != nil {
			return integrateError(p, err)
		}
		at = tr.At
	}
	header := append(append([]string{"t"}, p.Names()...), "H")
	rows := make([][]float64, steps+1)
	x := make([]float64, p.Dim())
	e0 := p.H.H(p.Z0)
	var maxErr float64
	for k := 0; k <= steps; k++ {
		t := p.T * float64(k) / float64(steps)
		at(x, t)
		h := p.H.H(x)
		if d := math.Abs(h - e0); d > maxErr || math.IsNaN(d) {
			maxErr = d
		}
		row := make([]float64, 0, len(header))
		row = append(append(append(row, t), x...), h)
		rows[k] = row
	}
	rep.Seconds = problems.Number(time.Since(start).Seconds())
	rep.MaxEnergyError = problems.Number(maxErr)
	rep.FinalState = problems.Named(p.Names(), x)

	files := map[string][]byte{"trajectory.csv": csvTable(header, rows)}
	d := len(p.Coordinates)
	col := func(j int) []float64 {
		out := make([]float64, len(rows))
		for i, r := range rows {
			out[i] = r[j]
		}
		return out
	}
	dE := make([]float64, len(rows))
	for i, r := range rows {
		dE[i] = math.Abs(r[len(r)-1] - e0)
	}
	title := p.Name + ", " + o.method + ": "
	dropped, err := figures(o.plots, map[string]chart{
		"phase":  {title: title + "phase space", xlabel: p.Coordinates[0], ylabel: p.Momenta[0], series: []series{{name: o.method, x: col(1), y: col(1 + d)}}},
		"energy": {title: title + "energy error", xlabel: "t", ylabel: "|H − H(z0)|", logY: true, series: []series{{name: o.method, x: col(0), y: dE}}},
	}, nil, files)
	if err != nil {
		return err
	}
	js, err := problems.MarshalReport(rep)
	if err != nil {
		return err
	}
	files["report.json"] = js
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d steps on [0, %.6g] in %.3g s\n", p.Name, o.method, steps, p.T, float64(rep.Seconds))
	fmt.Fprintf(e.stdout, "  max |H - H(z0)| = %.3g (H(z0) = %.10g)\n", maxErr, e0)
	fmt.Fprintf(e.stdout, "  final state:")
	for i, n := range p.Names() {
		fmt.Fprintf(e.stdout, " %s=%.10g", n, x[i])
	}
	fmt.Fprintln(e.stdout)
	if dropped > 0 {
		fmt.Fprintf(e.stdout, "  plots: %d non-finite points left out\n", dropped)
	}
	fmt.Fprintf(e.stdout, "  wrote %s\n", listFiles(dir, files))
	return nil
}

// integrateError classifies an integrator error: a method that cannot handle
// this Hamiltonian is the user's choice (exit 2); anything else a failure.
func integrateError(p *problems.Problem, err error) error {
	err = fmt.Errorf("problem %s: %w", p.Name, err)
	if errors.Is(err, symplectic.ErrNotSeparable) || errors.Is(err, symplectic.ErrNoHessian) {
		return inputError(err)
	}
	return err
}
