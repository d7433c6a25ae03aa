package solver

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
)

// threeWindows trains a small chain of the oscillator on [0, π] cut at
// 1 and 2.
func threeWindows(t *testing.T) (*Solution, Problem) {
	t.Helper()
	p := oscillator(t)
	p.K = 20
	sol, err := SolveWindows(context.Background(), p, &Settings{Hidden: []int{8, 8}, Epochs: 200, Seed: 2}, []float64{1, 2, p.T}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sol.Windows()); n != 3 {
		t.Fatalf("%d windows, want 3", n)
	}
	return sol, p
}

// A chain is continuous at its joints to round-off: each window starts
// from its predecessor's end state rounded to float64, so the two sides
// of a joint differ by the change of ẑ over one ulp of t (|dẑ/dt| ≲ 3
// here, times 2⁻⁵¹ at t ≤ 2) plus the rounding of the state: 1e-14 is
// ten times that. Joints bounds the jump rigorously; its enclosures are a
// few ulp wide, so it is at most 1e-13.
func TestChainContinuity(t *testing.T) {
	sol, _ := threeWindows(t)
	joints := sol.Joints()
	if len(joints) != 2 {
		t.Fatalf("%d joints, want 2", len(joints))
	}
	for _, j := range joints {
		left := sol.At(nil, math.Nextafter(j.T, 0))
		right := sol.At(nil, j.T)
		for i := range left {
			if d := math.Abs(left[i] - right[i]); d > 1e-14 {
				t.Errorf("joint %g: component %d jumps by %g", j.T, i, d)
			}
		}
		if !(j.Jump >= 0 && j.Jump <= 1e-13) {
			t.Errorf("joint %g: jump bound %g", j.T, j.Jump)
		}
	}
}

// A one-window chain is the single network: SolveWindows with the end T
// alone gives Solve's bits, and a chain of that one window evaluates,
// samples and encloses to the same bits.
func TestOneWindowChainSameBits(t *testing.T) {
	p := oscillator(t)
	set := &Settings{Hidden: []int{8, 8}, Epochs: 150, Seed: 5}
	a, err := Solve(context.Background(), p, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := SolveWindows(context.Background(), p, set, []float64{p.T}, nil)
	if err != nil {
		t.Fatal(err)
	}
	one := newChain(p, a.Settings, a.Training, []float64{0}, []*Solution{a})
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		if pa[i] != pb[i] {
			t.Fatalf("parameter %d: %v, SolveWindows %v", i, pa[i], pb[i])
		}
	}
	ts := errorbound.Grid(0, p.T, 40)
	D := p.H.Dim()
	za, dza := make([]float64, len(ts)*D), make([]float64, len(ts)*D)
	zc, dzc := make([]float64, len(ts)*D), make([]float64, len(ts)*D)
	a.Sample(ts, za, dza)
	one.Sample(ts, zc, dzc)
	for i := range za {
		if za[i] != zc[i] || dza[i] != dzc[i] {
			t.Fatalf("Sample row %d differs", i/D)
		}
	}
	for _, tt := range ts {
		if x, y := a.Residual(nil, tt), one.Residual(nil, tt); x[0] != y[0] || x[1] != y[1] {
			t.Fatalf("Residual at %g: %v, chain %v", tt, x, y)
		}
	}
	ea, ec := encl(D), encl(D)
	if err := a.Enclose(ea, 0.5, 0.6); err != nil {
		t.Fatal(err)
	}
	if err := one.Enclose(ec, 0.5, 0.6); err != nil {
		t.Fatal(err)
	}
	for k := range ea {
		for i := range ea[k] {
			// The chain encloses the local time [0.5 − 0, 0.6 − 0] with
			// outward rounding, one ulp wider at most.
			if !(ec[k][i].Lo <= ea[k][i].Lo && ec[k][i].Hi >= ea[k][i].Hi) || ec[k][i].Width() > 2*ea[k][i].Width()+1e-15 {
				t.Fatalf("Enclose d^%d component %d: %v, chain %v", k, i, ea[k][i], ec[k][i])
			}
		}
	}
}

func encl(D int) [4][]hamiltonians.Interval {
	var z [4][]hamiltonians.Interval
	for k := range z {
		z[k] = make([]hamiltonians.Interval, D)
	}
	return z
}

// Save and Load carry a chain: the reloaded chain has the same windows
// and evaluates to the same bits everywhere, joints included.
func TestChainSaveLoad(t *testing.T) {
	sol, p := threeWindows(t)
	var buf bytes.Buffer
	if err := sol.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if src, err := ProblemSource(buf.Bytes()); err != nil || src != string(p.Text) {
		t.Fatalf("ProblemSource: %q, %v", src, err)
	}
	back, err := Load(buf.Bytes(), p)
	if err != nil {
		t.Fatal(err)
	}
	wa, wb := sol.Windows(), back.Windows()
	if len(wa) != len(wb) {
		t.Fatalf("%d windows reloaded, want %d", len(wb), len(wa))
	}
	for i := range wa {
		if wa[i].Start != wb[i].Start || wa[i].End != wb[i].End || wa[i].Points != wb[i].Points || wa[i].LMax != wb[i].LMax {
			t.Errorf("window %d: %+v, reloaded %+v", i, wa[i], wb[i])
		}
	}
	ts := append(errorbound.Grid(0, p.T, 97), 1, 2, math.Nextafter(1, 0), math.Nextafter(2, 0))
	for _, tt := range ts {
		x, y := sol.At(nil, tt), back.At(nil, tt)
		dx, dy := sol.Deriv(nil, tt), back.Deriv(nil, tt)
		for i := range x {
			if x[i] != y[i] || dx[i] != dy[i] {
				t.Fatalf("t = %g: %v %v, reloaded %v %v", tt, x, dx, y, dy)
			}
		}
	}
	// A single network still saves in the first format, which loads.
	single := sol.chain[0].sol
	buf.Reset()
	if err := single.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"hnn-model/1"`)) {
		t.Errorf("a single network saved as %.60s…", buf.String())
	}
	if _, err := Load(buf.Bytes(), single.Problem); err != nil {
		t.Errorf("format 1: %v", err)
	}
}

// An interval that crosses a joint cannot be enclosed by one window.
func TestChainEncloseAcrossJoint(t *testing.T) {
	sol, _ := threeWindows(t)
	if err := sol.Enclose(encl(2), 0.9, 1.1); err == nil {
		t.Error("Enclose across the joint at 1: no error")
	}
	if err := sol.Enclose(encl(2), 0.9, 1); err != nil {
		t.Errorf("Enclose up to the joint: %v", err)
	}
}
