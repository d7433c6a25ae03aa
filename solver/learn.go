package solver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hnn-project/hnn/internal/nn"
	"github.com/hnn-project/hnn/symplectic"
)

// Dataset holds observations of a Hamiltonian system: N states X (N×D,
// row-major, x = [q, p]) with their time derivatives DX.
type Dataset struct {
	N, D  int
	X, DX []float64
}

// Validate reports what is wrong with d, if anything.
func (d Dataset) Validate() error {
	if d.N < 1 || d.D < 2 || d.D%2 != 0 || len(d.X) != d.N*d.D || len(d.DX) != d.N*d.D {
		return fmt.Errorf("solver: dataset of %d states of dimension %d has %d values and %d derivatives", d.N, d.D, len(d.X), len(d.DX))
	}
	return nil
}

// LearnSettings controls the training of the learned-Hamiltonian network
// and its baseline. Zero fields mean the defaults, which are the settings
// of Greydanus et al.'s code.
type LearnSettings struct {
	Hidden       []int      // default [200, 200]
	Activation   Activation // default ActivationTanh
	Steps        int        // Adam steps; default 2000
	LearningRate float64    // default 1e-3
	Batch        int        // states per step; 0 means all (full batch)
	WeightDecay  float64    // L2 weight decay added to the gradient; default 0
	Seed         uint64
}

func (s *LearnSettings) resolved() (LearnSettings, error) {
	var r LearnSettings
	if s != nil {
		r = *s
	}
	if len(r.Hidden) == 0 {
		r.Hidden = []int{200, 200}
	}
	r.Hidden = append([]int(nil), r.Hidden...)
	if r.Activation == "" {
		r.Activation = ActivationTanh
	}
	if r.Steps == 0 {
		r.Steps = 2000
	}
	if r.LearningRate == 0 {
		r.LearningRate = 1e-3
	}
	if r.Steps < 0 || !(r.LearningRate > 0) || r.Batch < 0 || !(r.WeightDecay >= 0) {
		return r, fmt.Errorf("solver: invalid learn settings: steps %d, learning rate %v, batch %d, weight decay %v", r.Steps, r.LearningRate, r.Batch, r.WeightDecay)
	}
	return r, nil
}

// resolvedFor is resolved, with the networks for D-dimensional states
// checked against MaxParameters.
func (s *LearnSettings) resolvedFor(D int) (LearnSettings, error) {
	r, err := s.resolved()
	if err != nil {
		return r, err
	}
	// The baseline, with D outputs, is the larger of the two networks.
	return r, checkParameters(nn.Arch{In: D, Hidden: r.Hidden, Out: D}, 0, false)
}

// Check reports what Learn would reject in s for D-dimensional states
// (settings out of range, networks over MaxParameters) before any work.
func (s *LearnSettings) Check(D int) error {
	_, err := s.resolvedFor(D)
	return err
}

// LearnResult is what Learn trained: the HNN, whose scalar output is a
// Hamiltonian H_θ, and the baseline, which predicts (q̇, ṗ) directly.
type LearnResult struct {
	HNN      *Learned
	Baseline *Baseline
	// Mean squared errors of the predicted time derivatives, over all
	// components of all states (the loss of Greydanus et al. Eq. 3).
	HNNTrain, HNNTest           float64
	BaselineTrain, BaselineTest float64
	HNNSeconds, BaselineSeconds float64
	// Processor time of each training, summed over cores (0 where the
	// platform does not report it): on a shared machine the wall times
	// above also count other jobs.
	HNNCPUSeconds, BaselineCPUSeconds float64
	// Loss curves, one value per step.
	HNNLoss, BaselineLoss []float64
}

// Baseline is a network that maps a state to its time derivative.
type Baseline struct {
	net *nn.Net
	ws  *nn.Workspace
}

// VectorField stores the predicted ẋ at x in dst (not safe for concurrent use).
func (b *Baseline) VectorField(dst, x []float64) {
	y, _ := b.ws.Forward(b.net, x, nil)
	copy(dst, y)
}

// Net returns the network.
func (b *Baseline) Net() *nn.Net { return b.net }

// LearnMonitor receives progress every 100 steps; model is "hnn" or
// "baseline".
type LearnMonitor func(model string, step, steps int, loss float64)

