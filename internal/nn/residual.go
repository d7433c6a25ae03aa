package nn

// ResWorkspace evaluates a network of a Net's layout on a batch of B
// inputs, with its reverse pass, either as the plain network of the Arch
// (h_l = σ(z_l)) or with residual hidden layers after the first:
//
//	h_1 = σ(x·W_1 + b_1),
//	h_l = h_{l−1} + σ(h_{l−1}·W_l + b_l)   (l = 2..L, residual),
//	y   = h_L·W_o + b_o,
//
// the layers of the fully connected autoencoder of Greydanus et al. §5
// (relu, L = 3). Its reverse pass, for an upstream gradient g_y, is
//
//	g_hL = g_y·W_oᵀ,
//	δ_l = g_hl ⊙ σ'(z_l),  W̄_l = h_{l−1}ᵀ·δ_l,  b̄_l = Σ_rows δ_l,
//	g_h(l−1) = g_hl + δ_l·W_lᵀ   (residual; δ_l·W_lᵀ alone otherwise),
//
// down to the input gradient g_x = δ_1·W_1ᵀ.
//
// The first product skips the input columns that are zero on every row of
// the batch (the background of pixel frames): a skipped term adds an exact
// zero, so the result is the dense product's, at the cost of the columns
// that are used.
//
// Unlike Workspace, a ResWorkspace computes on the calling goroutine only,
// so that two of them can run concurrently, one per core, without waiting
// on each other for the second-core helper. It is not safe for concurrent
// use; the slices it returns are valid until its next call.
type ResWorkspace struct {
	arch     Arch
	ls       []layer
	B        int
	residual bool
	dense    bool // tests: no skipping of zero columns

	cols []int     // the input columns used by the current batch
	x    []float64 // the current batch, B × In
	xc   []float64 // its used columns, B × len(cols), when some are skipped
	w1c  []float64 // the first layer's rows of those columns, len(cols) × out
	z    [][]float64
	h    [][]float64 // h[l]: output of hidden layer l, B × width
	d1   [][]float64 // σ'(z)
	d2   []float64   // σ”(z), unused scratch of Activation.apply
	y    []float64   // B × Out
	g    []float64   // ∂L/∂h of the current hidden layer, B × widest hidden
	gt   []float64   // δ, B × widest hidden
	gr   []float64   // a residual layer's δ·Wᵀ, B × widest hidden
	wt   []float64   // a transposed weight matrix
	tmp  []float64   // the used rows of the first layer's weight gradient
}

// NewResWorkspace allocates the buffers for arch and a batch of B inputs;
// residual makes hidden layers 2..L residual, which needs them all of one
// width. It panics if B < 1 or the widths do not allow the residual sums.
func NewResWorkspace(arch Arch, B int, residual bool) *ResWorkspace {
	if B < 1 {
		panic("nn: NewResWorkspace needs a batch of at least 1")
	}
	if residual {
		for _, h := range arch.Hidden {
			if h != arch.Hidden[0] {
				panic("nn: residual layers need hidden layers of one width")
			}
		}
	}
	ls := arch.layers()
	hidden, weights := 1, 0
	for i, l := range ls {
		if i+1 < len(ls) {
			hidden = max(hidden, l.out)
		}
		weights = max(weights, l.in*l.out)
	}
	w := &ResWorkspace{arch: arch, ls: ls, B: B, residual: residual,
		x: make([]float64, B*arch.In), y: make([]float64, B*arch.Out),
		d2: make([]float64, B*hidden), g: make([]float64, B*hidden), gt: make([]float64, B*hidden), gr: make([]float64, B*hidden),
		wt: make([]float64, weights)}
	for _, l := range ls[:len(ls)-1] {
		w.z = append(w.z, make([]float64, B*l.out))
		w.h = append(w.h, make([]float64, B*l.out))
		w.d1 = append(w.d1, make([]float64, B*l.out))
	}
	return w
}

// Forward evaluates the network on the batch x (B × In, row-major) and
// returns the outputs (B × Out), a view into the workspace.
func (w *ResWorkspace) Forward(n *Net, x []float64) []float64 {
	B := w.B
	if len(x) != B*w.arch.In {
		panic("nn: ResWorkspace.Forward input has the wrong size")
	}
	copy(w.x, x)
	p := n.Params
	var a []float64
	for li, l := range w.ls {
		last := li+1 == len(w.ls)
		out := w.y
		if !last {
			out = w.z[li]
		}
		if li == 0 {
			a, wm, k := w.compact(p[l.w : l.w+l.in*l.out])
			if k == 0 { // every input zero
				clear(out)
			} else {
				gemm(B, l.out, k, a, k, 1, wm, out)
			}
		} else {
			gemm(B, l.out, l.in, a, l.in, 1, p[l.w:l.w+l.in*l.out], out)
		}
		if l.b >= 0 {
			addBias(out, p[l.b:l.b+l.out])
		}
		if last {
			break
		}
		h := w.h[li]
		w.arch.Act.apply(out, h, w.d1[li], w.d2[:len(h)])
		if w.residual && li > 0 {
			addTo(h, w.h[li-1])
		}
		a = h
	}
	return w.y
}

