package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// resCase builds a random network of three hidden layers of width 5 and a
// batch of four rows whose input columns 1 and 4 are zero on every row and
// column 2 on the first two rows, so that the first product skips them.
func resCase(act Activation, seed uint64) (*Net, []float64) {
	const B, in = 4, 6
	rng := rand.New(rand.NewPCG(seed, 3))
	n, err := New(Arch{In: in, Hidden: []int{5, 5, 5}, Out: 3, Act: act, OutputBias: true})
	if err != nil {
		panic(err)
	}
	n.InitOrthogonal(rng)
	for i := range n.Params {
		n.Params[i] += 0.1 * rng.NormFloat64()
	}
	x := make([]float64, B*in)
	for i := range x {
		if j := i % in; j != 1 && j != 4 && (j != 2 || i >= 2*in) {
			x[i] = rng.NormFloat64()
		}
	}
	return n, x
}

// TestResWorkspaceGradients checks the parameter and input gradients of
// L = Σ a⊙y against central differences, plain and residual, relu and
// tanh, the first product in one block of rows or two. Step 1e-6: truncation ~1e-12·|L”'| and rounding ~1e-10·|L|, so the
// tolerance 1e-6 relative to the gradient's scale holds with margin. Relu
// is piecewise linear; a kink within 1e-6 of these random pre-activations
// is improbable (and would show as a failure, not pass silently).
func TestResWorkspaceGradients(t *testing.T) {
	for _, act := range []Activation{ReLU, Tanh} {
		for _, c := range []struct {
			residual bool
			group    int
		}{{false, 4}, {true, 4}, {true, 2}} {
			residual := c.residual
			t.Run(fmt.Sprintf("%v/residual=%v/group=%d", act, residual, c.group), func(t *testing.T) {
				n, x := resCase(act, uint64(act)+10)
				B := len(x) / n.Arch.In
				w := NewResWorkspace(n.Arch, B, residual)
				w.GroupRows(c.group)
				rng := rand.New(rand.NewPCG(5, 5))
				a := make([]float64, B*n.Arch.Out)
				for i := range a {
					a[i] = rng.NormFloat64()
				}
				loss := func() float64 {
					var s float64
					for i, v := range w.Forward(n, x) {
						s += a[i] * v
					}
					return s
				}
				loss()
				grad := make([]float64, len(n.Params))
				gx := make([]float64, len(x))
				w.Backward(n, a, grad, gx)
				checkCentral(t, "∂L/∂θ", n.Params, grad, loss)
				checkCentral(t, "∂L/∂x", x, gx, loss)
			})
		}
	}
}

// TestResWorkspaceSkipsZeroColumns: skipping the input columns that are
// zero on every row of a block gives the dense product's outputs exactly (a
// skipped term adds an exact zero), and its gradients exactly with one
// block; with two blocks the first layer's weight gradient is summed block
// by block, equal to rounding (1e-14 relative: a few additions in another
// order).
func TestResWorkspaceSkipsZeroColumns(t *testing.T) {
	n, x := resCase(ReLU, 1)
	B := len(x) / n.Arch.In
	run := func(dense bool, group int) (y, grad []float64, used []int) {
		w := NewResWorkspace(n.Arch, B, true)
		w.dense = dense
		w.GroupRows(group)
		y = append([]float64(nil), w.Forward(n, x)...)
		for _, bk := range w.blocks {
			used = append(used, len(bk.cols))
		}
		grad = make([]float64, len(n.Params))
		w.Backward(n, y, grad, nil)
		return y, grad, used
	}
	yd, gd, _ := run(true, B)
	for _, c := range []struct {
		group int
		used  []int // columns used per block
		tol   float64
	}{{B, []int{4}, 0}, {2, []int{3, 4}, 1e-14}} {
		y, g, used := run(false, c.group)
		if fmt.Sprint(used) != fmt.Sprint(c.used) {
			t.Errorf("blocks of %d rows use %v columns, want %v", c.group, used, c.used)
		}
		for i := range y {
			if y[i] != yd[i] {
				t.Errorf("blocks of %d rows: y[%d] = %v, dense %v", c.group, i, y[i], yd[i])
			}
		}
		for i := range g {
			if math.Abs(g[i]-gd[i]) > c.tol*math.Abs(gd[i]) {
				t.Errorf("blocks of %d rows: grad[%d] = %v, dense %v", c.group, i, g[i], gd[i])
			}
		}
	}
}

