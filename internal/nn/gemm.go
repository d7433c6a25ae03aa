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
			kern4x8(k, ai, ar, ak, &b[j], n, &c[i*n+j], n, nil, 0)
		}
		if tail != nil {
			kern4x8(k, ai, ar, ak, &b[nb], n, &c[i*n+nb], n, tail, 0)
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

// MulTransA sets c (m×n, row-major) = aᵀ·b for a (k×m) and b (k×n), both
// row-major, on the package's matrix kernels, split between two cores when
// it is large. Each entry is summed over k in order, so the result does not
// depend on the number of cores.
func MulTransA(m, n, k int, a, b, c []float64) {
	if len(a) < k*m || len(b) < k*n || len(c) < m*n {
		panic("nn: MulTransA operand too short")
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	pgemm(m, n, k, a, 1, m, b, c)
}

// gramPanel is the number of rows of a per pass of GramUpper: a panel of
// 128 rows of a few hundred columns stays in the level-2 cache while every
// block of the product uses it.
const gramPanel = 128

// GramUpper sets the upper triangle (diagonal included) of c (m×m,
// row-major) to that of aᵀ·a for a (k×m, row-major); entries below the
// diagonal are left with partial values. The rows of a are taken in panels
// that stay in cache, and row blocks of c are spread over the cores; the
// order of summation is fixed, so the result does not depend on the number
// of cores. Each entry is summed in panel order over k, with fused
// multiply-adds; without AVX2 and FMA it is the plain product.
func GramUpper(m, k int, a, c []float64) {
	if len(a) < k*m || len(c) < m*m {
		panic("nn: GramUpper operand too short")
	}
	if !useAVX || m < 4 || k == 0 {
		MulTransA(m, m, k, a, a, c)
		return
	}
	const rowsPer = 16 // rows of c per parallel task
	m4 := m &^ 3
	tasks := (m4 + rowsPer - 1) / rowsPer
	var tail []float64 // the last m mod 4 rows, as a block of four
	if m4 < m {
		tail = make([]float64, 4*m)
		tasks++
	}
	ParallelFor(tasks, func(t int) {
		lo, hi, dst, first := t*rowsPer, min(t*rowsPer+rowsPer, m4), c, 0
		if tail != nil && t == tasks-1 { // rows m−4 … m−1 into the scratch block
			lo, hi, dst, first = m-4, m, tail, m-4
		}
		for p0 := 0; p0 < k; p0 += gramPanel {
			kp := min(gramPanel, k-p0)
			acc := 0
			if p0 > 0 {
				acc = 1
			}
			for i := lo; i < hi; i += 4 {
				for j := i &^ 7; j < m; j += 8 {
					var mask *[8]int64
					if m-j < 8 {
						mask = &masks[m-j]
					}
					kern4x8(kp, &a[p0*m+i], 1, m, &a[p0*m+j], m, &dst[(i-first)*m+j], m, mask, acc)
				}
			}
		}
	})
	if tail != nil {
		for i := m4; i < m; i++ {
			copy(c[i*m+i:(i+1)*m], tail[(i-(m-4))*m+i:(i-(m-4)+1)*m])
		}
	}
}
