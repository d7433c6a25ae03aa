package nn

import (
	"math"
	"slices"
)

// Workspace holds every buffer of forward and backward passes for a batch
// of B inputs with k tangent directions: R = B·(1+k) stacked rows (B value
// rows, then k blocks of B tangent rows), so each layer is one matrix
// product. The input a of a layer with a bias has one more column than the
// layer's width, 1 on value rows and 0 on tangent rows, so that the layer's
// weights and bias, stored one after the other, form one (in+1) × out
// matrix: the product adds the bias to value rows only, and the weight
// gradient aᵀ·g yields the bias gradient (the sum of g over value rows) as
// its last row. A Workspace is not safe for concurrent use; the slices it
// returns are valid until its next call.
type Workspace struct {
	arch  Arch
	ls    []layer
	B, k  int
	R     int
	lda   []int // lda[l]: row stride of a[l], in or in+1
	stack       // a[l] is R × lda[l]; z holds ż on tangent rows; no d3
}

// stack is the row buffers of the stacked-row workspaces.
type stack struct {
	a          [][]float64 // a[l]: input of layer l, R × its row stride
	z          [][]float64 // z[l]: pre-activation rows of hidden layer l, R × out
	d1, d2, d3 [][]float64 // σ', σ'', σ''' at the value rows of hidden layers, B × out
	y          []float64   // output, R × Out
	g          [][]float64 // gradient scratch per layer width, R × width
	t1         []float64   // a transposed weight matrix
}

// newStack allocates the buffers of ls for R stacked rows of a batch of
// batch inputs: a[l] with row stride lda[l], and derivs ∈ {2, 3} factors
// σ', σ” (, σ”') per hidden layer.
func newStack(arch Arch, ls []layer, batch, R, derivs int, lda []int) stack {
	var s stack
	for i, l := range ls {
		s.a = append(s.a, make([]float64, R*lda[i]))
		if i+1 < len(ls) {
			s.z = append(s.z, make([]float64, R*l.out))
			s.d1 = append(s.d1, make([]float64, batch*l.out))
			s.d2 = append(s.d2, make([]float64, batch*l.out))
			if derivs > 2 {
				s.d3 = append(s.d3, make([]float64, batch*l.out))
			}
		}
		s.g = append(s.g, make([]float64, R*max(l.in, l.out)))
	}
	s.y = make([]float64, R*arch.Out)
	widest := slices.Max(arch.sizes())
	s.t1 = make([]float64, widest*widest)
	s.g = append(s.g, make([]float64, R*arch.Out))
	return s
}

// NewWorkspace allocates the buffers for arch, batch size batch and k ≥ 0
// tangent directions.
func NewWorkspace(arch Arch, batch, k int) *Workspace {
	if batch < 1 || k < 0 {
		panic("nn: NewWorkspace needs batch ≥ 1 and k ≥ 0")
	}
	ls := arch.layers()
	R := batch * (1 + k)
	w := &Workspace{arch: arch, ls: ls, B: batch, k: k, R: R}
	for _, l := range ls {
		lda := l.in
		if l.b >= 0 {
			lda++
		}
		w.lda = append(w.lda, lda)
	}
	w.stack = newStack(arch, ls, batch, R, 2, w.lda)
	for i, l := range ls {
		if l.b >= 0 { // the bias column of the value rows
			for r := 0; r < batch; r++ {
				w.a[i][r*w.lda[i]+l.in] = 1
			}
		}
	}
	return w
}

// Forward evaluates the network on the batch x (B × In, row-major) and its
// tangents dx (k blocks of B × In: tangent direction j of input row i is
// dx[(j·B + i)·In : ...]; nil when k = 0). It returns the outputs y
// (B × Out) and their tangents dy (k blocks of B × Out), views into the
// workspace.
//
// Each hidden layer computes, on the stacked rows, z = a·W (+ b on value
// rows only), then h = σ(z) on value rows and ḣ = σ'(z)⊙ż on tangent rows.
func (w *Workspace) Forward(n *Net, x, dx []float64) (y, dy []float64) {
	B, in := w.B, w.arch.In
	if len(x) != B*in || len(dx) != w.k*B*in {
		panic("nn: Forward input has the wrong size")
	}
	a0, lda0 := w.a[0], w.lda[0]
	for r := 0; r < B; r++ {
		copy(a0[r*lda0:r*lda0+in], x[r*in:(r+1)*in])
	}
	for r := 0; r < w.k*B; r++ {
		copy(a0[(B+r)*lda0:(B+r)*lda0+in], dx[r*in:(r+1)*in])
	}
	p := n.Params
	for li, l := range w.ls {
		lda := w.lda[li]
		if li+1 == len(w.ls) {
			pgemm(w.R, l.out, lda, w.a[li], lda, 1, p[l.w:l.w+lda*l.out], w.y)
			break
		}
		pgemm(w.R, l.out, lda, w.a[li], lda, 1, p[l.w:l.w+lda*l.out], w.z[li])
		w.activate(li)
	}
	return w.y[:B*w.arch.Out], w.y[B*w.arch.Out:]
}

