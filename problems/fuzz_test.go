package problems

import (
	"testing"
)

// FuzzParse checks that no input makes the loader panic or hang, and that
// what it accepts is consistent.
func FuzzParse(f *testing.F) {
	for _, name := range catalogNames() {
		b, _ := CatalogYAML(name)
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"coordinates: [x]\nhamiltonian: px^2/2\ninitial: {x: 1, px: 0}\ntime: {end: 1, points: 2}\n",
		"coordinates: [x]\nhamiltonian: px^2/2 + 1/x\ninitial: {x: 0, px: 0}\ntime: {end: 1, points: 2}\n",
		"coordinates: [x, x]\n",
		"a: &a [*a]\n",
		"coordinates: [x]\nparameters: {g: 1/0}\n",
		"time: {end: 1e999}\n",
		"solver: {hidden: [[1]]}\n",
		"initial: [1, 2]\n",
		"{{{{",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.yaml", "fuzz")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if len(p.Momenta) != len(p.Coordinates) {
			t.Fatalf("inconsistent problem accepted: %+v", p)
		}
		if p.Learn != nil && p.Z0 == nil { // a learn task needs no initial state
			if p.Learn.TestTrajectories >= p.Learn.Trajectories || p.Learn.RadiusLo <= 0 {
				t.Fatalf("inconsistent learn section accepted: %+v", p.Learn)
			}
			return
		}
		if len(p.Z0) != p.Dim() || p.K < 2 || !(p.T > 0) {
			t.Fatalf("inconsistent problem accepted: %+v", p)
		}
		g := make([]float64, p.Dim())
		p.H.Grad(g, p.Z0)
	})
}
