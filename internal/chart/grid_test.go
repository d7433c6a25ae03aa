package chart

import (
	"image"
	"strings"
	"testing"
)

// Frames and contours render; a contour whose values do not fill its grid
// is an error, not a panic.
func TestFramesAndContour(t *testing.T) {
	im := image.NewGray(image.Rect(0, 0, 4, 3))
	im.Pix[5] = 80
	f := Frames{Title: "frames", Rows: []FrameRow{{Label: "truth", Images: []*image.Gray{im, im}}}, Columns: []string{"0", "5"}}
	if b, err := Render(f.Plot(), "svg"); err != nil || !strings.Contains(string(b), ">truth<") {
		t.Errorf("frames: %v", err)
	}
	c := Contour{Title: "c", Xs: []float64{0, 1, 2}, Ys: []float64{0, 1}, Z: []float64{0, 1, 2, 1, 2, 3}, Levels: []float64{1, 2},
		Points: []float64{0.5, 0.5}, PointsName: "samples", Lines: []Series{{Name: "path", X: []float64{0, 1}, Y: []float64{0, 1}}}}
	p, err := c.Plot()
	if err != nil {
		t.Fatal(err)
	}
	if b, err := Render(p, "svg"); err != nil || !strings.Contains(string(b), ">path<") {
		t.Errorf("contour: %v", err)
	}
	c.Z = c.Z[:5]
	if _, err := c.Plot(); err == nil {
		t.Error("a short Z was accepted")
	}
}
