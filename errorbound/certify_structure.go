package errorbound

import (
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/interval"
)

// structure is the sparsity of the derivatives of H that Certify works
// with: the pattern of A = J∇²H (the pattern of ∇²H with its rows
// permuted by J) and the list of the third derivatives that are not
// identically zero (hamiltonians.Sparse; every entry when H does not say).
// Work per sub-interval is then proportional to the non-zero entries: a
// chain of springs has a tridiagonal ∇²H and no third derivatives.
type structure struct {
	hb   hamiltonians.Enclosure
	sp   hamiltonians.Sparse // nil: dense third derivatives
	D, d int

	// The entries of A, row by row: row i holds entries start[i] ≤ e <
	// start[i+1], A_{i,col[e]} = sgn[e]·(∇²H)_{src[e]} with src a row-major
	// index of the dense D×D Hessian.
	start, col, src []int
	sgn             []float64
	at              []int   // row-major D×D → entry of A, −1 when structurally zero
	tr              []int   // the entry (j, i) of entry (i, j), −1 when structurally zero
	orphan          [][]int // orphan[i]: the entries (j, i), j ≠ i, whose transpose (i, j) is structurally zero

	// Third derivatives: the triples i ≤ j ≤ k, and for each the distinct
	// permutations (a, b, c) of it.
	third [][3]int
	perms [][][3]int
	// slices[a] lists (b, c, n): the entries of slice a of the tensor, n
	// the triple.
	slices [][][3]int
}

// newStructure reads the patterns of hb.
func newStructure(hb hamiltonians.Enclosure) (*structure, error) {
	D := hb.Dim()
	st := &structure{hb: hb, D: D, d: D / 2}
	hess := make([]bool, D*D)
	if sp, ok := hb.(hamiltonians.Sparse); ok {
		st.sp = sp
		for _, e := range sp.HessPattern() {
			hess[e[0]*D+e[1]], hess[e[1]*D+e[0]] = true, true
		}
		st.third = sp.Deriv3Pattern()
		// Building the pattern compiles the third derivatives; a formula
		// too large for them says so here.
		if err := sp.Deriv3BoxSparse(make([]interval.Interval, len(st.third)), make([]interval.Interval, D)); err != nil && err != hamiltonians.ErrNotSmooth {
			return nil, err
		}
	} else {
		for i := range hess {
			hess[i] = true
		}
		for i := 0; i < D; i++ {
			for j := i; j < D; j++ {
				for k := j; k < D; k++ {
					st.third = append(st.third, [3]int{i, j, k})
				}
			}
		}
	}
	// A = J·S: row i < d is row d+i of S, row i ≥ d is −(row i−d).
	st.at = make([]int, D*D)
	for i := range st.at {
		st.at[i] = -1
	}
	st.start = make([]int, D+1)
	for i := 0; i < D; i++ {
		st.start[i] = len(st.col)
		r, s := i+st.d, 1.0
		if i >= st.d {
			r, s = i-st.d, -1.0
		}
		for j := 0; j < D; j++ {
			if hess[r*D+j] {
				st.at[i*D+j] = len(st.col)
				st.col = append(st.col, j)
				st.src = append(st.src, r*D+j)
				st.sgn = append(st.sgn, s)
			}
		}
	}
	st.start[D] = len(st.col)
	st.tr = make([]int, len(st.col))
	st.orphan = make([][]int, D)
	for i := 0; i < D; i++ {
		for e := st.start[i]; e < st.start[i+1]; e++ {
			j := st.col[e]
			st.tr[e] = st.at[j*D+i]
			if st.tr[e] < 0 {
				st.orphan[j] = append(st.orphan[j], e)
			}
		}
	}
	st.setThird(st.third)
	return st, nil
}

