package hamiltonians

import "testing"

func TestUnitMass(t *testing.T) {
	for _, c := range []struct {
		h    string
		want bool
	}{
		{"p^2/2 + q^2/2 + q^4/4", true},
		{"0.5*p*p + cos(q)", true},
		{"(p^2)/2 - 1/q", true},
		{"p^2 + q^2", false},           // mass 1/2
		{"p^2/2 + p + q^2", false},     // linear term in p
		{"p^2/2*(1 + q^2)", false},     // not separable
		{"sqrt(1 + p^2) + q^2", false}, // relativistic kinetic energy
	} {
		f, err := Parse(c.h, []string{"q"}, []string{"p"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := UnitMass(f); got != c.want {
			t.Errorf("UnitMass(%s) = %v, want %v", c.h, got, c.want)
		}
	}
	hh, err := Parse("0.5*(px^2 + py^2) + 0.5*(x^2 + y^2) + x^2*y - y^3/3", []string{"x", "y"}, []string{"px", "py"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !UnitMass(hh) {
		t.Error("Hénon–Heiles is p²/2 + V(q)")
	}
	cross, err := Parse("0.5*(px^2 + py^2) + px*py + x^2", []string{"x", "y"}, []string{"px", "py"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if UnitMass(cross) {
		t.Error("a kinetic term px·py is not |p|²/2")
	}
}
