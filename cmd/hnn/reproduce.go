package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/outdir"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/problems/paper"
	"github.com/hnn-project/hnn/solver"
)

func init() {
	register(&command{
		name:    "reproduce",
		summary: "rerun the papers' figures and tables and write REPORT.md beside their numbers",
		shared:  withOut | withPlots | withQuiet | withSeed | withJSON,
		outDir:  "out/reproduce",
		setup: func(fs *flag.FlagSet, sh *shared) func(context.Context, *env, []string) error {
			o := &reproduceOpts{shared: sh}
			fs.BoolVar(&o.quick, "quick", false, "fewer epochs, steps and trajectories: about a minute instead of three quarters of an hour")
			return o.run
		},
	})
}

type reproduceOpts struct {
	*shared
	quick bool
}

func (o *reproduceOpts) run(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("usage: "+lookup("reproduce").usage(), "reproduce: takes no arguments, got %q", args)
	}
	if o.plots != "png" && o.plots != "svg" {
		return usageError("", "reproduce: --plots %q: expected png or svg (the report embeds the figures)", o.plots)
	}
	sc := paper.Full
	if o.quick {
		sc = paper.Quick
	}
	sc.Seed = o.seed
	dir := outDir(o.dir, "reproduce")
	out, err := claimDir(dir)
	if err != nil {
		return err
	}
	defer out.Release()
	r := &reproducer{ctx: ctx, dir: dir, out: out, plots: o.plots, scale: sc, prog: o.progress(e), cache: map[string]*solver.Solution{}, start: time.Now()}
	steps := []struct {
		name string
		f    func() error
	}{
		{"Fig. 2", func() error { return r.lossFigure(fig2) }},
		{"Fig. 5", func() error { return r.lossFigure(fig5) }},
		{"Fig. 3", r.fig3},
		{"Fig. 4", r.fig4},
		{"Fig. 6", r.fig6},
		{"Fig. 7", r.fig7},
		{"Eq. 11–12", r.lagrangian},
		{"Table 1", r.table1},
		{"Table 2", r.table2},
		{"Table 1 row 5", r.table1Pixels},
	}
	r.total = len(steps)
	var failure error
	for i, s := range steps {
		r.step, r.stepName = i+1, s.name
		err := s.f()
		r.prog.done()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failure = fmt.Errorf("reproduce %s: %w", s.name, err)
			break
		}
		if ctx.Err() != nil {
			break
		}
		r.done = append(r.done, s.name)
	}
	elapsed := time.Since(r.start)
	report := r.report(elapsed, ctx.Err() != nil)
	if err := out.Write(map[string][]byte{"REPORT.md": report}); err != nil {
		return err
	}
	if failure != nil {
		return failure
	}
	path := filepath.Join(r.dir, "REPORT.md")
	js, err := problems.MarshalReport(reproduceSummary{path, r.scale.Name, r.done, r.total, r.figures, problems.Number(elapsed.Seconds()), ctx.Err() != nil})
	if err != nil {
		return err
	}
	if err := o.print(e, js, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s (%d of %d experiments, %d figures) in %s\n", path, len(r.done), r.total, r.figures, elapsed.Round(time.Second))
	}); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: errors.New("interrupted: REPORT.md covers the experiments finished so far")}
	}
	return nil
}

// reproduceSummary is what reproduce prints with --json.
type reproduceSummary struct {
	Report      string          `json:"report"`
	Scale       string          `json:"scale"`
	Done        []string        `json:"experiments_finished"`
	Total       int             `json:"experiments"`
	Figures     int             `json:"figures"`
	Seconds     problems.Number `json:"seconds"`
	Interrupted bool            `json:"interrupted"`
}