// Learn trains the HNN (Greydanus et al. §3: the loss is the squared
// difference between J∇H_θ and the observed ẋ) and the baseline on train,
// and reports both models' mean squared error on train and test.
// Cancelling ctx stops training early with the models as they are.
func Learn(ctx context.Context, train, test Dataset, s *LearnSettings, mon LearnMonitor) (*LearnResult, error) {
	if err := train.Validate(); err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	if err := test.Validate(); err != nil {
		return nil, fmt.Errorf("test data: %w", err)
	}
	if train.D != test.D {
		return nil, fmt.Errorf("solver: training and test data differ in dimension")
	}
	set, err := s.resolvedFor(train.D)
	if err != nil {
		return nil, err
	}
	act, err := nn.ParseActivation(string(set.Activation))
	if err != nil {
		return nil, fmt.Errorf("solver: %w", err)
	}
	D := train.D
	res := &LearnResult{}
	for _, model := range []string{"hnn", "baseline"} {
		out := 1
		if model == "baseline" {
			out = D
		}
		net, err := nn.New(nn.Arch{In: D, Hidden: set.Hidden, Out: out, Act: act})
		if err != nil {
			return nil, fmt.Errorf("solver: %w", err)
		}
		rng := newRNG(set.Seed)
		net.InitOrthogonal(rng)
		start, cpu := time.Now(), processSeconds()
		curve := fit(ctx, net, model == "hnn", train, set, rng, func(step int, loss float64) {
			if mon != nil {
				mon(model, step, set.Steps, loss)
			}
		})
		secs, cpuSecs := time.Since(start).Seconds(), processSeconds()-cpu
		trainMSE, testMSE := mse(net, model == "hnn", train), mse(net, model == "hnn", test)
		if model == "hnn" {
			res.HNN, err = NewLearned(net)
			if err != nil {
				return nil, err
			}
			res.HNNTrain, res.HNNTest, res.HNNSeconds, res.HNNLoss = trainMSE, testMSE, secs, curve
			res.HNNCPUSeconds = cpuSecs
		} else {
			res.Baseline = &Baseline{net: net, ws: nn.NewWorkspace(net.Arch, 1, 0)}
			res.BaselineTrain, res.BaselineTest, res.BaselineSeconds, res.BaselineLoss = trainMSE, testMSE, secs, curve
			res.BaselineCPUSeconds = cpuSecs
		}
	}
	return res, nil
}

// chunkRows is the number of batch rows per chunk of an HNN step: a batch
// of B states is cut into ⌈B/chunkRows⌉ chunks of nearly equal size, a
// split fixed by B alone. The chunks are evaluated concurrently, each on
// its own workspace, and their losses and gradients are summed in chunk
// order, so a step gives the same bits whatever GOMAXPROCS is.
const chunkRows = 192

// batchEval evaluates a model's predicted ẋ on a batch and, when asked,
// the parameter gradient of its mean squared error. The HNN's ∇ₓH_θ comes
// from a reverse pass and its parameter gradient from reverse over reverse
// (nn.GradWorkspace), chunk by chunk in parallel; the baseline is an
// ordinary network evaluated as one chunk (its products split rows between
// the cores themselves).
type batchEval struct {
	hnn    bool
	D, B   int
	x      []float64 // the batch, B × D, filled by the caller
	chunks []evalChunk
	// The current call's arguments, read by the chunks.
	net    *nn.Net
	target []float64
}

// evalChunk is rows [lo, lo+n) of a batch with its own buffers.
type evalChunk struct {
	lo, n int
	gw    *nn.GradWorkspace // HNN
	ws    *nn.Workspace     // baseline
	gbar  []float64         // HNN: ∂L/∂(∇ₓH_θ); baseline: ∂L/∂ẋ
	grad  []float64         // this chunk's share of the parameter gradient
	sum   float64           // its sum of squared errors
}

func newBatchEval(net *nn.Net, hnn bool, D, B int) *batchEval {
	e := &batchEval{hnn: hnn, D: D, B: B, x: make([]float64, B*D)}
	n := 1
	if hnn {
		n = (B + chunkRows - 1) / chunkRows
	}
	for i := 0; i < n; i++ {
		lo, hi := i*B/n, (i+1)*B/n
		c := evalChunk{lo: lo, n: hi - lo, gbar: make([]float64, (hi-lo)*D)}
		if hnn {
			c.gw = nn.NewGradWorkspace(net.Arch, hi-lo)
		} else {
			c.ws = nn.NewWorkspace(net.Arch, hi-lo, 0)
		}
		if n > 1 {
			c.grad = make([]float64, len(net.Params))
		}
		e.chunks = append(e.chunks, c)
	}
	return e
}

// loss returns the mean squared error of the predicted ẋ against dxTarget
// (B × D) for the states in e.x and, when grad is not nil, stores its
// parameter gradient there.
func (e *batchEval) loss(net *nn.Net, dxTarget, grad []float64) float64 {
	if len(e.chunks) == 1 { // no partial gradient to sum
		e.chunks[0].grad = grad
	}
	e.net, e.target = net, dxTarget
	e.parallel()
	e.net, e.target = nil, nil
	var sum float64
	for i := range e.chunks {
		sum += e.chunks[i].sum
	}
	if grad != nil && len(e.chunks) > 1 {
		copy(grad, e.chunks[0].grad)
		for _, c := range e.chunks[1:] {
			addTo(grad, c.grad)
		}
	}
	if len(e.chunks) == 1 {
		e.chunks[0].grad = nil
	}
	return sum / float64(e.B*e.D)
}

