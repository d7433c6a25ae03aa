package nn

import "gonum.org/v1/gonum/floats"

// The three matrix products of a layer, on row-major matrices. They are
// serial and allocation-free: at the sizes of this problem class (a few
// hundred rows, widths near 50) gonum's blocked Dgemm spends more time
// starting goroutines than multiplying. Inner loops are gonum's assembly
// axpy and dot kernels.

// mulNN sets C (m×n) = A (m×k) · B (k×n).
func mulNN(m, n, k int, a, b, c []float64) {
	for i := 0; i < m; i++ {
		ci := c[i*n : (i+1)*n]
		clear(ci)
		ai := a[i*k : (i+1)*k]
		for p, v := range ai {
			if n < short {
				bp := b[p*n : (p+1)*n]
				for j := range ci {
					ci[j] += v * bp[j]
				}
			} else if v != 0 {
				floats.AddScaled(ci, v, b[p*n:(p+1)*n])
			}
		}
	}
}

// short is the row length below which plain loops beat the assembly
// kernels' call overhead.
const short = 16

// mulTN sets C (k×n) = Aᵀ·B with A (m×k), B (m×n).
func mulTN(m, n, k int, a, b, c []float64) {
	clear(c[:k*n])
	for i := 0; i < m; i++ {
		bi := b[i*n : (i+1)*n]
		ai := a[i*k : (i+1)*k]
		for p, v := range ai {
			if n < short {
				cp := c[p*n : (p+1)*n]
				for j, bv := range bi {
					cp[j] += v * bv
				}
			} else if v != 0 {
				floats.AddScaled(c[p*n:(p+1)*n], v, bi)
			}
		}
	}
}

// mulNT sets C (m×k) = A (m×n) · Bᵀ with B (k×n).
func mulNT(m, n, k int, a, b, c []float64) {
	for i := 0; i < m; i++ {
		ai := a[i*n : (i+1)*n]
		ci := c[i*k : (i+1)*k]
		for p := range ci {
			bp := b[p*n : (p+1)*n]
			if n < short {
				var sum float64
				for j, av := range ai {
					sum += av * bp[j]
				}
				ci[p] = sum
			} else {
				ci[p] = floats.Dot(ai, bp)
			}
		}
	}
}