// reproducer runs the experiments and collects the sections of REPORT.md.
type reproducer struct {
	ctx      context.Context
	dir      string
	out      *outdir.Folder
	plots    string
	scale    paper.Scale
	prog     *progress
	start    time.Time
	step     int
	total    int
	stepName string
	done     []string
	figures  int
	sections []string
	cache    map[string]*solver.Solution // trained solutions by problem and settings
	fig3Sol  *solver.Solution            // the Hamiltonian network the Lagrangian one is compared with
	fig3Err  float64                     // its max phase-space error
}

// load reads a catalogue problem.
func (r *reproducer) load(name string) (*problems.Problem, error) {
	p, err := problems.Catalogued(name)
	if err != nil {
		return nil, inputError(err)
	}
	return p, nil
}

// train solves p with set, reusing an earlier identical run.
func (r *reproducer) train(p *problems.Problem, set *solver.Settings, label string) (*solver.Solution, error) {
	key := fmt.Sprintf("%s|%v|%v|%d|%+v", p.Formula, p.Z0, p.T, p.K, *set)
	if s, ok := r.cache[key]; ok {
		return s, nil
	}
	mon := func(pr solver.Progress) {
		if pr.End > 0 { // the automatic mode: the time reached
			r.prog.show(int(1000*pr.Reached/pr.End), 1000, pr.Elapsed, fmt.Sprintf("[%d/%d] %s: windowed, t %.4g/%.4g, window %d", r.step, r.total, r.stepName, pr.Reached, pr.End, pr.Window))
			return
		}
		r.prog.show(min(pr.Epoch, pr.Epochs), pr.Epochs, pr.Elapsed, fmt.Sprintf("[%d/%d] %s: %s epoch %d/%d  loss %.2e", r.step, r.total, r.stepName, label, pr.Epoch, pr.Epochs, pr.Loss))
	}
	sol, err := solver.Solve(r.ctx, p.Problem, set, mon)
	if err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", p.Source, err))
	}
	r.cache[key] = sol
	return sol, nil
}

// analyse runs hnn solve's analysis of sol and writes its files under
// DIR/<name>/; it returns the report.
func (r *reproducer) analyse(p *problems.Problem, sol *solver.Solution) (*solved, error) {
	r.prog.show(0, 1, 0, fmt.Sprintf("[%d/%d] %s: comparing with the reference and symplectic Euler", r.step, r.total, r.stepName))
	rep, a, files, err := analyseSolution(context.WithoutCancel(r.ctx), p, sol, r.plots, r.prog, nil, false)
	if err != nil {
		return nil, fmt.Errorf("problem %s: %w", p.Name, err)
	}
	return &solved{rep, a}, r.write(p.Name, files)
}

// solved is a solve experiment's report and the assessment it came from.
type solved struct {
	*problems.SolveReport
	a *errorbound.Assessment
}

// write stores files under DIR/sub/.
func (r *reproducer) write(sub string, files map[string][]byte) error {
	tree := make(map[string][]byte, len(files))
	for n, b := range files {
		tree[sub+"/"+n] = b
		if strings.HasSuffix(n, "."+r.plots) {
			r.figures++
		}
	}
	return r.out.Write(tree)
}

// img is the Markdown of a figure in DIR/sub/name.<format>, with a caption.
func (r *reproducer) img(sub, name, caption string) string {
	return fmt.Sprintf("![%s %s](%s/%s.%s)\n\n*%s*\n\n", sub, name, sub, name, r.plots, caption)
}

// lossSpec is a loss-curve figure: one problem, four architectures.
type lossSpec struct {
	fig, problem, system string
}

var (
	fig2 = lossSpec{"Fig. 2", "paper_fig2", "nonlinear oscillator"}
	fig5 = lossSpec{"Fig. 5", "paper_fig5", "Hénon–Heiles system"}
)

