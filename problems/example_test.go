package problems_test

import (
	"fmt"

	"github.com/hnn-project/hnn/problems"
)

func ExampleLoad() {
	p, err := problems.Load("henon_heiles")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %v %v, E0 = %.4g, T = %.4g, K = %d\n", p.Name, p.Coordinates, p.Momenta, p.H.H(p.Z0), p.T, p.K)
	// Output: henon_heiles: [x y] [px py], E0 = 0.1282, T = 18.85, K = 100
}

func ExampleParse() {
	_, err := problems.Parse([]byte("coordinates: [x]\nhamiltonian: px^2/2 + k*x^2\ninitial: {x: 1, px: 0}\ntime: {end: 1, points: 10}\n"), "mine.yaml", "mine")
	fmt.Println(err)
	// Output:
	// mine.yaml: hamiltonian (line 2): column 10: unknown name "k"; known: x, px, pi, e, sin, cos, tan, exp, log, sqrt, sinh, cosh, tanh, abs, pow
	//   px^2/2 + k*x^2
	//            ^
}
