package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/hnn-project/hnn/internal/nn"
)

// benchLearnStep times one HNN training step (∇ₓH_θ on the batch, the
// loss, its parameter gradient by reverse over reverse, Adam) for a batch
// of B states of dimension D and the given hidden widths: the work of one
// of the catalogue's learn steps. Multiply by the task's steps for its
// training time.
func benchLearnStep(b *testing.B, B, D int, hidden []int) {
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := nn.New(nn.Arch{In: D, Hidden: hidden, Out: 1, Act: nn.Tanh})
	if err != nil {
		b.Fatal(err)
	}
	net.InitOrthogonal(rng)
	e := newBatchEval(net, true, D, B)
	target := make([]float64, B*D)
	for i := range e.x {
		e.x[i], target[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	grad := make([]float64, len(net.Params))
	adam := &nn.Adam{LR: 1e-3, WeightDecay: 1e-4}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processSeconds()
	for i := 0; i < b.N; i++ {
		e.loss(net, target, grad)
		adam.Step(net.Params, grad)
	}
	// Processor time per step, summed over cores (see timeEpochs).
	b.ReportMetric((processSeconds()-cpu)*1e9/float64(b.N), "cpu-ns/op")
}

// The catalogue's learn tasks (hnn learn): batch, dimension, widths.
func BenchmarkLearnStepSpring(b *testing.B)       { benchLearnStep(b, 750, 2, []int{64, 64}) }
func BenchmarkLearnStepPendulum(b *testing.B)     { benchLearnStep(b, 1125, 2, []int{48, 48}) }
func BenchmarkLearnStepRealPendulum(b *testing.B) { benchLearnStep(b, 445, 2, []int{48, 48}) }
func BenchmarkLearnStepTwoBody(b *testing.B)      { benchLearnStep(b, 200, 8, []int{64, 64}) }
func BenchmarkLearnStepThreeBody(b *testing.B)    { benchLearnStep(b, 600, 12, []int{200, 200}) }

// BenchmarkLearnStepSpring200 is the spring step at the reference code's
// width of 200.
func BenchmarkLearnStepSpring200(b *testing.B) { benchLearnStep(b, 750, 2, []int{200, 200}) }
