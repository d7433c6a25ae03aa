package chart

import (
	"bytes"
	"fmt"
	"github.com/hnn-project/hnn/internal/stats"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

type Series struct {
	Name   string // legend entry; "" for none
	X, Y   []float64
	Dashed bool
	Color  color.Color // nil: the palette's colour for the series' index
}

type Chart struct {
	Title, XLabel, YLabel string
	LogY                  bool
	Series                []Series
	HLines                []Level // horizontal reference lines (bounds)
	VLine                 *Level  // a vertical marker (the best epoch)
	LegendRoom            bool    // raise the top of the y axis to keep the legend off the lines
	// Frame > 0 fixes the axes about the origin: y in [−Frame, Frame], x
	// over the same length per centimetre, so circles look round and
	// lines that run off (a diverging model) leave the picture.
	Frame float64
	// Notes are legend lines without a curve ("certified bound: not
	// certified").
	Notes []string
	// Panels are further charts drawn beside this one in the same figure
	// (one degree of freedom each), two per row.
	Panels []Chart
}

// LegendRoomFraction is how much legendRoom adds to the top of the y axis,
// as a fraction of the data's range (of its decades on a log axis), for a
// legend of n entries: each entry takes about 6 % of the plot's height.
func LegendRoomFraction(n int) float64 {
	f := 0.04 + 0.06*float64(min(n, 12))
	return f / (1 - f)
}

type Level struct {
	Name  string
	Value float64
	Solid bool // drawn solid black (a proven bound) rather than dotted grey
}

// plotSize is the size of one figure.
const plotWidth, plotHeight = 16 * vg.Centimeter, 10 * vg.Centimeter

// build makes the plot and returns how many points were left out.
func (c Chart) build() (*plot.Plot, int) {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Legend.Top = true
	entries := 0
	addLegend := func(name string, t ...plot.Thumbnailer) {
		p.Legend.Add(name, t...)
		entries++
	}
	dropped := 0
	lo, hi := math.Inf(1), math.Inf(-1)
	var pts [][2]float64 // every point drawn, for the legend's corner
	for i, s := range c.Series {
		xys := make(plotter.XYs, 0, len(s.X))
		for j := range s.X {
			x, y := s.X[j], s.Y[j]
			if !stats.Finite(x) || !stats.Finite(y) {
				dropped++
				continue
			}
			if c.LogY && y <= 0 {
				continue // exact zeros (e.g. the error at t = 0) have no place on a log axis
			}
			xys = append(xys, plotter.XY{X: x, Y: y})
			pts = append(pts, [2]float64{x, y})
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil { // cannot happen: the points were filtered
			dropped += len(xys)
			continue
		}
		l.Color = plotutil.Color(i)
		if s.Color != nil {
			l.Color = s.Color
		}
		l.Width = vg.Points(1.2)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		} else if n := len(plotutil.DefaultColors); s.Color == nil && i >= n {
			// The palette repeats after n series: tell them apart by dashes.
			l.Dashes = plotutil.Dashes(i / n)
		}
		p.Add(l)
		if s.Name != "" {
			addLegend(s.Name, l)
		}
	}
	xmin, xmax := p.X.Min, p.X.Max
	for i, h := range c.HLines {
		if !stats.Finite(h.Value) || c.LogY && h.Value <= 0 || xmax <= xmin {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: h.Value}, {X: xmax, Y: h.Value}})
		if err != nil {
			continue
		}
		l.Color = color.Gray{Y: uint8(90 + 30*i)}
		l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		if h.Solid {
			l.Color, l.Dashes, l.Width = color.Black, nil, vg.Points(1.5)
		}
		p.Add(l)
		addLegend(h.Name, l)
		for k := 0; k <= 20; k++ {
			pts = append(pts, [2]float64{xmin + (xmax-xmin)*float64(k)/20, h.Value})
		}
		lo, hi = math.Min(lo, h.Value), math.Max(hi, h.Value)
	}
	for _, note := range c.Notes {
		addLegend(note) // a line of text, without a sample
	}
	if c.VLine != nil && stats.Finite(c.VLine.Value) && hi > lo {
		l, err := plotter.NewLine(plotter.XYs{{X: c.VLine.Value, Y: lo}, {X: c.VLine.Value, Y: hi}})
		if err == nil {
			l.Color = color.Gray{Y: 90}
			l.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
			p.Add(l)
			addLegend(c.VLine.Name, l)
		}
	}
	if c.LogY && hi >= lo && lo > 0 {
		if hi == lo { // one value: give the log axis a decade around it
			lo, hi = lo/10, hi*10
		}
		if c.LegendRoom {
			hi *= math.Pow(hi/lo, LegendRoomFraction(entries))
		}
		p.Y.Min, p.Y.Max = lo, hi
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = decades{}
	}
	if c.Frame > 0 && !c.LogY {
		aspect := float64(plotWidth / plotHeight)
		p.X.Min, p.X.Max = -aspect*c.Frame, aspect*c.Frame
		p.Y.Min, p.Y.Max = -c.Frame, c.Frame
	}
	if c.LegendRoom && !c.LogY && hi > lo {
		p.Y.Max = math.Max(p.Y.Max, hi+LegendRoomFraction(entries)*(hi-lo))
	}
	p.X.Tick.Marker = roundTicks{}
	if !c.LogY {
		p.Y.Tick.Marker = roundTicks{}
	}
	legendCorner(p, pts, entries, c.LogY)
	p.Add(plotter.NewGrid())
	return p, dropped
}