// lossFigure trains the four architectures of Fig. 2 or 5 and draws their
// loss curves.
func (r *reproducer) lossFigure(s lossSpec) error {
	p, err := r.load(s.problem)
	if err != nil {
		return err
	}
	ch := chart.Chart{Title: fmt.Sprintf("%s: training loss (Mattheakis et al. %s)", s.system, s.fig), XLabel: "epoch", YLabel: "loss", LogY: true}
	var b strings.Builder
	b.WriteString("| activation | f(t) | final loss (median of the last 1 %) | best ℓmax | seconds |\n|---|---|---|---|---|\n")
	type result struct {
		name string
		loss float64
	}
	var res []result
	for _, act := range []solver.Activation{solver.ActivationSin, solver.ActivationSigmoid} {
		for _, trial := range []solver.Trial{solver.TrialExp, solver.TrialLinear} {
			set := r.scale.Solver(p)
			set.Activation, set.Trial = act, trial
			fname := "1 − e^−t"
			if trial == solver.TrialLinear {
				fname = "t"
			}
			label := string(act) + ", f = " + fname
			sol, err := r.train(p, set, label)
			if err != nil {
				return err
			}
			if r.ctx.Err() != nil {
				return nil
			}
			tr := sol.Training
			x, y := chart.Thin(tr.Loss, 4000)
			ch.Series = append(ch.Series, chart.Series{Name: label, X: x, Y: y})
			fl := paper.TailMedian(tr.Loss)
			res = append(res, result{label, fl})
			fmt.Fprintf(&b, "| %s | %s | %.3g | %.3g | %.1f |\n", act, fname, fl, tr.BestLMax, tr.Seconds)
		}
	}
	files := map[string][]byte{}
	if _, err := chart.Figures(r.plots, map[string]chart.Chart{"losses": ch}, nil, files); err != nil {
		return err
	}
	if err := r.write(p.Name, files); err != nil {
		return err
	}
	sort.SliceStable(res, func(i, j int) bool { return res[i].loss < res[j].loss })
	return r.section("loss", section{Sub: p.Name, Table: b.String(), Fig: s.fig, System: s.system, Epochs: r.scale.Solver(p).Epochs,
		Stride: strideNote(r.scale.Solver(p).Epochs, 4000), Lowest: res[0].name, Agrees: res[0].name == "sin, f = 1 − e^−t"})
}

// strideNote says which epochs a thinned loss curve shows.
func strideNote(epochs, n int) string {
	if s := epochs / n; s > 1 {
		return fmt.Sprintf(" (every %dth epoch shown)", s)
	}
	return ""
}

