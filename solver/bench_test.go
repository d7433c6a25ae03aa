package solver

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/hnn-project/hnn/hamiltonians"
)

// benchEpoch times one training epoch (jitter, forward, loss, backward,
// Adam) of a paper configuration.
func benchEpoch(b *testing.B, src string, q, p []string, z0 []float64, T float64, K int) {
	f, err := hamiltonians.Parse(src, q, p, nil)
	if err != nil {
		b.Fatal(err)
	}
	pr := Problem{H: f, Z0: z0, T: T, K: K}
	sol, err := Solve(context.Background(), pr, &Settings{Epochs: 1}, nil)
	if err != nil {
		b.Fatal(err)
	}
	set, _ := (&Settings{}).resolved(pr)
	timeEpochs(b, newTrainer(pr, set, sol.net, newRNG(1)))
}

// timeEpochs runs b.N epochs of tr and reports, beside the wall time that
// other jobs on a shared machine inflate, the processor time per epoch
// summed over cores.
func timeEpochs(b *testing.B, tr *trainer) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processSeconds()
	for i := 0; i < b.N; i++ {
		tr.epoch()
	}
	b.ReportMetric((processSeconds()-cpu)*1e9/float64(b.N), "cpu-ns/op")
}

// BenchmarkEpochOscillator is the paper's oscillator configuration:
// K = 200, two hidden layers of 50, sin (Mattheakis et al. §III.A).
func BenchmarkEpochOscillator(b *testing.B) {
	benchEpoch(b, "p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, []float64{1.3, 1}, 4*math.Pi, 200)
}

// BenchmarkEpochHenonHeiles is the paper's Hénon–Heiles configuration:
// K = 100, two hidden layers of 50, sin (§III.B).
func BenchmarkEpochHenonHeiles(b *testing.B) {
	benchEpoch(b, "0.5*(px^2 + py^2) + 0.5*(x^2 + y^2) + x^2*y - y^3/3", []string{"x", "y"}, []string{"px", "py"}, []float64{0.3, -0.3, 0.3, 0.15}, 6*math.Pi, 100)
}

// BenchmarkEpochOscillatorK is the oscillator configuration with more time
// points, for the scaling of the epoch time with K.
func BenchmarkEpochOscillatorK(b *testing.B) {
	for _, K := range []int{1000, 10000} {
		b.Run(fmt.Sprint(K), func(b *testing.B) {
			benchEpoch(b, "p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, []float64{1.3, 1}, 4*math.Pi, K)
		})
	}
}
