package solver

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

// Progress is what a Monitor receives after every validation.
type Progress struct {
	Epoch, Epochs int
	Loss          float64 // training loss of this epoch
	LMax          float64 // ℓmax of this validation
	BestLMax      float64 // best ℓmax so far, on the validation grid
	BestEpoch     int
	Elapsed       time.Duration
	Phase         Phase
	// The automatic mode (SolveTolerance) adds the window being trained
	// (from 1, Window 0 for a single network) and its span in the
	// chain's time, with Elapsed the time since the run began; after each window (PhaseWindow) Reached is the time
	// the chain reaches, Estimate the error-propagation estimate of
	// max‖e‖ so far (errorbound.Tracker, not a bound) and Remaining the
	// time the rest of [0, T] should take at the pace so far; during the
	// certificate (PhaseCertify) Epoch and Epochs count its blocks.
	// Bound is the certified max‖e‖ (errorbound.Certify) of the chain so
	// far on [0, BoundUntil], renewed whenever the chain has advanced by
	// another tenth of T while that costs little; +Inf before the first
	// such certificate, or when it did not close.
	Window                 int
	WindowStart, WindowEnd float64
	Reached, End           float64
	Estimate               float64
	Bound, BoundUntil      float64
	Remaining              time.Duration
}

// Certified says what the automatic mode has certified so far, as
// progress shows it: "certified ≤ B on [0, t]", or "not certified yet".
func (p Progress) Certified() string {
	if math.IsInf(p.Bound, 1) || math.IsNaN(p.Bound) || p.BoundUntil == 0 {
		return "not certified yet"
	}
	return fmt.Sprintf("certified ≤ %.2e on [0, %.4g]", p.Bound, p.BoundUntil)
}

// Monitor receives progress during training. It is called from the
// training goroutine and must return quickly.
type Monitor func(Progress)

// Training records how training went.
type Training struct {
	Epochs int // Adam epochs run
	Polish int // L-BFGS iterations run
	// PolishStatus is how the L-BFGS polish ended (gonum's status).
	PolishStatus string
	Seconds      float64 // wall time
	FinalLoss    float64 // training loss of the last epoch
	BestEpoch    int     // epoch of the kept model (Epochs+Polish when the polish improved it)
	BestLMax     float64 // ℓmax of the kept model on the validation grid
	Stopped      Status  // how training ended
	Reason       string  // details, e.g. which bound reached the target
	// BestLoss is the loss of the kept model: the training loss of its
	// Adam epoch, or the polish loss of its polish iteration (on the
	// validation grid); NaN for the untrained network.
	BestLoss float64
	// AdamSeconds and PolishSeconds split Seconds between the phases.
	AdamSeconds, PolishSeconds float64
	// Loss is the training loss of every Adam epoch, then the polish loss
	// of every polish iteration, for loss curves: entry i is epoch i+1.
	// A chain's is its windows' one after another.
	Loss []float64 `json:"-"`
	// Tolerance is the automatic mode's outcome; nil for fixed settings.
	Tolerance *ToleranceResult `json:",omitempty"`
}

// Solve trains a network ẑ(t) = z0 + f(t)·N(t) to satisfy Hamilton's
// equations for p on [0, T] (Mattheakis et al. §II.A) and returns the best
// model found. Cancelling ctx stops training and returns the best model so
// far with Training.Stopped = "interrupted" and a nil error. A nil Settings
// means the defaults; mon may be nil.
//
// With Settings.Tolerance set, Solve runs the automatic mode instead
// (SolveTolerance): a chain of windows trained until the certified bound
// is at most the tolerance.
func Solve(ctx context.Context, p Problem, s *Settings, mon Monitor) (*Solution, error) {
	if s != nil && s.Tolerance > 0 {
		return SolveTolerance(ctx, p, s, mon)
	}
	return solveNetwork(ctx, p, s, mon, nil)
}

