package hamiltonians

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/internal/interval"
)

// The sparse patterns list every entry that is not identically zero: the
// dense enclosures are [0, 0] off the patterns, and Deriv3BoxSparse gives
// the dense values on them. A quadratic chain has a tridiagonal ∇²H (plus
// the momenta) and no third derivatives at all.
func TestSparsePatterns(t *testing.T) {
	type sparseCase struct {
		name    string
		f       *Formula
		box     []Interval
		nh, nt3 int // expected pattern sizes, −1 to skip
	}
	var cases []sparseCase
	for _, c := range boxFormulas {
		f := parseBox(t, c.src, len(c.centre))
		box := make([]Interval, len(c.centre))
		for i, v := range c.centre {
			box[i] = interval.Interval{Lo: v - 0.01, Hi: v + 0.01}
		}
		cases = append(cases, sparseCase{c.name, f, box, -1, -1})
	}
	// A chain of n unit masses and springs with fixed ends.
	const n = 6
	var q, p, terms []string
	for i := 1; i <= n; i++ {
		q, p = append(q, fmt.Sprintf("q%d", i)), append(p, fmt.Sprintf("p%d", i))
		terms = append(terms, fmt.Sprintf("p%d^2", i))
	}
	terms = append(terms, "q1^2", fmt.Sprintf("q%d^2", n))
	for i := 1; i < n; i++ {
		terms = append(terms, fmt.Sprintf("(q%d - q%d)^2", i+1, i))
	}
	chain, err := Parse("("+strings.Join(terms, " + ")+")/2", q, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	box := make([]Interval, 2*n)
	for i := range box {
		box[i] = interval.Interval{Lo: -0.1, Hi: 0.2}
	}
	// ∇²H: n diagonal and n − 1 off-diagonal entries in q, n in p.
	cases = append(cases, sparseCase{"chain", chain, box, 3*n - 1, 0})
	for _, c := range cases {
		f, D := c.f, c.f.Dim()
		hp, tp := f.HessPattern(), f.Deriv3Pattern()
		if c.nh >= 0 && (len(hp) != c.nh || len(tp) != c.nt3) {
			t.Errorf("%s: %d Hessian and %d third-derivative entries, want %d and %d", c.name, len(hp), len(tp), c.nh, c.nt3)
		}
		hess := make([]Interval, D*D)
		if err := f.HessBox(hess, c.box); err != nil {
			t.Fatal(err)
		}
		inH := map[[2]int]bool{}
		for _, e := range hp {
			inH[e], inH[[2]int{e[1], e[0]}] = true, true
		}
		for i := 0; i < D; i++ {
			for j := 0; j < D; j++ {
				if !inH[[2]int{i, j}] && hess[i*D+j] != (Interval{}) {
					t.Errorf("%s: ∂²H/∂x%d∂x%d = %v off the pattern", c.name, i, j, hess[i*D+j])
				}
			}
		}
		dense := make([]Interval, D*D*D)
		sparse := make([]Interval, len(tp))
		if err := f.Deriv3Box(dense, c.box); err != nil {
			t.Fatal(err)
		}
		if err := f.Deriv3BoxSparse(sparse, c.box); err != nil {
			t.Fatal(err)
		}
		on := map[[3]int]bool{}
		for n, e := range tp {
			if !(e[0] <= e[1] && e[1] <= e[2]) {
				t.Fatalf("%s: pattern entry %v not ordered", c.name, e)
			}
			on[e] = true
			if v := dense[(e[0]*D+e[1])*D+e[2]]; v != sparse[n] {
				t.Errorf("%s: %v sparse %v, dense %v", c.name, e, sparse[n], v)
			}
		}
		for i := 0; i < D; i++ {
			for j := i; j < D; j++ {
				for k := j; k < D; k++ {
					if !on[[3]int{i, j, k}] && dense[(i*D+j)*D+k] != (Interval{}) {
						t.Errorf("%s: ∂³H at %d,%d,%d = %v off the pattern", c.name, i, j, k, dense[(i*D+j)*D+k])
					}
				}
			}
		}
	}
}
