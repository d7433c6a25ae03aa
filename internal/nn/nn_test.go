package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// setup builds a random network and batch.
func setup(act Activation, in, out, k, B int, bias bool, seed uint64) (*Net, *Workspace, []float64, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	n, err := New(Arch{In: in, Hidden: []int{7, 5}, Out: out, Act: act, OutputBias: bias})
	if err != nil {
		panic(err)
	}
	n.InitGlorot(rng)
	for i := range n.Params {
		n.Params[i] += 0.1 * rng.NormFloat64() // nonzero biases too
	}
	x := make([]float64, B*in)
	dx := make([]float64, k*B*in)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range dx {
		dx[i] = rng.NormFloat64()
	}
	return n, NewWorkspace(n.Arch, B, k), x, dx
}

// loss is L = Σ a⊙Y + Σ c⊙dY for fixed random weights a, c.
func loss(w *Workspace, n *Net, x, dx, a, c []float64) float64 {
	y, dy := w.Forward(n, x, dx)
	var s float64
	for i := range y {
		s += a[i] * y[i]
	}
	for i := range dy {
		s += c[i] * dy[i]
	}
	return s
}

// TestGradients checks parameter and input gradients against central
// differences for every activation, k = 1 and 3, with and without output
// bias. Step 1e-6 gives truncation ~1e-12·|f”'| and rounding ~1e-10·|L|;
// the tolerance 1e-6 (relative to the gradient's scale) covers both with
// margin. ReLU is piecewise linear: a kink within 1e-6 of a sample is
// improbable for these random inputs (and would show up as a failure).
func TestGradients(t *testing.T) {
	for _, act := range []Activation{Sin, Tanh, Sigmoid, ReLU} {
		for _, k := range []int{1, 3} {
			for _, bias := range []bool{true, false} {
				n, w, x, dx := setup(act, 2, 3, k, 4, bias, uint64(10*k+int(act)))
				rng := rand.New(rand.NewPCG(99, 1))
				a := make([]float64, 4*3)
				c := make([]float64, k*4*3)
				for i := range a {
					a[i] = rng.NormFloat64()
				}
				for i := range c {
					c[i] = rng.NormFloat64()
				}
				loss(w, n, x, dx, a, c)
				grad := make([]float64, len(n.Params))
				gx := make([]float64, len(x))
				gdx := make([]float64, len(dx))
				w.Backward(n, a, c, grad, gx, gdx)
				scale := 0.0
				for _, g := range grad {
					scale = math.Max(scale, math.Abs(g))
				}
				check := func(what string, i int, v *float64, analytic float64) {
					const h = 1e-6
					old := *v
					*v = old + h
					lp := loss(w, n, x, dx, a, c)
					*v = old - h
					lm := loss(w, n, x, dx, a, c)
					*v = old
					fd := (lp - lm) / (2 * h)
					if math.Abs(fd-analytic) > 1e-6*math.Max(scale, 1) {
						t.Errorf("%v k=%d bias=%v: ∂L/∂%s[%d] = %g, finite difference %g", act, k, bias, what, i, analytic, fd)
					}
				}
				for i := range n.Params {
					check("θ", i, &n.Params[i], grad[i])
				}
				for i := range x {
					check("x", i, &x[i], gx[i])
				}
				for i := range dx {
					check("dx", i, &dx[i], gdx[i])
				}
			}
		}
	}
}

// The tangent outputs are directional derivatives: dY ≈ (Y(x+h·dx) − Y(x−h·dx))/2h.
func TestTangents(t *testing.T) {
	for _, act := range []Activation{Sin, Tanh, Sigmoid} {
		n, w, x, dx := setup(act, 3, 2, 2, 5, true, 3)
		_, dy := w.Forward(n, x, dx)
		dy = append([]float64(nil), dy...)
		w1 := NewWorkspace(n.Arch, 5, 0)
		for j := 0; j < 2; j++ {
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			const h = 1e-6
			for i := range x {
				xp[i] += h * dx[j*len(x)+i]
				xm[i] -= h * dx[j*len(x)+i]
			}
			yp, _ := w1.Forward(n, xp, nil)
			yp = append([]float64(nil), yp...)
			ym, _ := w1.Forward(n, xm, nil)
			for i := range yp {
				fd := (yp[i] - ym[i]) / (2 * h)
				// Same error budget as TestGradients.
				if math.Abs(fd-dy[j*len(yp)+i]) > 1e-7 {
					t.Errorf("%v: tangent %d row %d: %g, finite difference %g", act, j, i, dy[j*len(yp)+i], fd)
				}
			}
		}
	}
}