// solveNetwork trains one network on p; warm, when it has the network's
// number of parameters, replaces the initial weights (a warm start from
// the previous window of a chain).
func solveNetwork(ctx context.Context, p Problem, s *Settings, mon Monitor, warm []float64) (*Solution, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	set, err := s.resolved(p)
	if err != nil {
		return nil, err
	}
	act, err := nn.ParseActivation(string(set.Activation))
	if err != nil {
		return nil, fmt.Errorf("solver: %w", err)
	}
	D := p.H.Dim()
	arch := nn.Arch{In: 1, Hidden: set.Hidden, Out: set.outputs(D), Act: act, OutputBias: true}
	net, err := nn.New(arch)
	if err != nil {
		return nil, fmt.Errorf("solver: %w", err)
	}
	rng := newRNG(set.Seed)
	if set.Init == InitGlorot {
		net.InitGlorot(rng)
	} else {
		net.InitUniform(rng)
	}
	if len(warm) == len(net.Params) {
		copy(net.Params, warm)
		if ts := set.timeScale; ts != 0 {
			// warm is a network of t; training works on s·t.
			for i := range firstLayer(net) {
				net.Params[i] /= ts
			}
		}
	}

	tr := newTrainer(p, set, net, rng)
	tr.stop = set.stopRule(ctx, p)
	sol := tr.run(ctx, mon)
	return sol, nil
}

// firstLayer returns the first layer's weights (one input: one per unit
// of the first hidden layer), the parameters a time scale multiplies.
func firstLayer(net *nn.Net) []float64 { return net.Params[:net.Arch.Hidden[0]] }

// targetReached asks the stop rule about the model just validated as the
// best, and records the reason when training may stop.
func (tr *trainer) targetReached(elapsed time.Duration) bool {
	if tr.stop == nil {
		return false
	}
	ok, why := tr.stop(tr.solution(elapsed))
	if ok {
		tr.train.Stopped, tr.train.Reason = StoppedTarget, why
	}
	return ok
}

// newRNG returns the generator of a training run: PCG seeded by seed.
func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// trainer holds every buffer of a training run, allocated once.
type trainer struct {
	p    Problem
	set  Settings
	net  *nn.Net
	rng  *rand.Rand
	hess hamiltonians.Hesser
	e0   float64

	grid   []float64 // equally spaced training times
	times  []float64 // this epoch's perturbed times
	batch  *batch    // loss and gradient on the training times
	grad   []float64
	adam   *nn.Adam
	stepFn func(int) // tr.step, allocated once

	stop  func(*Solution) (bool, string) // TargetError and StopWhen; nil: none
	val   *evaluator                     // validation grid
	best  []float64                      // parameters of the best model
	train Training
}

func newTrainer(p Problem, set Settings, net *nn.Net, rng *rand.Rand) *trainer {
	K := p.K
	tr := &trainer{
		p: p, set: set, net: net, rng: rng,
		hess:  p.H.(hamiltonians.Hesser),
		e0:    p.H.H(p.Z0),
		grid:  make([]float64, K),
		times: make([]float64, K),
		grad:  make([]float64, len(net.Params)),
		adam:  &nn.Adam{LR: set.LearningRate, Beta1: set.Beta1, Beta2: set.Beta2},
		best:  append([]float64(nil), net.Params...),
	}
	tr.batch = newBatch(tr, K)
	tr.stepFn = tr.step
	for n := range tr.grid {
		tr.grid[n] = p.T * float64(n) / float64(K-1)
	}
	tr.val = newEvaluator(p, set, net.Arch, set.ValidationPoints)
	return tr
}

