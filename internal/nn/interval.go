package nn

import (
	"fmt"
	"math"
	"sync"

	"github.com/hnn-project/hnn/internal/interval"
)

// MaxTimeOrders is the largest number of time derivatives EncloseTime
// encloses besides the value: y, dy/dt, …, d⁴y/dt⁴.
const MaxTimeOrders = 4

// EncloseTime encloses the outputs of a network with one input t, and
// their first len(y)−1 derivatives with respect to t (at most
// MaxTimeOrders), for every t in tt: for each such t, d^k y/dt^k lies in
// y[k] (each of length Out). Arithmetic is interval arithmetic with
// outward rounding (package internal/interval); the matrix products run in
// midpoint-radius form with the rounding error of each dot product bounded
// by γ_{n+2} = (n+2)u/(1 − (n+2)u) times the sum of the magnitudes of its
// terms (Higham, Accuracy and Stability, §3.1), u = 2⁻⁵³.
//
// Through a hidden layer h = σ(a), the derivatives follow Faà di Bruno:
//
//	ḣ = σ'(a)ȧ,  ḧ = σ”(a)ȧ² + σ'(a)ä,  h⃛ = σ”'(a)ȧ³ + 3σ”(a)ȧä + σ'(a)a⃛,
//	h⁗ = σ⁗(a)ȧ⁴ + 6σ”'(a)ȧ²ä + σ”(a)(3ä² + 4ȧa⃛) + σ'(a)a⁗.
//
// Each order is computed as it would be alone: enclosing fewer orders
// gives the same bits for those. ReLU is not differentiable enough and
// gives an error.
func (n *Net) EncloseTime(tt interval.Interval, y [][]interval.Interval) error {
	a := n.Arch
	if a.In != 1 {
		panic("nn: EncloseTime needs a network with one input")
	}
	S := len(y)
	if S < 1 || S > MaxTimeOrders+1 {
		panic(fmt.Sprintf("nn: EncloseTime of %d orders; at most %d", S-1, MaxTimeOrders))
	}
	for _, yk := range y {
		if len(yk) != a.Out {
			panic("nn: EncloseTime destination has the wrong length")
		}
	}
	if a.Act == ReLU {
		return fmt.Errorf("nn: the ReLU network is not twice differentiable in t, so it cannot be enclosed with its derivatives")
	}
	ws := encloseScratch.Get().(*encloseWS)
	defer encloseScratch.Put(ws)
	// Streams of the current layer's input: value and derivatives.
	h := ws.streams(0, S, 1)
	h[0][0] = tt
	for k := 1; k < S; k++ {
		h[k][0] = interval.Point(0)
	}
	if S > 1 {
		h[1][0] = interval.Point(1)
	}
	ls := a.layers()
	for li, l := range ls {
		var z [][]interval.Interval
		if li+1 == len(ls) {
			z = y
		} else {
			z = ws.streams(1, S, l.out)
		}
		var bias []float64
		if l.b >= 0 {
			bias = n.Params[l.b : l.b+l.out]
		}
		ws.matVecMidRad(z, h, n.Params[l.w:l.w+l.in*l.out], bias)
		if li+1 == len(ls) {
			return nil
		}
		out := ws.streams(2+li%2, S, l.out)
		three, four, six := interval.Point(3), interval.Point(4), interval.Point(6)
		for j := 0; j < l.out; j++ {
			sg := actEnclose(a.Act, z[0][j])
			out[0][j] = sg[0]
			if S < 2 {
				continue
			}
			a1 := z[1][j]
			out[1][j] = sg[1].Mul(a1)
			if S < 3 {
				continue
			}
			a2 := z[2][j]
			out[2][j] = sg[2].Mul(a1.Sqr()).Add(sg[1].Mul(a2))
			if S < 4 {
				continue
			}
			a3 := z[3][j]
			out[3][j] = sg[3].Mul(a1.Powi(3)).Add(three.Mul(sg[2]).Mul(a1.Mul(a2))).Add(sg[1].Mul(a3))
			if S < 5 {
				continue
			}
			a4 := z[4][j]
			out[4][j] = sg[4].Mul(a1.Powi(4)).Add(six.Mul(sg[3]).Mul(a1.Sqr().Mul(a2))).
				Add(sg[2].Mul(three.Mul(a2.Sqr()).Add(four.Mul(a1.Mul(a3))))).Add(sg[1].Mul(a4))
		}
		h = out
	}
	return nil
}