// TestResWorkspacePlainMatchesWorkspace: without residual layers the
// network is the Arch's, so its outputs and parameter gradient agree with
// Workspace's to rounding (1e-12 relative: the bias enters as a product
// column there and as a sum here).
func TestResWorkspacePlainMatchesWorkspace(t *testing.T) {
	n, x := resCase(Tanh, 2)
	B := len(x) / n.Arch.In
	rw := NewResWorkspace(n.Arch, B, false)
	ws := NewWorkspace(n.Arch, B, 0)
	y1 := append([]float64(nil), rw.Forward(n, x)...)
	y2, _ := ws.Forward(n, x, nil)
	g1, g2 := make([]float64, len(n.Params)), make([]float64, len(n.Params))
	rw.Backward(n, y1, g1, nil)
	ws.Backward(n, y1, nil, g2, nil, nil)
	for i := range y1 {
		if math.Abs(y1[i]-y2[i]) > 1e-12*math.Max(1, math.Abs(y2[i])) {
			t.Errorf("y[%d] = %v, Workspace %v", i, y1[i], y2[i])
		}
	}
	for i := range g1 {
		if math.Abs(g1[i]-g2[i]) > 1e-12*math.Max(1, math.Abs(g2[i])) {
			t.Errorf("grad[%d] = %v, Workspace %v", i, g1[i], g2[i])
		}
	}
}

// TestGradWorkspaceInputGradient checks ∂ℓ/∂x for ℓ = Σ c⊙∇ₓN(x), the
// path by which a loss on a learned Hamiltonian's symplectic gradient
// reaches an encoder, against central differences of ℓ. Step 1e-6 and
// tolerance 1e-6 relative to the gradient's scale, as in
// TestResWorkspaceGradients (tanh and sin are smooth).
func TestGradWorkspaceInputGradient(t *testing.T) {
	for _, act := range []Activation{Tanh, Sin} {
		for _, hidden := range [][]int{{8}, {9, 6}} {
			const B, D = 5, 2
			rng := rand.New(rand.NewPCG(uint64(len(hidden)), uint64(act)))
			n, _ := New(Arch{In: D, Hidden: hidden, Out: 1, Act: act})
			n.InitOrthogonal(rng)
			x := make([]float64, B*D)
			c := make([]float64, B*D)
			for i := range x {
				x[i], c[i] = rng.NormFloat64(), rng.NormFloat64()
			}
			gw := NewGradWorkspace(n.Arch, B)
			ell := func() float64 {
				_, g := gw.Gradient(n, x)
				var s float64
				for i, v := range g {
					s += c[i] * v
				}
				return s
			}
			ell()
			gw.Backward(n, c, make([]float64, len(n.Params)))
			gx := make([]float64, B*D)
			gw.InputGradient(n, gx)
			checkCentral(t, fmt.Sprintf("%v %v: ∂ℓ/∂x", act, hidden), x, gx, ell)
		}
	}
}

// checkCentral compares got, the gradient of f with respect to v, with
// central differences of step 1e-6, within 1e-6 of the gradient's largest
// entry (at least 1): truncation ~1e-12·|f”'| and rounding ~1e-10·|f| lie
// well inside.
func checkCentral(t *testing.T, name string, v, got []float64, f func() float64) {
	t.Helper()
	const h = 1e-6
	scale := 1.0
	for _, g := range got {
		scale = math.Max(scale, math.Abs(g))
	}
	for i := range v {
		v0 := v[i]
		v[i] = v0 + h
		lp := f()
		v[i] = v0 - h
		lm := f()
		v[i] = v0
		if fd := (lp - lm) / (2 * h); math.Abs(fd-got[i]) > 1e-6*scale {
			t.Errorf("%s[%d]: reverse pass %.10g, central difference %.10g", name, i, got[i], fd)
		}
	}
}