// table renders rows and, below, a sentence for every row where ours and
// the paper's differ by more than 2×.
func (r *reproducer) table(rows []paper.Row, why string) string {
	var b strings.Builder
	b.WriteString("| quantity | paper | ours |\n|---|---|---|\n")
	var notes []string
	for _, w := range rows {
		theirs := w.Text
		if theirs == "" {
			theirs = fmt.Sprintf("%.3g", w.Paper)
		}
		ours := paper.Num(w.Ours)
		if w.Note != "" {
			ours += " " + w.Note
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", paper.Cell(w.What), paper.Cell(theirs), paper.Cell(ours))
		if s := paper.Differs(w.What, w.Paper, w.Ours, why); s != "" {
			notes = append(notes, s)
		}
	}
	b.WriteString("\n")
	for _, n := range notes {
		b.WriteString(n + "\n\n")
	}
	return b.String()
}

// why is the usual explanation for a difference at this scale.
func (r *reproducer) why() string {
	if r.scale.Scaled() {
		return fmt.Sprintf("This run trained with 1/%d of the paper's epochs (%s mode), so a larger residual and error are expected.", r.scale.Epochs, r.scale.Name)
	}
	return "The run has the settings of the paper's code (the problem file says where they differ from its text), but its initial weights and time jitter are other draws than the paper's single run, and Adam's final iterates fluctuate (see the loss curve); the paper does not say on which points its ℓmax was taken."
}

// solveFigure trains and analyses one problem and returns its report.
func (r *reproducer) solveFigure(name string, settings func(*problems.Problem) *solver.Settings) (*problems.Problem, *solver.Solution, *solved, error) {
	p, err := r.load(name)
	if err != nil {
		return nil, nil, nil, err
	}
	sol, err := r.train(p, settings(p), "sin, f = 1 − e^−t")
	if err != nil || r.ctx.Err() != nil {
		return p, sol, nil, err
	}
	rep, err := r.analyse(p, sol)
	return p, sol, rep, err
}

// extra renders the named charts of paperCharts into DIR/<problem>/.
func (r *reproducer) extra(p *problems.Problem, sol *solver.Solution, rep *solved, factors []int, names ...string) error {
	all, err := paperCharts(p, sol, rep.a, factors)
	if err != nil {
		return err
	}
	charts := map[string]chart.Chart{}
	for _, n := range names {
		charts[n] = all[n]
	}
	files := map[string][]byte{}
	if _, err := chart.Figures(r.plots, charts, nil, files); err != nil {
		return err
	}
	return r.write(p.Name, files)
}

// header is the title and run line of a section on one solve experiment.
func (r *reproducer) header(title string, p *problems.Problem, sol *solver.Solution, rep *solved) string {
	tr := sol.Training
	return fmt.Sprintf("## %s\n\nProblem `%s`: K = %d on [0, %.4g], hidden %v, %s, λ = %g; %d Adam epochs in %.1f s (%.3g ms/epoch), best model at epoch %d.\n\n",
		title, p.Name, p.K, p.T, sol.Settings.Hidden, sol.Settings.Formulation, sol.Settings.EnergyWeight, tr.Epochs, tr.Seconds, float64(rep.Training.SecondsPerEpoch), tr.BestEpoch)
}

// claim states whether ours shows what the paper says.
func claim(paper string, holds bool, detail string) string {
	verdict := "Ours shows the same"
	if !holds {
		verdict = "Ours does not show this"
	}
	return fmt.Sprintf("The paper: %s %s (%s).\n\n", paper, verdict, detail)
}

// solveSection renders the section tmpl of a solve experiment on name,
// after drawing the named extra charts of paperCharts.
func (r *reproducer) solveSection(tmpl, name, title string, rows func(*problems.Problem, *solver.Solution, *problems.SolveReport) []paper.Row, factors []int, extra ...string) (*solver.Solution, *solved, error) {
	p, sol, rep, err := r.solveFigure(name, r.scale.Solver)
	if err != nil || rep == nil {
		return sol, rep, err
	}
	sec := section{Sub: p.Name, Header: r.header(title, p, sol, rep), Table: r.table(rows(p, sol, rep.SolveReport), r.why()), R: rep}
	if h := rep.Network.PaperBoundHeld; h != nil {
		sec.PaperHeld = map[bool]string{true: "held", false: "did not hold"}[*h]
	}
	if len(extra) > 0 {
		if err := r.extra(p, sol, rep, factors, extra...); err != nil {
			return sol, rep, err
		}
	}
	return sol, rep, r.section(tmpl, sec)
}

func (r *reproducer) fig3() error {
	sol, rep, err := r.solveSection("fig3", "paper_fig3", "Mattheakis et al. Fig. 3: the oscillator against symplectic Euler at K and 100·K",
		func(p *problems.Problem, sol *solver.Solution, rep *problems.SolveReport) []paper.Row {
			return paper.Fig3Rows(p, sol, rep)
		}, []int{100}, "error_phase")
	if rep != nil {
		r.fig3Sol, r.fig3Err = sol, float64(rep.Network.MaxError)
	}
	return err
}

func (r *reproducer) fig4() error {
	_, rep, err := r.solveSection("fig4", "paper_fig4", "Mattheakis et al. Fig. 4: long-time prediction of the oscillator on [0, 20π]",
		func(_ *problems.Problem, _ *solver.Solution, rep *problems.SolveReport) []paper.Row {
			return paper.SolveRows(rep, 100)
		}, []int{100}, "error_phase")
	return r.windowed(err, rep, "paper_fig4", "oscillator_long", 100)
}

// windowed sets the automatic mode's run of the problem name beside the
// paper's single network (its report rep) unless err.
func (r *reproducer) windowed(err error, rep *solved, single, name string, factor int) error {
	if err != nil || rep == nil || r.ctx.Err() != nil {
		return err
	}
	_, _, w, err := r.solveFigure(name, r.scale.Windowed)
	if err != nil || w == nil {
		return err
	}
	r.sections = append(r.sections, paper.SideTable(single, name, w.Tolerance, paper.SideBySide(rep.SolveReport, w.SolveReport, factor))+
		r.img(name, "errors", fmt.Sprintf("The windowed solver's error per component against the reference, with the certified bound β(t) block by block (%d windows).", len(w.Windows))))
	return nil
}

func (r *reproducer) fig6() error {
	_, _, err := r.solveSection("fig6", "paper_fig6", "Mattheakis et al. Fig. 6: Hénon–Heiles on [0, 6π] against symplectic Euler at K and 10·K",
		func(p *problems.Problem, _ *solver.Solution, rep *problems.SolveReport) []paper.Row {
			return paper.Fig6Rows(p, rep)
		}, nil)
	return err
}

func (r *reproducer) fig7() error {
	_, rep, err := r.solveSection("fig7", "paper_fig7", "Mattheakis et al. Fig. 7: Hénon–Heiles on [0, 12π] (2.6 Lyapunov times)",
		func(p *problems.Problem, _ *solver.Solution, rep *problems.SolveReport) []paper.Row {
			return paper.Fig7Rows(p, rep)
		}, []int{10}, "positions")
	return r.windowed(err, rep, "paper_fig7", "henon_heiles_long", 10)
}

// lagrangian trains the Lagrangian network of Eq. 11–12 and compares it
// with the Hamiltonian network of Fig. 3, in accuracy and in cost.
func (r *reproducer) lagrangian() error {
	p, sol, rep, err := r.solveFigure("paper_eq12_lagrangian", r.scale.Solver)
	if err != nil || rep == nil {
		return err
	}
	ham := r.fig3Sol
	var b strings.Builder
	ratio, err := paper.CostRatio(r.ctx, p, r.scale.CostRounds, r.scale.CostEpochs)
	if err != nil {
		return err
	}
	nan := math.NaN()
	rows := []paper.Row{
		{What: "time per epoch, Lagrangian / Hamiltonian", Paper: 2, Text: "about 2", Ours: ratio},
	}
	if ham != nil && ham.Training.Epochs > 0 {
		fmt.Fprintf(&b, "The Hamiltonian network of Fig. 3 trained at %.3g ms/epoch in its own run, the Lagrangian one at %.3g ms/epoch; the machine's load differs between the two runs, so the table's ratio comes from short trainings of both, interleaved (median of %d rounds of %d epochs each).\n\n",
			1000*ham.Training.Seconds/float64(ham.Training.Epochs), 1000*sol.Training.Seconds/float64(max(1, sol.Training.Epochs)), r.scale.CostRounds, r.scale.CostEpochs)
		rows = append(rows, paper.Row{What: "ℓmax, Lagrangian (Hamiltonian of Fig. 3: " + fmt.Sprintf("%.3g", ham.Training.BestLMax) + ")", Paper: nan, Text: "converges to the same solutions", Ours: float64(rep.Network.LMax)},
			paper.Row{What: "max ‖δz‖, Lagrangian (Hamiltonian of Fig. 3: " + fmt.Sprintf("%.3g", r.fig3Err) + ")", Paper: nan, Text: "converges to the same solutions", Ours: float64(rep.Network.MaxError)})
	}
	rows = append(rows, paper.SolveRows(rep.SolveReport, 100)...)
	return r.section("lagrangian", section{Sub: p.Name, Header: r.header("Mattheakis et al. Eq. 11–12: the Lagrangian network on the oscillator", p, sol, rep), Text: b.String(), Table: r.table(rows, "The paper's factor comes from a second back-propagation through automatic differentiation; ours propagates the second derivative forward in the same stacked matrix products (three row blocks instead of two, with half the outputs). Wall times on a shared machine vary by tens of percent; in processor time the Go benchmarks put the factor near 1.8 (go test ./solver -bench 'EpochOscillator$|EpochLagrangianOscillator').")})
}

func (r *reproducer) table1() error {
	return r.learnTable("Greydanus et al. Table 1, rows 1–4", "All values ×10^3 (two-body row ×10^6), as in the paper. The paper's ± are over its runs; ours are one run (energy: mean ± standard error over the energy-metric trajectories).", paper.Table1)
}

func (r *reproducer) table2() error {
	return r.learnTable("Greydanus et al. appendix B: the three-body table", "All values ×10^2, as in the paper.", paper.Table2)
}

// runLearn loads the learn problem name at the run's scale, runs task on
// it (learnTask or pixelTask) with progress and writes its files under
// DIR/name/. It returns a nil problem, and no error, when interrupted.
func runLearn[O any](r *reproducer, name string, task func(context.Context, *problems.Problem, string, []string, solver.LearnMonitor) (O, error), files func(O) map[string][]byte) (*problems.Problem, O, error) {
	var out O
	p, err := r.load(name)
	if err != nil {
		return nil, out, err
	}
	r.scale.Learn(p)
	out, err = task(r.ctx, p, r.plots, nil, func(model string, step, steps int, loss float64) {
		r.prog.show(step, steps, 0, fmt.Sprintf("[%d/%d] %s: %s %s step %d/%d  loss %.3g", r.step, r.total, r.stepName, name, model, step, steps, loss))
	})
	r.prog.done()
	if err != nil && r.ctx.Err() != nil {
		return nil, out, nil
	}
	if err != nil {
		return nil, out, err
	}
	return p, out, r.write(p.Name, files(out))
}

// learnTable runs hnn learn's pipeline on each task and writes the table.
func (r *reproducer) learnTable(title, units string, tasks []paper.LearnTask) error {
	var b strings.Builder
	b.WriteString("| task | model | train loss paper | ours | test loss paper | ours | energy MSE paper | ours | seconds |\n|---|---|---|---|---|---|---|---|---|\n")
	var notes, settings, imgs []string
	for _, t := range tasks {
		p, out, err := runLearn(r, t.Problem, learnTask, func(o *learnOutcome) map[string][]byte { return o.Files })
		if err != nil || p == nil {
			return err
		}
		rep, files := out.Report, out.Files
		l := p.Learn
		data := fmt.Sprintf("%d trajectories of %d points", l.Trajectories, l.Points)
		if l.File != "" {
			data = "the measured data " + l.File
		}
		settings = append(settings, fmt.Sprintf("`%s`: %s (%d training, %d test states), hidden %v, %d Adam steps, batch %d (0: all)",
			p.Name, data, rep.Train, rep.Test, l.Settings.Hidden, l.Settings.Steps, l.Settings.Batch))
		for i, m := range rep.Models() {
			ours := [3]float64{float64(m.Report.TrainLoss) * t.Unit, float64(m.Report.TestLoss) * t.Unit, float64(m.Report.EnergyMSE) * t.Unit}
			fmt.Fprintf(&b, "| %s | %s | %s | %.3g | %s | %.3g | %s | %.3g ± %.2g | %.1f |\n", t.Task, m.Name,
				t.Texts[i], ours[0], t.Texts[2+i], ours[1], t.Texts[4+i], ours[2], float64(m.Report.EnergyMSEStd)*t.Unit, float64(m.Report.Seconds))
			for k, what := range paper.Measures {
				if s := paper.Differs(fmt.Sprintf("%s, %s, %s", t.Task, m.Name, what), t.Vals[2*k+i][0], ours[k], r.learnWhy(what)); s != "" {
					notes = append(notes, s)
				}
			}
		}
		if sm := rep.SeedSummary; sm != nil {
			notes = append(notes, fmt.Sprintf("%s over %d runs (data and model seeds %d to %d; the table's row is the first): median energy MSE baseline %.3g, HNN %.3g; the baseline/HNN ratio has median %.3g and ranges from %.3g to %.3g (the paper: %.3g).",
				t.Task, sm.Runs, l.DataSeed, l.DataSeed+uint64(sm.Runs-1), float64(sm.BaselineEnergyMSEMedian)*t.Unit, float64(sm.HNNEnergyMSEMedian)*t.Unit,
				float64(sm.RatioMedian), float64(sm.RatioMin), float64(sm.RatioMax), t.Vals[4][0]/t.Vals[5][0]))
		}
		what := "the true, HNN and baseline trajectories in phase space"
		fig := "Fig. 2"
		if _, ok := files["orbits."+r.plots]; ok {
			what = "the bodies' orbits in the plane, true against HNN and baseline"
			fig = "Fig. 2 and 3"
		}
		if _, ok := files["overview."+r.plots]; ok {
			imgs = append(imgs, r.img(p.Name, "overview", fmt.Sprintf("%s (%s), for one held-out initial state: %s; their coordinate error against the truth; the true energy along each; and the quantity H_θ the HNN conserves (Greydanus et al. %s).", t.Task, p.Name, what, fig)))
		}
	}
	return r.section("learn", section{Title: title, Text: units, Table: b.String(), Settings: settings, Notes: notes, Images: imgs})
}

func (r *reproducer) learnWhy(what string) string {
	var s string
	if r.scale.LearnSteps > 1 {
		s = fmt.Sprintf("This run trained with 1/%d of the steps on 1/%d of the trajectories (%s mode). ", r.scale.LearnSteps, r.scale.LearnData, r.scale.Name)
	}
	if what == "energy MSE" {
		return s + "The energy metric integrates each model over a long span from a handful of initial states; it varies over orders of magnitude between runs (see the paper's own ±)."
	}
	return s + "The data are generated with the task's settings listed above, not read from the paper's data files, and the loss (the mean squared error of the time derivatives) scales with their spread."
}

// report renders REPORT.md.
func (r *reproducer) report(elapsed time.Duration, interrupted bool) []byte {
	var b strings.Builder
	err := reportTemplate.ExecuteTemplate(&b, "head", map[string]any{
		"Scale": r.scale.Describe(), "Elapsed": elapsed.Round(time.Second), "Done": r.done, "Total": r.total, "Interrupted": interrupted,
		"Platform": fmt.Sprintf("%s/%s with %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())})
	if err != nil {
		panic(err) // the template is the program's own: a test runs it
	}
	for _, s := range r.sections {
		b.WriteString(s)
	}
	return []byte(b.String())
}

//go:embed report.md.tmpl
var reportText string

// reportTemplate is the prose of REPORT.md, one named template per kind
// of section.
var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join":  strings.Join,
	"claim": claim,
	"img":   func(sub, name, caption string) string { return "" }, // set per run: see section
}).Parse(reportText))

// section is what a section template of report.md.tmpl is executed with.
type section struct {
	Sub, Title, Header, Table, Text string
	Settings, Images                []string
	R                               *solved
	PaperHeld                       string // "held", "did not hold", or "" (no paper's bound)
	Notes                           []string
	// A loss figure.
	Fig, System, Stride, Lowest string
	Epochs                      int
	Agrees                      bool
	// The pixel pendulum.
	Ratio, PaperRatio float64
}

// section renders the named section template into the report.
func (r *reproducer) section(name string, sec section) error {
	t, err := reportTemplate.Clone()
	if err != nil {
		return err
	}
	var b strings.Builder
	t.Funcs(template.FuncMap{"img": r.img})
	if err := t.ExecuteTemplate(&b, name, sec); err != nil {
		return fmt.Errorf("REPORT.md section %s: %w", name, err)
	}
	r.sections = append(r.sections, b.String())
	return nil
}
