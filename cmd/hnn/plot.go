package main

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plots are built from charts: labelled series of (x, y) points. Points
// that cannot be drawn are left out — NaN and ±Inf are counted, so a
// diverged run still gets its pictures and the caller reports what was
// dropped; values ≤ 0 on a log axis are skipped silently.

type series struct {
	name   string // legend entry; "" for none
	x, y   []float64
	dashed bool
	color  color.Color // nil: the palette's colour for the series' index
}

type chart struct {
	title, xlabel, ylabel string
	logY                  bool
	series                []series
	hlines                []level // horizontal reference lines (bounds)
	vline                 *level  // a vertical marker (the best epoch)
	legendRoom            bool    // raise the top of the y axis to keep the legend off the lines
	// frame > 0 fixes the axes about the origin: y in [−frame, frame], x
	// over the same length per centimetre, so circles look round and
	// lines that run off (a diverging model) leave the picture.
	frame float64
	// notes are legend lines without a curve ("certified bound: not
	// certified").
	notes []string
	// panels are further charts drawn beside this one in the same figure
	// (one degree of freedom each), two per row.
	panels []chart
}

// legendRoomFraction is how much legendRoom adds to the top of the y axis,
// as a fraction of the data's range (of its decades on a log axis), for a
// legend of n entries: each entry takes about 6 % of the plot's height.
func legendRoomFraction(n int) float64 {
	f := 0.04 + 0.06*float64(min(n, 12))
	return f / (1 - f)
}

type level struct {
	name  string
	value float64
	solid bool // drawn solid black (a proven bound) rather than dotted grey
}

// plotSize is the size of one figure.
const plotWidth, plotHeight = 16 * vg.Centimeter, 10 * vg.Centimeter

// build makes the plot and returns how many points were left out.
func (c chart) build() (*plot.Plot, int) {
	p := plot.New()
	p.Title.Text = c.title
	p.X.Label.Text = c.xlabel
	p.Y.Label.Text = c.ylabel
	p.Legend.Top = true
	entries := 0
	addLegend := func(name string, t ...plot.Thumbnailer) {
		p.Legend.Add(name, t...)
		entries++
	}
	dropped := 0
	lo, hi := math.Inf(1), math.Inf(-1)
	var pts [][2]float64 // every point drawn, for the legend's corner
	for i, s := range c.series {
		xys := make(plotter.XYs, 0, len(s.x))
		for j := range s.x {
			x, y := s.x[j], s.y[j]
			if !finite(x) || !finite(y) {
				dropped++
				continue
			}
			if c.logY && y <= 0 {
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
		if s.color != nil {
			l.Color = s.color
		}
		l.Width = vg.Points(1.2)
		if s.dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		} else if n := len(plotutil.DefaultColors); s.color == nil && i >= n {
			// The palette repeats after n series: tell them apart by dashes.
			l.Dashes = plotutil.Dashes(i / n)
		}
		p.Add(l)
		if s.name != "" {
			addLegend(s.name, l)
		}
	}
	xmin, xmax := p.X.Min, p.X.Max
	for i, h := range c.hlines {
		if !finite(h.value) || c.logY && h.value <= 0 || xmax <= xmin {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: h.value}, {X: xmax, Y: h.value}})
		if err != nil {
			continue
		}
		l.Color = color.Gray{Y: uint8(90 + 30*i)}
		l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		if h.solid {
			l.Color, l.Dashes, l.Width = color.Black, nil, vg.Points(1.5)
		}
		p.Add(l)
		addLegend(h.name, l)
		for k := 0; k <= 20; k++ {
			pts = append(pts, [2]float64{xmin + (xmax-xmin)*float64(k)/20, h.value})
		}
		lo, hi = math.Min(lo, h.value), math.Max(hi, h.value)
	}
	for _, note := range c.notes {
		addLegend(note) // a line of text, without a sample
	}
	if c.vline != nil && finite(c.vline.value) && hi > lo {
		l, err := plotter.NewLine(plotter.XYs{{X: c.vline.value, Y: lo}, {X: c.vline.value, Y: hi}})
		if err == nil {
			l.Color = color.Gray{Y: 90}
			l.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
			p.Add(l)
			addLegend(c.vline.name, l)
		}
	}
	if c.logY && hi >= lo && lo > 0 {
		if hi == lo { // one value: give the log axis a decade around it
			lo, hi = lo/10, hi*10
		}
		if c.legendRoom {
			hi *= math.Pow(hi/lo, legendRoomFraction(entries))
		}
		p.Y.Min, p.Y.Max = lo, hi
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = decades{}
	}
	if c.frame > 0 && !c.logY {
		aspect := float64(plotWidth / plotHeight)
		p.X.Min, p.X.Max = -aspect*c.frame, aspect*c.frame
		p.Y.Min, p.Y.Max = -c.frame, c.frame
	}
	if c.legendRoom && !c.logY && hi > lo {
		p.Y.Max = math.Max(p.Y.Max, hi+legendRoomFraction(entries)*(hi-lo))
	}
	p.X.Tick.Marker = roundTicks{}
	if !c.logY {
		p.Y.Tick.Marker = roundTicks{}
	}
	legendCorner(p, pts, entries, c.logY)
	p.Add(plotter.NewGrid())
	return p, dropped
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// decades marks a log axis at the powers of ten, labelled "1e-05", with
// unlabelled minor marks at 2..9 times them. (plot.LogTicks accumulates
// its marks by repeated multiplication and prints 9.999999999999999e-05.)
type decades struct{}

func (decades) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	for k := lo; k <= hi; k++ {
		v := math.Pow10(k)
		if v >= min && v <= max {
			t := plot.Tick{Value: v}
			if step := (hi-lo)/10 + 1; k%step == 0 { // at most about ten labels
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
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

// render draws one plot as PNG or SVG.
func render(p *plot.Plot, format string) ([]byte, error) {
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

// figures renders named charts into files name.<format>, plus an overview
// of the charts named in overview (up to two per row), and returns the
// number of points left out.
func figures(format string, charts map[string]chart, overview []string, files map[string][]byte) (int, error) {
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
		if len(c.panels) == 0 {
			b, err = render(p, format)
		} else {
			grid := [][]*plot.Plot{{p}}
			for i, pc := range c.panels {
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

// plotFormat checks the --plots flag.
func plotFormat(s string) error {
	switch s {
	case "png", "svg", "none":
		return nil
	}
	return fmt.Errorf("--plots %q: expected png, svg or none", s)
}

// counting returns 1, 2, …, n: the step axis of a loss curve.
func counting(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// column returns component j of row-major states with D values per row.
func column(xs []float64, D, j int) []float64 {
	out := make([]float64, len(xs)/D)
	for k := range out {
		out[k] = xs[k*D+j]
	}
	return out
}

// thin returns (epoch, loss) pairs of a loss curve, about n of them at
// most (every ⌊len/n⌋-th epoch).
func thin(loss []float64, n int) (x, y []float64) {
	stride := max(1, len(loss)/n)
	for i := 0; i < len(loss); i += stride {
		x, y = append(x, float64(i+1)), append(y, loss[i])
	}
	return x, y
}
