package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/hnn-project/hnn/internal/figures"
	"github.com/hnn-project/hnn/internal/outdir"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

func init() {
	register(&command{
		name:    "solve",
		summary: "solve a problem with the data-free Hamiltonian network and compare",
		args:    "FILE|NAME",
		shared:  withOut | withPlots | withQuiet | withSeed | withJSON,
		outDir:  "out/<problem name>",
		setup: func(fs *flag.FlagSet, sh *shared) func(context.Context, *env, []string) error {
			o := &solveOpts{shared: sh}
			fs.Func("epochs", "`N` Adam epochs, at least 1 (default: the problem's solver.epochs)", func(s string) error {
				n, err := strconv.Atoi(s)
				if err != nil {
					return fmt.Errorf("not a whole number")
				}
				o.epochs = &n
				return nil
			})
			fs.Func("tol", "`EPS` the automatic mode: train time windows until the certified max‖δz‖ on [0, T] is at most EPS (default: the problem's solver.tolerance)", func(s string) error {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil || !(x > 0) || math.IsInf(x, 0) {
					return fmt.Errorf("not a positive number")
				}
				o.tol = x
				return nil
			})
			return o.run
		},
	})
}

type solveOpts struct {
	*shared
	epochs *int
	tol    float64
}

func (o *solveOpts) run(ctx context.Context, e *env, args []string) error {
	p, err := problemArg("solve", args, o.plots)
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
	if o.tol > 0 {
		set.Tolerance = o.tol
	}
	if o.epochs != nil && set.Tolerance > 0 {
		return usageError("", "solve: --epochs sets a fixed training; the automatic mode (--tol, solver.tolerance) chooses its own")
	}
	dir := outDir(o.dir, p.Name)
	out, err := claimFor(e, p, dir)
	if err != nil {
		return err
	}
	defer out.Release()

	prog := o.progress(e)
	mon := func(pr solver.Progress) {
		if pr.Window > 0 || pr.Phase == solver.PhaseCertify {
			showWindow(prog, pr)
			return
		}
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
	// The model first, so that a Ctrl-C in the assessment keeps it.
	if err := writeModel(out, sol); err != nil {
		return err
	}
	// After a Ctrl-C in training, the report of the model so far, as far
	// as the assessment gets in a grace period.
	actx := ctx
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(context.WithoutCancel(ctx), interruptGrace)
		defer cancel()
	}
	rep, a, files, err := analyseSolution(actx, p, sol, o.plots, prog, commandLine(e), false)
	if err != nil {
		return fmt.Errorf("problem %s: %w", p.Name, err)
	}
	if err := o.deliver(e, out, dir, p, rep, a, files); err != nil {
		return err
	}
	if rep.PlotDropped > 0 {
		o.say(e, "plots: %d points not finite (or not positive on a log axis) were left out\n", rep.PlotDropped)
	}
	o.say(e, "wrote %s\n", listFiles(dir, files))
	if sol.Training.Stopped == solver.StoppedInterrupted {
		msg := "interrupted in training: wrote the results for the best model so far"
		if a.Interrupted != "" {
			msg += fmt.Sprintf(" (its assessment stopped at the %s)", a.Interrupted)
		}
		return &exitError{code: exitInterrupted, err: errors.New(msg)}
	}
	if a.Interrupted != "" {
		return interrupted(dir, a)
	}
	return verdict(rep)
}

// deliver writes a solve's files into the claimed folder and prints its
// report (the table, or report.json with --json); a report cut short by
// Ctrl-C before the comparison (rep nil) ends the run with status 130.
func (o *shared) deliver(e *env, out *outdir.Folder, dir string, p *problems.Problem, rep *problems.SolveReport, a *errorbound.Assessment, files map[string][]byte) error {
	if err := out.Write(files); err != nil {
		return err
	}
	if rep == nil {
		return interrupted(dir, a)
	}
	return o.print(e, files["report.json"], func(w io.Writer) { printSolveReport(w, p, rep) })
}

