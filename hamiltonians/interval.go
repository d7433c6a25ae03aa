package hamiltonians

import (
	"fmt"
	"sync"

	"github.com/hnn-project/hnn/internal/interval"
)

// Interval is a closed interval [Lo, Hi] of interval arithmetic with
// outward rounding; see Enclosure.
type Interval = interval.Interval

// Enclosure is a Hamiltonian whose derivatives can be enclosed over a box
// of states by interval arithmetic: for every x in the box (x_i ∈ box[i])
// the exact derivative lies in the returned intervals. The certified error
// bound (package errorbound) needs it.
type Enclosure interface {
	Hamiltonian
	// GradBox stores an enclosure of ∇H over box in dst (length D).
	GradBox(dst, box []Interval) error
	// HessBox stores an enclosure of ∇²H over box in dst (D·D, row-major).
	HessBox(dst, box []Interval) error
	// Deriv3Box stores an enclosure of every third partial derivative
	// ∂³H/∂x_i∂x_j∂x_k over box in dst (D·D·D, index (i·D + j)·D + k).
	Deriv3Box(dst, box []Interval) error
}

// ErrNotSmooth is returned by the box evaluations when the box reaches a
// point where H is not three times differentiable: abs or sign of an
// interval containing zero.
var ErrNotSmooth = fmt.Errorf("hamiltonians: H is not smooth on the box (abs or sign of an argument that may be zero)")

// boxTapes holds the tape of the third derivatives, built on first use.
type boxTapes struct {
	once    sync.Once
	third   *tape    // the third derivatives of pattern, in that order
	pattern [][3]int // (i, j, k), i ≤ j ≤ k, of the ∂³H/∂x_i∂x_j∂x_k not identically zero
	err     error
	kinks   bool // H uses abs or sign
}

// smooth reports whether H is smooth over the box: abs and sign are
// checked on H's own tape, because their derivatives (sign, 0) no longer
// show the kink.
func (f *Formula) smooth(box []Interval) bool {
	if _, err := f.thirdTape(); err != nil || !f.box.kinks {
		return true
	}
	_, ok := f.tH.runBox(box)
	return ok
}

// thirdTape builds the third derivatives from the Hessian's nodes.
func (f *Formula) thirdTape() (*tape, error) {
	f.box.once.Do(func() {
		D := f.dim
		hidx := func(i, j int) int { // index of (i, j), i ≤ j, in f.hess
			return i*D - i*(i-1)/2 + (j - i)
		}
		var nodes []int32
		for i := 0; i < D; i++ {
			for j := i; j < D; j++ {
				for k := j; k < D; k++ {
					if d := f.g.deriv(f.hess[hidx(i, j)], k); !f.g.isConstVal(d, 0) {
						nodes = append(nodes, d)
						f.box.pattern = append(f.box.pattern, [3]int{i, j, k})
					}
				}
			}
			if err := f.g.check(); err != nil {
				f.box.err = fmt.Errorf("hamiltonians: third derivatives of H: %w", err)
				return
			}
		}
		f.box.third = compile(f.g, D, nodes)
		for _, in := range f.tH.code {
			f.box.kinks = f.box.kinks || in.op.isFunc() && in.op.function().kink
		}
	})
	return f.box.third, f.box.err
}

// GradBox stores an enclosure of ∇H over box in dst (length D).
func (f *Formula) GradBox(dst, box []Interval) error {
	if len(box) != f.dim || len(dst) != f.dim {
		panic("hamiltonians: GradBox needs a box and dst of length D")
	}
	s, ok := f.tGrad.runBox(box)
	for i, o := range f.tGrad.out {
		dst[i] = s[o]
	}
	if !ok || !f.smooth(box) {
		return ErrNotSmooth
	}
	return nil
}

// HessBox stores an enclosure of ∇²H over box in dst (D·D, row-major).
func (f *Formula) HessBox(dst, box []Interval) error {
	D := f.dim
	if len(box) != D || len(dst) != D*D {
		panic("hamiltonians: HessBox needs a box of length D and dst of length D·D")
	}
	s, ok := f.tHess.runBox(box)
	k := 0
	for i := 0; i < D; i++ {
		for j := i; j < D; j++ {
			v := s[f.tHess.out[k]]
			dst[i*D+j], dst[j*D+i] = v, v
			k++
		}
	}
	if !ok || !f.smooth(box) {
		return ErrNotSmooth
	}
	return nil
}

// Deriv3Box stores an enclosure of the third derivatives of H over box in
// dst (D·D·D, index (i·D + j)·D + k, symmetric).
func (f *Formula) Deriv3Box(dst, box []Interval) error {
	D := f.dim
	if len(box) != D || len(dst) != D*D*D {
		panic("hamiltonians: Deriv3Box needs a box of length D and dst of length D·D·D")
	}
	t, err := f.thirdTape()
	if err != nil {
		return err
	}
	s, ok := t.runBox(box)
	clear(dst)
	for n, e := range f.box.pattern {
		i, j, k := e[0], e[1], e[2]
		v := s[t.out[n]]
		for _, p := range [6][3]int{{i, j, k}, {i, k, j}, {j, i, k}, {j, k, i}, {k, i, j}, {k, j, i}} {
			dst[(p[0]*D+p[1])*D+p[2]] = v
		}
	}
	if !ok || !f.smooth(box) {
		return ErrNotSmooth
	}
	return nil
}

// runBox evaluates the tape over a box with outward rounding and returns
// the slots; ok is false when abs or sign met an argument interval that
// contains zero in its interior or at an end (H may not be smooth there).
func (t *tape) runBox(box []Interval) (s []Interval, ok bool) {
	s = make([]Interval, t.nslots)
	copy(s, box)
	for i, c := range t.consts {
		s[t.nvar+i] = interval.Point(c)
	}
	ok = true
	for i := range t.code {
		in := &t.code[i]
		a := s[in.a]
		var r Interval
		switch in.op {
		case opAdd:
			r = a.Add(s[in.b])
		case opMul:
			if in.a == in.b {
				r = a.Sqr()
			} else {
				r = a.Mul(s[in.b])
			}
		case opDiv:
			r = a.Div(s[in.b])
		case opNeg:
			r = a.Neg()
		case opPowi:
			r = a.Powi(int(in.c))
		case opPowc:
			r = a.Powc(in.c)
		case opPow:
			r = a.Pow(s[in.b])
		default:
			f := in.op.function()
			r = f.box(a)
			if f.kink {
				ok = ok && (a.Lo > 0 || a.Hi < 0)
			}
		}
		s[in.dst] = r
	}
	return s, ok
}
