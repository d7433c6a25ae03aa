package solver

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/internal/nn"
)

// springData draws n states of H = q² + p² with exact derivatives
// (q̇, ṗ) = (2p, −2q).
func springData(n int, seed uint64) Dataset {
	rng := rand.New(rand.NewPCG(seed, 3))
	d := Dataset{N: n, D: 2, X: make([]float64, 2*n), DX: make([]float64, 2*n)}
	for i := 0; i < n; i++ {
		q, p := 2*rng.Float64()-1, 2*rng.Float64()-1
		d.X[2*i], d.X[2*i+1] = q, p
		d.DX[2*i], d.DX[2*i+1] = 2*p, -2*q
	}
	return d
}

// TestHNNLossGradient checks the double derivative path — a loss on
// ∂H_θ/∂x, differentiated with respect to θ — against central differences
// (step 1e-6, tolerance 1e-6 relative: see nn's gradient test).
func TestHNNLossGradient(t *testing.T) {
	data := springData(7, 1)
	for _, hnn := range []bool{true, false} {
		out := 1
		if !hnn {
			out = 2
		}
		net, _ := nn.New(nn.Arch{In: 2, Hidden: []int{6, 5}, Out: out, Act: nn.Tanh})
		net.InitOrthogonal(newRNG(2))
		e := newBatchEval(net, hnn, 2, data.N)
		copy(e.x, data.X)
		grad := make([]float64, len(net.Params))
		e.loss(net, data.DX, grad)
		for i := range net.Params {
			old := net.Params[i]
			net.Params[i] = old + 1e-6
			lp := e.loss(net, data.DX, nil)
			net.Params[i] = old - 1e-6
			lm := e.loss(net, data.DX, nil)
			net.Params[i] = old
			fd := (lp - lm) / 2e-6
			if math.Abs(fd-grad[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("hnn=%v: ∂L/∂θ%d = %g, finite difference %g", hnn, i, grad[i], fd)
			}
		}
	}
}

// TestLearnSpring: training lowers the loss, is deterministic by seed, and
// the learned H has a gradient and Hessian consistent with its values.
func TestLearnSpring(t *testing.T) {
	train, test := springData(200, 4), springData(100, 5)
	set := &LearnSettings{Hidden: []int{32, 32}, Steps: 300, LearningRate: 1e-2, Batch: 50, Seed: 7}
	a, err := Learn(context.Background(), train, test, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The HNN's loss falls at least tenfold in 300 steps on this easy task.
	if !(a.HNNLoss[len(a.HNNLoss)-1] < a.HNNLoss[0]/10) || !(a.HNNTest < 0.05) {
		t.Errorf("HNN loss %g → %g, test %g", a.HNNLoss[0], a.HNNLoss[len(a.HNNLoss)-1], a.HNNTest)
	}
	if !(a.BaselineTest < a.BaselineLoss[0]) {
		t.Errorf("baseline did not learn: test %g, first loss %g", a.BaselineTest, a.BaselineLoss[0])
	}
	b, _ := Learn(context.Background(), train, test, set, nil)
	pa, pb := a.HNN.Net().Params, b.HNN.Net().Params
	for i := range pa {
		if pa[i] != pb[i] {
			t.Fatal("two runs with the same seed differ")
		}
	}
	// Gradient and Hessian of the learned H against central differences
	// (step 1e-5, tolerance 1e-6 relative to the entries' scale).
	h := a.HNN
	x := []float64{0.3, -0.4}
	g := make([]float64, 2)
	h.Grad(g, x)
	hess := mat.NewSymDense(2, nil)
	h.Hess(hess, x)
	for j := 0; j < 2; j++ {
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		xp[j] += 1e-5
		xm[j] -= 1e-5
		if fd := (h.H(xp) - h.H(xm)) / 2e-5; math.Abs(fd-g[j]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("∂H/∂x%d = %g, finite difference %g", j, g[j], fd)
		}
		gp, gm := make([]float64, 2), make([]float64, 2)
		h.Grad(gp, xp)
		h.Grad(gm, xm)
		for i := 0; i < 2; i++ {
			if fd := (gp[i] - gm[i]) / 2e-5; math.Abs(fd-hess.At(i, j)) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("H[%d][%d] = %g, finite difference %g", i, j, hess.At(i, j), fd)
			}
		}
	}
}

// TestLearnChunks: a batch of several chunks gives the loss and gradient
// of the whole batch (to rounding: only the order of the sums over states
// differs), and the same bits whatever GOMAXPROCS is.
func TestLearnChunks(t *testing.T) {
	data := springData(3*chunkRows+17, 6)
	net, _ := nn.New(nn.Arch{In: 2, Hidden: []int{12, 9}, Out: 1, Act: nn.Tanh})
	net.InitOrthogonal(newRNG(3))
	e := newBatchEval(net, true, 2, data.N)
	if len(e.chunks) != 4 {
		t.Fatalf("%d states in %d chunks, want 4", data.N, len(e.chunks))
	}
	copy(e.x, data.X)
	grad := make([]float64, len(net.Params))
	loss := e.loss(net, data.DX, grad)

	one := &batchEval{hnn: true, D: 2, B: data.N, x: e.x, chunks: []evalChunk{{
		n: data.N, gw: nn.NewGradWorkspace(net.Arch, data.N), gbar: make([]float64, 2*data.N),
	}}}
	grad1 := make([]float64, len(net.Params))
	loss1 := one.loss(net, data.DX, grad1)
	// Sums of ~650 terms in another order: relative differences of a few
	// ulps times the number of terms, far below 1e-12.
	if math.Abs(loss-loss1) > 1e-12*loss1 {
		t.Errorf("chunked loss %g, whole batch %g", loss, loss1)
	}
	for i := range grad {
		if math.Abs(grad[i]-grad1[i]) > 1e-12*math.Max(1, math.Abs(grad1[i])) {
			t.Errorf("∂L/∂θ%d: chunked %g, whole batch %g", i, grad[i], grad1[i])
		}
	}

	// Training: the same parameters, bit for bit, on one and two threads.
	train, test := springData(500, 8), springData(50, 9)
	set := &LearnSettings{Hidden: []int{16, 16}, Steps: 30, Seed: 2}
	var params [2][]float64
	for i, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		res, err := Learn(context.Background(), train, test, set, nil)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		params[i] = res.HNN.Net().Params
	}
	for i := range params[0] {
		if params[0][i] != params[1][i] {
			t.Fatalf("GOMAXPROCS 1 and 2 differ at parameter %d: %v vs %v", i, params[0][i], params[1][i])
		}
	}
}