// actEnclose encloses σ and its first four derivatives over z.
func actEnclose(act Activation, z interval.Interval) [MaxTimeOrders + 1]interval.Interval {
	one := interval.Point(1)
	switch act {
	case Sin:
		s, c := z.Sin(), z.Cos()
		return [...]interval.Interval{s, c, s.Neg(), c.Neg(), s}
	case Tanh:
		t := z.Tanh()
		d := one.Sub(t.Sqr())                                                                            // 1 − t²
		d2 := interval.Point(-2).Mul(t).Mul(d)                                                           // −2t(1 − t²)
		d3 := interval.Point(-2).Mul(d).Mul(one.Sub(interval.Point(3).Mul(t.Sqr())))                     // −2(1 − t²)(1 − 3t²)
		d4 := interval.Point(8).Mul(t).Mul(d).Mul(interval.Point(2).Sub(interval.Point(3).Mul(t.Sqr()))) // 8t(1 − t²)(2 − 3t²)
		return [...]interval.Interval{t, d, d2, d3, d4}
	case Sigmoid:
		// s = 1/(1 + e^−z), σ' = s(1 − s), σ” = σ'(1 − 2s), σ”' = σ'(1 − 6σ'),
		// σ⁗ = σ”(1 − 12σ').
		s := one.Div(one.Add(z.Neg().Exp()))
		s = interval.Interval{Lo: math.Max(s.Lo, 0), Hi: math.Min(s.Hi, 1)}
		d := s.Mul(one.Sub(s))
		d2 := d.Mul(one.Sub(interval.Point(2).Mul(s)))
		d3 := d.Mul(one.Sub(interval.Point(6).Mul(d)))
		d4 := d2.Mul(one.Sub(interval.Point(12).Mul(d)))
		return [...]interval.Interval{s, d, d2, d3, d4}
	}
	panic("nn: actEnclose of " + act.String())
}

// encloseWS is the scratch of EncloseTime, reused through
// encloseScratch: the streams of four layers (the input, the
// pre-activations, and two hidden layers in turn) and matVecMidRad's
// sums.
type encloseWS struct {
	layer                         [4][MaxTimeOrders + 1][]interval.Interval
	buf                           []float64
	mid, amid, rad, m, sAbs, sRad [MaxTimeOrders + 1][]float64
}

var encloseScratch = sync.Pool{New: func() any { return new(encloseWS) }}

// streams returns S streams of n intervals from slot i.
func (ws *encloseWS) streams(i, S, n int) [][]interval.Interval {
	l := ws.layer[i][:S]
	for k := range l {
		if cap(l[k]) < n {
			l[k] = make([]interval.Interval, n)
		}
		l[k] = l[k][:n]
	}
	return l
}

// grow returns b with length n, reallocated when its capacity is less.
func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// matVecMidRad sets z[k]_j ⊇ Σ_i x[k]_i·W[i][j] (+ b_j for k = 0) for
// the streams of intervals x[k] (W is len(x[k]) × len(z[k]), row-major;
// b may be nil), in midpoint-radius form, reading W once.
func (ws *encloseWS) matVecMidRad(z, x [][]interval.Interval, w, b []float64) {
	S := len(x)
	nIn, nOut := len(x[0]), len(z[0])
	const u = 0x1p-53
	g := float64(nIn+2) * u / (1 - float64(nIn+2)*u)
	ws.buf = grow(ws.buf, S*(3*nIn+3*nOut))
	buf := ws.buf
	clear(buf)
	mid, amid, rad := ws.mid[:S], ws.amid[:S], ws.rad[:S]
	m, sAbs, sRad := ws.m[:S], ws.sAbs[:S], ws.sRad[:S]
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
			rad[k][i] = interval.Up(math.Max(c-v.Lo, v.Hi-c))
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
