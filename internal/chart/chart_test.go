package chart

import (
	"bytes"
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotutil"
)

// Every chart kind renders to SVG and PNG, with finite input and with NaN,
// ±Inf and (on log axes) zero values, which are left out and counted.
func TestCharts(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4}
	good := []float64{1e-3, 2e-3, 5e-4, 1e-2, 3e-3}
	bad := []float64{1e-3, math.NaN(), math.Inf(1), 0, math.Inf(-1)}
	for _, c := range []struct {
		name    string
		ch      Chart
		dropped int
	}{
		{"linear", Chart{Title: "t", XLabel: "x", YLabel: "y", Series: []Series{{Name: "a", X: x, Y: good}}}, 0},
		{"log with bound and marker", Chart{Title: "t", LogY: true, Series: []Series{{Name: "a", X: x, Y: good}, {Name: "b", X: x, Y: good, Dashed: true}}, HLines: []Level{{Name: "bound", Value: 5e-3}}, VLine: &Level{Name: "best", Value: 2}}, 0},
		{"non-finite", Chart{Title: "t", Series: []Series{{Name: "a", X: x, Y: bad}}}, 3},
		{"non-finite on log axis", Chart{Title: "t", LogY: true, Series: []Series{{Name: "a", X: x, Y: bad}}, HLines: []Level{{Name: "bound", Value: math.Inf(1)}}}, 3},
		{"all non-finite", Chart{Title: "t", LogY: true, Series: []Series{{Name: "a", X: x, Y: []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}}}}, 5},
		{"empty", Chart{Title: "t"}, 0},
		{"legend room", Chart{Title: "t", LegendRoom: true, Series: []Series{{Name: "a", X: x, Y: good, Color: color.Black}}}, 0},
		{"legend room on log axis", Chart{Title: "t", LogY: true, LegendRoom: true, Series: []Series{{Name: "", X: x, Y: bad}}}, 3},
	} {
		for _, format := range []string{"svg", "png"} {
			files := map[string][]byte{}
			dropped, err := Figures(format, map[string]Chart{"c": c.ch}, []string{"c"}, files)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, format, err)
			}
			if dropped != c.dropped {
				t.Errorf("%s %s: %d points dropped, want %d", c.name, format, dropped, c.dropped)
			}
			b := files["c."+format]
			if format == "svg" && !bytes.Contains(b, []byte("<svg")) || format == "png" && !bytes.HasPrefix(b, []byte("\x89PNG")) {
				t.Errorf("%s %s: not a %s image", c.name, format, format)
			}
			if _, ok := files["overview."+format]; !ok {
				t.Errorf("%s %s: no overview", c.name, format)
			}
			if format == "svg" && c.name == "linear" && !strings.Contains(string(b), ">a<") {
				t.Errorf("legend missing from the SVG")
			}
		}
	}
	if n, _ := Figures("none", map[string]Chart{"c": {}}, nil, map[string][]byte{}); n != 0 {
		t.Error("--plots none drew something")
	}
	// frame fixes both axes about the origin, at the figure's aspect.
	p, _ := Chart{Frame: 2, Series: []Series{{X: x, Y: good}}}.build()
	if a := float64(plotWidth / plotHeight); p.Y.Min != -2 || p.Y.Max != 2 || p.X.Min != -2*a || p.X.Max != 2*a {
		t.Errorf("frame 2: x in [%g, %g], y in [%g, %g]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	// legendRoom raises the top of the y axis by a fraction of the data's
	// range that grows with the legend's entries: at least a quarter for
	// three entries (each line of the legend takes about 6 % of the height).
	y := []float64{1, 2, 3, 2, 1}
	p, _ = Chart{LegendRoom: true, Series: []Series{{Name: "a", X: x, Y: y}, {Name: "b", X: x, Y: y}, {Name: "c", X: x, Y: y}}}.build()
	if want := 3 + 2*LegendRoomFraction(3); LegendRoomFraction(3) < 0.25 || p.Y.Max < want-1e-12 {
		t.Errorf("legend room: y axis ends at %g, want ≥ %g", p.Y.Max, want)
	}
	for n := 1; n < 12; n++ {
		if LegendRoomFraction(n+1) <= LegendRoomFraction(n) {
			t.Errorf("legend room for %d entries not above that for %d", n+1, n)
		}
	}
}

// Past the palette's colours, series are told apart by dashes.
func TestChartManySeries(t *testing.T) {
	x := []float64{0, 1, 2}
	dashed := func(n int) int {
		var c Chart
		for i := 0; i < n; i++ {
			y := []float64{float64(i), float64(i) + 1, float64(i)}
			c.Series = append(c.Series, Series{Name: string(rune('a' + i)), X: x, Y: y})
		}
		files := map[string][]byte{}
		if _, err := Figures("svg", map[string]Chart{"c": c}, nil, files); err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(files["c.svg"]), "stroke-dasharray")
	}
	base := dashed(len(plotutil.DefaultColors))
	if got := dashed(len(plotutil.DefaultColors) + 2); got <= base {
		t.Errorf("%d series: %d dashed strokes, as many as with %d series (%d)", len(plotutil.DefaultColors)+2, got, len(plotutil.DefaultColors), base)
	}
}

// Round ticks are labelled in their shortest form, with more than three
// labels on any axis.
func TestRoundTicks(t *testing.T) {
	for _, c := range []struct{ lo, hi float64 }{{0, 2500}, {0, 6}, {-0.5, 0.3}, {1, 1670}, {0, 1e6}, {0.1, 0.7}} {
		var labels []string
		for _, tk := range (roundTicks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
				if strings.Contains(tk.Label, ".00") || strings.Contains(tk.Label, "0000000") {
					t.Errorf("[%v, %v]: label %q", c.lo, c.hi, tk.Label)
				}
			}
		}
		if len(labels) < 4 {
			t.Errorf("[%v, %v]: labels %v", c.lo, c.hi, labels)
		}
	}
}

// Decade labels share one form: no "0.01" beside "1e-06".
func TestDecadeLabels(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{{1e-9, 1e-1, "1e-09 1e-08 1e-07 1e-06 1e-05 1e-04 1e-03 1e-02 1e-01"}, {0.01, 100, "0.01 0.1 1 10 100"}} {
		var labels []string
		for _, tk := range (decades{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != c.want {
			t.Errorf("[%g, %g]: %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}
