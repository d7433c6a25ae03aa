package pixels

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/hnn-project/hnn/solver"
)

// benchStep times one training step of the paper's model (28 × 28 frame
// pairs, width 200, batch 200) on 10 trials of the paper's frames; it
// reports processor nanoseconds per step as well.
func benchStep(b *testing.B, dyn Dynamics) {
	set := &Settings{Data: DataSettings{Trials: 10}}
	d, _, err := Generate(context.Background(), gym(b), set)
	if err != nil {
		b.Fatal(err)
	}
	r, _ := set.resolved()
	m, err := newModel(dyn, d.In(), r, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	bt := newBatch(m, 0.1, 200)
	rng := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, 200)
	for i := range idx {
		idx[i] = rng.IntN(d.Len())
	}
	d.order(idx)
	bt.fill(d, idx)
	b.ResetTimer()
	cpu := solver.ProcessSeconds()
	for i := 0; i < b.N; i++ {
		bt.loss(true)
	}
	b.ReportMetric((solver.ProcessSeconds()-cpu)*1e9/float64(b.N), "cpu-ns/op")
}

func BenchmarkStepHNN(b *testing.B)      { benchStep(b, DynamicsHNN) }
func BenchmarkStepBaseline(b *testing.B) { benchStep(b, DynamicsBaseline) }
