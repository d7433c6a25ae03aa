package nn

// InputGradient stores in gx (B × In) the gradient with respect to the
// inputs x of the last Gradient of the loss ℓ(∇ₓN) whose gradient ḡ_0 the
// last Backward received: x enters only through z_1 = x·W_1 + b_1, so
//
//	∂ℓ/∂x = z̄_1·W_1ᵀ,
//
// with the z̄_1 that Backward leaves in the workspace (the adjoint of the
// reverse pass plus the backward pass of the forward computation). Call it
// after Backward. It lets a loss on the symplectic gradient of a learned
// Hamiltonian reach whatever computed the Hamiltonian's inputs, such as an
// encoder (Greydanus et al. §5).
func (w *GradWorkspace) InputGradient(n *Net, gx []float64) {
	if len(gx) != w.B*w.arch.In {
		panic("nn: GradWorkspace.InputGradient gradient has the wrong size")
	}
	if len(w.ls) == 1 { // no hidden layer: ∇ₓN is constant
		clear(gx)
		return
	}
	l := w.ls[0]
	wt := w.wt[:l.out*l.in]
	transpose(l.in, l.out, n.Params[l.w:l.w+l.in*l.out], wt)
	gemm(w.B, l.in, l.out, w.zbar[0], l.out, 1, wt, gx)
}
