package hamiltonians

// Sparse is an Enclosure that knows which of its second and third partial
// derivatives vanish identically, so that large systems (a chain of
// springs: ∇²H tridiagonal, ∇³H zero) are enclosed at the cost of their
// non-zero entries. An entry is listed unless its symbolic derivative
// simplified to the constant 0; every entry left out is exactly zero for
// every state.
type Sparse interface {
	Enclosure
	// HessPattern returns the pairs (i, j), i ≤ j, of the entries of ∇²H
	// that are not identically zero, row by row.
	HessPattern() [][2]int
	// Deriv3Pattern returns the triples (i, j, k), i ≤ j ≤ k, of the third
	// partial derivatives ∂³H/∂x_i∂x_j∂x_k that are not identically zero
	// (none for a quadratic H), in lexicographic order.
	Deriv3Pattern() [][3]int
	// Deriv3BoxSparse stores in dst[n] an enclosure over box of the third
	// derivative Deriv3Pattern()[n]; dst has the pattern's length.
	Deriv3BoxSparse(dst, box []Interval) error
}

// HessPattern returns the pairs (i, j), i ≤ j, of the entries of ∇²H that
// are not identically zero, row by row.
func (f *Formula) HessPattern() [][2]int {
	var pat [][2]int
	n := 0
	for i := 0; i < f.dim; i++ {
		for j := i; j < f.dim; j++ {
			if !f.g.isConstVal(f.hess[n], 0) {
				pat = append(pat, [2]int{i, j})
			}
			n++
		}
	}
	return pat
}

// Deriv3Pattern returns the triples (i, j, k), i ≤ j ≤ k, of the third
// partial derivatives that are not identically zero, in lexicographic
// order. The slice is shared: do not modify it.
func (f *Formula) Deriv3Pattern() [][3]int {
	if _, err := f.thirdTape(); err != nil {
		return nil
	}
	return f.box.pattern
}

// Deriv3BoxSparse stores in dst[n] an enclosure over box of the third
// derivative Deriv3Pattern()[n].
func (f *Formula) Deriv3BoxSparse(dst, box []Interval) error {
	t, err := f.thirdTape()
	if err != nil {
		return err
	}
	if len(box) != f.dim || len(dst) != len(f.box.pattern) {
		panic("hamiltonians: Deriv3BoxSparse needs a box of length D and dst of the pattern's length")
	}
	if len(dst) == 0 {
		if !f.smooth(box) {
			return ErrNotSmooth
		}
		return nil
	}
	s, ok := t.runBox(box)
	for n := range dst {
		dst[n] = s[t.out[n]]
	}
	if !ok || !f.smooth(box) {
		return ErrNotSmooth
	}
	return nil
}
