package solver

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/interval"
)

func TestZZAuto(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	tol, _ := strconv.ParseFloat(os.Getenv("ZZ"), 64)
	f, _ := hamiltonians.Parse("p^2/2 + (1-exp(-q))^2", []string{"q"}, []string{"p"}, nil)
	p := Problem{H: f, Z0: []float64{0.5, 0}, T: 20, K: 100}
	st := time.Now()
	mon := func(pr Progress) {
		if pr.Phase == PhaseWindow {
			fmt.Printf("window %d [%.3f, %.3f] lmax %.2g est %.2g  %.1fs rem %.0fs\n", pr.Window, pr.WindowStart, pr.WindowEnd, pr.LMax, pr.Estimate, pr.Elapsed.Seconds(), pr.Remaining.Seconds())
		}
	}
	sol, err := Solve(context.Background(), p, &Settings{Tolerance: tol, Seed: 1, MaxSeconds: 150}, mon)
	if err != nil {
		t.Fatal(err)
	}
	tr := sol.Training.Tolerance
	fmt.Printf("%+v  windows %d  %.1fs\n", *tr, len(sol.Windows()), time.Since(st).Seconds())
	a, err := sol.Assess(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("actual %.3g certified %.3g held %v  until %g\n", a.Network.Max, a.Certified.Bound, a.CertifiedCheck.Held, a.Certified.Until)
}

func TestZZJump(t *testing.T) {
	f, _ := hamiltonians.Parse("p^2/2 + (1-exp(-q))^2", []string{"q"}, []string{"p"}, nil)
	p := Problem{H: f, Z0: []float64{0.5, 0}, T: 0.5, K: 16}
	s1, _ := Solve(context.Background(), p, &Settings{Hidden: []int{8}, Epochs: 10}, nil)
	z := s1.At(nil, 0.5)
	p2 := Problem{H: f, Z0: z, T: 0.5, K: 16}
	s2, _ := Solve(context.Background(), p2, &Settings{Hidden: []int{8}, Epochs: 10}, nil)
	p.T = 1
	c := newChain(p, Settings{}, Training{}, []float64{0, 0.5}, []*Solution{s1, s2})
	fmt.Println(c.Joints())
	var enc [4][]hamiltonians.Interval
	for k := range enc {
		enc[k] = make([]hamiltonians.Interval, 2)
	}
	tt := interval.Point(0.5).Sub(interval.Point(0))
	fmt.Println(tt, s1.encloseOver(enc, tt), enc)
}