func (tr *trainer) run(ctx context.Context, mon Monitor) *Solution {
	start := time.Now()
	tr.train = Training{BestLMax: math.Inf(1), Stopped: StoppedCompleted, Loss: make([]float64, 0, tr.set.Epochs)}
	report := func(epoch int, loss, lmax float64, phase Phase) {
		if mon != nil {
			mon(Progress{Epoch: epoch, Epochs: tr.set.Epochs, Loss: loss, LMax: lmax, BestLMax: tr.train.BestLMax, BestEpoch: tr.train.BestEpoch, Elapsed: time.Since(start), Phase: phase})
		}
	}
	// The untrained network is the first candidate, so there is always a model.
	tr.consider(0)
	stop := false
	for epoch := 1; epoch <= tr.set.Epochs && !stop; epoch++ {
		if ctx.Err() != nil {
			tr.train.Stopped = StoppedInterrupted
			break
		}
		if f := tr.set.FinalLearningRate; f > 0 {
			tr.adam.LR = tr.set.LearningRate * math.Pow(f/tr.set.LearningRate, float64(epoch-1)/float64(max(1, tr.set.Epochs-1)))
		}
		loss := tr.epoch()
		tr.train.Epochs = epoch
		tr.train.FinalLoss = loss
		tr.train.Loss = append(tr.train.Loss, loss)
		if math.IsNaN(loss) || math.IsInf(loss, 0) || !tr.finiteParams() {
			tr.train.Stopped = StoppedDiverged
			tr.train.Reason = fmt.Sprintf("the training loss became %v at epoch %d; kept the best model of epoch %d", loss, epoch, tr.train.BestEpoch)
			break
		}
		if epoch%tr.set.ValidateEvery == 0 || epoch == tr.set.Epochs {
			lmax, improved := tr.consider(epoch)
			report(epoch, loss, lmax, PhaseAdam)
			if improved && tr.targetReached(time.Since(start)) {
				stop = true
			}
		}
	}
	tr.train.AdamSeconds = time.Since(start).Seconds()
	if tr.set.PolishIterations > 0 && tr.train.Stopped == StoppedCompleted {
		if tr.set.PolishMethod == PolishLM {
			tr.polishLM(ctx, report)
		} else {
			tr.polish(ctx, report)
		}
		tr.train.PolishSeconds = time.Since(start).Seconds() - tr.train.AdamSeconds
	}
	if tr.set.TargetError > 0 && tr.train.Stopped == StoppedCompleted {
		tr.train.Stopped = StoppedTargetMissed
		tr.train.Reason = fmt.Sprintf("the %s bound did not reach target_error %.3g", tr.set.TargetBound, tr.set.TargetError)
	}
	return tr.solution(time.Since(start))
}

// recordLoss records the polish loss of epoch (Epochs + iteration) in
// Training.Loss; iterations without a loss of their own (rejected steps)
// repeat the one before.
func (tr *trainer) recordLoss(epoch int, loss float64) {
	l := tr.train.Loss
	for len(l) > 0 && len(l) < epoch-1 {
		l = append(l, l[len(l)-1])
	}
	if len(l) == epoch-1 {
		l = append(l, loss)
	}
	tr.train.Loss = l
}

// consider validates the current parameters and keeps them if they are the
// best so far.
func (tr *trainer) consider(epoch int) (lmax float64, improved bool) {
	lmax = tr.val.lmax(tr.net)
	if lmax < tr.train.BestLMax {
		tr.train.BestLMax, tr.train.BestEpoch = lmax, epoch
		tr.train.BestLoss = math.NaN()
		if epoch >= 1 && epoch <= len(tr.train.Loss) {
			tr.train.BestLoss = tr.train.Loss[epoch-1]
		}
		copy(tr.best, tr.net.Params)
		return lmax, true
	}
	return lmax, false
}

