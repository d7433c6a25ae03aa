package nn

// Matrix products of the layers, serial and allocation-free: at the sizes
// of this problem class (a few hundred rows, widths near 50) a blocked
// parallel GEMM spends more time starting goroutines than multiplying. On
// amd64 with AVX2 and FMA the products run on the assembly kernels of
// kernel_amd64.s — a 4×8 register block, with masked loads and stores for
// the last columns, and a last block of four rows overlapping the one before
// when the rows are not a multiple of four — and elsewhere on plain loops. The order of summation
// is fixed, so results are reproducible on a given machine.

// masks[r] selects the first r of 8 columns.
var masks = func() (m [8][8]int64) {
	for r := range m {
		for j := 0; j < r; j++ {
			m[r][j] = -1
		}
	}
	return m
}()

// gemm sets C (m×n, row-major) = A·B with A(i, p) = a[i·ar + p·ak] and B
// row-major k×n: ar = k, ak = 1 for a row-major A; ar = 1, ak = m for the
// transpose of a row-major k×m matrix.
func gemm(m, n, k int, a []float64, ar, ak int, b, c []float64) {
	if !useAVX {
		gemmGeneric(m, n, k, a, ar, ak, b, c)
		return
	}
	nb := n &^ 7
	var tail *[8]int64
	if nb < n {
		tail = &masks[n-nb]
	}
	block := func(i int) {
		ai := &a[i*ar]
		for j := 0; j < nb; j += 8 {
			kern4x8(k, ai, ar, ak, &b[j], n, &c[i*n+j], n, nil)
		}
		if tail != nil {
			kern4x8(k, ai, ar, ak, &b[nb], n, &c[i*n+nb], n, tail)
		}
	}
	if m < 4 {
		for i := 0; i < m; i++ {
			ai := &a[i*ar]
			for j := 0; j < nb; j += 8 {
				kern1x8(k, ai, ak, &b[j], n, &c[i*n+j], nil)
			}
			if tail != nil {
				kern1x8(k, ai, ak, &b[nb], n, &c[i*n+nb], tail)
			}
		}
		return
	}
	for i := 0; i+4 <= m; i += 4 {
		block(i)
	}
	if m%4 != 0 {
		// The last rows as one more block of four that overlaps the
		// previous one: the overlapping rows are computed again with the
		// same operations, so they get the same values.
		block(m - 4)
	}
}

// gemmGeneric is gemm on plain loops.
func gemmGeneric(m, n, k int, a []float64, ar, ak int, b, c []float64) {
	for i := 0; i < m; i++ {
		ci := c[i*n : (i+1)*n]
		clear(ci)
		for p := 0; p < k; p++ {
			v := a[i*ar+p*ak]
			bp := b[p*n : (p+1)*n]
			for j := range ci {
				ci[j] += v * bp[j]
			}
		}
	}
}

// transpose sets T (n×m) = Xᵀ for X (m×n).
func transpose(m, n int, x, t []float64) {
	for i := 0; i < m; i++ {
		xi := x[i*n : (i+1)*n]
		for j, v := range xi {
			t[j*m+i] = v
		}
	}
}