// activate sets the input of layer li+1 from the pre-activations of hidden
// layer li: h = σ(z) on value rows, ḣ = σ'(z)⊙ż on tangent rows, and keeps
// σ'(z) and σ”(z).
func (w *Workspace) activate(li int) {
	B, n := w.B, w.ls[li].out
	z, d1, d2 := w.z[li], w.d1[li], w.d2[li]
	next, ld := w.a[li+1], w.lda[li+1]
	if w.arch.Act == Sin && w.k == 1 && useAVX {
		var mask *[8]int64
		if n%4 != 0 {
			mask = &masks[n%4]
		}
		if sinTan4(B, n, &z[0], &z[B*n], &next[0], &next[B*ld], ld, &d1[0], &d2[0], mask, &sincosConst) == 0 {
			return
		}
		// Some argument is out of the kernel's range: recompute those.
		for r := 0; r < B; r++ {
			for j := 0; j < n; j++ {
				if i := r*n + j; !(math.Abs(z[i]) < sincosLimit) {
					s, c := math.Sincos(z[i])
					next[r*ld+j], d1[i], d2[i] = s, c, -s
					next[(B+r)*ld+j] = c * z[B*n+i]
				}
			}
		}
		return
	}
	for r := 0; r < B; r++ {
		w.arch.Act.apply(z[r*n:(r+1)*n], next[r*ld:r*ld+n], d1[r*n:(r+1)*n], d2[r*n:(r+1)*n])
	}
	for j := 1; j <= w.k; j++ {
		for r := 0; r < B; r++ {
			zt := z[(j*B+r)*n : (j*B+r+1)*n]
			ht := next[(j*B+r)*ld : (j*B+r)*ld+n]
			dr := d1[r*n : (r+1)*n]
			for i, v := range zt {
				ht[i] = dr[i] * v
			}
		}
	}
}

// Backward propagates the upstream gradients of a scalar loss — gY with
// respect to the outputs (B × Out) and gdY with respect to their tangents
// (k blocks of B × Out) — back through the last Forward, storing the
// gradient with respect to the parameters in grad (overwritten) and, when
// gx or gdx is non-nil, with respect to the inputs and input tangents.
//
// For a hidden layer with output gradients g_h (value rows) and g_ḣj
// (tangent rows), the pre-activation gradients are
//
//	g_z  = g_h⊙σ'(z) + Σ_j g_ḣj⊙σ''(z)⊙ż_j     (value rows)
//	g_żj = g_ḣj⊙σ'(z)                          (tangent rows)
//
// then ∂L/∂W = aᵀ·g (over all stacked rows), ∂L/∂b = Σ over value rows of
// g, and the input gradient is g·Wᵀ.
func (w *Workspace) Backward(n *Net, gY, gdY, grad, gx, gdx []float64) {
	B, out := w.B, w.arch.Out
	if len(gY) != B*out || len(gdY) != w.k*B*out || len(grad) != len(n.Params) {
		panic("nn: Backward gradient has the wrong size")
	}
	p := n.Params
	L := len(w.ls)
	g := w.g[L][:w.R*out]
	copy(g, gY)
	copy(g[B*out:], gdY)
	for li := L - 1; li >= 0; li-- {
		l := w.ls[li]
		if li < L-1 {
			w.deactivate(li, g)
		}
		// ∂L/∂W and ∂L/∂b = aᵀ·g.
		lda := w.lda[li]
		pgemm(lda, l.out, w.R, w.a[li], 1, lda, g, grad[l.w:l.w+lda*l.out])
		if li == 0 && gx == nil && gdx == nil {
			break
		}
		// Input gradient g·Wᵀ into the scratch of the layer below.
		gin := w.g[li][:w.R*l.in]
		wt := w.t1[:l.out*l.in]
		transpose(l.in, l.out, p[l.w:l.w+l.in*l.out], wt)
		pgemm(w.R, l.in, l.out, g, l.out, 1, wt, gin)
		g = gin
	}
	if gx != nil {
		copy(gx, g[:B*w.arch.In])
	}
	if gdx != nil {
		copy(gdx, g[B*w.arch.In:])
	}
}

// deactivate turns g, the gradient with respect to the outputs h and ḣ of
// hidden layer li, into the gradient with respect to z and ż, in place.
func (w *Workspace) deactivate(li int, g []float64) {
	B, n := w.B, w.ls[li].out
	d1, d2, zl := w.d1[li], w.d2[li], w.z[li]
	m := B * n
	i := 0
	if w.k == 1 && useAVX && m >= 4 {
		i = m &^ 3
		tanBack4(i, &g[0], &g[m], &d1[0], &d2[0], &zl[m])
	}
	for ; i < m; i++ {
		v := g[i] * d1[i]
		for j := 1; j <= w.k; j++ {
			o := j*m + i
			v += g[o] * d2[i] * zl[o]
			g[o] *= d1[i]
		}
		g[i] = v
	}
}
