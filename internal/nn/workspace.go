package nn

// Workspace holds every buffer of forward and backward passes for a batch
// of B inputs with k tangent directions: R = B·(1+k) stacked rows (B value
// rows, then k blocks of B tangent rows), so each layer is one matrix
// product. A Workspace is not safe for concurrent use; the slices it
// returns are valid until its next call.
type Workspace struct {
	arch   Arch
	ls     []layer
	B, k   int
	R      int
	a      [][]float64 // a[l]: input of layer l, R × in
	z      [][]float64 // z[l]: pre-activation of hidden layer l, R × out (tangent rows: ż)
	d1, d2 [][]float64 // σ'(z), σ''(z) of hidden layers, B × out
	y      []float64   // output, R × Out
	g      [][]float64 // gradient scratch per layer width, R × width
	t1     []float64   // a transposed weight matrix
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
	for i, l := range ls {
		w.a = append(w.a, make([]float64, R*l.in))
		if i+1 < len(ls) {
			w.z = append(w.z, make([]float64, R*l.out))
			w.d1 = append(w.d1, make([]float64, batch*l.out))
			w.d2 = append(w.d2, make([]float64, batch*l.out))
		}
		w.g = append(w.g, make([]float64, R*max(l.in, l.out)))
	}
	w.y = make([]float64, R*arch.Out)
	widest := 0
	for _, n := range arch.sizes() {
		widest = max(widest, n)
	}
	w.t1 = make([]float64, widest*widest)
	w.g = append(w.g, make([]float64, R*arch.Out))
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
	copy(w.a[0], x)
	copy(w.a[0][B*in:], dx)
	p := n.Params
	for li, l := range w.ls {
		var out []float64
		if li+1 < len(w.ls) {
			out = w.z[li]
		} else {
			out = w.y
		}
		pgemm(w.R, l.out, l.in, w.a[li], l.in, 1, p[l.w:l.w+l.in*l.out], out)
		if l.b >= 0 {
			bias := p[l.b : l.b+l.out]
			for r := 0; r < B; r++ {
				row := out[r*l.out : (r+1)*l.out]
				for j := range row {
					row[j] += bias[j]
				}
			}
		}
		if li+1 == len(w.ls) {
			break
		}
		next := w.a[li+1]
		d1, d2 := w.d1[li], w.d2[li]
		w.arch.Act.apply(out[:B*l.out], next[:B*l.out], d1, d2)
		for j := 1; j <= w.k; j++ {
			zt := out[j*B*l.out : (j+1)*B*l.out]
			ht := next[j*B*l.out : (j+1)*B*l.out]
			for i := range zt {
				ht[i] = d1[i] * zt[i]
			}
		}
	}
	return w.y[:B*w.arch.Out], w.y[B*w.arch.Out:]
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
			// g holds the gradient w.r.t. this layer's outputs h, ḣ; turn it
			// into the gradient w.r.t. z, ż in place.
			d1, d2, zl := w.d1[li], w.d2[li], w.z[li]
			for i := 0; i < B*l.out; i++ {
				v := g[i] * d1[i]
				for j := 1; j <= w.k; j++ {
					o := j*B*l.out + i
					v += g[o] * d2[i] * zl[o]
					g[o] *= d1[i]
				}
				g[i] = v
			}
		}
		// ∂L/∂W = aᵀ·g.
		pgemm(l.in, l.out, w.R, w.a[li], 1, l.in, g, grad[l.w:l.w+l.in*l.out])
		if l.b >= 0 {
			gb := grad[l.b : l.b+l.out]
			clear(gb)
			for r := 0; r < B; r++ {
				row := g[r*l.out : (r+1)*l.out]
				for j := range gb {
					gb[j] += row[j]
				}
			}
		}
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
