package errorbound

import (
	"context"
	"math"
	"testing"
)

// Project against Φ(t′, t)·e integrated directly from t: the harmonic
// oscillator's flow is a rotation, so an error keeps its size; the
// anharmonic oscillator's period depends on the energy, so an error
// across the energy shells grows linearly (the phase shear) while one
// along the orbit does not.
func TestAmplification(t *testing.T) {
	ctx := context.Background()
	a, err := NewAmplification(ctx, formula(t, "p^2/2 + q^2/2"), []float64{1, 0}, 4*math.Pi, 64)
	if err != nil {
		t.Fatal(err)
	}
	// DOP853 at 1e-9 over two periods: Φ orthogonal to about 1e-8.
	if g := a.Project(1, []float64{3e-7, 4e-7}); math.Abs(g-5e-7) > 1e-7*5e-7 {
		t.Errorf("harmonic: Project = %.12g, want 5e-7", g)
	}
	h := formula(t, "p^2/2 + q^2/2 + q^4/4")
	T := 20 * math.Pi
	z0 := []float64{1.3, 1}
	a, err = NewAmplification(ctx, h, z0, T, 256)
	if err != nil {
		t.Fatal(err)
	}
	// At t = 0 an error along the flow, J∇H(z0) = (p, −q − q³), stays on
	// the orbit; one along ∇H(z0) changes the energy and shears.
	along := []float64{1, -(1.3 + 1.3*1.3*1.3)}
	across := []float64{1.3 + 1.3*1.3*1.3, 1}
	for _, v := range [][]float64{along, across} {
		n := norm(v)
		v[0], v[1] = v[0]/n*1e-6, v[1]/n*1e-6
	}
	gAlong, gAcross := a.Project(0, along)/1e-6, a.Project(0, across)/1e-6
	t.Logf("anharmonic over ten periods: an error along the orbit grows %.3g×, across it %.3g×", gAlong, gAcross)
	if !(gAcross > 20) || !(gAlong < gAcross/4) {
		t.Errorf("anharmonic: growth %g along the orbit and %g across; want across > 20 and along well below it", gAlong, gAcross)
	}
	// At T nothing is left to amplify.
	if g := a.Project(T, across); math.Abs(g-1e-6) > 1e-15*1e-6 { // ‖e‖ up to rounding
		t.Errorf("Project(T, e) = %g, want ‖e‖ = 1e-6", g)
	}
}
