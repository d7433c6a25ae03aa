package nn

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func xgetbv() (eax, edx uint32)

//go:noescape
func kern4x8(k int, a *float64, ar, ak int, b *float64, ldb int, c *float64, ldc int, mask *[8]int64, acc int)

//go:noescape
func kern1x8(k int, a *float64, ak int, b *float64, ldb int, c *float64, mask *[8]int64)

// hasAVX2FMA reports whether the CPU and the operating system support the
// AVX2 and FMA instructions of the kernels.
func hasAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&fma == 0 || ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if eax, _ := xgetbv(); eax&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}

var useAVX = hasAVX2FMA()

//go:noescape
func sincos4(n int, x, s, c, ns *float64, k *[25][4]float64)

//go:noescape
func sinTan4(rows, n int, z, zt, h, ht *float64, ldh int, d1, d2 *float64, mask *[8]int64, k *[25][4]float64) (bad int)

//go:noescape
func tanBack4(n int, gz, gt, d1, d2, zt *float64)

// pause hints to the processor that the caller is spinning.
func pause()

// Kernels names the matrix and sin/cos kernels in use.
func Kernels() string {
	if useAVX {
		return "hnn assembly kernels (amd64 AVX2+FMA)"
	}
	return "plain Go loops (no AVX2+FMA on this CPU)"
}
