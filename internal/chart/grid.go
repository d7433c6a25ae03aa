package chart

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"github.com/hnn-project/hnn/internal/stats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Frames is a table of gray images: one row per label, one column per
// column label, each image magnified Scale times (nearest pixel) with its
// gray levels stretched so that the brightest pixel of the Peak row is
// white.
type Frames struct {
	Title, XLabel string
	Rows          []FrameRow // drawn bottom to top
	Columns       []string
	Scale         int // 0: 6
	Peak          int // the row whose brightest pixel is white
}

// FrameRow is one labelled row of Frames.
type FrameRow struct {
	Label  string
	Images []*image.Gray
}

// Plot draws the frames.
func (f Frames) Plot() *plot.Plot {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	scale := f.Scale
	if scale == 0 {
		scale = 6
	}
	peak := uint8(1)
	if f.Peak < len(f.Rows) {
		for _, im := range f.Rows[f.Peak].Images {
			for _, v := range im.Pix {
				peak = max(peak, v)
			}
		}
	}
	var yt, xt []plot.Tick
	for i, row := range f.Rows {
		yt = append(yt, plot.Tick{Value: float64(i) + 0.5, Label: row.Label})
		for j, im := range row.Images {
			p.Add(plotter.NewImage(magnified(im, peak, scale), float64(j)+0.04, float64(i)+0.04, float64(j)+0.96, float64(i)+0.96))
		}
	}
	for j, s := range f.Columns {
		xt = append(xt, plot.Tick{Value: float64(j) + 0.5, Label: s})
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, float64(len(f.Columns)), 0, float64(len(f.Rows))
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.BackgroundColor = color.Gray{Y: 235}
	return p
}

// magnified returns im enlarged scale times (nearest pixel), its gray
// levels stretched so that peak is white.
func magnified(im *image.Gray, peak uint8, scale int) image.Image {
	b := im.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()*scale, b.Dy()*scale))
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			v := int(im.GrayAt(b.Min.X+x/scale, b.Min.Y+y/scale).Y) * 255 / int(peak)
			out.Pix[y*out.Stride+x] = uint8(min(v, 255))
		}
	}
	return out
}

// Contour is the level sets of a function on a grid, with a cloud of
// points below them and lines (x, y pairs) on top.
type Contour struct {
	Title, XLabel, YLabel string
	Xs, Ys                []float64 // the grid, increasing
	Z                     []float64 // row-major: Z[r*len(Xs)+c] at (Xs[c], Ys[r])
	Levels                []float64
	Points                []float64 // x, y pairs, drawn as small gray dots
	PointsName            string
	Lines                 []Series
}

type contourGrid struct{ c *Contour }

func (g contourGrid) Dims() (c, r int)   { return len(g.c.Xs), len(g.c.Ys) }
func (g contourGrid) Z(c, r int) float64 { return g.c.Z[r*len(g.c.Xs)+c] }
func (g contourGrid) X(c int) float64    { return g.c.Xs[c] }
func (g contourGrid) Y(r int) float64    { return g.c.Ys[r] }

// Plot draws the contour; the y axis is raised to keep the legend off the
// points.
func (c Contour) Plot() (*plot.Plot, error) {
	if len(c.Z) != len(c.Xs)*len(c.Ys) {
		return nil, fmt.Errorf("contour %q: %d values on a %d×%d grid", c.Title, len(c.Z), len(c.Xs), len(c.Ys))
	}
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text, p.Y.Label.Text = c.XLabel, c.YLabel
	p.Legend.Top = true
	pts := make(plotter.XYs, len(c.Points)/2)
	for i := range pts {
		pts[i] = plotter.XY{X: c.Points[2*i], Y: c.Points[2*i+1]}
	}
	if s, err := plotter.NewScatter(pts); err == nil {
		s.GlyphStyle.Color = color.Gray{Y: 170}
		s.GlyphStyle.Radius = vg.Points(1)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
		p.Legend.Add(c.PointsName, s)
	}
	p.Add(plotter.NewContour(contourGrid{&c}, c.Levels, moreland.SmoothBlueRed().Palette(len(c.Levels))))
	for _, s := range c.Lines {
		xys := make(plotter.XYs, 0, len(s.X))
		for i := range s.X {
			if stats.Finite(s.X[i]) && stats.Finite(s.Y[i]) {
				xys = append(xys, plotter.XY{X: s.X[i], Y: s.Y[i]})
			}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			continue
		}
		l.Color, l.Width = s.Color, vg.Points(1.2)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(s.Name, l)
	}
	p.Add(plotter.NewGrid())
	if n, m := len(c.Xs), len(c.Ys); n > 1 && m > 1 {
		lo, hi := c.Ys[0], c.Ys[m-1]
		p.X.Min, p.X.Max = c.Xs[0], c.Xs[n-1]
		p.Y.Min, p.Y.Max = lo, hi+LegendRoomFraction(1+len(c.Lines))*(hi-lo)
	}
	return p, nil
}