// decades marks a log axis at the powers of ten, labelled in one form
// ("0.01" … "1000" when all labels fit it, else "1e-05" … "1e+02"), with
// unlabelled minor marks at 2..9 times them. (plot.LogTicks accumulates
// its marks by repeated multiplication and prints 9.999999999999999e-05.)
type decades struct{}

func (decades) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	// One form for every label: "0.01" to "1000" when all fit, else "1e-06".
	format, prec := byte('g'), -1
	if lo < -3 || hi > 4 {
		format, prec = 'e', 0
	}
	for k := lo; k <= hi; k++ {
		v := math.Pow10(k)
		if v >= min && v <= max {
			t := plot.Tick{Value: v}
			if step := (hi-lo)/10 + 1; k%step == 0 { // at most about ten labels
				t.Label = strconv.FormatFloat(v, format, prec, 64)
			}
			ticks = append(ticks, t)
		}
		if hi-lo > 8 { // many decades: no minor marks
			continue
		}
		for m := 2; m < 10; m++ {
			if w := float64(m) * v; w >= min && w <= max {
				ticks = append(ticks, plot.Tick{Value: w})
			}
		}
	}
	return ticks
}

// Render draws one plot as PNG or SVG.
func Render(p *plot.Plot, format string) ([]byte, error) {
	w, err := p.WriterTo(plotWidth, plotHeight, format)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// renderGrid draws plots side by side in rows, as one figure.
func renderGrid(plots [][]*plot.Plot, format string) ([]byte, error) {
	rows, cols := len(plots), 0
	for _, r := range plots {
		cols = max(cols, len(r))
	}
	for i := range plots { // plot.Align needs a full rectangle; nil cells stay empty
		for len(plots[i]) < cols {
			plots[i] = append(plots[i], nil)
		}
	}
	c, err := draw.NewFormattedCanvas(plotWidth*vg.Length(cols), plotHeight*vg.Length(rows), format)
	if err != nil {
		return nil, err
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter, PadY: vg.Millimeter, PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	canvases := plot.Align(plots, tiles, draw.New(c))
	for i, r := range plots {
		for j, p := range r {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Figures renders named charts into files name.<format>, plus an overview
// of the charts named in overview (up to two per row), and returns the
// number of points left out.
func Figures(format string, charts map[string]Chart, overview []string, files map[string][]byte) (int, error) {
	if format == "none" {
		return 0, nil
	}
	built := map[string]*plot.Plot{}
	dropped := 0
	for name, c := range charts {
		p, d := c.build()
		dropped += d
		var b []byte
		var err error
		if len(c.Panels) == 0 {
			b, err = Render(p, format)
		} else {
			grid := [][]*plot.Plot{{p}}
			for i, pc := range c.Panels {
				pp, d := pc.build()
				dropped += d
				if i%2 == 1 {
					grid = append(grid, nil)
				}
				grid[len(grid)-1] = append(grid[len(grid)-1], pp)
			}
			b, err = renderGrid(grid, format)
		}
		if err != nil {
			return dropped, fmt.Errorf("plot %s: %w", name, err)
		}
		files[name+"."+format] = b
		built[name] = p
	}
	var grid [][]*plot.Plot
	for i, name := range overview {
		p, ok := built[name]
		if !ok {
			continue
		}
		if i%2 == 0 {
			grid = append(grid, nil)
		}
		grid[len(grid)-1] = append(grid[len(grid)-1], p)
	}
	if len(grid) > 0 {
		b, err := renderGrid(grid, format)
		if err != nil {
			return dropped, fmt.Errorf("plot overview: %w", err)
		}
		files["overview."+format] = b
	}
	return dropped, nil
}

// CheckFormat checks the --plots flag.
func CheckFormat(s string) error {
	switch s {
	case "png", "svg", "none":
		return nil
	}
	return fmt.Errorf("--plots %q: expected png, svg or none", s)
}

// Counting returns 1, 2, …, n: the step axis of a loss curve.
func Counting(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// Column returns component j of row-major states with D values per row.
func Column(xs []float64, D, j int) []float64 {
	out := make([]float64, len(xs)/D)
	for k := range out {
		out[k] = xs[k*D+j]
	}
	return out
}

// Thin returns (epoch, loss) pairs of a loss curve, about n of them at
// most (every ⌊len/n⌋-th epoch).
func Thin(loss []float64, n int) (x, y []float64) {
	stride := max(1, len(loss)/n)
	for i := 0; i < len(loss); i += stride {
		x, y = append(x, float64(i+1)), append(y, loss[i])
	}
	return x, y
}
