package main

import (
	"context"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/symplectic"
)

// The learn charts name the problem and its variables, tell the three
// models apart in a legend, and render with non-finite points (a model
// that blew up) left out and counted.
func TestLearnCharts(t *testing.T) {
	for _, c := range []struct {
		src    string
		charts []string
		labels []string
	}{
		{smallLearn, []string{"loss", "trajectories", "coordinate_mse", "energy", "hnn_quantity"}, []string{"small_learn: trajectories from q = ", ">q<", ">p<"}},
		{`name: small_orbits
coordinates: [x1, y1, x2, y2]
momenta: [px1, py1, px2, py2]
hamiltonian: (px1^2 + py1^2)/2 + (px2^2 + py2^2)/2 - 1/sqrt((x1 - x2)^2 + (y1 - y2)^2)
learn: {init: orbits, orbit_position: box, radius: [0.5, 1.5], velocity_noise: 0.05, trajectories: 4, points: 10, time: 2, test_trajectories: 2, hidden: [8, 8], steps: 20, energy_trajectories: 2, energy_time: 3, energy_points: 20}
`, []string{"orbits"}, []string{"small_orbits: orbits of the bodies"}},
	} {
		p, err := problems.Parse([]byte(c.src), "l.yaml", "l")
		if err != nil {
			t.Fatal(err)
		}
		out, err := learnTask(context.Background(), p, "svg", nil)
		if err != nil {
			t.Fatal(err)
		}
		if out.Report.PlotDropped != 0 {
			t.Errorf("%s: %d points left out of finite charts", p.Name, out.Report.PlotDropped)
		}
		var all strings.Builder
		for _, name := range append(c.charts, "overview") {
			b, ok := out.Files[name+".svg"]
			if !ok || !strings.Contains(string(b), "<svg") {
				t.Fatalf("%s: no %s.svg", p.Name, name)
			}
			all.Write(b)
		}
		for _, want := range append(c.labels, ">ground truth<", ">baseline NN<", ">Hamiltonian NN<") {
			if !strings.Contains(all.String(), want) {
				t.Errorf("%s: the charts lack %q", p.Name, want)
			}
		}

		// A baseline that blew up: its states are NaN from some time on.
		_, _, cases, err := p.LearnData(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		charts, err := learnCharts(context.Background(), p, out.Result, cases[0])
		if err != nil {
			t.Fatal(err)
		}
		ch := charts["coordinate_mse"]
		bad := 0
		for i := range ch.series {
			if ch.series[i].name != "baseline NN" {
				continue
			}
			y := append([]float64(nil), ch.series[i].y...)
			for k := len(y) / 2; k < len(y); k++ {
				y[k] = math.NaN()
				bad++
			}
			y[1] = math.Inf(1)
			ch.series[i].y = y
		}
		files := map[string][]byte{}
		dropped, err := figures("svg", map[string]chart{"coordinate_mse": ch}, []string{"coordinate_mse"}, files)
		if err != nil {
			t.Fatal(err)
		}
		if dropped != bad+1 || !strings.Contains(string(files["coordinate_mse.svg"]), ">Hamiltonian NN<") {
			t.Errorf("%s: %d points left out, want %d", p.Name, dropped, bad+1)
		}
	}
}

// The energy metric of a learn task compares at energy_points times, the
// two ends included (as the notebooks' np.linspace(0, T, 100)), each start
// over its own span energy_time·energy_time_growth^k.
func TestEnergyMetricPoints(t *testing.T) {
	src := "coordinates: [q]\nmomenta: [p]\nhamiltonian: q^2 + p^2\nlearn: {trajectories: 2, points: 3, test_trajectories: 1, energy_trajectories: 3, energy_time: 2, energy_time_growth: 1.5, energy_points: 2}\n"
	p, err := problems.Parse([]byte(src), "l.yaml", "l")
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
	got, _, err := energyMetric(context.Background(), p, damped, cases)
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
	p, err := problems.Parse([]byte(src), "l.yaml", "l")
	if err != nil {
		t.Fatal(err)
	}
	out, err := learnTask(context.Background(), p, "none", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := out.Report
	if len(rep.Seeds) != 3 || rep.SeedSummary == nil || rep.SeedSummary.Runs != 3 {
		t.Fatalf("runs %+v, summary %+v", rep.Seeds, rep.SeedSummary)
	}
	if r := rep.Seeds[0]; r.DataSeed != 4 || r.Seed != 7 || r.HNNEnergyMSE != rep.HNN.EnergyMSE || r.BaselineEnergyMSE != rep.Baseline.EnergyMSE {
		t.Errorf("first run %+v is not the task's (HNN %g, baseline %g)", r, rep.HNN.EnergyMSE, rep.Baseline.EnergyMSE)
	}
	var ratios []float64
	for i, r := range rep.Seeds {
		if r.DataSeed != 4+uint64(i) || r.Seed != 7+uint64(i) {
			t.Errorf("run %d has seeds %d, %d", i, r.DataSeed, r.Seed)
		}
		ratios = append(ratios, float64(r.Ratio))
	}
	// The last run alone, from a file with its seeds.
	one := strings.Replace(smallLearn, "steps: 200,", "steps: 100, data_seed: 6, seed: 9,", 1)
	q, err := problems.Parse([]byte(one), "l.yaml", "l")
	if err != nil {
		t.Fatal(err)
	}
	alone, err := learnTask(context.Background(), q, "none", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Seeds[2]; r.HNNEnergyMSE != alone.Report.HNN.EnergyMSE || r.BaselineTestLoss != alone.Report.Baseline.TestLoss {
		t.Errorf("run 3 %+v differs from the same seeds alone %+v", r, alone.Report)
	}
	sort.Float64s(ratios)
	if sm := rep.SeedSummary; float64(sm.RatioMedian) != ratios[1] || float64(sm.RatioMin) != ratios[0] || float64(sm.RatioMax) != ratios[2] {
		t.Errorf("summary %+v, ratios %v", sm, ratios)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{1, 2, 10}, 2},
		{[]float64{1, 2, 4, 10}, 3},
	} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %g, want %g", c.xs, got, c.want)
		}
	}
}
