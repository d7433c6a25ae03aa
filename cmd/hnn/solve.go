package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot/plotutil"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

func init() {
	register(&command{
		name:    "solve",
		summary: "solve a problem with the data-free Hamiltonian network and compare",
		usage:   "solve FILE|NAME [-o DIR] [--epochs N] [--seed S] [--quiet]",
		help: `
Trains a network ẑ(t) = z0 + f(t)·N(t) on Hamilton's equations alone (no
simulator data; Mattheakis et al., §II.A) with the settings of the problem's
solver section, keeps the model with the smallest residual ℓmax on a dense
validation grid, and compares it on a grid of 20 points per training spacing
with the reference (DOP853, rtol = atol = 1e-12) and with symplectic Euler at
K·factor steps for each factor in compare.euler_factors.

The report gives, for the network and each Euler run, the largest error of
each component, the largest phase-space error ‖δz‖ and the largest energy
error |H − E0|; the number of Euler steps needed to match the network;
ℓmax, σmin and the paper's bound ℓmax/σmin (Eq. 22), a heuristic; the
error-propagation estimate (Eq. 18); and the certified bound on max‖δz‖,
proved with interval arithmetic over the network and the formula (or "not
certified" with the reason). Each is checked against the actual error.
With solver.target_error, training stops once the bound chosen by
solver.target_bound (paper or certified) reaches it. It writes

  DIR/report.json   the figures (see the field names in the output)
  DIR/solution.csv  the network on the dense grid: t,<coordinates>,<momenta>,H
  DIR/model.json    the trained model, for later evaluation

Progress is shown on a terminal. Ctrl-C stops training, writes everything
for the best model so far and exits with status 130.

Examples:
  hnn solve nonlinear_oscillator
  hnn solve henon_heiles -o out/hh --epochs 5000
  hnn solve mine.yaml --seed 7 --quiet > report.txt
`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			o := &solveOpts{}
			fs.StringVar(&o.dir, "o", "", "output directory (default out/<problem name>)")
			fs.Func("epochs", "number of Adam epochs, at least 1 (default: the problem's solver.epochs)", func(s string) error {
				n, err := strconv.Atoi(s)
				if err != nil {
					return fmt.Errorf("not a whole number")
				}
				o.epochs = &n
				return nil
			})
			fs.Func("seed", "random seed (default: the problem's solver.seed)", func(s string) error {
				var v uint64
				if _, err := fmt.Sscan(s, &v); err != nil {
					return fmt.Errorf("not an unsigned integer")
				}
				o.seed = &v
				return nil
			})
			fs.BoolVar(&o.quiet, "quiet", false, "no progress display")
			fs.StringVar(&o.plots, "plots", "png", "plot format: png, svg or none")
			return o.run
		},
	})
}

type solveOpts struct {
	dir    string
	epochs *int
	seed   *uint64
	quiet  bool
	plots  string
}

