// Package nn is the small dense-network engine of the solvers: fully
// connected layers z = a·W + b with an activation (sin, tanh, sigmoid,
// relu) on the hidden layers and a linear output, forward values and input
// tangents in one pass, a hand-written reverse pass, Adam, and the
// reverse-over-reverse gradient of a scalar network (GradWorkspace).
//
// # Layout
//
// A network's parameters are one flat vector: for each layer its weights W
// (in × out, row-major) then its bias b. A batch of B inputs with k tangent
// directions is stacked into R = B·(1+k) rows (values, then each tangent
// block), so a layer is one matrix product; a layer's input carries one
// more column, 1 on value rows and 0 on tangent rows, which makes [W; b]
// one (in+1) × out matrix: the product adds b to value rows only, and the
// weight gradient aᵀ·g yields the bias gradient as its last row. For a
// hidden layer
//
//	h = σ(z),  ḣ = σ'(z)⊙ż,
//	g_z = g_h⊙σ'(z) + Σ_j g_ḣj⊙σ”(z)⊙ż_j,  g_żj = g_ḣj⊙σ'(z),
//
// then ∂L/∂[W; b] = aᵀ·g and the input gradient is g·Wᵀ.
//
// # Second derivatives
//
// SecondWorkspace serves a network of one input t (the solver's Lagrangian
// formulation): it stacks 3B rows, the values, dN/dt and d²N/dt², with
//
//	ḣ = σ'(z)⊙ż,  ḧ = σ”(z)⊙ż⊙ż + σ'(z)⊙z̈,
//	g_z = g_h⊙σ' + g_ḣ⊙σ”⊙ż + g_ḧ⊙(σ”'⊙ż⊙ż + σ”⊙z̈),
//	g_ż = g_ḣ⊙σ' + 2g_ḧ⊙σ”⊙ż,  g_z̈ = g_ḧ⊙σ',
//
// the bias added to value rows only, and the same products per layer.
//
// # Residual layers and sparse inputs
//
// ResWorkspace runs a Net's layers as they are or with residual hidden
// layers after the first (h_l = h_{l−1} + σ(h_{l−1}W_l + b_l)), with its
// reverse pass, on the calling goroutine only. Its first product skips the
// input columns that are zero on every row of a block of rows (GroupRows),
// which leaves the values exact: pixel frames are mostly black.
// GradWorkspace.InputGradient carries a loss on ∇ₓN back to x, so that a
// learned Hamiltonian's inputs can come from another network.
//
// # Kernels
//
// On amd64 with AVX2 and FMA (detected at run time) the products run on a
// 4×8 register-blocked assembly kernel (an 8×4 one for the last one to four
// columns, so narrow outputs waste little), and the sin activation on a vector
// kernel that computes sin, cos, −sin and the tangent rows in one pass
// (Cody–Waite reduction by π/2 and Cephes' minimax polynomials; within
// 2 ulp of math.Sin and math.Cos, tested); elsewhere plain loops. Every
// entry of a product is summed over its inner index in order, so a row's
// result does not depend on the batch it is computed in.
//
// # Parallelism
//
// ParallelFor spreads the indices of a loop over up to GOMAXPROCS
// goroutines, with helpers that spin briefly between loops so a hand-off
// costs about a microsecond; large single products are split by rows
// (pgemm). Callers give each index its own output and combine outputs in a
// fixed order, so results are bit-identical whatever GOMAXPROCS is.
//
// Nothing allocates per training step: every buffer belongs to a
// Workspace made once.
package nn