// verdict is exit 3 with one line when the answer cannot be trusted
// (problems.SolveReport.Trusted): the figures were written, but nothing
// proves how far the answer is from the truth.
func verdict(rep *problems.SolveReport) error {
	if err := rep.Trusted(); err != nil {
		return &exitError{code: exitCheck, err: err}
	}
	return nil
}

// showWindow shows the automatic mode's progress: the time reached, the
// window in training, the estimate and the certified bound so far, and
// the certificate's blocks.
func showWindow(prog *progress, pr solver.Progress) {
	const scale = 1000
	switch pr.Phase {
	case solver.PhaseCertify:
		prog.show(pr.Epoch, pr.Epochs, pr.Elapsed, fmt.Sprintf("certifying the chain up to t = %.4g", pr.Reached))
	case solver.PhaseWindow:
		prog.show(int(scale*pr.Reached/pr.End), scale, pr.Elapsed, fmt.Sprintf("t %.4g/%.4g  window %d done, ℓmax %.2e  estimate %.2e  %s", pr.Reached, pr.End, pr.Window, pr.LMax, pr.Estimate, pr.Certified()))
	default:
		prog.show(int(scale*pr.Reached/pr.End), scale, pr.Elapsed, fmt.Sprintf("t %.4g/%.4g  window %d [%.4g, %.4g]  %s  best ℓmax %.2e", pr.Reached, pr.End, pr.Window, pr.WindowStart, pr.WindowEnd, pr.Phase, pr.BestLMax))
	}
}

// analyseSolution assesses the trained network (errorbound.Assess) and
// renders the output files; prog shows the assessment's stages.
func analyseSolution(ctx context.Context, p *problems.Problem, sol *solver.Solution, plots string, prog *progress, command []string, saved bool) (*problems.SolveReport, *errorbound.Assessment, map[string][]byte, error) {
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
		if ctx.Err() != nil { // in the reference: nothing to report
			return nil, &errorbound.Assessment{Interrupted: errorbound.StageReference}, nil, nil
		}
		return nil, nil, nil, err
	}
	if a.Grid == nil { // interrupted in the comparison: nothing to report
		return nil, a, nil, nil
	}
	rep := p.SolveReport(sol, a)
	rep.Provenance.Command = command
	rep.Training.Saved = saved
	files := map[string][]byte{}
	if plots != "none" {
		if err := figures.SolveFiles(plots, p, sol, a, rep, files); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := p.SolveFiles(sol, a, rep, files); err != nil {
		return nil, nil, nil, err
	}
	return rep, a, files, nil
}

func printSolveReport(w io.Writer, p *problems.Problem, r *problems.SolveReport) {
	tr := r.Training
	kind := "Hamiltonian"
	if p.Solver.Formulation == solver.FormulationLagrangian {
		kind = "Lagrangian (Eq. 11–12)"
	}
	if t := r.Tolerance; t != nil {
		fmt.Fprintf(w, "%s: data-free %s network, automatic mode: %d windows, K = %d in all on [0, %.4g]\n", p.Name, kind, len(r.Windows), r.Points, p.T)
		verdict := "met"
		if !t.Met {
			verdict = "NOT met"
		}
		fmt.Fprintf(w, "tolerance %.3g %s", float64(t.Requested), verdict)
		if t.Bound != nil {
			fmt.Fprintf(w, ": certified max‖δz‖ ≤ %.3g on [0, %.4g]", float64(*t.Bound), float64(t.CertifiedUntil))
		}
		fmt.Fprintf(w, " (%d pass(es))\n", t.Passes)
		if t.Reason != "" {
			fmt.Fprintf(w, "  %s\n", t.Reason)
		}
	} else {
		fmt.Fprintf(w, "%s: data-free %s network, K = %d on [0, %.4g]\n", p.Name, kind, p.K, p.T)
	}
	if r.Tolerance != nil {
		fmt.Fprintf(w, "training: %d windows, %d Adam epochs + %d %s iterations in %.1f s (certificate included), %s\n", len(r.Windows), tr.Epochs, tr.Polish, tr.PolishMethod.Name(), float64(tr.Seconds), tr.StoppedBecause)
	} else {
		printTraining(w, tr)
	}
	printAssessment(w, p, r)
}

