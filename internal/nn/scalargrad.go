package nn

import "slices"

// GradWorkspace computes the input gradient g = ∇ₓN(x) of a network with a
// scalar output by one reverse pass, and the gradient of a loss ℓ(g) with
// respect to the parameters by differentiating that reverse pass (reverse
// over reverse). For a loss on ∇ₓH of a learned Hamiltonian this needs six
// products of batch × width × width per step whatever the dimension D,
// where D tangent streams need 3(D+1).
//
// With a_0 = x, z_l = a_{l−1}W_l + b_l, a_l = σ(z_l) for the hidden layers
// l = 1..L and N = a_L·w + c, the reverse pass is
//
//	g_L = wᵀ,  δ_l = g_l ⊙ σ'(z_l),  g_{l−1} = δ_l W_lᵀ,  ∇ₓN = g_0,
//
// and, given ḡ_0 = ∂ℓ/∂g_0, its adjoint for l = 1..L is
//
//	δ̄_l = ḡ_{l−1} W_l,   W̄_l += ḡ_{l−1}ᵀ δ_l,
//	ḡ_l = δ̄_l ⊙ σ'(z_l),  z̄_l = δ̄_l ⊙ g_l ⊙ σ''(z_l),   w̄ = Σ_rows ḡ_L,
//
// followed by the ordinary backward pass of the forward computation with
// these z̄_l: for l = L..1, z̄_l += ā_l ⊙ σ'(z_l) (ā_L = 0), W̄_l += a_{l−1}ᵀ z̄_l,
// b̄_l = Σ_rows z̄_l, ā_{l−1} = z̄_l W_lᵀ.
//
// A GradWorkspace computes on the calling goroutine only: its products do
// not hand rows to the second-core helper, so callers can run one
// workspace per chunk of a batch concurrently without the chunks waiting
// on each other for the helper.
type GradWorkspace struct {
	arch  Arch
	ls    []layer
	B     int
	a     [][]float64 // a[l], l = 0..L: layer inputs, B × width
	z     [][]float64 // z[l-1] for hidden layer l
	d1    [][]float64 // σ'(z)
	d2    [][]float64 // σ''(z)
	g     [][]float64 // g[l], l = 0..L: ∂N/∂a_l
	delta [][]float64 // δ for hidden layer l (index l-1)
	gbar  [][]float64 // ḡ[l]
	zbar  [][]float64 // z̄ for hidden layer l (index l-1)
	abar  []float64   // ā scratch, B × widest
	wt    []float64   // a transposed weight matrix
	tmp   []float64   // a weight-shaped product before accumulation
	y     []float64   // N, B values
}

// NewGradWorkspace allocates the buffers for a scalar-output arch and a
// batch of B states. It panics if arch.Out is not 1.
func NewGradWorkspace(arch Arch, B int) *GradWorkspace {
	if arch.Out != 1 || B < 1 {
		panic("nn: GradWorkspace needs a scalar output and a batch of at least 1")
	}
	ls := arch.layers()
	w := &GradWorkspace{arch: arch, ls: ls, B: B}
	widest := slices.Max(arch.sizes())
	L := len(ls) - 1 // hidden layers
	for l := 0; l <= L; l++ {
		width := ls[0].in
		if l > 0 {
			width = ls[l-1].out
		}
		w.a = append(w.a, make([]float64, B*width))
		w.g = append(w.g, make([]float64, B*width))
		w.gbar = append(w.gbar, make([]float64, B*width))
		if l > 0 {
			w.z = append(w.z, make([]float64, B*width))
			w.d1 = append(w.d1, make([]float64, B*width))
			w.d2 = append(w.d2, make([]float64, B*width))
			w.delta = append(w.delta, make([]float64, B*width))
			w.zbar = append(w.zbar, make([]float64, B*width))
		}
	}
	w.abar = make([]float64, B*widest)
	w.wt = make([]float64, widest*widest)
	w.tmp = make([]float64, widest*widest)
	w.y = make([]float64, B)
	return w
}

