package problems

import (
	"context"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/symplectic"
)

// smallLearn is a learn task that trains in a fraction of a second.
const smallLearn = `name: small_learn
coordinates: [q]
momenta: [p]
hamiltonian: q^2 + p^2
learn: {trajectories: 6, points: 10, time: 3, noise: 0.1, test_trajectories: 3, hidden: [16, 16], steps: 200, learning_rate: 1e-2, energy_trajectories: 3, energy_time: 5, energy_points: 50}
`

// The energy metric of a learn task compares at energy_points times, the
// two ends included (as the notebooks' np.linspace(0, T, 100)), each start
// over its own span energy_time·energy_time_growth^k.
func TestEnergyMetricPoints(t *testing.T) {
	src := "coordinates: [q]\nmomenta: [p]\nhamiltonian: q^2 + p^2\nlearn: {trajectories: 2, points: 3, test_trajectories: 1, energy_trajectories: 3, energy_time: 2, energy_time_growth: 1.5, energy_points: 2}\n"
	p, err := Parse([]byte(src), "l.yaml", "l")
	if err != nil {
		t.Fatal(err)
	}
	_, _, cases, err := p.LearnData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{2, 3, 4.5} { // exact in binary
		if cases[k].T != want {
			t.Errorf("start %d covers [0, %g], want [0, %g]", k, cases[k].T, want)
		}
	}
	// A damped model: its energy at the end of the span differs from the
	// true one, and the middle of the span would add to the score, so a
	// wrong count of comparison times changes the result.
	damped := func(dst []float64, _ float64, y []float64) { dst[0], dst[1] = 2*y[1], -2*y[0]-0.2*y[1] }
	e, err := p.EnergyMetric(context.Background(), damped, cases)
	got := e.Mean
	if err != nil {
		t.Fatal(err)
	}
	// Two times, 0 and T: the score of a start is (H(x(T)) − H(z(T)))²/2.
	var want float64
	for _, c := range cases {
		d := p.H.H(endOf(t, damped, c.X0, c.T)) - p.H.H(endOf(t, symplectic.HamiltonianSystem(p.H), c.X0, c.T))
		want += d * d / 2 / float64(len(cases))
	}
	// The same integrations (DOP853 at 1e-9, same states and ends) and the
	// same arithmetic up to the order of the sums: equal to rounding.
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("energy metric %g, want %g", got, want)
	}
}

// endOf integrates sys from x0 over [0, T] as the energy metric does and
// returns the final state.
func endOf(t *testing.T, sys symplectic.System, x0 []float64, T float64) []float64 {
	t.Helper()
	sol, err := (&symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}).Solve(context.Background(), sys, x0, 0, T)
	if err != nil {
		t.Fatal(err)
	}
	return sol.At(nil, T)
}

// learn.seeds repeats the task with shifted seeds: the first run is the
// task's own, every run is the one a file with those seeds gives (bit for
// bit), and the summary holds their medians.
func TestLearnSeeds(t *testing.T) {
	src := strings.Replace(smallLearn, "steps: 200,", "steps: 100, seeds: 3, data_seed: 4, seed: 7,", 1)
	p, err := Parse([]byte(src), "l.yaml", "l")
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.RunLearn(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Runs) != 3 || out.Summary == nil || out.Summary.Runs != 3 {
		t.Fatalf("runs %+v, summary %+v", out.Runs, out.Summary)
	}
	var ratios []float64
	for i, r := range out.Runs {
		if r.DataSeed != 4+uint64(i) || r.Seed != 7+uint64(i) {
			t.Errorf("run %d has seeds %d, %d", i, r.DataSeed, r.Seed)
		}
		ratios = append(ratios, r.Ratio())
	}
	// The last run alone, from a file with its seeds.
	one := strings.Replace(smallLearn, "steps: 200,", "steps: 100, data_seed: 6, seed: 9,", 1)
	q, err := Parse([]byte(one), "l.yaml", "l")
	if err != nil {
		t.Fatal(err)
	}
	alone, err := q.RunLearn(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, a := out.Runs[2], alone.Runs[0]; r.HNN != a.HNN || r.Result.BaselineTest != a.Result.BaselineTest {
		t.Errorf("run 3 %+v differs from the same seeds alone %+v", r, a)
	}
	sort.Float64s(ratios)
	if sm := out.Summary; sm.RatioMedian != ratios[1] || sm.RatioMin != ratios[0] || sm.RatioMax != ratios[2] {
		t.Errorf("summary %+v, ratios %v", sm, ratios)
	}
}
