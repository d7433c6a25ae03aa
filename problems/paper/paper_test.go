package paper

import (
	"math"
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
