package paper

import (
	"fmt"
	"math"
	"strings"

	"github.com/hnn-project/hnn/internal/stats"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// Row is one line of a paper-versus-ours table.
type Row struct {
	What  string
	Paper float64 // NaN: the paper gives no number
	Text  string  // the paper's wording when it gives no number, or its number as printed
	Ours  float64
	Note  string
}

// Agrees reports whether ours is within a factor of two of the paper's
// number, and their ratio; a row without a paper number agrees.
func Agrees(paper, ours float64) (ratio float64, ok bool) {
	if math.IsNaN(paper) {
		return math.NaN(), true
	}
	if math.IsNaN(ours) || math.IsInf(ours, 0) {
		return math.NaN(), false
	}
	ratio = ours / paper
	return ratio, paper != 0 && ratio <= 2 && ratio >= 0.5
}

// figureOnly is a row of ours where the paper shows a figure only.
func figureOnly(what string, ours float64) Row {
	return Row{What: what, Paper: math.NaN(), Text: "— (figure only)", Ours: ours}
}

// SolveRows are the rows of every solve experiment: the network's errors,
// the certified bound, and Euler's errors at each factor.
func SolveRows(rep *problems.SolveReport, factors ...int) []Row {
	rows := []Row{
		figureOnly("network: max phase-space error ‖δz‖", float64(rep.Network.MaxError)),
		figureOnly("network: max energy error |H − E0|", float64(rep.Network.MaxEnergyError)),
	}
	c := rep.Bounds.Certified
	cert := Row{What: "certified bound on max ‖δz‖ (ours; not in the paper)", Paper: math.NaN(), Text: "—", Ours: math.NaN()}
	switch {
	case c.Value != nil && c.Held != nil:
		cert.Ours = float64(*c.Value)
		cert.Note = map[bool]string{true: "(held)", false: "(did not hold)"}[*c.Held]
	case c.Reason != "":
		cert.Note = "(not certified: " + c.Reason + ")"
	}
	rows = append(rows, cert)
	for _, f := range factors {
		if e := rep.EulerAt(f); e != nil {
			rows = append(rows,
				figureOnly(fmt.Sprintf("symplectic Euler, %d steps: max ‖δz‖", e.Steps), float64(e.MaxError)),
				figureOnly(fmt.Sprintf("symplectic Euler, %d steps: max |H − E0|", e.Steps), float64(e.MaxEnergyError)))
		}
	}
	return rows
}

// Fig3Rows are Mattheakis et al. Fig. 3's numbers beside ours (E0, ℓmax,
// σmin, the bound, the errors, Euler's steps to match) and SolveRows at
// factors 1 and 100.
func Fig3Rows(p *problems.Problem, sol *solver.Solution, rep *problems.SolveReport) []Row {
	nan := math.NaN()
	bound := math.Inf(1)
	if rep.Network.PaperBound != nil {
		bound = float64(*rep.Network.PaperBound)
	}
	match := ""
	if rep.EulerStepsToMatch > 0 && !rep.EulerStepsToMatchReached {
		match = "(more than: the search's cap)"
	}
	rows := []Row{
		{What: "E0 = H(z0)", Paper: 2.06, Text: "2.06", Ours: p.H.H(p.Z0)},
		{What: "ℓmax", Paper: 3.3e-3, Text: "3.3e-3", Ours: float64(rep.Network.LMax), Note: fmt.Sprintf("(on %d points)", rep.Grid)},
		{What: "ℓmax on the K training points", Paper: 3.3e-3, Text: "3.3e-3", Ours: sol.LMax(p.K - 1)},
		{What: "σmin of ∇²H along the solution", Paper: 1, Text: "1", Ours: float64(rep.Network.SigmaMin)},
		{What: "bound ℓmax/σmin on |δx|, |δp|", Paper: 3.3e-3, Text: "3.3e-3", Ours: bound},
		{What: "network: max |δx|", Paper: nan, Text: "below the bound (figure)", Ours: float64(rep.Network.MaxAbsError[p.Coordinates[0]])},
		{What: "network: max |δp|", Paper: nan, Text: "below the bound (figure)", Ours: float64(rep.Network.MaxAbsError[p.Momenta[0]])},
		{What: "Euler steps to match the network's max error", Paper: 100 * float64(p.K), Text: fmt.Sprintf("≈ 100·K = %d", 100*p.K), Ours: float64(rep.EulerStepsToMatch), Note: match},
	}
	return append(rows, SolveRows(rep, 1, 100)...)
}

// Fig6Rows are Fig. 6's numbers (Hénon–Heiles on [0, 6π]) beside ours and
// SolveRows at factors 1 and 10.
func Fig6Rows(p *problems.Problem, rep *problems.SolveReport) []Row {
	rows := []Row{
		{What: "E0 = H(z0)", Paper: 0.13, Text: "0.13", Ours: p.H.H(p.Z0)},
		{What: "ℓmax", Paper: math.NaN(), Text: "—", Ours: float64(rep.Network.LMax)},
	}
	return append(rows, SolveRows(rep, 1, 10)...)
}

// Fig7Rows are Fig. 7's (Hénon–Heiles on [0, 12π]): E0, the position
// errors of the network and of Euler at 10·K, and SolveRows at 10.
func Fig7Rows(p *problems.Problem, rep *problems.SolveReport) []Row {
	rows := []Row{{What: "E0 = H(z0)", Paper: 0.13, Text: "0.13", Ours: p.H.H(p.Z0)}}
	for _, c := range p.Coordinates {
		rows = append(rows, figureOnly("network: max |δ"+c+"|", float64(rep.Network.MaxAbsError[c])))
	}
	if e := rep.EulerAt(10); e != nil {
		for _, c := range p.Coordinates {
			rows = append(rows, figureOnly(fmt.Sprintf("symplectic Euler, %d steps: max |δ%s|", e.Steps, c), float64(e.MaxAbsError[c])))
		}
	}
	return append(rows, SolveRows(rep, 10)...)
}

// Side is a row of the tables beside Fig. 4 and Fig. 7: one figure of the
// paper's single network and of the windowed solver (the automatic mode)
// on the same problem; NaN where a run has none.
type Side struct {
	What             string
	Single, Windowed float64
}

// SideBySide sets the report of the windowed solver beside that of the
// paper's single network: errors, the certified bound, symplectic Euler
// at factor·K (each run's own K), the training points, windows and time.
func SideBySide(single, windowed *problems.SolveReport, factor int) []Side {
	row := func(what string, f func(r *problems.SolveReport) float64) Side {
		return Side{what, f(single), f(windowed)}
	}
	nan := math.NaN()
	euler := func(r *problems.SolveReport) float64 {
		if e := r.EulerAt(factor); e != nil {
			return float64(e.MaxError)
		}
		return nan
	}
	return []Side{
		row("max ‖δz‖ against the reference", func(r *problems.SolveReport) float64 { return float64(r.Network.MaxError) }),
		row("certified bound on max ‖δz‖", func(r *problems.SolveReport) float64 {
			if v := r.Bounds.Certified.Value; v != nil {
				return float64(*v)
			}
			return nan
		}),
		row("max |H − E0|", func(r *problems.SolveReport) float64 { return float64(r.Network.MaxEnergyError) }),
		row(fmt.Sprintf("symplectic Euler at %d·K: max ‖δz‖", factor), euler),
		row(fmt.Sprintf("network error ÷ Euler's at %d·K", factor), func(r *problems.SolveReport) float64 { return float64(r.Network.MaxError) / euler(r) }),
		row("training points K (all windows)", func(r *problems.SolveReport) float64 { return float64(r.Points) }),
		row("windows", func(r *problems.SolveReport) float64 { return float64(max(1, len(r.Windows))) }),
		row("training seconds", func(r *problems.SolveReport) float64 { return float64(r.Training.Seconds) }),
	}
}

// LearnTask is one row of Greydanus et al.'s tables: train loss, test
// loss and energy MSE, each baseline then HNN, as mean and ±, and as
// printed.
type LearnTask struct {
	Task, Problem string
	Unit          float64 // the table's values are ×Unit
	Vals          [6][2]float64
	Texts         [6]string
}

// Greydanus et al. Table 1 (×10^3; the two-body row ×10^6), Table 2
// (appendix B, ×10^2) and Table 1's row 5, the pixel pendulum: its losses
// are ×1e5 — the caption says ×1e3, but the figures are the reference
// code README's losses (1.7731e-4 …) ×1e5 — and its energy MSE ×1e3
// (README: 9.2748e-3 and 1.5315e-4).
var (
	Table1 = []LearnTask{
		{"1: Ideal mass-spring", "learn_mass_spring", 1e3, [6][2]float64{{37, 2}, {37, 2}, {37, 2}, {36, 2}, {170, 20}, {0.38, 0.1}}, [6]string{"37 ± 2", "37 ± 2", "37 ± 2", "36 ± 2", "170 ± 20", ".38 ± .1"}},
		{"2: Ideal pendulum", "learn_pendulum", 1e3, [6][2]float64{{33, 2}, {33, 2}, {35, 2}, {36, 2}, {42, 10}, {25, 5}}, [6]string{"33 ± 2", "33 ± 2", "35 ± 2", "36 ± 2", "42 ± 10", "25 ± 5"}},
		{"3: Real pendulum", "learn_real_pendulum", 1e3, [6][2]float64{{2.7, 0.2}, {9.2, 0.5}, {2.2, 0.3}, {6.0, 0.6}, {390, 7}, {14, 5}}, [6]string{"2.7 ± .2", "9.2 ± .5", "2.2 ± .3", "6.0 ± .6", "390 ± 7", "14 ± 5"}},
		{"4: Two body (×10^6)", "learn_two_body", 1e6, [6][2]float64{{33, 1}, {3.0, 0.1}, {30, 0.1}, {2.8, 0.1}, {6.3e4, 3e4}, {39, 5}}, [6]string{"33 ± 1", "3.0 ± .1", "30 ± .1", "2.8 ± .1", "6.3e4 ± 3e4", "39 ± 5"}},
	}
	Table2 = []LearnTask{
		{"4b: Three body", "learn_three_body", 1e2, [6][2]float64{{9.6, 7}, {8.0, 2}, {38, 40}, {49, 48}, {1.1e4, 8e3}, {4.2, 3}}, [6]string{"9.6 ± 7", "8.0 ± 2", "38 ± 40", "49 ± 48", "1.1e4 ± 8e3", "4.2 ± 3"}},
	}
	Pixels = LearnTask{"5: Pixel pendulum", "learn_pixel_pendulum", 1e5, [6][2]float64{{18, 0.2}, {19, 0.2}, {17, 0.3}, {18, 0.3}, {9.3, 1}, {0.15, 0.01}}, [6]string{"18 ± .2", "19 ± .2", "17 ± .3", "18 ± .3", "9.3 ± 1", ".15 ± .01"}}
)

// Measures names the three columns of a learn table.
var Measures = [3]string{"train loss", "test loss", "energy MSE"}

// SideTable renders rows as the Markdown section set beside a figure:
// the windowed problem, its tolerance outcome and the table.
func SideTable(single, windowed string, tol *problems.ToleranceReport, rows []Side) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### The windowed solver on the same problem\n\n`%s` solves `%s`'s problem in the automatic mode: a chain of time windows, each a small network started from the previous window's end state, trained until the certified bound reaches the tolerance.", windowed, single)
	if tol != nil {
		met := "met"
		if !tol.Met {
			met = "not met: " + tol.Reason
		}
		fmt.Fprintf(&b, " Tolerance %.3g: %s.", float64(tol.Requested), met)
	}
	fmt.Fprintf(&b, "\n\n| | paper's single network (`%s`) | windowed solver (`%s`) |\n| --- | --- | --- |\n", single, windowed)
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", Cell(r.What), Num(r.Single), Num(r.Windowed))
	}
	b.WriteString("\n")
	return b.String()
}

// Num is a figure as the report's tables print it: three digits, or a
// dash for NaN (no figure).
func Num(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.3g", v)
}

// Cell escapes the pipes of a Markdown table cell (|δx| would end it).
func Cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Differs returns a sentence when ours and the paper's differ by more than
// a factor of two (or one of them is not finite), and "" otherwise.
func Differs(what string, theirs, ours float64, why string) string {
	ratio, ok := Agrees(theirs, ours)
	switch {
	case ok:
		return ""
	case !stats.Finite(ours):
		return fmt.Sprintf("**%s**: ours is not finite (%v) where the paper reports %.3g. %s", what, ours, theirs, why)
	}
	return fmt.Sprintf("**%s** differs by more than 2×: ours is %.3g, %.2g× the paper's %.3g. %s", what, ours, ratio, theirs, why)
}
