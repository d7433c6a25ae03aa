package nn

import "math"

// sincos returns sin(x) and cos(x) without data-dependent branches for
// |x| < sincosLimit, so a loop over many arguments keeps the pipeline
// full. Larger or non-finite arguments go to math.Sincos.
//
// Method: q = round(x·2/π) by the 1.5·2⁵² trick; r = x − q·π/2 with π/2
// split in three parts (Cody–Waite; the first two parts have trailing zero
// bits, so q times them is exact for |q| < 2²⁰), |r| ≤ π/4; sin r and cos r
// from Cephes' minimax polynomials (those of Go's math package); then the
// quadrant q mod 4 swaps and negates them with bit operations. The error is
// within 2 ulp of math.Sin and math.Cos (TestSincosAccuracy).
func sincos(x float64) (s, c float64) {
	if !(math.Abs(x) < sincosLimit) {
		return math.Sincos(x)
	}
	const (
		twoOverPi = 0.63661977236758134308
		magic     = 6755399441055744.0 // 1.5·2⁵²: adding it rounds to an integer
		// π/2 = p1 + p2 + p3.
		p1 = 2 * 7.85398125648498535156e-1
		p2 = 2 * 3.77489470793079817668e-8
		p3 = 2 * 2.69515142907905952645e-15
	)
	t := x*twoOverPi + magic
	qi := math.Float64bits(t) // low bits hold q (two's complement)
	q := t - magic
	r := ((x - q*p1) - q*p2) - q*p3
	z := r * r
	sr := r + r*z*((((((1.58962301576546568060e-10*z)-2.50507477628578072866e-8)*z+2.75573136213857245213e-6)*z-1.98412698295895385996e-4)*z+8.33333333332211858878e-3)*z-1.66666666666666307295e-1)
	cr := 1.0 - 0.5*z + z*z*((((((-1.13585365213876817300e-11*z)+2.08757008419747316778e-9)*z-2.75573141792967388112e-7)*z+2.48015872888517045348e-5)*z-1.38888888888730564116e-3)*z+4.16666666666665929218e-2)
	// Quadrant q mod 4: sin x = (sin r, cos r, −sin r, −cos r),
	// cos x = (cos r, −sin r, −cos r, sin r).
	swap := -(qi & 1) // all ones when q is odd
	bs, bc := math.Float64bits(sr), math.Float64bits(cr)
	sb := bs&^swap | bc&swap
	cb := bc&^swap | bs&swap
	sb ^= (qi & 2) << 62
	cb ^= ((qi + 1) & 2) << 62
	return math.Float64frombits(sb), math.Float64frombits(cb)
}

// sincosLimit bounds the arguments of the fast path: |q| < 2²⁰ keeps the
// reduction exact.
const sincosLimit = 1 << 19

// sincosConst are the constants of sincos4, four copies each, at byte
// offsets 32·i: 2/π, 1.5·2⁵², p1, p2, p3, the six sin coefficients, the six
// cos coefficients, 1/2, 1, the integers 1 and 2, the sign bit, the mask of
// all bits but the sign, and sincosLimit.
var sincosConst = func() (k [25][4]float64) {
	vals := []float64{
		0.63661977236758134308, 6755399441055744.0,
		2 * 7.85398125648498535156e-1, 2 * 3.77489470793079817668e-8, 2 * 2.69515142907905952645e-15,
		1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6,
		-1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1,
		-1.13585365213876817300e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7,
		2.48015872888517045348e-5, -1.38888888888730564116e-3, 4.16666666666665929218e-2,
		0.5, 1,
		math.Float64frombits(1), math.Float64frombits(2), math.Float64frombits(1 << 63),
		math.Float64frombits(1<<63 - 1), sincosLimit,
	}
	for i, v := range vals {
		k[i] = [4]float64{v, v, v, v}
	}
	return k
}()

// sinBatch sets h = sin z, d1 = cos z, d2 = −sin z elementwise: the sin
// activation with its first two derivatives.
func sinBatch(z, h, d1, d2 []float64) {
	n := len(z)
	h, d1, d2 = h[:n], d1[:n], d2[:n]
	i := 0
	if useAVX && n >= 4 {
		i = n &^ 3
		sincos4(i, &z[0], &h[0], &d1[0], &d2[0], &sincosConst)
		for j, x := range z[:i] {
			if !(math.Abs(x) < sincosLimit) {
				s, c := math.Sincos(x)
				h[j], d1[j], d2[j] = s, c, -s
			}
		}
	}
	for ; i < n; i++ {
		s, c := sincos(z[i])
		h[i], d1[i], d2[i] = s, c, -s
	}
}
