package solver

import (
	"bytes"
	"context"
	"math"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

func oscillator(t *testing.T) Problem {
	f, err := hamiltonians.Parse("p^2/2 + x^2/2 + x^4/4", []string{"x"}, []string{"p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Problem{H: f, Z0: []float64{1.3, 1.0}, T: math.Pi, K: 50, Text: []byte("oscillator")}
}

// A short run must lower the loss: 300 Adam epochs at the paper's learning
// rate take the oscillator's residual from order 1 to below a tenth of it.
func TestTrainingLowersLoss(t *testing.T) {
	p := oscillator(t)
	sol, err := Solve(context.Background(), p, &Settings{Hidden: []int{16, 16}, Epochs: 300, Seed: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := sol.Training
	if tr.Stopped != StoppedCompleted || len(tr.Loss) != 300 {
		t.Fatalf("training %+v", tr)
	}
	if !(tr.Loss[len(tr.Loss)-1] < tr.Loss[0]/10) {
		t.Errorf("loss went from %g to %g; want a tenfold decrease", tr.Loss[0], tr.Loss[len(tr.Loss)-1])
	}
	// The trial solution fixes the initial state exactly.
	z := sol.At(nil, 0)
	if z[0] != 1.3 || z[1] != 1.0 {
		t.Errorf("ẑ(0) = %v", z)
	}
	// The kept model's ℓmax matches a recomputation on the same grid.
	if got := sol.LMax(sol.Settings.ValidationPoints - 1); math.Abs(got-tr.BestLMax) > 1e-12*got {
		t.Errorf("ℓmax %g, recorded %g", got, tr.BestLMax)
	}
}

// The paper's ablations (Fig. 2 and 5) train: every activation with either
// trial function lowers the loss. 400 epochs on a small network; a halving
// is far below what any of them reaches (the slowest, sigmoid with f = t,
// still gains several times), so the test fails only when one does not
// learn at all.
func TestAblationsTrain(t *testing.T) {
	p := oscillator(t)
	for _, act := range []Activation{ActivationSin, ActivationTanh, ActivationSigmoid} {
		for _, trial := range []Trial{TrialExp, TrialLinear} {
			sol, err := Solve(context.Background(), p, &Settings{Hidden: []int{16, 16}, Activation: act, Trial: trial, Epochs: 400, Seed: 3}, nil)
			if err != nil {
				t.Fatalf("%s %s: %v", act, trial, err)
			}
			l := sol.Training.Loss
			t.Logf("%s, f %s: loss %g → %g", act, trial, l[0], l[len(l)-1])
			if first, last := l[0], l[len(l)-1]; !(last < first/2) {
				t.Errorf("%s, f %s: loss went from %g to %g; want at least a halving", act, trial, first, last)
			}
		}
	}
}

// Same seed and problem: the same bits. Save and Load round-trip exactly.
func TestReproducibleAndSaveLoad(t *testing.T) {
	p := oscillator(t)
	set := &Settings{Hidden: []int{8}, Epochs: 60, Seed: 9, ValidateEvery: 10}
	a, _ := Solve(context.Background(), p, set, nil)
	b, _ := Solve(context.Background(), p, set, nil)
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		if pa[i] != pb[i] {
			t.Fatalf("reruns differ at parameter %d", i)
		}
	}
	var buf bytes.Buffer
	if err := a.Save(&buf); err != nil {
		t.Fatal(err)
	}
	src, err := ProblemSource(buf.Bytes())
	if err != nil || src != "oscillator" {
		t.Fatalf("problem source %q, %v", src, err)
	}
	c, err := Load(buf.Bytes(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []float64{0, 0.5, 2, math.Pi} {
		x, y := a.At(nil, tt), c.At(nil, tt)
		dx, dy := a.Deriv(nil, tt), c.Deriv(nil, tt)
		for i := range x {
			if x[i] != y[i] || dx[i] != dy[i] {
				t.Fatalf("loaded model differs at t=%g", tt)
			}
		}
	}
	q := p
	q.Z0 = []float64{1, 1}
	if _, err := Load(buf.Bytes(), q); err == nil {
		t.Error("loaded a model onto a different problem")
	}
	// An edited layers field no longer matches the weights.
	edited := bytes.Replace(buf.Bytes(), []byte(`"layers": [
  1,
  8,
  2
 ]`), []byte(`"layers": [1, 9, 2]`), 1)
	if bytes.Equal(edited, buf.Bytes()) {
		t.Fatal("test does not find the layers field")
	}
	if _, err := Load(edited, p); err == nil || !strings.Contains(err.Error(), "layers [1 9 2]") {
		t.Errorf("edited layers: %v", err)
	}
}

// Cancelling returns the best model so far with status interrupted.
func TestInterrupt(t *testing.T) {
	p := oscillator(t)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	mon := func(pr Progress) {
		n++
		if pr.Epoch >= 100 {
			cancel()
		}
	}
	sol, err := Solve(ctx, p, &Settings{Hidden: []int{8}, Epochs: 100000, ValidateEvery: 20}, mon)
	if err != nil {
		t.Fatal(err)
	}
	if sol.Training.Stopped != StoppedInterrupted || sol.Training.Epochs > 101 || n == 0 {
		t.Errorf("training %+v after %d reports", sol.Training, n)
	}
	if math.IsInf(sol.Training.BestLMax, 0) {
		t.Error("no model kept")
	}
}

// The loss gradient with respect to the parameters matches central
// differences of the loss (fixed times, no jitter). Step 1e-6: see nn's
// gradient test for the error budget.
func TestLossGradient(t *testing.T) {
	p := oscillator(t)
	for _, c := range []struct {
		act    Activation
		lambda float64
		trial  Trial
	}{
		{"sin", 0, TrialExp}, {"sin", 0, TrialLinear}, {"sin", 0.7, TrialExp}, {"sin", 0.7, TrialLinear},
		{"tanh", 0.7, TrialExp}, {"sigmoid", 0, TrialLinear}, {"sigmoid", 0.7, TrialExp},
	} {
		act, lambda, trial := c.act, c.lambda, c.trial
		{
			set, _ := (&Settings{Hidden: []int{6}, Activation: act, EnergyWeight: lambda, Trial: trial, NoJitter: true}).resolved(p)
			sol, _ := Solve(context.Background(), p, &Settings{Hidden: []int{6}, Activation: act, Epochs: 1, EnergyWeight: lambda, Trial: trial}, nil)
			tr := newTrainer(p, set, sol.net, nil)
			copy(tr.times, tr.grid)
			grad := make([]float64, len(sol.net.Params))
			tr.batch.lossGrad(tr.times, grad)
			for i := range sol.net.Params {
				old := sol.net.Params[i]
				sol.net.Params[i] = old + 1e-6
				lp := tr.batch.lossGrad(tr.times, nil)
				sol.net.Params[i] = old - 1e-6
				lm := tr.batch.lossGrad(tr.times, nil)
				sol.net.Params[i] = old
				fd := (lp - lm) / 2e-6
				if math.Abs(fd-grad[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s λ=%g %s: ∂L/∂θ%d = %g, finite difference %g", act, lambda, trial, i, grad[i], fd)
				}
			}
		}
	}
}

// The L-BFGS polish runs and improves on Adam's best model.
func TestPolish(t *testing.T) {
	p := oscillator(t)
	set := &Settings{Hidden: []int{10, 10}, Epochs: 300, Seed: 4}
	a, _ := Solve(context.Background(), p, set, nil)
	withPolish := *set
	withPolish.PolishIterations = 60
	b, err := Solve(context.Background(), p, &withPolish, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Training.Polish == 0 || b.Training.PolishStatus == "" {
		t.Fatalf("polish did not run: %+v", b.Training)
	}
	if !(b.Training.BestLMax < a.Training.BestLMax) {
		t.Errorf("ℓmax %g after polish, %g before", b.Training.BestLMax, a.Training.BestLMax)
	}
	if b.Training.BestEpoch <= 300 {
		t.Errorf("best epoch %d: the polished model was not kept", b.Training.BestEpoch)
	}
}

// Sample agrees with At and Deriv. The batch path evaluates sin with a
// fused multiply-add kernel, the single-point path without: they may
// differ in the last bits, hence 1e-13 on values of order one.
func TestSample(t *testing.T) {
	p := oscillator(t)
	sol, _ := Solve(context.Background(), p, &Settings{Hidden: []int{8, 8}, Epochs: 20}, nil)
	ts := []float64{0, 0.1, 0.5, 1, 2, 3, math.Pi}
	z, dz := make([]float64, 2*len(ts)), make([]float64, 2*len(ts))
	sol.Sample(ts, z, dz)
	for i, tt := range ts {
		a, d := sol.At(nil, tt), sol.Deriv(nil, tt)
		for j := 0; j < 2; j++ {
			if math.Abs(a[j]-z[2*i+j]) > 1e-13 || math.Abs(d[j]-dz[2*i+j]) > 1e-13 {
				t.Errorf("t=%g: Sample %v %v, At/Deriv %v %v", tt, z[2*i:2*i+2], dz[2*i:2*i+2], a, d)
			}
		}
	}
}

// Absurd sizes are refused with a clear error before anything is allocated.
func TestTooLarge(t *testing.T) {
	p := oscillator(t)
	p.K = 1_000_000
	_, err := Solve(context.Background(), p, &Settings{Hidden: []int{4096, 4096}}, nil)
	if err == nil || !strings.Contains(err.Error(), "GB") {
		t.Errorf("huge network accepted or unclear: %v", err)
	}
}

// Training splits the time points into chunks run on whatever cores are
// free; the chunks' gradients are summed in a fixed order, so the result
// does not depend on GOMAXPROCS, to the bit. K = 300 gives six chunks, and
// the polish's validation grid sixteen.
func TestSameBitsAnyGOMAXPROCS(t *testing.T) {
	p := oscillator(t)
	p.K = 300
	set := &Settings{Hidden: []int{12, 12}, Epochs: 100, Seed: 5, ValidateEvery: 10, PolishIterations: 10}
	run := func(procs int) []float64 {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		sol, err := Solve(context.Background(), p, set, nil)
		if err != nil {
			t.Fatal(err)
		}
		return sol.Params()
	}
	a, b := run(1), run(max(2, runtime.NumCPU()))
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("GOMAXPROCS 1 and %d differ at parameter %d: %g, %g", max(2, runtime.NumCPU()), i, a[i], b[i])
		}
	}
}

// An epoch allocates nothing.
func TestEpochAllocFree(t *testing.T) {
	p := oscillator(t)
	p.K = 200
	set, err := (&Settings{Hidden: []int{10, 10}}).resolved(p)
	if err != nil {
		t.Fatal(err)
	}
	net, _ := nn.New(nn.Arch{In: 1, Hidden: set.Hidden, Out: 2, Act: nn.Sin, OutputBias: true})
	net.InitUniform(newRNG(1))
	tr := newTrainer(p, set, net, newRNG(1))
	tr.epoch()
	if n := testing.AllocsPerRun(20, func() { tr.epoch() }); n != 0 && !raceEnabled {
		t.Errorf("%v allocations per epoch, want 0", n)
	}
}

// Jittered times are folded into [0, T] by reflection at both ends.
func TestReflect(t *testing.T) {
	const T = 2.0
	for _, c := range []struct{ in, want float64 }{
		{0.5, 0.5}, {0, 0}, {T, T}, {-0.5, 0.5}, {2.5, 1.5}, {-2.5, 1.5}, {4.5, 0.5}, {-4.5, 0.5}, {9, 1},
	} {
		// Exact for these binary fractions.
		if got := reflect(c.in, T); got != c.want {
			t.Errorf("reflect(%g, %g) = %g, want %g", c.in, T, got, c.want)
		}
	}
}

// The residual Jacobian of the Levenberg–Marquardt polish matches central
// differences of the residuals, and Jᵀρ·2/n is the loss gradient of the
// training path. Step 1e-6: see nn's gradient test for the error budget.
func TestResidualJacobian(t *testing.T) {
	p := oscillator(t)
	for _, lambda := range []float64{0, 0.7} {
		set, _ := (&Settings{Hidden: []int{5}, EnergyWeight: lambda, ValidationPoints: 7}).resolved(p)
		net, _ := nn.New(nn.Arch{In: 1, Hidden: set.Hidden, Out: 2, Act: nn.Sin, OutputBias: true})
		net.InitUniform(newRNG(2))
		tr := newTrainer(p, set, net, newRNG(2))
		times := tr.val.times
		jac := newJacobian(tr, times)
		jac.eval()
		rho := append([]float64(nil), jac.rho...)
		J := mat.DenseCopyOf(jac.J)
		for k := range net.Params {
			old := net.Params[k]
			net.Params[k] = old + 1e-6
			jac.eval()
			rp := append([]float64(nil), jac.rho...)
			net.Params[k] = old - 1e-6
			jac.eval()
			net.Params[k] = old
			for i := range rp {
				fd := (rp[i] - jac.rho[i]) / 2e-6
				if math.Abs(fd-J.At(i, k)) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("λ=%g: ∂ρ%d/∂θ%d = %g, finite difference %g", lambda, i, k, J.At(i, k), fd)
				}
			}
		}
		grad := make([]float64, len(net.Params))
		loss := newBatch(tr, len(times)).lossGrad(times, grad)
		n := float64(len(times))
		// Same sums in another order: agreement to rounding.
		if got := dotSelf(rho) / n; math.Abs(got-loss) > 1e-12*loss {
			t.Errorf("λ=%g: ‖ρ‖²/n = %g, loss %g", lambda, got, loss)
		}
		for k := range grad {
			var g float64
			for i := range rho {
				g += J.At(i, k) * rho[i]
			}
			if g *= 2 / n; math.Abs(g-grad[k]) > 1e-10*math.Max(1, math.Abs(g)) {
				t.Errorf("λ=%g: 2Jᵀρ/n = %g, loss gradient %g at %d", lambda, g, grad[k], k)
			}
		}
	}
}

// The Levenberg–Marquardt polish lowers ℓmax well below Adam's, with more
// residuals than parameters (the normal equations) and with fewer (the
// dual system JJᵀ, on a validation grid of 41 points: 80 residuals for
// 152 parameters).
func TestPolishLM(t *testing.T) {
	p := oscillator(t)
	for _, grid := range []int{0, 41} {
		set := &Settings{Hidden: []int{10, 10}, Epochs: 300, Seed: 4, ValidationPoints: grid}
		a, _ := Solve(context.Background(), p, set, nil)
		lm := *set
		lm.PolishIterations, lm.PolishMethod = 30, "lm"
		b, err := Solve(context.Background(), p, &lm, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Thirty Gauss–Newton steps from an Adam model gain far more than
		// a factor of ten; ten is a floor any working polish clears.
		if !(b.Training.BestLMax < a.Training.BestLMax/10) || b.Training.BestEpoch <= 300 {
			t.Errorf("grid %d: ℓmax %g after LM (best epoch %d, %s), %g before", grid, b.Training.BestLMax, b.Training.BestEpoch, b.Training.PolishStatus, a.Training.BestLMax)
		}
	}
}

// A target no training reaches ends as StoppedTargetMissed.
func TestTargetMissed(t *testing.T) {
	p := oscillator(t)
	sol, err := Solve(context.Background(), p, &Settings{Hidden: []int{8}, Epochs: 100, Seed: 1, TargetError: 1e-30}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := sol.Training.Stopped; st != StoppedTargetMissed || !strings.Contains(sol.Training.Reason, "1e-30") {
		t.Errorf("status %q (%s)", st, sol.Training.Reason)
	}
}

// Settings over MaxParameters are refused before any work, naming the count.
func TestMaxParameters(t *testing.T) {
	p := oscillator(t)
	err := (&Settings{Hidden: []int{4096, 4096, 4096}}).Check(p)
	if err == nil || !strings.Contains(err.Error(), "33579010 parameters") {
		t.Errorf("hidden [4096 4096 4096]: %v", err)
	}
	if err := (&Settings{Hidden: []int{1000, 1000}}).Check(p); err != nil {
		t.Errorf("hidden [1000 1000]: %v", err)
	}
	if err := (&LearnSettings{Hidden: []int{2000, 2000}}).Check(4); err == nil {
		t.Error("learn hidden [2000 2000] accepted")
	}
}

// Solves running at once in one process (hnn sweep local) share the
// package's worker pool: each must give the bits it gives alone. The
// network is wide enough (50×50, K = 200) for the split matrix products
// that once raced on the shared split.
func TestConcurrentSolvesSameBits(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two processors to run in parallel")
	}
	p := oscillator(t)
	p.K = 200
	set := &Settings{Hidden: []int{50, 50}, Epochs: 40, Seed: 2, ValidateEvery: 10, PolishIterations: 40}
	alone, err := Solve(context.Background(), p, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := alone.Params()
	const runs = 4
	got := make([][]float64, runs)
	done := make(chan error, runs)
	for i := range runs {
		go func() {
			sol, err := Solve(context.Background(), p, set, nil)
			if err == nil {
				got[i] = sol.Params()
			}
			done <- err
		}()
	}
	for range runs {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for r := range runs {
		for i := range want {
			if got[r][i] != want[i] {
				t.Fatalf("concurrent run %d differs from the run alone at parameter %d: %g, %g", r, i, got[r][i], want[i])
			}
		}
	}
}
