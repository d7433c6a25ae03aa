package nn

// SecondWorkspace evaluates a network of one input together with the first
// and second derivatives of its outputs with respect to that input, and
// propagates loss gradients back through all three. It holds the buffers
// for a batch of B inputs as R = 3B stacked rows (B value rows, B first
// derivative rows, B second derivative rows), so that each layer is one
// matrix product, as Workspace does for first-order tangents.
//
// For a hidden layer h = σ(z) with z = a·W + b, the rows carry
//
//	z, ż = ȧ·W, z̈ = ä·W
//	h = σ(z), ḣ = σ'(z)⊙ż, ḧ = σ”(z)⊙ż⊙ż + σ'(z)⊙z̈
//
// (the bias enters the value rows only). A SecondWorkspace is not safe for
// concurrent use; the slices it returns are valid until its next call.
type SecondWorkspace struct {
	arch  Arch
	ls    []layer
	B, R  int
	stack // a[l] is R × in
}

// NewSecondWorkspace allocates the buffers for arch, which must have one
// input, and a batch of batch inputs.
func NewSecondWorkspace(arch Arch, batch int) *SecondWorkspace {
	if batch < 1 || arch.In != 1 {
		panic("nn: NewSecondWorkspace needs batch ≥ 1 and a network of one input")
	}
	ls := arch.layers()
	R := 3 * batch
	w := &SecondWorkspace{arch: arch, ls: ls, B: batch, R: R}
	lda := make([]int, len(ls))
	for i, l := range ls {
		lda[i] = l.in
	}
	w.stack = newStack(arch, ls, batch, R, 3, lda)
	return w
}

// Forward evaluates the network at the inputs t (length B) and returns the
// outputs y, their first derivatives dy and second derivatives ddy with
// respect to the input (each B × Out, row-major), views into the workspace.
func (w *SecondWorkspace) Forward(n *Net, t []float64) (y, dy, ddy []float64) {
	B := w.B
	if len(t) != B {
		panic("nn: SecondWorkspace.Forward input has the wrong size")
	}
	a0 := w.a[0]
	copy(a0, t)
	for i := 0; i < B; i++ {
		a0[B+i] = 1   // dt/dt
		a0[2*B+i] = 0 // d²t/dt²
	}
	p := n.Params
	for li, l := range w.ls {
		out := w.y
		if li+1 < len(w.ls) {
			out = w.z[li]
		}
		pgemm(w.R, l.out, l.in, w.a[li], l.in, 1, p[l.w:l.w+l.in*l.out], out)
		if l.b >= 0 {
			addBias(out[:B*l.out], p[l.b:l.b+l.out])
		}
		if li+1 == len(w.ls) {
			break
		}
		m := B * l.out
		next := w.a[li+1]
		d1, d2, d3 := w.d1[li], w.d2[li], w.d3[li]
		w.arch.Act.apply3(out[:m], next[:m], d1, d2, d3)
		zd, zdd := out[m:2*m], out[2*m:3*m]
		hd, hdd := next[m:2*m], next[2*m:3*m]
		for i := 0; i < m; i++ {
			hd[i] = d1[i] * zd[i]
			hdd[i] = d2[i]*zd[i]*zd[i] + d1[i]*zdd[i]
		}
	}
	m := B * w.arch.Out
	return w.y[:m], w.y[m : 2*m], w.y[2*m : 3*m]
}

// Backward propagates the gradients of a scalar loss with respect to the
// outputs (gY), their first derivatives (gdY) and second derivatives (gddY),
// each B × Out, back through the last Forward, and stores the gradient with
// respect to the parameters in grad (overwritten).
//
// For a hidden layer with output gradients g_h, g_ḣ, g_ḧ the pre-activation
// gradients are, by differentiating the forward rules above,
//
//	g_z = g_h⊙σ' + g_ḣ⊙σ”⊙ż + g_ḧ⊙(σ”'⊙ż⊙ż + σ”⊙z̈)
//	g_ż = g_ḣ⊙σ' + 2 g_ḧ⊙σ”⊙ż
//	g_z̈ = g_ḧ⊙σ'
//
// then ∂L/∂W = aᵀ·g over all stacked rows, ∂L/∂b = Σ over value rows of g,
// and the gradient of the layer's input is g·Wᵀ.
func (w *SecondWorkspace) Backward(n *Net, gY, gdY, gddY, grad []float64) {
	B, out := w.B, w.arch.Out
	if len(gY) != B*out || len(gdY) != B*out || len(gddY) != B*out || len(grad) != len(n.Params) {
		panic("nn: SecondWorkspace.Backward gradient has the wrong size")
	}
	p := n.Params
	L := len(w.ls)
	g := w.g[L][:w.R*out]
	copy(g, gY)
	copy(g[B*out:], gdY)
	copy(g[2*B*out:], gddY)
	for li := L - 1; li >= 0; li-- {
		l := w.ls[li]
		if li < L-1 {
			m := B * l.out
			d1, d2, d3, zl := w.d1[li], w.d2[li], w.d3[li], w.z[li]
			for i := 0; i < m; i++ {
				gh, ghd, ghdd := g[i], g[m+i], g[2*m+i]
				zd, zdd := zl[m+i], zl[2*m+i]
				g[i] = gh*d1[i] + ghd*d2[i]*zd + ghdd*(d3[i]*zd*zd+d2[i]*zdd)
				g[m+i] = ghd*d1[i] + 2*ghdd*d2[i]*zd
				g[2*m+i] = ghdd * d1[i]
			}
		}
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
		if li == 0 {
			break
		}
		gin := w.g[li][:w.R*l.in]
		wt := w.t1[:l.out*l.in]
		transpose(l.in, l.out, p[l.w:l.w+l.in*l.out], wt)
		pgemm(w.R, l.in, l.out, g, l.out, 1, wt, gin)
		g = gin
	}
}

// apply3 sets h = σ(z) and its first three derivatives elementwise.
func (a Activation) apply3(z, h, d1, d2, d3 []float64) {
	if a == Sin {
		// σ”' = −cos = −σ'.
		sinBatch(z, h, d1, d2)
		for i, c := range d1 {
			d3[i] = -c
		}
		return
	}
	for i, v := range z {
		h[i], d1[i], d2[i], d3[i] = a.eval3(v)
	}
}

// eval3 evaluates σ and its first three derivatives at z.
func (a Activation) eval3(z float64) (s, d1, d2, d3 float64) {
	s, d1, d2 = a.eval(z)
	switch a {
	case Sin:
		d3 = -d1
	case Tanh:
		// σ' = 1 − t², σ” = −2tσ', σ”' = −2σ'² − 2tσ”.
		d3 = -2*d1*d1 - 2*s*d2
	case Sigmoid:
		// σ' = s(1 − s), σ” = σ'(1 − 2s), σ”' = σ”(1 − 2s) − 2σ'².
		d3 = d2*(1-2*s) - 2*d1*d1
	}
	return s, d1, d2, d3
}