// evalChunk computes a chunk's sum of squared errors and, when it has a
// gradient buffer, its share of the parameter gradient of the batch's mean.
func (e *batchEval) evalChunk(c *evalChunk) {
	net, dxTarget, grad := e.net, e.target, c.grad != nil
	D, d := e.D, e.D/2
	x := e.x[c.lo*D : (c.lo+c.n)*D]
	target := dxTarget[c.lo*D : (c.lo+c.n)*D]
	var out []float64
	if e.hnn {
		_, out = c.gw.Gradient(net, x)
	} else {
		out, _ = c.ws.Forward(net, x, nil)
	}
	scale := 2 / float64(e.B*D)
	var sum float64
	for i := 0; i < c.n; i++ {
		row := out[i*D : (i+1)*D]
		for k := 0; k < D; k++ {
			pred := row[k]
			if e.hnn { // J∇H: q̇ = ∂H/∂p, ṗ = −∂H/∂q
				if k < d {
					pred = row[d+k]
				} else {
					pred = -row[k-d]
				}
			}
			r := pred - target[i*D+k]
			sum += r * r
			if !grad {
				continue
			}
			switch {
			case !e.hnn:
				c.gbar[i*D+k] = scale * r
			case k < d:
				c.gbar[i*D+d+k] = scale * r
			default:
				c.gbar[i*D+k-d] = -scale * r
			}
		}
	}
	c.sum = sum
	if !grad {
		return
	}
	if e.hnn {
		c.gw.Backward(net, c.gbar, c.grad)
	} else {
		c.ws.Backward(net, c.gbar, nil, c.grad, nil, nil)
	}
}

// parallel evaluates every chunk, on up to GOMAXPROCS goroutines.
func (e *batchEval) parallel() {
	n := len(e.chunks)
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range e.chunks {
			e.evalChunk(&e.chunks[i])
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.work(&next)
		}()
	}
	e.work(&next)
	wg.Wait()
}

// work evaluates chunks until none is left.
func (e *batchEval) work(next *atomic.Int64) {
	for {
		i := int(next.Add(1)) - 1
		if i >= len(e.chunks) {
			return
		}
		e.evalChunk(&e.chunks[i])
	}
}

func addTo(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}

// fit trains net with Adam and returns the loss of every step.
func fit(ctx context.Context, net *nn.Net, hnn bool, data Dataset, set LearnSettings, rng *rand.Rand, report func(step int, loss float64)) []float64 {
	B := set.Batch
	if B == 0 || B > data.N {
		B = data.N
	}
	D := data.D
	e := newBatchEval(net, hnn, D, B)
	target := make([]float64, B*D)
	perm := make([]int, data.N)
	for i := range perm {
		perm[i] = i
	}
	grad := make([]float64, len(net.Params))
	adam := &nn.Adam{LR: set.LearningRate, WeightDecay: set.WeightDecay}
	curve := make([]float64, 0, set.Steps)
	for step := 1; step <= set.Steps; step++ {
		if ctx.Err() != nil {
			break
		}
		if B < data.N {
			// A random subset each step, as torch.randperm(n)[:B].
			for i := 0; i < B; i++ {
				j := i + rng.IntN(data.N-i)
				perm[i], perm[j] = perm[j], perm[i]
			}
		}
		for i := 0; i < B; i++ {
			copy(e.x[i*D:(i+1)*D], data.X[perm[i]*D:(perm[i]+1)*D])
			copy(target[i*D:(i+1)*D], data.DX[perm[i]*D:(perm[i]+1)*D])
		}
		loss := e.loss(net, target, grad)
		adam.Step(net.Params, grad)
		curve = append(curve, loss)
		if step%100 == 0 || step == set.Steps {
			report(step, loss)
		}
	}
	return curve
}

// mse returns a model's mean squared error of ẋ over a whole dataset, in
// chunks of at most 1024 states.
func mse(net *nn.Net, hnn bool, data Dataset) float64 {
	D := data.D
	const chunk = 1024
	var sum float64
	for lo := 0; lo < data.N; lo += chunk {
		n := min(chunk, data.N-lo)
		e := newBatchEval(net, hnn, D, n)
		copy(e.x, data.X[lo*D:(lo+n)*D])
		sum += e.loss(net, data.DX[lo*D:(lo+n)*D], nil) * float64(n)
	}
	return sum / float64(data.N)
}

// System returns the baseline's predicted vector field as an ODE system,
// for integration (not safe for concurrent use).
func (b *Baseline) System() symplectic.System {
	return func(dst []float64, _ float64, y []float64) { b.VectorField(dst, y) }
}
