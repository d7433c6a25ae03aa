//go:build !amd64

package nn

const useAVX = false

func kern4x8(k int, a *float64, ar, ak int, b *float64, ldb int, c *float64, ldc int, mask *[8]int64, acc int) {
	panic("nn: no assembly kernels on this architecture")
}

func kern1x8(k int, a *float64, ak int, b *float64, ldb int, c *float64, mask *[8]int64) {
	panic("nn: no assembly kernels on this architecture")
}

func sincos4(n int, x, s, c, ns *float64, k *[25][4]float64) {
	panic("nn: no assembly kernels on this architecture")
}

func sinTan4(rows, n int, z, zt, h, ht *float64, ldh int, d1, d2 *float64, mask *[8]int64, k *[25][4]float64) int {
	panic("nn: no assembly kernels on this architecture")
}

func tanBack4(n int, gz, gt, d1, d2, zt *float64) {
	panic("nn: no assembly kernels on this architecture")
}

func pause() {}

// Kernels names the matrix and sin/cos kernels in use.
func Kernels() string { return "plain Go loops" }
