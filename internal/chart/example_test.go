package chart_test

import (
	"fmt"
	"math"

	"github.com/hnn-project/hnn/internal/chart"
)

func ExampleFigures() {
	t := []float64{0, 1, 2, 3}
	c := chart.Chart{
		Title: "error", XLabel: "t", YLabel: "|δx|", LogY: true,
		Series: []chart.Series{{Name: "network", X: t, Y: []float64{0, 1e-6, math.NaN(), 4e-6}}},
		HLines: []chart.Level{{Name: "certified bound", Value: 1e-5, Solid: true}},
	}
	files := map[string][]byte{}
	dropped, err := chart.Figures("svg", map[string]chart.Chart{"errors": c}, nil, files)
	fmt.Println(len(files["errors.svg"]) > 0, dropped, err)
	// Output: true 1 <nil>
}
