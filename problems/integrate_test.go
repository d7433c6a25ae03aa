package problems

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/hnn-project/hnn/symplectic"
)

// A fixed-step integration streams its steps: the states it keeps are
// bit for bit those of symplectic.Integrate, every stride-th and the
// last, and its energy error is taken over every step.
func TestIntegrateStride(t *testing.T) {
	p, err := Load("nonlinear_oscillator")
	if err != nil {
		t.Fatal(err)
	}
	const steps, output = 1000, 7 // stride ⌈1000/7⌉ = 143: the last state is not a multiple
	tr, err := p.Integrate(context.Background(), &IntegrateSettings{Method: "verlet", Steps: steps, Output: output})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Report.Stride != 143 || len(tr.Times) != 8 {
		t.Fatalf("stride %d, %d states; want 143 and 8", tr.Report.Stride, len(tr.Times))
	}
	ref, err := symplectic.Integrate(p.H, p.Z0, 0, p.T, steps, symplectic.Verlet)
	if err != nil {
		t.Fatal(err)
	}
	D := p.Dim()
	var maxErr float64
	for k := 0; k <= steps; k++ {
		maxErr = max(maxErr, math.Abs(p.H.H(ref.State(nil, k))-float64(tr.Report.Energy0)))
	}
	for i, tk := range tr.Times {
		k := min(143*i, steps)
		want := ref.State(nil, k)
		for j := range want {
			if got := tr.States[i*D+j]; got != want[j] {
				t.Errorf("state %d (step %d) component %d: %v, want %v", i, k, j, got, want[j])
			}
		}
		if tk != ref.Time(k) {
			t.Errorf("time %d: %v, want %v", i, tk, ref.Time(k))
		}
	}
	if float64(tr.Report.MaxEnergyError) != maxErr {
		t.Errorf("max energy error %v, want %v over every step", tr.Report.MaxEnergyError, maxErr)
	}
}

// A done context stops a fixed-step integration.
func TestIntegrateCancel(t *testing.T) {
	p, err := Load("nonlinear_oscillator")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Integrate(ctx, &IntegrateSettings{Method: "verlet", Steps: MaxEulerStep}); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	var se *SettingError
	if _, err := p.Integrate(context.Background(), &IntegrateSettings{Output: -1}); !errors.As(err, &se) || se.Name != "output" {
		t.Errorf("output -1: %v", err)
	}
}