// printTraining prints the training line of a single network.
func printTraining(w io.Writer, tr problems.TrainingReport) {
	label := "training"
	if tr.Saved {
		label = "training (as saved in the model file, not rerun)"
	}
	fmt.Fprintf(w, "%s: %d epochs", label, tr.Epochs)
	if tr.Polish > 0 {
		fmt.Fprintf(w, " + %d %s", tr.Polish, tr.PolishMethod.Name())
	}
	fmt.Fprintf(w, " in %.1f s (%.3g ms/epoch", float64(tr.Seconds), float64(tr.SecondsPerEpoch))
	if tr.MsPerPolish > 0 {
		fmt.Fprintf(w, ", %.3g ms/polish iteration", float64(tr.MsPerPolish))
	}
	fmt.Fprintf(w, "), %s; kept the model of epoch %d, loss %.3g\n", tr.StoppedBecause, tr.BestEpoch, float64(tr.KeptLoss))
	if tr.Detail != "" {
		fmt.Fprintf(w, "  %s\n", tr.Detail)
	}
}

// printAssessment prints the errors and bounds of a solve report.
func printAssessment(w io.Writer, p *problems.Problem, r *problems.SolveReport) {
	names := p.Names()
	fmt.Fprintf(w, "\nerrors against the reference on %d points:\n", r.Grid)
	labels := []string{"network"}
	for _, e := range r.Euler {
		labels = append(labels, fmt.Sprintf("%s %d steps", r.EulerMethod, e.Steps))
	}
	lw := 22 // the label column fits the longest label
	for _, l := range labels {
		lw = max(lw, utf8.RuneCountInString(l))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  %-*s", lw, "")
	for _, n := range names {
		fmt.Fprintf(&b, " %10s", "max|δ"+n+"|")
	}
	fmt.Fprintf(&b, " %10s %10s\n", "max‖δz‖", "max|H−E0|")
	row := func(label string, abs map[string]problems.Number, maxErr, maxE problems.Number) {
		fmt.Fprintf(&b, "  %-*s", lw, label)
		for _, n := range names {
			fmt.Fprintf(&b, " %10.3g", float64(abs[n]))
		}
		fmt.Fprintf(&b, " %10.3g %10.3g\n", float64(maxErr), float64(maxE))
	}
	row(labels[0], r.Network.MaxAbsError, r.Network.MaxError, r.Network.MaxEnergyError)
	for i, e := range r.Euler {
		row(labels[1+i], e.MaxAbsError, e.MaxError, e.MaxEnergyError)
	}
	fmt.Fprint(w, b.String())
	switch {
	case r.EulerStepsToMatch == 0 && r.Network.MaxError >= 0 && !math.IsNaN(float64(r.Network.MaxError)) && !math.IsInf(float64(r.Network.MaxError), 0):
		fmt.Fprintf(w, "%s steps to match the network: not computed (interrupted)\n", r.EulerMethod)
	case r.EulerStepsToMatch == 0:
		fmt.Fprintf(w, "%s steps to match the network: not computed (the network is not finite)\n", r.EulerMethod)
	case r.EulerStepsToMatchExtrapolated:
		more := map[bool]string{false: "more than "}[r.EulerStepsToMatchReached]
		fmt.Fprintf(w, "%s steps to match the network: %s%d (%.3g·K), extrapolated by first order from %d measured steps at most\n", r.EulerMethod, more, r.EulerStepsToMatch, float64(r.EulerStepsToMatch)/float64(r.Points), errorbound.MeasuredEulerSteps)
	case r.EulerStepsToMatchReached:
		fmt.Fprintf(w, "%s steps to match the network: %d (%.3g·K)\n", r.EulerMethod, r.EulerStepsToMatch, float64(r.EulerStepsToMatch)/float64(r.Points))
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
