package nn

import (
	"fmt"
	"math"

	"github.com/hnn-project/hnn/internal/interval"
)

// TimeOrders is the number of time derivatives EncloseTime encloses
// besides the value: y, dy/dt, d²y/dt², d³y/dt³.
const TimeOrders = 3

// EncloseTime encloses the outputs of a network with one input t, and
// their first three derivatives with respect to t, for every t in tt: for
// each such t, d^k y/dt^k lies in y[k] (k = 0..3, each of length Out).
// Arithmetic is interval arithmetic with outward rounding (package
// internal/interval); the matrix products run in midpoint-radius form with
// the rounding error of each dot product bounded by γ_{n+2} = (n+2)u/(1 −
// (n+2)u) times the sum of the magnitudes of its terms (Higham, Accuracy
// and Stability, §3.1), u = 2⁻⁵³.
//
// Through a hidden layer h = σ(a), the derivatives follow Faà di Bruno:
//
//	ḣ = σ'(a)ȧ,  ḧ = σ”(a)ȧ² + σ'(a)ä,  h⃛ = σ”'(a)ȧ³ + 3σ”(a)ȧä + σ'(a)a⃛.
//
// ReLU is not differentiable enough and gives an error.
func (n *Net) EncloseTime(tt interval.Interval, y [TimeOrders + 1][]interval.Interval) error {
	a := n.Arch
	if a.In != 1 {
		panic("nn: EncloseTime needs a network with one input")
	}
	for _, yk := range y {
		if len(yk) != a.Out {
			panic("nn: EncloseTime destination has the wrong length")
		}
	}
	if a.Act == ReLU {
		return fmt.Errorf("nn: the ReLU network is not twice differentiable in t, so it cannot be enclosed with its derivatives")
	}
	// Streams of the current layer's input: value and three derivatives.
	var h [TimeOrders + 1][]interval.Interval
	h[0] = []interval.Interval{tt}
	h[1] = []interval.Interval{interval.Point(1)}
	h[2] = []interval.Interval{interval.Point(0)}
	h[3] = []interval.Interval{interval.Point(0)}
	ls := a.layers()
	for li, l := range ls {
		var z [TimeOrders + 1][]interval.Interval
		for k := range z {
			if li+1 == len(ls) {
				z[k] = y[k]
			} else {
				z[k] = make([]interval.Interval, l.out)
			}
		}
		var bias []float64
		if l.b >= 0 {
			bias = n.Params[l.b : l.b+l.out]
		}
		matVecMidRad(z, h, n.Params[l.w:l.w+l.in*l.out], bias)
		if li+1 == len(ls) {
			return nil
		}
		var out [TimeOrders + 1][]interval.Interval
		for k := range out {
			out[k] = make([]interval.Interval, l.out)
		}
		three := interval.Point(3)
		for j := 0; j < l.out; j++ {
			s0, s1, s2, s3 := actEnclose(a.Act, z[0][j])
			a1, a2, a3 := z[1][j], z[2][j], z[3][j]
			out[0][j] = s0
			out[1][j] = s1.Mul(a1)
			out[2][j] = s2.Mul(a1.Sqr()).Add(s1.Mul(a2))
			out[3][j] = s3.Mul(a1.Powi(3)).Add(three.Mul(s2).Mul(a1.Mul(a2))).Add(s1.Mul(a3))
		}
		h = out
	}
	return nil
}

// actEnclose encloses σ and its first three derivatives over z.
func actEnclose(act Activation, z interval.Interval) (s0, s1, s2, s3 interval.Interval) {
	one := interval.Point(1)
	switch act {
	case Sin:
		s, c := z.Sin(), z.Cos()
		return s, c, s.Neg(), c.Neg()
	case Tanh:
		t := z.Tanh()
		d := one.Sub(t.Sqr())                                                        // 1 − t²
		d2 := interval.Point(-2).Mul(t).Mul(d)                                       // −2t(1 − t²)
		d3 := interval.Point(-2).Mul(d).Mul(one.Sub(interval.Point(3).Mul(t.Sqr()))) // −2(1 − t²)(1 − 3t²)
		return t, d, d2, d3
	case Sigmoid:
		// s = 1/(1 + e^−z), σ' = s(1 − s), σ” = σ'(1 − 2s), σ”' = σ'(1 − 6σ').
		s := one.Div(one.Add(z.Neg().Exp()))
		s = interval.Interval{Lo: math.Max(s.Lo, 0), Hi: math.Min(s.Hi, 1)}
		d := s.Mul(one.Sub(s))
		d2 := d.Mul(one.Sub(interval.Point(2).Mul(s)))
		d3 := d.Mul(one.Sub(interval.Point(6).Mul(d)))
		return s, d, d2, d3
	}
	panic("nn: actEnclose of " + act.String())
}

// matVecMidRad sets z[k]_j ⊇ Σ_i x[k]_i·W[i][j] (+ b_j for k = 0) for
// the four streams of intervals x[k] (W is len(x[k]) × len(z[k]),
// row-major; b may be nil), in midpoint-radius form, reading W once.
func matVecMidRad(z, x [TimeOrders + 1][]interval.Interval, w, b []float64) {
	const S = TimeOrders + 1
	nIn, nOut := len(x[0]), len(z[0])
	const u = 0x1p-53
	g := float64(nIn+2) * u / (1 - float64(nIn+2)*u)
	buf := make([]float64, S*(3*nIn+3*nOut))
	var mid, amid, rad, m, sAbs, sRad [S][]float64
	for k := range S {
		off := k * (3*nIn + 3*nOut)
		mid[k], amid[k], rad[k] = buf[off:off+nIn], buf[off+nIn:off+2*nIn], buf[off+2*nIn:off+3*nIn]
		off += 3 * nIn
		m[k], sAbs[k], sRad[k] = buf[off:off+nOut], buf[off+nOut:off+2*nOut], buf[off+2*nOut:off+3*nOut]
	}
	for k := range S {
		for i, v := range x[k] {
			if !v.IsFinite() {
				// No finite enclosure of any stream.
				for kk := range S {
					for j := range z[kk] {
						z[kk][j] = interval.Entire
					}
				}
				return
			}
			c := v.Lo + (v.Hi-v.Lo)/2
			mid[k][i], amid[k][i] = c, math.Abs(c)
			rad[k][i] = math.Nextafter(math.Max(c-v.Lo, v.Hi-c), math.Inf(1))
		}
	}
	if b != nil {
		for j := range m[0] {
			m[0][j], sAbs[0][j] = b[j], math.Abs(b[j])
		}
	}
	for i := 0; i < nIn; i++ {
		row := w[i*nOut : (i+1)*nOut]
		for k := range S {
			mi, ami, ri := mid[k][i], amid[k][i], rad[k][i]
			if mi == 0 && ri == 0 {
				continue // exact zero input: no contribution
			}
			mk, ak, rk := m[k][:nOut], sAbs[k][:nOut], sRad[k][:nOut]
			for j, wij := range row {
				aw := math.Abs(wij)
				mk[j] += mi * wij
				ak[j] += ami * aw
				rk[j] += ri * aw
			}
		}
	}
	for k := range S {
		for j := range z[k] {
			// The sums of non-negative terms are computed with relative
			// error below g as well; (1 + 2g) covers that, 1e-300 any
			// underflow.
			r := (sRad[k][j] + g*sAbs[k][j]) * (1 + 2*g)
			z[k][j] = interval.MidRad(m[k][j], r+1e-300)
		}
	}
}
