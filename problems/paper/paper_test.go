package paper

import (
	"math"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/problems"
)

func TestAgrees(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		paper, ours float64
		ok          bool
	}{
		{1, 1, true}, {1, 2, true}, {1, 0.5, true}, // the factor of two is inclusive
		{1, 2.01, false}, {1, 0.49, false},
		{nan, 5, true}, // no number in the paper: nothing to disagree with
		{1, nan, false}, {1, inf, false}, {0, 0, false},
	} {
		if _, ok := Agrees(c.paper, c.ours); ok != c.ok {
			t.Errorf("Agrees(%v, %v) = %v, want %v", c.paper, c.ours, ok, c.ok)
		}
	}
}

func TestTailMedian(t *testing.T) {
	loss := make([]float64, 400) // the last 1 % is the last 4: 9, 1, 5, 7
	copy(loss[396:], []float64{9, 1, 5, 7})
	if got := TailMedian(loss); got != 6 {
		t.Errorf("TailMedian = %v, want 6", got)
	}
	if got := TailMedian([]float64{3}); got != 3 {
		t.Errorf("TailMedian of one loss = %v, want 3", got)
	}
	if !math.IsNaN(TailMedian(nil)) {
		t.Error("TailMedian of no losses is not NaN")
	}
}

func TestScale(t *testing.T) {
	p, err := problems.Load("paper_fig3")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Full.Solver(p).Epochs, p.Solver.Epochs; got != want {
		t.Errorf("full scale: %d epochs, want the file's %d", got, want)
	}
	if got, want := Quick.Solver(p).Epochs, max(Quick.MinEpochs, p.Solver.Epochs/Quick.Epochs); got != want {
		t.Errorf("quick scale: %d epochs, want %d", got, want)
	}
	l, err := problems.Load("learn_mass_spring")
	if err != nil {
		t.Fatal(err)
	}
	steps := l.Learn.Settings.Steps
	Quick.Learn(l)
	if l.Learn.Settings.Steps != max(5, steps/Quick.LearnSteps) {
		t.Errorf("quick learn steps %d from %d", l.Learn.Settings.Steps, steps)
	}
}

// SideBySide takes each figure from its own run, NaN where a run has
// none, and SideTable prints NaN as a dash and escapes the pipes of |H − E0|.
func TestSideBySide(t *testing.T) {
	v := problems.Number(2e-3)
	single := &problems.SolveReport{Network: problems.NetworkReport{MaxError: 0.5, MaxEnergyError: 0.07}, Points: 500,
		Euler: []problems.EulerReport{{Factor: 10, MaxError: 0.01}}}
	win := &problems.SolveReport{Network: problems.NetworkReport{MaxError: 1e-3, MaxEnergyError: 1e-5}, Points: 144,
		Euler: []problems.EulerReport{{Factor: 10, MaxError: 0.04}}, Windows: make([]problems.WindowReport, 9)}
	win.Bounds.Certified.Value = &v
	rows := SideBySide(single, win, 10)
	want := map[string][2]float64{
		"max ‖δz‖ against the reference":     {0.5, 1e-3},
		"symplectic Euler at 10·K: max ‖δz‖": {0.01, 0.04},
		"network error ÷ Euler's at 10·K":    {50, 0.025},
		"training points K (all windows)":    {500, 144},
		"windows":                            {1, 9},
	}
	for _, r := range rows {
		if w, ok := want[r.What]; ok && (math.Abs(r.Single-w[0]) > 1e-12*w[0] || math.Abs(r.Windowed-w[1]) > 1e-12*w[1]) {
			t.Errorf("%s: %v, %v; want %v", r.What, r.Single, r.Windowed, w)
		}
		if r.What == "certified bound on max ‖δz‖" && (!math.IsNaN(r.Single) || r.Windowed != 2e-3) {
			t.Errorf("certified bound: %v, %v; want NaN, 2e-3", r.Single, r.Windowed)
		}
	}
	md := SideTable("paper_fig7", "henon_heiles_long", &problems.ToleranceReport{Requested: 1e-6, Met: true}, rows)
	for _, s := range []string{"| certified bound on max ‖δz‖ | — | 0.002 |", `| max \|H − E0\| | 0.07 | 1e-05 |`, "| windows | 1 | 9 |", "Tolerance 1e-06: met."} {
		if !strings.Contains(md, s) {
			t.Errorf("SideTable lacks %q:\n%s", s, md)
		}
	}
}
