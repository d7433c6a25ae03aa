package hamiltonians_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
)

func ExampleParse() {
	// The nonlinear oscillator of Mattheakis et al. Eq. 23.
	f, err := hamiltonians.Parse("p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{1.3, 1.0}
	g := make([]float64, 2)
	f.Grad(g, x)
	h := mat.NewSymDense(2, nil)
	f.Hess(h, x)
	_, sep := f.Separable()
	fmt.Printf("H = %.4g, ∇H = [%.4g %.4g], ∂²H/∂x² = %.4g, separable %v\n", f.H(x), g[0], g[1], h.At(0, 0), sep)
	// Output: H = 2.059, ∇H = [3.497 1], ∂²H/∂x² = 6.07, separable true
}

func ExampleParse_error() {
	_, err := hamiltonians.Parse("p^2/2 + k*x^2", []string{"x"}, []string{"p"}, nil)
	fmt.Println(err)
	// Output:
	// column 9: unknown name "k"; known: x, p, pi, e, sin, cos, tan, exp, log, sqrt, sinh, cosh, tanh, abs, pow
	//   p^2/2 + k*x^2
	//           ^
}

func ExampleEval() {
	v, _ := hamiltonians.Eval("0.18*pi", nil)
	w, _ := hamiltonians.Eval("2*g", map[string]float64{"g": 3})
	fmt.Printf("%.4g %.4g\n", v, w)
	// Output: 0.5655 6
}
