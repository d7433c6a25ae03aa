package main

import (
	"context"
	"github.com/hnn-project/hnn/internal/chart"
	"github.com/hnn-project/hnn/internal/figures"
	"math"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/problems"
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
		out, err := learnTask(context.Background(), p, "svg", nil, nil)
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
		charts, err := figures.Learn(context.Background(), p, out.Result, cases[0])
		if err != nil {
			t.Fatal(err)
		}
		ch := charts["coordinate_mse"]
		bad := 0
		for i := range ch.Series {
			if ch.Series[i].Name != "baseline NN" {
				continue
			}
			y := append([]float64(nil), ch.Series[i].Y...)
			for k := len(y) / 2; k < len(y); k++ {
				y[k] = math.NaN()
				bad++
			}
			y[1] = math.Inf(1)
			ch.Series[i].Y = y
		}
		files := map[string][]byte{}
		dropped, err := chart.Figures("svg", map[string]chart.Chart{"coordinate_mse": ch}, []string{"coordinate_mse"}, files)
		if err != nil {
			t.Fatal(err)
		}
		if dropped != bad+1 || !strings.Contains(string(files["coordinate_mse.svg"]), ">Hamiltonian NN<") {
			t.Errorf("%s: %d points left out, want %d", p.Name, dropped, bad+1)
		}
	}
}
