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

	blocks []rowBlock // the row blocks of the first product
	x      []float64  // the current batch, B × In
	xc     []float64  // each block's used columns, from row lo·In on
	w1c    []float64  // the first layer's rows of a block's used columns
	used   []bool     // scratch: the columns a block uses
	z      [][]float64
	h      [][]float64 // h[l]: output of hidden layer l, B × width
	d1     [][]float64 // σ'(z)
	d2     []float64   // σ”(z), unused scratch of Activation.apply
	y      []float64   // B × Out
	g      []float64   // ∂L/∂h of the current hidden layer, B × widest hidden
	gt     []float64   // δ, B × widest hidden
	gr     []float64   // a residual layer's δ·Wᵀ, B × widest hidden
	wt     []float64   // a transposed weight matrix, allocated by the first Backward
	tmp    []float64   // the used rows of the first layer's weight gradient
	at     []float64   // a layer's input transposed
}

// rowBlock is rows [lo, hi) of the batch, whose first product uses only
// the input columns cols (nonzero on some row of the block); xc holds
// those columns of the block's rows when some columns are skipped.
type rowBlock struct {
	lo, hi int
	cols   []int
	xc     []float64
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
	hidden := 1
	for _, l := range ls[:len(ls)-1] {
		hidden = max(hidden, l.out)
	}
	w := &ResWorkspace{arch: arch, ls: ls, B: B, residual: residual,
		x: make([]float64, B*arch.In), y: make([]float64, B*arch.Out),
		d2: make([]float64, B*hidden), g: make([]float64, B*hidden), gt: make([]float64, B*hidden), gr: make([]float64, B*hidden)}
	for _, l := range ls[:len(ls)-1] {
		w.z = append(w.z, make([]float64, B*l.out))
		w.h = append(w.h, make([]float64, B*l.out))
		w.d1 = append(w.d1, make([]float64, B*l.out))
	}
	w.GroupRows(B)
	return w
}

// GroupRows makes the first product skip zero columns in blocks of n
// consecutive rows instead of over the whole batch (n ≥ B: one block), so
// that a caller who orders the rows of a batch by where their nonzeros lie
// (such as frames by the angle they show) skips far more. The outputs do
// not change; the first layer's weight gradient is then summed block by
// block, which changes its rounding, not its value.
func (w *ResWorkspace) GroupRows(n int) {
	if n < 1 {
		panic("nn: GroupRows needs blocks of at least one row")
	}
	w.blocks = w.blocks[:0]
	for lo := 0; lo < w.B; lo += n {
		w.blocks = append(w.blocks, rowBlock{lo: lo, hi: min(lo+n, w.B)})
	}
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
			w.first(p[l.w:l.w+l.in*l.out], out)
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
		if w.arch.Act == ReLU {
			relu(out, h, w.d1[li])
		} else {
			w.arch.Act.apply(out, h, w.d1[li], w.d2[:len(h)])
		}
		if w.residual && li > 0 {
			addTo(h, w.h[li-1])
		}
		a = h
	}
	return w.y
}

// first sets out = x·W_1 block by block, skipping in each block the
// input columns that are zero on all of its rows: it gathers the others and
// the matching rows of the weights w1 (In × out) into xc and w1c.
func (w *ResWorkspace) first(w1, out []float64) {
	in, n := w.arch.In, w.ls[0].out
	for bi := range w.blocks {
		bk := &w.blocks[bi]
		rows := bk.hi - bk.lo
		x := w.x[bk.lo*in : bk.hi*in]
		o := out[bk.lo*n : bk.hi*n]
		bk.cols, bk.xc = bk.cols[:0], nil
		if len(w.used) < in {
			w.used = make([]bool, in)
		}
		used := w.used[:in]
		for j := range used {
			used[j] = w.dense
		}
		for r := 0; r < rows; r++ {
			for j, v := range x[r*in : (r+1)*in] {
				if v != 0 {
					used[j] = true
				}
			}
		}
		for j, u := range used {
			if u {
				bk.cols = append(bk.cols, j)
			}
		}
		u := len(bk.cols)
		switch u {
		case 0: // every input zero
			clear(o)
			continue
		case in:
			gemm(rows, n, in, x, in, 1, w1, o)
			continue
		}
		if w.xc == nil {
			w.xc = make([]float64, w.B*in)
			w.w1c = make([]float64, in*n)
			w.tmp = make([]float64, in*n)
		}
		bk.xc = w.xc[bk.lo*in : bk.lo*in+rows*u]
		for r := 0; r < rows; r++ {
			row, dst := x[r*in:(r+1)*in], bk.xc[r*u:(r+1)*u]
			for c, j := range bk.cols {
				dst[c] = row[j]
			}
		}
		for c, j := range bk.cols {
			copy(w.w1c[c*n:(c+1)*n], w1[j*n:(j+1)*n])
		}
		gemm(rows, n, u, bk.xc, u, 1, w.w1c[:u*n], o)
	}
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
	if li > 0 {
		w.mulTA(B, l.in, l.out, w.h[li-1], delta, gw)
	} else if bk := w.blocks[0]; len(w.blocks) == 1 && len(bk.cols) == l.in {
		w.mulTA(B, l.in, l.out, w.x, delta, gw)
	} else {
		// Only the rows of a block's used columns get its terms.
		clear(gw)
		for _, bk := range w.blocks {
			u := len(bk.cols)
			if u == 0 {
				continue
			}
			d := delta[bk.lo*l.out : bk.hi*l.out]
			t := w.tmp[:u*l.out]
			a := bk.xc
			if a == nil {
				a = w.x[bk.lo*l.in : bk.hi*l.in]
			}
			w.mulTA(bk.hi-bk.lo, u, l.out, a, d, t)
			for c, j := range bk.cols {
				addTo(gw[j*l.out:(j+1)*l.out], t[c*l.out:(c+1)*l.out])
			}
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
	if w.wt == nil {
		n := 0
		for _, m := range w.ls {
			n = max(n, m.in*m.out)
		}
		w.wt = make([]float64, n)
	}
	wt := w.wt[:l.out*l.in]
	transpose(l.in, l.out, p[l.w:l.w+l.in*l.out], wt)
	gemm(w.B, l.in, l.out, delta, l.out, 1, wt, dst)
}

// mulTA sets c (m × n) = aᵀ·δ for a (rows × m) and δ (rows × n): a is
// transposed first, which runs the products' kernel on contiguous rows
// (faster than reading a by columns); the sums are the same.
func (w *ResWorkspace) mulTA(rows, m, n int, a, delta, c []float64) {
	if len(w.at) < m*rows {
		w.at = make([]float64, max(m*rows, m*w.B))
	}
	at := w.at[:m*rows]
	transpose(rows, m, a, at)
	gemm(m, n, rows, at, rows, 1, delta, c)
}

// relu sets h = max(z, 0) and d1 = σ'(z) (1 where z > 0, else 0), the
// values of Activation.eval without its per-element switch.
func relu(z, h, d1 []float64) {
	h, d1 = h[:len(z)], d1[:len(z)]
	for i, v := range z {
		if v > 0 {
			h[i], d1[i] = v, 1
		} else {
			h[i], d1[i] = 0, 0
		}
	}
}