func (o *solveOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("solve", "solve FILE|NAME [-o DIR] [--epochs N] [--seed S]", args, o.plots)
	if err != nil {
		return err
	}
	if p.Z0 == nil {
		return inputError(fmt.Errorf("%s: no initial state and time: this is a learn task (hnn learn %s)", p.Source, args[0]))
	}
	set := p.Solver
	if o.epochs != nil {
		if *o.epochs < 1 || *o.epochs > problems.MaxEpochs {
			return usageError("", "solve: --epochs %d is out of range [1, %d]", *o.epochs, problems.MaxEpochs)
		}
		set.Epochs = *o.epochs
	}
	if o.seed != nil {
		set.Seed = *o.seed
	}
	dir := outDir(o.dir, p.Name)

	prog := newProgress(e)
	prog.on = prog.on && !o.quiet
	mon := func(pr solver.Progress) {
		status := fmt.Sprintf("epoch %d/%d  loss %.2e  best ℓmax %.2e", pr.Epoch, pr.Epochs, pr.Loss, pr.BestLMax)
		if pr.Phase == solver.PhasePolish {
			status = fmt.Sprintf("%s %d  loss %.2e  best ℓmax %.2e", cmp.Or(set.PolishMethod, solver.PolishLBFGS).Name(), pr.Epoch-pr.Epochs, pr.Loss, pr.BestLMax)
		}
		prog.show(min(pr.Epoch, pr.Epochs), pr.Epochs, pr.Elapsed, status)
	}
	sol, err := solver.Solve(ctx, p.Problem, &set, mon)
	prog.done()
	if err != nil {
		// Solve fails only on what it was given (sizes, settings); how
		// training went is in the solution's status.
		return inputError(fmt.Errorf("%s: %w", p.Source, err))
	}
	// The report is computed even after Ctrl-C, for the best model so far;
	// a Ctrl-C during the assessment stops the certificate only.
	actx := ctx
	if ctx.Err() != nil {
		actx = context.WithoutCancel(ctx)
	}
	rep, files, err := analyseSolution(actx, p, sol, o.plots, prog)
	if err != nil {
		return fmt.Errorf("problem %s: %w", p.Name, err)
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	printSolveReport(e.stdout, p, rep)
	if rep.PlotDropped > 0 {
		fmt.Fprintf(e.stdout, "plots: %d points not finite (or not positive on a log axis) were left out\n", rep.PlotDropped)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", listFiles(dir, files))
	if sol.Training.Stopped == solver.StoppedInterrupted {
		return &exitError{code: exitInterrupted, err: errors.New("interrupted: wrote the results for the best model so far")}
	}
	if rep.assessment.Interrupted != "" {
		return errCertifyInterrupted
	}
	return nil
}

// errCertifyInterrupted ends a run whose certificate Ctrl-C stopped.
var errCertifyInterrupted = &exitError{code: exitInterrupted, err: errors.New("interrupted: the certified bound was not finished; wrote everything else")}

// solveReport is report.json of hnn solve.
type solveReport struct {
	Problem  string         `json:"problem"`
	Training trainingReport `json:"training"`
	Network  networkReport  `json:"network"`
	Euler    []eulerReport  `json:"euler"`
	Bounds   boundsReport   `json:"bounds"`
	// EulerStepsToMatch is the fewest symplectic Euler steps whose max
	// phase-space error is at most the network's; when the cap was reached
	// it is the cap and EulerStepsToMatchReached is false ("more than").
	EulerStepsToMatch        int    `json:"euler_steps_to_match"`
	EulerStepsToMatchReached bool   `json:"euler_steps_to_match_reached"`
	EulerMethod              string `json:"euler_method"`
	Grid                     int    `json:"grid_points"`
	Reference                string `json:"reference"`
	PlotDropped              int    `json:"plot_points_left_out,omitempty"`

	assessment *errorbound.Assessment // what the report was made from
}

type trainingReport struct {
	Epochs          int                 `json:"epochs"`
	Polish          int                 `json:"polish_iterations"`
	PolishMethod    solver.PolishMethod `json:"polish_method,omitempty"`
	Seconds         number              `json:"seconds"`
	FinalLoss       number              `json:"final_loss"`
	BestEpoch       int                 `json:"best_epoch"`
	BestLMax        number              `json:"best_validation_lmax"`
	StoppedBecause  solver.Status       `json:"stopped_because"`
	Detail          string              `json:"detail,omitempty"`
	SecondsPerEpoch number              `json:"ms_per_epoch"`
}

type networkReport struct {
	LMax           number            `json:"lmax"`
	SigmaMin       number            `json:"sigma_min"`
	PaperBound     *number           `json:"paper_bound"`
	PaperBoundWhy  string            `json:"paper_bound_reason,omitempty"`
	PaperBoundHeld *bool             `json:"paper_bound_held,omitempty"`
	MaxAbsError    map[string]number `json:"max_abs_error"`
	MaxError       number            `json:"max_error"`
	RMSError       number            `json:"rms_error"`
	MaxEnergyError number            `json:"max_energy_error"`
}

// boundsReport compares every bound and estimate with the actual error.
type boundsReport struct {
	// Paper is ℓmax/σmin (Mattheakis et al. Eq. 22), a bound on every
	// component, compared with the largest component error.
	Paper checkedBound `json:"paper"`
	// Propagation is the largest ‖e(t)‖ of the linearised error equation
	// (Eq. 18) integrated along the network: an estimate, not a bound,
	// compared with the largest phase-space error.
	Propagation checkedBound `json:"propagation"`
	// Certified is the certified bound on max_t ‖z(t) − ẑ(t)‖₂
	// (errorbound.Certify), compared with the largest phase-space error.
	Certified certifiedReport `json:"certified"`
}

// certifiedReport is the certified bound with its parts.
type certifiedReport struct {
	checkedBound
	Certified   bool    `json:"certified"`
	Linear      *number `json:"linear_part,omitempty"`
	Integration *number `json:"integration_part,omitempty"`
	Residual    *number `json:"residual_part,omitempty"`
	Nonlinear   *number `json:"nonlinear_part,omitempty"`
	Rho         *number `json:"tube_radius,omitempty"`
	PhiMax      *number `json:"phi_max,omitempty"`
	M3          *number `json:"third_derivative_bound,omitempty"`
	Intervals   int     `json:"intervals"`
	Seconds     number  `json:"seconds"`
}

// certifiedFrom fills the report of a certified bound.
func certifiedFrom(a *errorbound.Assessment) certifiedReport {
	c := a.Certified
	r := certifiedReport{Certified: c.Certified, Intervals: c.Intervals, Seconds: number(a.CertifySeconds)}
	r.Reason = c.Reason
	if !c.Certified {
		return r
	}
	r.checkedBound = checkedFrom(a.CertifiedCheck)
	num := func(x float64) *number { v := number(x); return &v }
	r.Linear, r.Integration, r.Residual, r.Nonlinear = num(c.Linear), num(c.Integration), num(c.Residual), num(c.Nonlinear)
	r.Rho, r.PhiMax, r.M3 = num(c.Rho), num(c.PhiMax), num(c.M3)
	return r
}

type checkedBound struct {
	Value     *number           `json:"value"`
	Reason    string            `json:"reason,omitempty"`
	Held      *bool             `json:"held,omitempty"`
	Tightness *number           `json:"tightness,omitempty"` // value / actual
	PerComp   map[string]number `json:"max_abs,omitempty"`
}

// checkedFrom reports a checked bound: no value, held or tightness where
// there is none.
func checkedFrom(c errorbound.Check) checkedBound {
	var r checkedBound
	if !c.Valid() {
		return r
	}
	v, held := number(c.Value), c.Held
	r.Value, r.Held = &v, &held
	if !math.IsNaN(c.Tightness) {
		t := number(c.Tightness)
		r.Tightness = &t
	}
	return r
}

type eulerReport struct {
	Factor         int               `json:"factor"`
	Steps          int               `json:"steps"`
	MaxAbsError    map[string]number `json:"max_abs_error"`
	MaxError       number            `json:"max_error"`
	MaxEnergyError number            `json:"max_energy_error"`
}

// analyseSolution assesses the trained network (errorbound.Assess) and
// renders the output files; prog shows the assessment's stages.
func analyseSolution(ctx context.Context, p *problems.Problem, sol *solver.Solution, plots string, prog *progress) (*solveReport, map[string][]byte, error) {
	set := p.Compare
	set.Stage = func(stage string) { prog.show(0, 1, 0, "assessing: "+stage) }
	var cs errorbound.CertifySettings
	if set.Certify != nil {
		cs = *set.Certify
	}
	start := time.Now()
	cs.Progress = func(done, total int) { prog.show(done, total, time.Since(start), "assessing: certified bound") }
	set.Certify = &cs
	a, err := sol.Assess(ctx, &set)
	prog.done()
	if err != nil {
		return nil, nil, err
	}
	rep := reportOf(p, sol, a)
	h, D := p.H, p.Dim()
	header := append(append([]string{"t"}, p.Names()...), "H")
	rows := make([][]float64, len(a.Grid))
	refRows := make([][]float64, len(a.Grid))
	for k, t := range a.Grid {
		z, r := a.States[k*D:(k+1)*D], a.RefStates[k*D:(k+1)*D]
		rows[k] = append(append([]float64{t}, z...), h.H(z))
		refRows[k] = append(append([]float64{t}, r...), h.H(r))
	}
	var model bytes.Buffer
	if err := sol.Save(&model); err != nil {
		return nil, nil, err
	}
	files := map[string][]byte{
		"solution.csv": csvTable(header, rows),
		"model.json":   model.Bytes(),
	}
	if plots != "none" {
		charts, err := solveCharts(p, sol, a, rep, rows, refRows)
		if err != nil {
			return nil, nil, err
		}
		if rep.PlotDropped, err = figures(plots, charts, []string{"phase", "errors", "energy", "loss"}, files); err != nil {
			return nil, nil, err
		}
	}
	if files["report.json"], err = marshalJSON(rep); err != nil {
		return nil, nil, err
	}
	return rep, files, nil
}

// reportOf is report.json of a solve: the training record and the
// assessment.
func reportOf(p *problems.Problem, sol *solver.Solution, a *errorbound.Assessment) *solveReport {
	names := p.Names()
	tr, pb, net := sol.Training, a.Paper, a.Network
	rep := &solveReport{
		assessment: a,
		Problem:    p.Name,
		Training: trainingReport{
			Epochs: tr.Epochs, Polish: tr.Polish, PolishMethod: sol.Settings.PolishMethod, Seconds: number(tr.Seconds), FinalLoss: number(tr.FinalLoss),
			BestEpoch: tr.BestEpoch, BestLMax: number(tr.BestLMax), StoppedBecause: tr.Stopped, Detail: tr.Reason,
		},
		Network: networkReport{
			LMax: number(pb.LMax), SigmaMin: number(pb.SigmaMin),
			MaxAbsError: named(names, net.MaxAbs), MaxError: number(net.Max), RMSError: number(net.RMS), MaxEnergyError: number(net.MaxEnergy),
		},
		EulerMethod:              a.EulerMethod.Name(),
		Grid:                     len(a.Grid),
		Reference:                errorbound.ReferenceName,
		EulerStepsToMatch:        a.StepsToMatch,
		EulerStepsToMatchReached: a.StepsToMatchReached,
	}
	if tr.Epochs > 0 {
		rep.Training.SecondsPerEpoch = number(1000 * tr.Seconds / float64(tr.Epochs+tr.Polish))
	}
	rep.Bounds.Paper = checkedFrom(a.PaperCheck)
	rep.Bounds.Paper.Reason = pb.Reason
	if a.Propagated == nil {
		rep.Bounds.Propagation.Reason = a.PropagationReason
	} else {
		rep.Bounds.Propagation = checkedFrom(a.PropagationCheck)
		rep.Bounds.Propagation.PerComp = named(names, a.PropagatedMaxAbs)
	}
	rep.Bounds.Certified = certifiedFrom(a)
	if a.PaperCheck.Valid() {
		b, held := number(pb.Bound), a.PaperCheck.Held
		rep.Network.PaperBound, rep.Network.PaperBoundHeld = &b, &held
	} else {
		rep.Network.PaperBoundWhy = pb.Reason
	}
	for _, e := range a.Euler {
		rep.Euler = append(rep.Euler, eulerReport{Factor: e.Factor, Steps: e.Steps, MaxAbsError: named(names, e.MaxAbs), MaxError: number(e.Max), MaxEnergyError: number(e.MaxEnergy)})
	}
	return rep
}

// solveCharts builds the pictures of a solve: phase space, errors with the
// bound, energy, training loss and, in two or more dimensions, the orbit.
func solveCharts(p *problems.Problem, sol *solver.Solution, a *errorbound.Assessment, rep *solveReport, rows, refRows [][]float64) (map[string]chart, error) {
	d := len(p.Coordinates)
	names := p.Names()
	col := func(rs [][]float64, j int) []float64 {
		out := make([]float64, len(rs))
		for i, r := range rs {
			out[i] = r[j]
		}
		return out
	}
	// Symplectic Euler at K and at the largest factor, at most 4000 nodes each.
	m := a.EulerMethod
	type run struct {
		name string
		rows [][]float64
	}
	var eulers []run
	factors := p.Compare.Factors()
	shown := []int{factors[0]}
	if last := factors[len(factors)-1]; last != factors[0] {
		shown = append(shown, last)
	}
	for _, f := range shown {
		n := f * p.K
		if n > 2_000_000 {
			continue // too many nodes to draw usefully; the table has its figures
		}
		tr, err := symplectic.Integrate(p.H, p.Z0, 0, p.T, n, m)
		if err != nil {
			continue // the comparison already reported Euler's figures; no picture
		}
		stride := max(1, n/4000)
		var rs [][]float64
		for k := 0; k <= n; k += stride {
			x := tr.State(nil, k)
			rs = append(rs, append(append([]float64{tr.Time(k)}, x...), p.H.H(x)))
		}
		eulers = append(eulers, run{fmt.Sprintf("%s, %d steps", rep.EulerMethod, n), rs})
	}
	title := func(what string) string { return p.Name + ": " + what }
	charts := map[string]chart{}

	// Euler first, then the reference, then the network on top: the
	// network and the reference agree to the eye, so the one drawn last is
	// the one seen.
	phase := chart{title: title("phase space"), xlabel: names[0], ylabel: names[d]}
	energy := chart{title: title("energy"), xlabel: "t", ylabel: "H"}
	orbit := chart{title: title("orbit"), xlabel: names[0], ylabel: names[min(1, len(names)-1)]}
	add := func(name string, rs [][]float64, dashed bool) {
		phase.series = append(phase.series, series{name: name, x: col(rs, 1), y: col(rs, 1+d), dashed: dashed})
		energy.series = append(energy.series, series{name: name, x: col(rs, 0), y: col(rs, 1+2*d), dashed: dashed})
		if d >= 2 {
			orbit.series = append(orbit.series, series{name: name, x: col(rs, 1), y: col(rs, 2), dashed: dashed})
		}
	}
	for _, e := range eulers {
		add(e.name, e.rows, false)
	}
	add("reference", refRows, true)
	add("network", rows, false)
	charts["phase"], charts["energy"] = phase, energy
	if d >= 2 {
		charts["orbit"] = orbit
	}

	errs := chart{title: title("network error against the reference"), xlabel: "t", ylabel: "|δz_i|", logY: true, legendRoom: true}
	for j, n := range names {
		e := make([]float64, len(rows))
		for i := range rows {
			e[i] = math.Abs(rows[i][1+j] - refRows[i][1+j])
		}
		errs.series = append(errs.series, series{name: "|δ" + n + "|", x: col(rows, 0), y: e, color: plotutil.Color(j)})
	}
	for j := range names {
		if a.Propagated == nil {
			break
		}
		D := len(names)
		e := make([]float64, len(a.Grid))
		for i := range a.Grid {
			e[i] = math.Abs(a.Propagated[i*D+j])
		}
		// Each estimate in its component's colour, one legend entry for all.
		name := ""
		if j == 0 {
			name = "estimate (Eq. 18), dashed"
		}
		errs.series = append(errs.series, series{name: name, x: a.Grid, y: e, dashed: true, color: plotutil.Color(j)})
	}
	if rep.Network.PaperBound != nil {
		errs.hlines = append(errs.hlines, level{name: "paper's bound ℓmax/σmin", value: float64(*rep.Network.PaperBound)})
	}
	if c := rep.Bounds.Certified; c.Value != nil {
		// A bound on ‖δz‖₂, so on every component.
		errs.hlines = append(errs.hlines, level{name: "certified bound on ‖δz‖", value: float64(*c.Value), solid: true})
	}
	charts["errors"] = errs

	loss := sol.Training.Loss
	stride := max(1, len(loss)/5000)
	var ex, ey []float64
	for i := 0; i < len(loss); i += stride {
		ex, ey = append(ex, float64(i+1)), append(ey, loss[i])
	}
	lc := chart{title: title("training loss"), xlabel: "epoch", ylabel: "loss", logY: true, series: []series{{name: "Adam", x: ex, y: ey}}}
	if be := sol.Training.BestEpoch; be > 0 {
		lc.vline = &level{name: fmt.Sprintf("best model (epoch %d)", be), value: float64(min(be, len(loss)))}
	}
	if len(ex) > 0 { // a reloaded model carries no loss history
		charts["loss"] = lc
	}
	return charts, nil
}

func printSolveReport(w io.Writer, p *problems.Problem, r *solveReport) {
	tr := r.Training
	kind := "Hamiltonian"
	if p.Solver.Formulation == solver.FormulationLagrangian {
		kind = "Lagrangian (Eq. 11–12)"
	}
	fmt.Fprintf(w, "%s: data-free %s network, K = %d on [0, %.4g]\n", p.Name, kind, p.K, p.T)
	fmt.Fprintf(w, "training: %d epochs", tr.Epochs)
	if tr.Polish > 0 {
		fmt.Fprintf(w, " + %d %s", tr.Polish, tr.PolishMethod.Name())
	}
	fmt.Fprintf(w, " in %.1f s (%.3g ms/epoch), %s; best model at epoch %d, final loss %.3g\n", float64(tr.Seconds), float64(tr.SecondsPerEpoch), tr.StoppedBecause, tr.BestEpoch, float64(tr.FinalLoss))
	if tr.Detail != "" {
		fmt.Fprintf(w, "  %s\n", tr.Detail)
	}
	names := p.Names()
	fmt.Fprintf(w, "\nerrors against the reference on %d points:\n", r.Grid)
	var b strings.Builder
	fmt.Fprintf(&b, "  %-22s", "")
	for _, n := range names {
		fmt.Fprintf(&b, " %10s", "max|δ"+n+"|")
	}
	fmt.Fprintf(&b, " %10s %10s\n", "max‖δz‖", "max|H−E0|")
	row := func(label string, abs map[string]number, maxErr, maxE number) {
		fmt.Fprintf(&b, "  %-22s", label)
		for _, n := range names {
			fmt.Fprintf(&b, " %10.3g", float64(abs[n]))
		}
		fmt.Fprintf(&b, " %10.3g %10.3g\n", float64(maxErr), float64(maxE))
	}
	row("network", r.Network.MaxAbsError, r.Network.MaxError, r.Network.MaxEnergyError)
	for _, e := range r.Euler {
		row(fmt.Sprintf("%s %d steps", r.EulerMethod, e.Steps), e.MaxAbsError, e.MaxError, e.MaxEnergyError)
	}
	fmt.Fprint(w, b.String())
	switch {
	case r.EulerStepsToMatch == 0:
		fmt.Fprintf(w, "%s steps to match the network: not computed (the network is not finite)\n", r.EulerMethod)
	case r.EulerStepsToMatchReached:
		fmt.Fprintf(w, "%s steps to match the network: %d (%.3g·K)\n", r.EulerMethod, r.EulerStepsToMatch, float64(r.EulerStepsToMatch)/float64(p.K))
	default:
		fmt.Fprintf(w, "%s steps to match the network: more than %d\n", r.EulerMethod, r.EulerStepsToMatch)
	}
	if pr := r.Bounds.Propagation; pr.Value != nil {
		fmt.Fprintf(w, "error propagation (Eq. 18, an estimate): max ‖δz‖ ≈ %.3g, %.3g× the actual\n", float64(*pr.Value), float64(*pr.Tightness))
	} else if pr.Reason != "" {
		fmt.Fprintf(w, "error propagation: %s\n", pr.Reason)
	}
	if c := r.Bounds.Certified; c.Certified {
		verdict := "held"
		if c.Held != nil && !*c.Held {
			verdict = "VIOLATED"
		}
		tight := ""
		if t := c.Tightness; t != nil {
			tight = fmt.Sprintf(", %.3g× the actual", float64(*t))
		}
		fmt.Fprintf(w, "certified bound: max ‖δz‖ ≤ %.3g (%s%s; tube radius %.3g, %.2g s)\n", float64(*c.Value), verdict, tight, float64(*c.Rho), float64(c.Seconds))
	} else {
		fmt.Fprintf(w, "certified bound: not certified: %s\n", c.Reason)
	}
	fmt.Fprintf(w, "\nℓmax = %.3g, σmin = %.3g, ", float64(r.Network.LMax), float64(r.Network.SigmaMin))
	if r.Network.PaperBound != nil {
		verdict := "held"
		if !*r.Network.PaperBoundHeld {
			verdict = "VIOLATED"
		}
		tight := ""
		if t := r.Bounds.Paper.Tightness; t != nil {
			tight = fmt.Sprintf(", %.3g× the largest component error", float64(*t))
		}
		fmt.Fprintf(w, "paper's bound ℓmax/σmin = %.3g per component (%s%s)\n", float64(*r.Network.PaperBound), verdict, tight)
	} else {
		fmt.Fprintf(w, "no paper's bound: %s\n", r.Network.PaperBoundWhy)
	}
}