// setThird sets the list of third derivatives, with their permutations
// and the slices.
func (st *structure) setThird(third [][3]int) {
	st.third = third
	st.perms = make([][][3]int, len(st.third))
	st.slices = make([][][3]int, st.D)
	for n, t := range st.third {
		i, j, k := t[0], t[1], t[2]
		for _, p := range [6][3]int{{i, j, k}, {i, k, j}, {j, i, k}, {j, k, i}, {k, i, j}, {k, j, i}} {
			dup := false
			for _, q := range st.perms[n] {
				dup = dup || q == p
			}
			if !dup {
				st.perms[n] = append(st.perms[n], p)
				st.slices[p[0]] = append(st.slices[p[0]], [3]int{p[1], p[2], n})
			}
		}
	}
}

// nnz is the number of entries of A.
func (st *structure) nnz() int { return len(st.col) }

// thirdBox stores the enclosures of the third derivatives of st.third
// over box in dst; dense3 (D³) is scratch when H is not sparse.
func (st *structure) thirdBox(dst, dense3, box []interval.Interval) error {
	if st.sp != nil {
		return st.sp.Deriv3BoxSparse(dst, box)
	}
	err := st.hb.Deriv3Box(dense3, box)
	D := st.D
	for n, t := range st.third {
		dst[n] = dense3[(t[0]*D+t[1])*D+t[2]]
	}
	return err
}

// fromHess stores the entries of A = J·S for the dense D×D interval
// matrix S.
func (st *structure) fromHess(dst, s []interval.Interval) {
	for e, src := range st.src {
		dst[e] = s[src]
		if st.sgn[e] < 0 {
			dst[e] = dst[e].Neg()
		}
	}
}

// contract stores the entries of J·∇³H[v] (the matrix (a, b) ↦
// Σ_c ∂³H/∂x_a∂x_b∂x_c·v_c, rows permuted by J) for the enclosures third
// of st.third. Entries (a, b) outside the pattern of ∇²H are left out: a
// second derivative that is identically zero has zero derivatives.
func (st *structure) contract(dst, third, v []interval.Interval) {
	clear(dst)
	D, d := st.D, st.d
	for n, t := range third {
		for _, p := range st.perms[n] {
			a, b, c := p[0], p[1], p[2]
			i, neg := a-d, false // row of A holding row a of S
			if a < d {
				i, neg = a+d, true
			}
			e := st.at[i*D+b]
			if e < 0 {
				continue
			}
			x := t.Mul(v[c])
			if neg {
				x = x.Neg()
			}
			dst[e] = dst[e].Add(x)
		}
	}
}

// mulVec stores A·v for the entries a of A (dst must not be v).
func (st *structure) mulVec(dst, a, v []interval.Interval) {
	for i := 0; i < st.D; i++ {
		s := interval.Point(0)
		for e := st.start[i]; e < st.start[i+1]; e++ {
			s = s.Add(a[e].Mul(v[st.col[e]]))
		}
		dst[i] = s
	}
}

// logNorm bounds from above the logarithmic norm μ₂(A) = λmax((A + Aᵀ)/2)
// for every A in the enclosure a, by Gershgorin's theorem on the
// symmetric part (entries paired before taking magnitudes, so that the
// skew part of A, e.g. J itself, cancels exactly).
func (st *structure) logNorm(a []interval.Interval) float64 {
	mu := -inf
	for i := 0; i < st.D; i++ {
		r, diag := interval.Point(0), interval.Point(0)
		for e := st.start[i]; e < st.start[i+1]; e++ {
			if st.col[e] == i {
				diag = a[e]
				continue
			}
			v := a[e]
			if t := st.tr[e]; t >= 0 {
				v = v.Add(a[t])
			}
			r = r.Add(interval.Point(v.Scale(0.5).Mag()))
		}
		// Entries (j, i) of A whose transpose (i, j) is structurally zero.
		for _, e := range st.orphan[i] {
			r = r.Add(interval.Point(a[e].Scale(0.5).Mag()))
		}
		mu = max(mu, diag.Add(r).Hi)
	}
	return mu
}