// HeatMap is a value on a grid of two axes, each cell coloured from blue
// (low) to red (high), on a log scale when Log; NaN cells stay white. The
// legend gives the colours of five values.
type HeatMap struct {
	Title, XLabel, YLabel string
	Xs, Ys                []float64 // the grid, increasing
	Z                     []float64 // row-major: Z[r*len(Xs)+c] at (Xs[c], Ys[r])
	Log                   bool
}

type heatGrid struct{ h *HeatMap }

func (g heatGrid) Dims() (c, r int) { return len(g.h.Xs), len(g.h.Ys) }
func (g heatGrid) X(c int) float64  { return g.h.Xs[c] }
func (g heatGrid) Y(r int) float64  { return g.h.Ys[r] }
func (g heatGrid) Z(c, r int) float64 {
	z := g.h.Z[r*len(g.h.Xs)+c]
	if g.h.Log {
		return math.Log10(z)
	}
	return z
}

// palColours is a palette.Palette of given colours.
type palColours []color.Color

func (p palColours) Colors() []color.Color { return p }

// swatch is a legend sample of one colour.
type swatch struct{ c color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.c, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
}

// Plot draws the heat map, its legend beside the grid.
func (h HeatMap) Plot() (*plot.Plot, error) {
	if len(h.Z) != len(h.Xs)*len(h.Ys) || len(h.Xs) < 2 || len(h.Ys) < 2 {
		return nil, fmt.Errorf("heat map %q: %d values on a %d×%d grid", h.Title, len(h.Z), len(h.Xs), len(h.Ys))
	}
	g := heatGrid{&h}
	lo, hi := math.Inf(1), math.Inf(-1)
	for c := range h.Xs {
		for r := range h.Ys {
			if z := g.Z(c, r); stats.Finite(z) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	if !(hi >= lo) {
		return nil, fmt.Errorf("heat map %q: no finite values", h.Title)
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	const colours = 64
	pal := moreland.SmoothBlueRed()
	pal.SetMin(lo)
	pal.SetMax(hi)
	// The colours at evenly spaced values, each kept within [lo, hi]
	// (moreland's own Palette steps by additions that can round past the
	// maximum, and then panics).
	cs := make(palColours, colours)
	for i := range cs {
		c, err := pal.At(min(hi, lo+(hi-lo)*float64(i)/(colours-1)))
		if err != nil {
			return nil, err
		}
		cs[i] = c
	}
	hm := plotter.NewHeatMap(g, cs)
	hm.Min, hm.Max = lo, hi
	hm.NaN = color.White
	p := plot.New()
	p.Title.Text = h.Title
	p.X.Label.Text, p.Y.Label.Text = h.XLabel, h.YLabel
	p.Add(hm)
	for k := 4; k >= 0; k-- {
		v := lo + (hi-lo)*float64(k)/4
		c, err := pal.At(min(hi, max(lo, v)))
		if err != nil {
			continue
		}
		label := v
		if h.Log {
			label = math.Pow(10, v)
		}
		p.Legend.Add(strconv.FormatFloat(label, 'g', 3, 64), swatch{c})
	}
	// The legend in an empty strip right of the grid, off the cells.
	p.Legend.Top = true
	x0, x1, _, _ := hm.DataRange()
	p.X.Min, p.X.Max = x0, x1+0.3*(x1-x0)
	p.X.Tick.Marker = roundTicks{}
	p.Y.Tick.Marker = roundTicks{}
	return p, nil
}
