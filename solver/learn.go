package solver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
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
	Hidden       []int   // default [200, 200]
	Activation   string  // default tanh
	Steps        int     // Adam steps; default 2000
	LearningRate float64 // default 1e-3
	Batch        int     // states per step; 0 means all (full batch)
	WeightDecay  float64 // L2 weight decay added to the gradient; default 0
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
		r.Activation = "tanh"
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

// LearnResult is what Learn trained: the HNN, whose scalar output is a
// Hamiltonian H_θ, and the baseline, which predicts (q̇, ṗ) directly.
type LearnResult struct {
	HNN      *hamiltonians.Learned
	Baseline *Baseline
	// Mean squared errors of the predicted time derivatives, over all
	// components of all states (the loss of Greydanus et al. Eq. 3).
	HNNTrain, HNNTest           float64
	BaselineTrain, BaselineTest float64
	HNNSeconds, BaselineSeconds float64
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
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	act, err := nn.ParseActivation(set.Activation)
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
		start := time.Now()
		curve := fit(ctx, net, model == "hnn", train, set, rng, func(step int, loss float64) {
			if mon != nil {
				mon(model, step, set.Steps, loss)
			}
		})
		secs := time.Since(start).Seconds()
		trainMSE, testMSE := mse(net, model == "hnn", train), mse(net, model == "hnn", test)
		if model == "hnn" {
			res.HNN, err = hamiltonians.NewLearned(net)
			if err != nil {
				return nil, err
			}
			res.HNNTrain, res.HNNTest, res.HNNSeconds, res.HNNLoss = trainMSE, testMSE, secs, curve
		} else {
			res.Baseline = &Baseline{net: net, ws: nn.NewWorkspace(net.Arch, 1, 0)}
			res.BaselineTrain, res.BaselineTest, res.BaselineSeconds, res.BaselineLoss = trainMSE, testMSE, secs, curve
		}
	}
	return res, nil
}

// batchEval evaluates a model's predicted ẋ on a batch and, when targets
// are given, the loss gradient with respect to its outputs. The HNN's ∇ₓH_θ
// comes from a reverse pass and its parameter gradient from reverse over
// reverse (nn.GradWorkspace); the baseline is an ordinary network.
type batchEval struct {
	hnn  bool
	D, B int
	gw   *nn.GradWorkspace // HNN
	ws   *nn.Workspace     // baseline
	x    []float64
	gbar []float64 // HNN: ∂L/∂(∇ₓH_θ); baseline: ∂L/∂ẋ
}

func newBatchEval(net *nn.Net, hnn bool, D, B int) *batchEval {
	e := &batchEval{hnn: hnn, D: D, B: B, x: make([]float64, B*D), gbar: make([]float64, B*D)}
	if hnn {
		e.gw = nn.NewGradWorkspace(net.Arch, B)
	} else {
		e.ws = nn.NewWorkspace(net.Arch, B, 0)
	}
	return e
}

// loss computes the mean squared error of the predicted ẋ against dx for
// the states in e.x, and the gradient e.gbar when grad is true.
func (e *batchEval) loss(net *nn.Net, dxTarget []float64, grad bool) float64 {
	D, B, d := e.D, e.B, e.D/2
	var out []float64
	if e.hnn {
		_, out = e.gw.Gradient(net, e.x)
	} else {
		out, _ = e.ws.Forward(net, e.x, nil)
	}
	scale := 2 / float64(B*D)
	var sum float64
	for i := 0; i < B; i++ {
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
			r := pred - dxTarget[i*D+k]
			sum += r * r
			if !grad {
				continue
			}
			switch {
			case !e.hnn:
				e.gbar[i*D+k] = scale * r
			case k < d:
				e.gbar[i*D+d+k] = scale * r
			default:
				e.gbar[i*D+k-d] = -scale * r
			}
		}
	}
	return sum / float64(B*D)
}

// backward stores the parameter gradient of the last loss in grad.
func (e *batchEval) backward(net *nn.Net, grad []float64) {
	if e.hnn {
		e.gw.Backward(net, e.gbar, grad)
	} else {
		e.ws.Backward(net, e.gbar, nil, grad, nil, nil)
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
		loss := e.loss(net, target, true)
		e.backward(net, grad)
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
		sum += e.loss(net, data.DX[lo*D:(lo+n)*D], false) * float64(n)
	}
	return sum / float64(data.N)
}
