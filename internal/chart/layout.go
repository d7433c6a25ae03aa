package chart

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// legendCorner puts the legend of p in the corner of the data area that
// holds the fewest of the points pts (the legend of n entries covers
// about 40 % of the width and 6 % of the height per entry), so that it
// covers as little of the curves as it can.
func legendCorner(p *plot.Plot, pts [][2]float64, n int, logY bool) {
	xmin, xmax, ymin, ymax := p.X.Min, p.X.Max, p.Y.Min, p.Y.Max
	if !(xmax > xmin) || !(ymax > ymin) || n == 0 {
		return
	}
	ny := func(y float64) float64 { return (y - ymin) / (ymax - ymin) }
	if logY && ymin > 0 {
		ny = func(y float64) float64 { return math.Log(y/ymin) / math.Log(ymax/ymin) }
	}
	w, h := 0.4, math.Min(0.9, 0.04+0.06*float64(n))
	best, bestCount := [2]bool{true, false}, math.MaxInt // {top, left}
	for _, corner := range [][2]bool{{true, false}, {true, true}, {false, false}, {false, true}} {
		count := 0
		for _, q := range pts {
			u, v := (q[0]-xmin)/(xmax-xmin), ny(q[1])
			inX := corner[1] && u <= w || !corner[1] && u >= 1-w
			inY := corner[0] && v >= 1-h || !corner[0] && v <= h
			if inX && inY {
				count++
			}
		}
		if count < bestCount { // ties keep the earlier corner: top right first
			best, bestCount = corner, count
		}
	}
	p.Legend.Top, p.Legend.Left = best[0], best[1]
}

// roundTicks marks a linear axis at 5 to 14 round values (1, 2, 2.5 or 5
// times a power of ten), labelled in their shortest form ("2500", "0.25"),
// with unlabelled marks halfway.
type roundTicks struct{}

func (roundTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return []plot.Tick{{Value: min, Label: strconv.FormatFloat(min, 'g', 4, 64)}}
	}
	raw := (max - min) / 7
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []plot.Tick
	for k := math.Ceil(min / step * 2); k <= math.Floor(max/step*2); k++ {
		v := k * step / 2
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0" or 1e-17 from the division
		}
		t := plot.Tick{Value: v}
		if int64(k)%2 == 0 {
			t.Label = strconv.FormatFloat(roundTo(v, step), 'g', -1, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// roundTo rounds v to the decimals that step needs, so that 0.1·3 prints
// as 0.3.
func roundTo(v, step float64) float64 {
	d := math.Max(0, -math.Floor(math.Log10(step))+2)
	s := math.Pow(10, d)
	return math.Round(v*s) / s
}
