package errorbound_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
)

// How much ten periods of the anharmonic oscillator can grow an error
// made at the start: one along the orbit (a phase error) stays about as
// large, one across the energy shells is sheared into a phase error that
// grows with time.
func ExampleAmplification() {
	h, _ := hamiltonians.Parse("p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, nil)
	z0 := []float64{1.3, 1}
	a, err := errorbound.NewAmplification(context.Background(), h, z0, 20*math.Pi, 256)
	if err != nil {
		log.Fatal(err)
	}
	// J∇H(z0) is along the orbit, ∇H(z0) across it; both of length 1e-6.
	f := z0[0] + z0[0]*z0[0]*z0[0]
	n := math.Hypot(1, f) / 1e-6
	along := []float64{1 / n, -f / n} // (p, −x − x³) with p = 1
	across := []float64{f / n, 1 / n} // (x + x³, p)
	fmt.Printf("along the orbit: %.2g, across it: %.2g\n", a.Project(0, along), a.Project(0, across))
	// Output:
	// along the orbit: 1.2e-06, across it: 9e-05
}