func (tr *trainer) finiteParams() bool {
	for _, v := range tr.net.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// solution wraps the best parameters so far.
func (tr *trainer) solution(elapsed time.Duration) *Solution {
	t := tr.train
	t.Seconds = elapsed.Seconds()
	t.Loss = append([]float64(nil), tr.train.Loss...)
	net := &nn.Net{Arch: tr.net.Arch, Params: append([]float64(nil), tr.best...)}
	if ts := tr.set.timeScale; ts != 0 {
		// The network of t: N(s·t) = σ((s·W₁)·t + b₁)… .
		for i := range firstLayer(net) {
			net.Params[i] *= ts
		}
	}
	return newSolution(tr.p, tr.set, net, t)
}

// jitter perturbs the grid by Gaussian noise of std σ and reflects the
// result into [0, T] (reflection keeps the density of points uniform near
// the ends, where clamping would pile them up).
func (tr *trainer) jitter() {
	T := tr.p.T
	for n, t := range tr.grid {
		if tr.set.Jitter > 0 {
			t += tr.set.Jitter * tr.rng.NormFloat64()
			t = reflect(t, T)
		}
		tr.times[n] = t
	}
}

// reflect folds t into [0, T] by reflection at both ends.
func reflect(t, T float64) float64 {
	if t < -T || t > 2*T { // far out: fold by the period 2T first
		t = math.Mod(t, 2*T)
	}
	if t < 0 {
		t = -t
	}
	if t > T {
		t = 2*T - t
	}
	return t
}

// epoch runs one full-batch Adam step on freshly jittered times and returns
// the loss before the step.
func (tr *trainer) epoch() float64 {
	tr.jitter()
	loss := tr.batch.eval(tr.times, true)
	tr.adam.Begin(len(tr.net.Params))
	nn.ParallelFor(stepPieces, tr.stepFn)
	return loss
}

// stepPieces is the number of pieces of the parameter vector that are
// summed over chunks and updated by Adam in parallel. Each entry's update
// depends on that entry alone, so the cut does not change the result.
const stepPieces = 4

// step sums the chunks' gradients and applies Adam on piece i of the
// parameters.
func (tr *trainer) step(i int) {
	n := len(tr.net.Params)
	lo, hi := i*n/stepPieces, (i+1)*n/stepPieces
	g := tr.grad[lo:hi]
	tr.batch.sumGrad(g, lo)
	tr.adam.Apply(tr.net.Params[lo:hi], g, lo)
}

// The loss of Mattheakis et al. Eq. 7–8 at K times and its gradient:
// with ẑ = z0 + f·N, dẑ/dt = f'·N + f·Ṅ and r = dẑ/dt − J∇H(ẑ),
//
//	L = (1/K) Σ ‖r‖² + λ (1/K) Σ (H(ẑ) − E0)²
//	∂L/∂(dẑ/dt) = (2/K) r
//	∂L/∂ẑ = −(2/K) (J∇²H)ᵀ r + (2λ/K)(H − E0) ∇H = (2/K) ∇²H·J r + (2λ/K)(H − E0) ∇H
//
// and by the chain rule ∂L/∂N = f·∂L/∂ẑ + f'·∂L/∂(dẑ/dt), ∂L/∂Ṅ = f·∂L/∂(dẑ/dt).
// residuals computes the terms of a share of the times, a batch sums them
// (batch.go).

// lossBuffers holds the per-point scratch of the loss, so that an epoch
// allocates nothing.
type lossBuffers struct {
	z, dz, g, r, jr []float64
	hess            *mat.SymDense
}

func newLossBuffers(D int) *lossBuffers {
	return &lossBuffers{
		z: make([]float64, D), dz: make([]float64, D), g: make([]float64, D),
		r: make([]float64, D), jr: make([]float64, D), hess: mat.NewSymDense(D, nil),
	}
}

// residuals computes the contribution of times, a share of the total
// training times, to the loss and its gradients with respect to the
// network's outputs N (gY) and tangents Ṅ (gdY) at each of them.
func residuals(b *lossBuffers, p Problem, hs hamiltonians.Hesser, set *Settings, e0 float64, times []float64, total int, y, dy, gY, gdY []float64) float64 {
	D := p.H.Dim()
	d := D / 2
	K := total
	z, dz, g, r, jr := b.z, b.dz, b.g, b.r, b.jr
	hraw := b.hess.RawSymmetric()
	lambda := set.EnergyWeight
	scale := 2 / float64(K)
	var loss float64
	for n, t := range times {
		f, df := set.Trial.f(t)
		row := n * D
		for i := 0; i < D; i++ {
			z[i] = p.Z0[i] + f*y[row+i]
			dz[i] = df*y[row+i] + f*dy[row+i]
		}
		hamiltonians.Residual(r, g, p.H, z, dz)
		loss += dot(r, r)
		hs.Hess(b.hess, z)
		for i := 0; i < d; i++ {
			jr[i], jr[d+i] = r[d+i], -r[i]
		}
		var eres float64
		if lambda > 0 {
			eres = p.H.H(z) - e0
			loss += lambda * eres * eres
		}
		for i := 0; i < D; i++ {
			// (∇²H·J r)_i from the upper triangle of the symmetric Hessian.
			var v float64
			for j := 0; j < D; j++ {
				a, c := i, j
				if a > c {
					a, c = c, a
				}
				v += hraw.Data[a*hraw.Stride+c] * jr[j]
			}
			gz := scale * v
			if lambda > 0 {
				gz += scale * lambda * eres * g[i]
			}
			gdz := scale * r[i]
			gY[row+i] = f*gz + df*gdz
			gdY[row+i] = f * gdz
		}
	}
	return loss / float64(K)
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