// compact finds the input columns that are nonzero on some row of the
// batch. When some are zero on every row it gathers the others and the
// matching rows of the first layer's weights w1 (In × out) into xc and
// w1c. It returns the factors of the first product and its inner size.
func (w *ResWorkspace) compact(w1 []float64) (a, wm []float64, k int) {
	B, in, out := w.B, w.arch.In, w.ls[0].out
	w.cols = w.cols[:0]
	for j := 0; j < in; j++ {
		used := w.dense
		for r := 0; r < B && !used; r++ {
			used = w.x[r*in+j] != 0
		}
		if used {
			w.cols = append(w.cols, j)
		}
	}
	u := len(w.cols)
	if u == in {
		return w.x, w1, in
	}
	if w.xc == nil {
		w.xc = make([]float64, B*in)
		w.w1c = make([]float64, in*out)
		w.tmp = make([]float64, in*out)
	}
	for r := 0; r < B; r++ {
		row := w.x[r*in : (r+1)*in]
		dst := w.xc[r*u : (r+1)*u]
		for c, j := range w.cols {
			dst[c] = row[j]
		}
	}
	for c, j := range w.cols {
		copy(w.w1c[c*out:(c+1)*out], w1[j*out:(j+1)*out])
	}
	return w.xc[:B*u], w.w1c[:u*out], u
}

// Backward propagates gy, the gradient of a scalar loss with respect to
// the outputs of the last Forward (B × Out), back through the network,
// storing the gradient with respect to the parameters in grad
// (overwritten) and, when gx is not nil, with respect to the inputs
// (B × In).
func (w *ResWorkspace) Backward(n *Net, gy, grad, gx []float64) {
	B := w.B
	if len(gy) != B*w.arch.Out || len(grad) != len(n.Params) || gx != nil && len(gx) != B*w.arch.In {
		panic("nn: ResWorkspace.Backward gradient has the wrong size")
	}
	p := n.Params
	L := len(w.ls) - 1 // the output layer; hidden layers 0..L−1
	w.layerGrads(L, gy, grad)
	if L == 0 {
		if gx != nil {
			w.inputGrad(p, w.ls[0], gy, gx)
		}
		return
	}
	g := w.g[:B*w.ls[L].in] // ∂L/∂h of hidden layer li below
	w.inputGrad(p, w.ls[L], gy, g)
	for li := L - 1; li >= 0; li-- {
		l := w.ls[li]
		delta := w.gt[:B*l.out]
		d1 := w.d1[li]
		for i, v := range g {
			delta[i] = v * d1[i]
		}
		w.layerGrads(li, delta, grad)
		switch {
		case li == 0:
			if gx != nil {
				w.inputGrad(p, l, delta, gx)
			}
		case w.residual:
			// ∂L/∂h_{li−1} = g (the identity path) + δ·Wᵀ.
			r := w.gr[:B*l.in]
			w.inputGrad(p, l, delta, r)
			addTo(g, r)
		default:
			g = w.g[:B*l.in]
			w.inputGrad(p, l, delta, g)
		}
	}
}

// layerGrads stores layer li's weight and bias gradients, aᵀ·δ and
// Σ_rows δ, where a is the layer's input in the last Forward.
func (w *ResWorkspace) layerGrads(li int, delta, grad []float64) {
	B, l := w.B, w.ls[li]
	gw := grad[l.w : l.w+l.in*l.out]
	switch {
	case li > 0:
		gemm(l.in, l.out, B, w.h[li-1], 1, l.in, delta, gw)
	case len(w.cols) == l.in:
		gemm(l.in, l.out, B, w.x, 1, l.in, delta, gw)
	default:
		// Only the rows of the used columns are nonzero.
		u := len(w.cols)
		t := w.tmp[:u*l.out]
		clear(gw)
		if u == 0 {
			break
		}
		gemm(u, l.out, B, w.xc[:B*u], 1, u, delta, t)
		for c, j := range w.cols {
			copy(gw[j*l.out:(j+1)*l.out], t[c*l.out:(c+1)*l.out])
		}
	}
	if l.b >= 0 {
		gb := grad[l.b : l.b+l.out]
		clear(gb)
		for r := 0; r < B; r++ {
			addTo(gb, delta[r*l.out:(r+1)*l.out])
		}
	}
}

// inputGrad sets dst (B × l.in) = δ·Wᵀ for layer l.
func (w *ResWorkspace) inputGrad(p []float64, l layer, delta, dst []float64) {
	wt := w.wt[:l.out*l.in]
	transpose(l.in, l.out, p[l.w:l.w+l.in*l.out], wt)
	gemm(w.B, l.in, l.out, delta, l.out, 1, wt, dst)
}
