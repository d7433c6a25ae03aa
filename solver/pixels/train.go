package pixels

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/hnn-project/hnn/internal/nn"
	"github.com/hnn-project/hnn/solver"
)

// Trained is one model after training: its loss on the training and the
// test set, the loss of every step, and the wall-clock time of its
// training and of those evaluations.
type Trained struct {
	Model       *Model
	Train, Test Losses
	Curve       []float64 // Total of each step's batch
	Seconds     float64
}

// Train trains the HNN and the baseline on the training samples of d, as
// Greydanus et al.'s experiment-pixels: Adam with weight decay on random
// batches (torch.randperm(n)[:B] each step) of the loss ae + cc +
// w·dynamics (see Losses), from orthogonal weights. Both models start from
// the same autoencoder weights (the same seed) and see the same batches.
// The two trainings run side by side when GOMAXPROCS allows, each on one
// goroutine, so the result does not depend on it. mon, which may be nil,
// is called every 100 steps, never concurrently. If ctx is cancelled,
// Train returns ctx's error.
func Train(ctx context.Context, d *Dataset, s *Settings, mon solver.LearnMonitor) (hnn, baseline *Trained, err error) {
	set, err := s.resolved()
	if err != nil {
		return nil, nil, err
	}
	var mu sync.Mutex
	report := func(dyn Dynamics, step int, loss float64) {
		if mon == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		mon(string(dyn), step, set.Train.Steps, loss)
	}
	dyns := []Dynamics{DynamicsHNN, DynamicsBaseline}
	out := make([]*Trained, 2)
	errs := make([]error, 2)
	run := func(i int) { out[i], errs[i] = train(ctx, dyns[i], d, set, report) }
	if runtime.GOMAXPROCS(0) > 1 {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(1)
		}()
		run(0)
		wg.Wait()
	} else {
		run(0)
		run(1)
	}
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return out[0], out[1], nil
}

// train trains one model and evaluates its losses.
func train(ctx context.Context, dyn Dynamics, d *Dataset, set Settings, report func(Dynamics, int, float64)) (*Trained, error) {
	start := time.Now()
	t := set.Train
	m, err := newModel(dyn, d.In(), set, rand.New(rand.NewPCG(t.Seed, 1)))
	if err != nil {
		return nil, err
	}
	nTrain := d.Len() - d.Test
	B := min(t.Batch, nTrain)
	b := newBatch(m, t.DynamicsWeight, B)
	adams := []*nn.Adam{{LR: t.LearningRate, WeightDecay: t.WeightDecay}, {LR: t.LearningRate, WeightDecay: t.WeightDecay}, {LR: t.LearningRate, WeightDecay: t.WeightDecay}}
	rng := rand.New(rand.NewPCG(t.Seed, 2))
	perm := make([]int, nTrain)
	for i := range perm {
		perm[i] = d.Test + i
	}
	idx := make([]int, B)
	curve := make([]float64, 0, t.Steps)
	for step := 1; step <= t.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// A random subset each step, as torch.randperm(n)[:B].
		for i := 0; i < B; i++ {
			j := i + rng.IntN(nTrain-i)
			perm[i], perm[j] = perm[j], perm[i]
		}
		copy(idx, perm[:B])
		d.order(idx)
		b.fill(d, idx)
		ls := b.loss(true)
		adams[0].Step(m.Encoder.Params, b.gEnc)
		adams[1].Step(m.Decoder.Params, b.gDec)
		adams[2].Step(m.Field.Params, b.gField)
		curve = append(curve, ls.Total)
		if step%100 == 0 || step == t.Steps {
			report(dyn, step, ls.Total)
		}
	}
	tr := &Trained{Model: m, Curve: curve}
	tr.Train = evaluate(m, t.DynamicsWeight, d, d.Test, d.Len())
	tr.Test = evaluate(m, t.DynamicsWeight, d, 0, d.Test)
	if err := m.fitMap(d); err != nil {
		return nil, err
	}
	tr.Seconds = time.Since(start).Seconds()
	return tr, nil
}

// evalChunk is the number of samples per batch of evaluate.
const evalChunk = 200

// evaluate returns the mean losses of m over the samples [lo, hi) of d.
func evaluate(m *Model, weight float64, d *Dataset, lo, hi int) Losses {
	var sum Losses
	var b *batch
	idx := make([]int, evalChunk)
	for s := lo; s < hi; s += evalChunk {
		n := min(evalChunk, hi-s)
		if b == nil || b.B != n {
			b = newBatch(m, weight, n)
		}
		for i := 0; i < n; i++ {
			idx[i] = s + i
		}
		b.fill(d, idx)
		ls := b.loss(false)
		w := float64(n)
		sum.Total += w * ls.Total
		sum.AE += w * ls.AE
		sum.CC += w * ls.CC
		sum.Dynamics += w * ls.Dynamics
	}
	n := float64(hi - lo)
	return Losses{Total: sum.Total / n, AE: sum.AE / n, CC: sum.CC / n, Dynamics: sum.Dynamics / n}
}
