package solver

import (
	"fmt"

	"github.com/hnn-project/hnn/internal/nn"
)

// MaxParameters caps the weights of a network the solver trains or loads.
// It keeps training within memory and every model file readable: a weight
// takes at most 27 bytes in model.json or hnn.json (24 digits, a comma and
// the indentation), so a model file stays under 54 MB plus its problem
// text.
const MaxParameters = 2_000_000

// lbfgsStore is the number of correction pairs the L-BFGS polish keeps.
const lbfgsStore = 30

// checkParameters reports a network too large for MaxParameters, with its
// parameter count and the memory its training would need (the workspace
// bytes plus per weight: the weights, gradient, Adam's two moments and
// the best model, and with a polish the L-BFGS history).
func checkParameters(arch nn.Arch, workspace int64, polish bool) error {
	for _, w := range arch.Hidden {
		if w > MaxParameters {
			return fmt.Errorf("solver: a hidden layer of width %d has more than the %d parameters allowed", w, MaxParameters)
		}
	}
	n := arch.NumParams()
	if n <= MaxParameters {
		return nil
	}
	per := int64(5)
	if polish {
		per += 2 * lbfgsStore
	}
	mem := workspace + 8*per*int64(n)
	return fmt.Errorf("solver: hidden layers %v have %d parameters; the limit is %d (training alone would need about %.1f GB of memory and the model file about %.0f MB): use narrower or fewer layers",
		arch.Hidden, n, MaxParameters, float64(mem)/1e9, float64(20*n)/1e6)
}
