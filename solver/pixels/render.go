package pixels

import (
	"image"
	"math"
)

// Geometry is how a frame draws the pendulum: a bar of rounded ends (the
// points within Radius of the segment from the pivot to the tip) on a
// black background, in pixel units of a Side × Side frame whose pixel
// (row i, column j) covers [j, j+1) × [i, i+1), x to the right and y down.
// The angle q = 0 hangs straight down; q > 0 swings to the right.
//
// The defaults reproduce the frames of Greydanus et al.'s code: gym's
// Pendulum-v0 viewer draws a rod of length 1 and width 0.2 (a capsule)
// from the centre of a 500 × 500 window showing [−2.2, 2.2]²; their code
// crops rows 440 to 780 and columns 330 to 670 of the 1000 × 1000 render of
// a 2× display, keeps red minus green (0.8 − 0.3 of the rod's colour, 0 on
// the white background) and resizes the 340 × 340 crop to 28 × 28. So the
// pivot sits at (14, 60·28/340), the rod is 227·28/340 = 18.7 pixels long,
// its half-width 1.87 and its gray level 0.5.
type Geometry struct {
	Side           int     // frame side in pixels; default 28
	PivotX, PivotY float64 // default (Side/2, 0.176·Side)
	Length         float64 // pivot to tip; default 0.668·Side
	Radius         float64 // half the bar's width; default 0.0668·Side
	Intensity      float64 // gray level of the bar in [0, 1]; default 0.5
}

// The gym geometry as fractions of the frame side (see Geometry).
const (
	pivotYFraction = 60.0 / 340
	lengthFraction = 1000 / 4.4 / 340
	radiusFraction = 0.1 * 1000 / 4.4 / 340
)

func (g Geometry) resolved() Geometry {
	if g.Side == 0 {
		g.Side = 28
	}
	s := float64(g.Side)
	if g.PivotX == 0 {
		g.PivotX = s / 2
	}
	if g.PivotY == 0 {
		g.PivotY = pivotYFraction * s
	}
	if g.Length == 0 {
		g.Length = lengthFraction * s
	}
	if g.Radius == 0 {
		g.Radius = radiusFraction * s
	}
	if g.Intensity == 0 {
		g.Intensity = 0.5
	}
	return g
}

// Render draws the pendulum at angle q into img, whose bounds must be
// Side × Side from (0, 0). A pixel's coverage is estimated from the
// distance d of its centre to the bar's axis, clamp(Radius + ½ − d, 0, 1)
// (exact for an edge crossing the pixel straight), and its gray level is
// round(255·Intensity·coverage).
func (g Geometry) Render(img *image.Gray, q float64) {
	g = g.resolved()
	n := g.Side
	if r := img.Bounds(); r != image.Rect(0, 0, n, n) {
		panic("pixels: Render needs a Side × Side image from (0, 0)")
	}
	s, c := math.Sincos(q)
	ux, uy := s, c // the axis, unit length
	level := 255 * g.Intensity
	for i := 0; i < n; i++ {
		row := img.Pix[i*img.Stride : i*img.Stride+n]
		for j := range row {
			px, py := float64(j)+0.5-g.PivotX, float64(i)+0.5-g.PivotY
			t := min(max(px*ux+py*uy, 0), g.Length) // the nearest point of the axis
			d := math.Hypot(px-t*ux, py-t*uy)
			cover := min(max(g.Radius+0.5-d, 0), 1)
			row[j] = uint8(math.Round(level * cover))
		}
	}
}
