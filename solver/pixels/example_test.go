package pixels_test

import (
	"context"
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver/pixels"
)

// A frame of the pendulum 30° to the right, drawn on 14 × 14 pixels:
// '#' a pixel the bar covers fully, '+' partly.
func ExampleGeometry_Render() {
	g := pixels.Geometry{Side: 14}
	img := image.NewGray(image.Rect(0, 0, 14, 14))
	g.Render(img, math.Pi/6)
	for i := 0; i < 14; i++ {
		var b strings.Builder
		for _, v := range img.Pix[i*14 : (i+1)*14] {
			switch {
			case v == 128:
				b.WriteByte('#')
			case v > 0:
				b.WriteByte('+')
			default:
				b.WriteByte('.')
			}
		}
		fmt.Println(b.String())
	}
	// Output:
	// ..............
	// ......++......
	// ......+#+.....
	// ......+#+.....
	// .......+#+....
	// .......+#+....
	// ........+#+...
	// ........+#++..
	// .........+#+..
	// .........++#+.
	// ..........+#+.
	// ...........++.
	// ..............
	// ..............
}

// Run generates the frames, trains the HNN and the baseline side by side
// and scores both; here on a reduced configuration (12 × 12 frames, 30
// steps) that shows the shapes of the results, not the paper's accuracy.
func ExampleRun() {
	h, err := hamiltonians.Parse("p^2/2 + 15*(1 - cos(q))", []string{"q"}, []string{"p"}, nil)
	if err != nil {
		panic(err)
	}
	set := &pixels.Settings{
		Data:   pixels.DataSettings{Trials: 6, Frames: 10, Geometry: pixels.Geometry{Side: 12}},
		Model:  pixels.ModelSettings{Width: 8, Hidden: []int{6, 6}},
		Train:  pixels.TrainSettings{Steps: 30, Batch: 5},
		Energy: pixels.EnergySettings{Trajectories: 2, Frames: 24},
	}
	r, err := pixels.Run(context.Background(), h, set, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d training and %d test samples\n", r.Train, r.Test)
	fmt.Printf("%d loss values per model, %d energy scores\n", len(r.HNN.Curve), len(r.HNN.Energy.Scores))
	fmt.Printf("picture strip at steps %v\n", r.StripSteps)
	// Output:
	// 34 training and 8 test samples
	// 30 loss values per model, 2 energy scores
	// picture strip at steps [0 5 10 15 21]
}
