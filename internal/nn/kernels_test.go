package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestActivateKernel compares the fused sin kernel of a hidden layer (value
// rows, derivatives and tangent rows in one pass, the next layer's rows one
// longer than the width) with math.Sincos on every tail length of a row,
// including out-of-range and NaN arguments that the caller recomputes.
// sin and cos are within 2 ulp (TestSincosAccuracy); the tangent product
// adds one rounding, so 3 ulp of |cos|·|ż|, plus an absolute 1e-300 for
// products that vanish.
func TestActivateKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for _, width := range []int{1, 2, 3, 4, 5, 7, 8, 13, 50} {
		for _, B := range []int{1, 3, 6} {
			n, err := New(Arch{In: 1, Hidden: []int{width}, Out: 2, Act: Sin, OutputBias: true})
			if err != nil {
				t.Fatal(err)
			}
			w := NewWorkspace(n.Arch, B, 1)
			z := w.z[0]
			for i := range z {
				z[i] = 40 * (2*rng.Float64() - 1)
			}
			if width*B > 5 {
				z[1], z[width*B-1] = 3e6, math.NaN() // value rows, out of range
			}
			w.activate(0)
			next, ld := w.a[1], w.lda[1]
			for r := 0; r < B; r++ {
				for j := 0; j < width; j++ {
					x, xt := z[r*width+j], z[(B+r)*width+j]
					s, c := math.Sincos(x)
					h, ht := next[r*ld+j], next[(B+r)*ld+j]
					d1, d2 := w.d1[0][r*width+j], w.d2[0][r*width+j]
					if math.IsNaN(x) {
						if !math.IsNaN(h) || !math.IsNaN(d1) || !math.IsNaN(ht) {
							t.Errorf("width %d: sin(NaN) gave %g %g %g", width, h, d1, ht)
						}
						continue
					}
					if ulps(h, s) > 2 || ulps(d1, c) > 2 || d2 != -h ||
						math.Abs(ht-c*xt) > 3*math.Abs(c*xt)*0x1p-52+1e-300 {
						t.Errorf("width %d B %d (%d,%d): x=%g: got %g %g %g %g, want %g %g %g", width, B, r, j, x, h, d1, d2, ht, s, c, c*xt)
					}
				}
				if next[r*ld+width] != 1 || next[(B+r)*ld+width] != 0 {
					t.Errorf("width %d: the bias column was overwritten", width)
				}
			}
		}
	}
}

// TestDeactivateKernel compares the vector kernel of the backward pass
// through a hidden layer with the plain loop: the kernel rounds the sum
// g·σ' + ġ·σ”·ż once by a fused multiply-add, the loop twice, so they agree
// to a few ulp of the terms' magnitude (1e-15 relative to it).
func TestDeactivateKernel(t *testing.T) {
	if !useAVX {
		t.Skip("no vector kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(4, 2))
	for _, m := range []int{1, 3, 4, 5, 8, 11, 100} {
		g, gt, d1, d2, zt := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
		for _, v := range [][]float64{g, gt, d1, d2, zt} {
			for i := range v {
				v[i] = rng.NormFloat64()
			}
		}
		wantG, wantGt := make([]float64, m), make([]float64, m)
		for i := range g {
			wantG[i] = g[i]*d1[i] + gt[i]*d2[i]*zt[i]
			wantGt[i] = gt[i] * d1[i]
		}
		scale := make([]float64, m)
		for i := range g {
			scale[i] = math.Abs(g[i]*d1[i]) + math.Abs(gt[i]*d2[i]*zt[i])
		}
		n := m &^ 3
		if n > 0 {
			tanBack4(n, &g[0], &gt[0], &d1[0], &d2[0], &zt[0])
		}
		for i := 0; i < n; i++ {
			if math.Abs(g[i]-wantG[i]) > 1e-15*scale[i] || gt[i] != wantGt[i] {
				t.Errorf("m=%d i=%d: %g %g, want %g %g", m, i, g[i], gt[i], wantG[i], wantGt[i])
			}
		}
	}
}
