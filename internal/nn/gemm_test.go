package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemm compares the kernels with the plain loops on shapes that
// exercise every block and tail (rows mod 4, columns mod 8, n < 8), for a
// row-major A and a transposed one. Both sum in the same order over p, but
// FMA rounds once where the loops round twice: with entries of order 1 and
// k ≤ 400 terms, 1e-12 absolute is ample.
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range []int{1, 3, 4, 5, 9, 50} {
		for _, n := range []int{1, 2, 4, 7, 8, 9, 17, 50} {
			for _, k := range []int{1, 3, 50, 400} {
				a, b := make([]float64, m*k), make([]float64, k*n)
				for i := range a {
					a[i] = rng.NormFloat64()
				}
				for i := range b {
					b[i] = rng.NormFloat64()
				}
				for _, tr := range []bool{false, true} {
					ar, ak := k, 1
					if tr { // a holds the k×m matrix whose transpose is A
						ar, ak = 1, m
					}
					want, got := make([]float64, m*n), make([]float64, m*n)
					gemmGeneric(m, n, k, a, ar, ak, b, want)
					gemm(m, n, k, a, ar, ak, b, got)
					for i := range want {
						if math.Abs(got[i]-want[i]) > 1e-12 {
							t.Fatalf("m=%d n=%d k=%d transposed=%v (avx %v): entry %d = %g, want %g", m, n, k, tr, useAVX, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// BenchmarkGemm times the three products of an epoch of the oscillator
// configuration (400 stacked rows, width 50): forward a·W, weight gradient
// aᵀ·g and input gradient g·Wᵀ.
func BenchmarkGemm(b *testing.B) {
	const m, n, k = 400, 50, 50
	rng := rand.New(rand.NewPCG(1, 2))
	a, w, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	b.Run("forward", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			gemm(m, n, k, a, k, 1, w, c)
		}
		b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("weightgrad", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			gemm(k, n, m, a, 1, k, c, w)
		}
		b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

// MulTransA agrees with the plain loops on Aᵀ·B (same order of summation;
// FMA rounding as in TestGemm).
func TestMulTransA(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, s := range [][3]int{{1, 1, 1}, {3, 5, 7}, {9, 9, 40}, {60, 60, 300}} {
		m, n, k := s[0], s[1], s[2]
		a, b := make([]float64, k*m), make([]float64, k*n)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		got := make([]float64, m*n)
		MulTransA(m, n, k, a, b, got)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var want float64
				for p := 0; p < k; p++ {
					want += a[p*m+i] * b[p*n+j]
				}
				if math.Abs(got[i*n+j]-want) > 1e-12*float64(k) {
					t.Fatalf("%v: (%d,%d) = %g, want %g", s, i, j, got[i*n+j], want)
				}
			}
		}
	}
}

// GramUpper's upper triangle agrees with the plain Aᵀ·A on sizes that
// exercise the row tail, the column mask, several panels and several
// parallel tasks. Panels change the order of summation: 1e-12·k absolute
// on entries that are sums of k products of order one.
func TestGramUpper(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, s := range [][2]int{{1, 5}, {4, 3}, {5, 7}, {13, 300}, {50, 129}, {37, 400}} {
		m, k := s[0], s[1]
		a := make([]float64, k*m)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		got := make([]float64, m*m)
		GramUpper(m, k, a, got)
		for i := 0; i < m; i++ {
			for j := i; j < m; j++ {
				var want float64
				for p := 0; p < k; p++ {
					want += a[p*m+i] * a[p*m+j]
				}
				if math.Abs(got[i*m+j]-want) > 1e-12*float64(k) {
					t.Fatalf("m=%d k=%d: (%d,%d) = %g, want %g", m, k, i, j, got[i*m+j], want)
				}
			}
		}
	}
}
