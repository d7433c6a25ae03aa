package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hnn-project/hnn/internal/interval"
)

// timeDerivs evaluates y, dy/dt (a forward tangent) and, by central
// differences of dy/dt with step h, d²y/dt² and d³y/dt³ at t.
func timeDerivs(n *Net, t, h float64) [4][]float64 {
	w := NewWorkspace(n.Arch, 3, 1)
	y, dy := w.Forward(n, []float64{t - h, t, t + h}, []float64{1, 1, 1})
	O := n.Arch.Out
	var r [4][]float64
	for k := range r {
		r[k] = make([]float64, O)
	}
	for j := 0; j < O; j++ {
		r[0][j] = y[O+j]
		r[1][j] = dy[O+j]
		r[2][j] = (dy[2*O+j] - dy[j]) / (2 * h)
		r[3][j] = (dy[2*O+j] - 2*dy[O+j] + dy[j]) / (h * h)
	}
	return r
}

// The enclosure over an interval contains the value and the four time
// derivatives at many points of it: values and first derivatives from
// Forward exactly; the higher ones from the tight enclosure at the point,
// itself checked against finite differences (the fourth against those of
// the enclosed third). Enclosing fewer orders gives the same bits.
func TestEncloseTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, act := range []Activation{Sin, Tanh, Sigmoid} {
		n, err := New(Arch{In: 1, Hidden: []int{12, 9}, Out: 3, Act: act, OutputBias: true})
		if err != nil {
			t.Fatal(err)
		}
		n.InitUniform(rng)
		wide, pt := make([][]interval.Interval, MaxTimeOrders+1), make([][]interval.Interval, MaxTimeOrders+1)
		pm, pp := make([][]interval.Interval, MaxTimeOrders+1), make([][]interval.Interval, MaxTimeOrders+1)
		for k := range wide {
			wide[k], pt[k] = make([]interval.Interval, 3), make([]interval.Interval, 3)
			pm[k], pp[k] = make([]interval.Interval, 3), make([]interval.Interval, 3)
		}
		for _, span := range [][2]float64{{0.3, 0.31}, {1, 1.2}, {-2, 0.5}} {
			if err := n.EncloseTime(interval.Interval{Lo: span[0], Hi: span[1]}, wide); err != nil {
				t.Fatal(err)
			}
			for m := 0; m <= 40; m++ {
				tt := span[0] + (span[1]-span[0])*float64(m)/40
				if err := n.EncloseTime(interval.Point(tt), pt); err != nil {
					t.Fatal(err)
				}
				// Step 1e-4: truncation (h²/6)|y⁽⁵⁾| ≈ 1e-9 for these weights,
				// rounding ε|ẏ|/h² ≈ 1e-8 in the third derivative; 1e-5
				// relative to the scale covers both.
				fd := timeDerivs(n, tt, 1e-4)
				// d⁴y/dt⁴ by central differences of the third derivative,
				// step 1e-4: truncation and rounding both below 1e-9.
				const h4 = 1e-4
				if err := n.EncloseTime(interval.Point(tt-h4), pm); err != nil {
					t.Fatal(err)
				}
				if err := n.EncloseTime(interval.Point(tt+h4), pp); err != nil {
					t.Fatal(err)
				}
				fd4 := make([]float64, 3)
				for j := range fd4 {
					fd4[j] = (pp[3][j].Mid() - pm[3][j].Mid()) / (2 * h4)
				}
				fdk := append(fd[:], fd4)
				// Fewer orders: the same bits.
				short := make([][]interval.Interval, 4)
				for k := range short {
					short[k] = make([]interval.Interval, 3)
				}
				if err := n.EncloseTime(interval.Point(tt), short); err != nil {
					t.Fatal(err)
				}
				for k := range short {
					for j := range short[k] {
						if short[k][j] != pt[k][j] {
							t.Fatalf("%v, t=%g: d^%dy_%d/dt with 3 orders %v, with 4 %v", act, tt, k, j, short[k][j], pt[k][j])
						}
					}
				}
				for k := 0; k <= MaxTimeOrders; k++ {
					for j := 0; j < 3; j++ {
						p := pt[k][j]
						if !wide[k][j].Contains(p.Lo) || !wide[k][j].Contains(p.Hi) {
							t.Fatalf("%v, t=%g: d^%dy_%d/dt at the point %v outside the enclosure %v over %v", act, tt, k, j, p, wide[k][j], span)
						}
						if k <= 1 && !p.Contains(fd[k][j]) {
							t.Fatalf("%v, t=%g: d^%dy_%d/dt = %g outside the point enclosure %v", act, tt, k, j, fd[k][j], p)
						}
						if k >= 2 && math.Abs(p.Mid()-fdk[k][j]) > 1e-5*(1+math.Abs(fdk[k][j])) {
							t.Fatalf("%v, t=%g: d^%dy_%d/dt = %v, finite differences %g", act, tt, k, j, p, fdk[k][j])
						}
					}
				}
			}
		}
	}
	// A weight that overflows gives no finite enclosure in any stream,
	// never a finite one that was not computed.
	big, _ := New(Arch{In: 1, Hidden: []int{3, 3}, Out: 2, Act: Sin})
	big.InitUniform(rng)
	big.Params[0] = 1e308
	yb := make([][]interval.Interval, MaxTimeOrders+1)
	for k := range yb {
		yb[k] = make([]interval.Interval, 2)
	}
	if err := big.EncloseTime(interval.Interval{Lo: 1, Hi: 10}, yb); err != nil {
		t.Fatal(err)
	}
	for k := range yb {
		for _, v := range yb[k] {
			if v.IsFinite() {
				t.Errorf("overflowing network: d^%dy/dt^%d enclosed by %v", k, k, v)
			}
		}
	}
	relu, _ := New(Arch{In: 1, Hidden: []int{4}, Out: 1, Act: ReLU})
	y := make([][]interval.Interval, 4)
	for k := range y {
		y[k] = make([]interval.Interval, 1)
	}
	if err := relu.EncloseTime(interval.Point(0), y); err == nil {
		t.Error("ReLU network enclosed with its derivatives")
	}
}

// BenchmarkEncloseTime encloses a 1-50-50-2 sin network and three time
// derivatives over a short interval, the work of one sub-interval of the
// certified bound (twice: the interval and its midpoint).
func BenchmarkEncloseTime(b *testing.B) {
	n, err := New(Arch{In: 1, Hidden: []int{50, 50}, Out: 2, Act: Sin, OutputBias: true})
	if err != nil {
		b.Fatal(err)
	}
	n.InitUniform(rand.New(rand.NewPCG(1, 1)))
	y := make([][]interval.Interval, 4)
	for k := range y {
		y[k] = make([]interval.Interval, 2)
	}
	for b.Loop() {
		if err := n.EncloseTime(interval.Interval{Lo: 1, Hi: 1.003}, y); err != nil {
			b.Fatal(err)
		}
	}
}