// Gradient evaluates N and g = ∇ₓN on the batch x (B × In). The returned
// slices are views valid until the next call.
func (w *GradWorkspace) Gradient(n *Net, x []float64) (y, g []float64) {
	B := w.B
	if len(x) != B*w.arch.In {
		panic("nn: Gradient input has the wrong size")
	}
	p := n.Params
	L := len(w.ls) - 1
	copy(w.a[0], x)
	for l := 1; l <= L; l++ {
		ly := w.ls[l-1]
		z := w.z[l-1]
		gemm(B, ly.out, ly.in, w.a[l-1], ly.in, 1, p[ly.w:ly.w+ly.in*ly.out], z)
		if ly.b >= 0 {
			addBias(z[:B*ly.out], p[ly.b:ly.b+ly.out])
		}
		w.arch.Act.apply(z, w.a[l], w.d1[l-1], w.d2[l-1])
	}
	out := w.ls[L]
	wout := p[out.w : out.w+out.in]
	for r := 0; r < B; r++ {
		var s float64
		for j, v := range w.a[L][r*out.in : (r+1)*out.in] {
			s += v * wout[j]
		}
		if out.b >= 0 {
			s += p[out.b]
		}
		w.y[r] = s
	}
	// Reverse pass for the input gradient.
	gL := w.g[L]
	for r := 0; r < B; r++ {
		copy(gL[r*out.in:(r+1)*out.in], wout)
	}
	for l := L; l >= 1; l-- {
		ly := w.ls[l-1]
		delta := w.delta[l-1]
		for i, v := range w.g[l] {
			delta[i] = v * w.d1[l-1][i]
		}
		wt := w.wt[:ly.out*ly.in]
		transpose(ly.in, ly.out, p[ly.w:ly.w+ly.in*ly.out], wt)
		gemm(B, ly.in, ly.out, delta, ly.out, 1, wt, w.g[l-1])
	}
	return w.y, w.g[0]
}

// Backward stores in grad (overwritten) the gradient with respect to the
// parameters of a loss whose gradient with respect to the last Gradient's
// g is gbar (B × In).
func (w *GradWorkspace) Backward(n *Net, gbar, grad []float64) {
	B := w.B
	if len(gbar) != B*w.arch.In || len(grad) != len(n.Params) {
		panic("nn: GradWorkspace.Backward gradient has the wrong size")
	}
	p := n.Params
	L := len(w.ls) - 1
	clear(grad)
	copy(w.gbar[0], gbar)
	// Adjoint of the reverse pass, l = 1..L.
	for l := 1; l <= L; l++ {
		ly := w.ls[l-1]
		W := p[ly.w : ly.w+ly.in*ly.out]
		dbar := w.zbar[l-1] // δ̄_l first, then z̄_l below
		gemm(B, ly.out, ly.in, w.gbar[l-1], ly.in, 1, W, dbar)
		// W̄_l += ḡ_{l−1}ᵀ δ_l.
		tmp := w.tmp[:ly.in*ly.out]
		gemm(ly.in, ly.out, B, w.gbar[l-1], 1, ly.in, w.delta[l-1], tmp)
		addTo(grad[ly.w:ly.w+ly.in*ly.out], tmp)
		d1, d2, g := w.d1[l-1], w.d2[l-1], w.g[l]
		gb := w.gbar[l]
		for i, v := range dbar {
			gb[i] = v * d1[i]
			dbar[i] = v * g[i] * d2[i]
		}
	}
	out := w.ls[L]
	wbar := grad[out.w : out.w+out.in]
	for r := 0; r < B; r++ {
		addTo(wbar, w.gbar[L][r*out.in:(r+1)*out.in])
	}
	// Backward pass of the forward computation (the output value N is not
	// in the loss, so ā_L = 0).
	for l := L; l >= 1; l-- {
		ly := w.ls[l-1]
		zbar := w.zbar[l-1]
		if l < L {
			d1 := w.d1[l-1]
			for i := range zbar {
				zbar[i] += w.abar[i] * d1[i]
			}
		}
		tmp := w.tmp[:ly.in*ly.out]
		gemm(ly.in, ly.out, B, w.a[l-1], 1, ly.in, zbar, tmp)
		addTo(grad[ly.w:ly.w+ly.in*ly.out], tmp)
		if ly.b >= 0 {
			gb := grad[ly.b : ly.b+ly.out]
			for r := 0; r < B; r++ {
				addTo(gb, zbar[r*ly.out:(r+1)*ly.out])
			}
		}
		if l > 1 {
			wt := w.wt[:ly.out*ly.in]
			transpose(ly.in, ly.out, p[ly.w:ly.w+ly.in*ly.out], wt)
			gemm(B, ly.in, ly.out, zbar, ly.out, 1, wt, w.abar[:B*ly.in])
		}
	}
}

func addTo(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}