// TestHessian: for a scalar network with the unit vectors as tangents, the
// tangent outputs are ∂N/∂x_j and the input gradients of Σ_j c_j ∂N/∂x_j give
// Hessian-vector products; with c = e_j they give row j of the Hessian.
func TestHessian(t *testing.T) {
	const D = 3
	rng := rand.New(rand.NewPCG(4, 4))
	n, _ := New(Arch{In: D, Hidden: []int{6, 6}, Out: 1, Act: Tanh})
	n.InitGlorot(rng)
	x := []float64{0.3, -0.2, 0.5}
	dx := make([]float64, D*D)
	for j := 0; j < D; j++ {
		dx[j*D+j] = 1
	}
	w := NewWorkspace(n.Arch, 1, D)
	grad := make([]float64, len(n.Params))
	hess := make([][]float64, D)
	for j := 0; j < D; j++ {
		w.Forward(n, x, dx)
		c := make([]float64, D)
		c[j] = 1
		gx := make([]float64, D)
		w.Backward(n, []float64{0}, c, grad, gx, nil)
		hess[j] = gx
	}
	gradAt := func(x []float64) []float64 {
		_, dy := w.Forward(n, x, dx)
		return append([]float64(nil), dy...)
	}
	for i := 0; i < D; i++ {
		for j := 0; j < D; j++ {
			if math.Abs(hess[i][j]-hess[j][i]) > 1e-14 {
				t.Errorf("Hessian not symmetric: %g vs %g", hess[i][j], hess[j][i])
			}
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			xp[j] += 1e-6
			xm[j] -= 1e-6
			fd := (gradAt(xp)[i] - gradAt(xm)[i]) / 2e-6
			if math.Abs(fd-hess[i][j]) > 1e-7 {
				t.Errorf("H[%d][%d] = %g, finite difference %g", i, j, hess[i][j], fd)
			}
		}
	}
}

func TestInit(t *testing.T) {
	n, _ := New(Arch{In: 200, Hidden: []int{200}, Out: 200, Act: Tanh})
	n.InitGlorot(rand.New(rand.NewPCG(1, 1)))
	w := n.Params[:200*200]
	var s2 float64
	for _, v := range w {
		s2 += v * v
	}
	// Uniform on ±a has variance a²/3 = 2/(in+out) = 0.005; 40000 draws
	// give a relative standard error of about 0.5 %: allow 3 %.
	if v := s2 / float64(len(w)); math.Abs(v-0.005) > 0.03*0.005 {
		t.Errorf("Glorot variance %g, want 0.005", v)
	}
	m, _ := New(Arch{In: 3, Hidden: []int{5}, Out: 1, Act: Tanh})
	m.InitOrthogonal(rand.New(rand.NewPCG(2, 2)))
	// First layer: W is 3×5 (in×out); torch's 5×3 has orthonormal columns,
	// so our rows are orthonormal: W·Wᵀ = I₃.
	W := m.Params[:15]
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			var s float64
			for c := 0; c < 5; c++ {
				s += W[i*5+c] * W[j*5+c]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-12 {
				t.Errorf("orthogonal init: (W·Wᵀ)[%d][%d] = %g", i, j, s)
			}
		}
	}
}

func TestAdam(t *testing.T) {
	// One step from zero moments moves each parameter by lr·sign(g) (up to ε).
	a := &Adam{LR: 0.1}
	p := []float64{1, -1}
	a.Step(p, []float64{2, -3})
	if math.Abs(p[0]-0.9) > 1e-8 || math.Abs(p[1]+0.9) > 1e-8 {
		t.Errorf("first Adam step gave %v", p)
	}
	// Converges on a quadratic.
	q := &Adam{LR: 0.05}
	x := []float64{3, -2}
	g := make([]float64, 2)
	for i := 0; i < 2000; i++ {
		g[0], g[1] = 2*x[0], 8*x[1]
		q.Step(x, g)
	}
	if math.Hypot(x[0], x[1]) > 1e-3 {
		t.Errorf("Adam did not converge on a quadratic: %v", x)
	}
}

func TestDeterministicAndAllocFree(t *testing.T) {
	run := func() []float64 {
		n, w, x, dx := setup(Sin, 1, 2, 1, 200, true, 5)
		grad := make([]float64, len(n.Params))
		gY, gdY := make([]float64, 400), make([]float64, 400)
		for i := range gY {
			gY[i], gdY[i] = float64(i%7)-3, float64(i%5)-2
		}
		a := &Adam{LR: 1e-2}
		for e := 0; e < 20; e++ {
			w.Forward(n, x, dx)
			w.Backward(n, gY, gdY, grad, nil, nil)
			a.Step(n.Params, grad)
		}
		return n.Params
	}
	p1 := run()
	old := runtime.GOMAXPROCS(1)
	p2 := run()
	runtime.GOMAXPROCS(old)
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Fatalf("reruns differ at parameter %d", i)
		}
	}
	n, w, x, dx := setup(Sin, 1, 2, 1, 200, true, 5)
	grad := make([]float64, len(n.Params))
	gY, gdY := make([]float64, 400), make([]float64, 400)
	a := &Adam{}
	a.Step(n.Params, grad)
	allocs := testing.AllocsPerRun(20, func() {
		w.Forward(n, x, dx)
		w.Backward(n, gY, gdY, grad, nil, nil)
		a.Step(n.Params, grad)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per epoch, want 0", allocs)
	}
}

func BenchmarkEpochOscillator(b *testing.B)  { benchEpoch(b, 200, 2) }
func BenchmarkEpochHenonHeiles(b *testing.B) { benchEpoch(b, 100, 4) }

func benchEpoch(b *testing.B, K, D int) {
	rng := rand.New(rand.NewPCG(1, 1))
	n, _ := New(Arch{In: 1, Hidden: []int{50, 50}, Out: D, Act: Sin, OutputBias: true})
	n.InitGlorot(rng)
	w := NewWorkspace(n.Arch, K, 1)
	x, dx := make([]float64, K), make([]float64, K)
	for i := range x {
		x[i], dx[i] = float64(i)*0.06, 1
	}
	grad := make([]float64, len(n.Params))
	gY, gdY := make([]float64, K*D), make([]float64, K*D)
	a := &Adam{LR: 1e-3}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		w.Forward(n, x, dx)
		w.Backward(n, gY, gdY, grad, nil, nil)
		a.Step(n.Params, grad)
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}
