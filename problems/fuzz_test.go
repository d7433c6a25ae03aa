package problems

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/hnn-project/hnn/solver"
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

// FuzzModel checks that no model file makes the model reader panic or hang
// and that what it accepts saves and reads back unchanged. The seed
// corpus is a model saved after one epoch, and edits of it.
func FuzzModel(f *testing.F) {
	p, err := Catalogued("nonlinear_oscillator")
	if err != nil {
		f.Fatal(err)
	}
	sol, err := solver.Solve(context.Background(), p.Problem, &solver.Settings{Hidden: []int{3}, Epochs: 1}, nil)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := sol.Save(&b); err != nil {
		f.Fatal(err)
	}
	model := b.Bytes()
	f.Add(model)
	for _, edit := range [][2]string{
		{`"hidden": [`, `"hidden": [4096, 4096, `},
		{`"layers": [`, `"layers": [2, `},
		{`"params": [`, `"params": [1e999, `},
		{`"points": `, `"points": -`},
		{`hnn-model/1`, `hnn-model/2`},
		{`"epochs"`, `"epochs": 1, "x"`},
		{`"problem": "`, `"problem": "---\n`},
	} {
		f.Add(bytes.Replace(model, []byte(edit[0]), []byte(edit[1]), 1))
	}
	f.Add([]byte(`{"format": "hnn-model/1", "problem": "", "params": []}`))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, sol, err := parseModel(data, "fuzz.json")
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || err.Error() == "" {
				t.Fatalf("not a problems.Error: %T %v", err, err)
			}
			return
		}
		// What is accepted saves and reads back to the same weights.
		var b bytes.Buffer
		if err := sol.Save(&b); err != nil {
			t.Fatalf("accepted model does not save: %v", err)
		}
		_, again, err := parseModel(b.Bytes(), "again.json")
		if err != nil {
			t.Fatalf("saved model does not read back: %v", err)
		}
		if !slices.Equal(sol.Params(), again.Params()) || again.Problem.K != p.K {
			t.Fatal("saved model reads back different")
		}
	})
}

// FuzzObservations checks that no data file makes the learn data reader
// panic or hang, and that what it accepts keeps its promises: whole
// trajectories of increasing, finite times and finite states.
func FuzzObservations(f *testing.F) {
	for _, s := range []string{
		"1 0 1 0\n1 0.1 0.9 -0.1\n1 0.2 0.8 -0.2\n",
		"% o v\n# comment\n1,0,1,0\n1;0.1;1;0\n2\t0\t1\t0\n",
		"1 0 1 0\n1 0 1 0\n1 -1 1 1\n",
		"1 0 nan 1\n", "1 0 1\n", "1 0 1 0\n2 0 1 0\n1 1 1 0\n",
		"hello world\n", "", "\x00\x00\x00",
	} {
		f.Add([]byte(s), uint8(2))
	}
	f.Add([]byte("7 0 1 2 3 4\n7 1 1 2 3 4\n7 2 1 2 3 4\n"), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, d uint8) {
		D := 2 * (1 + int(d)%3)
		obs, err := readObservations(bytes.NewReader(data), "fuzz.txt", D)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || err.Error() == "" {
				t.Fatalf("not a problems.Error: %T %v", err, err)
			}
			return
		}
		rows := 0
		for i, tr := range obs.Trajectories {
			if len(tr.X) != len(tr.T)*D || tr.Start != rows {
				t.Fatalf("trajectory %d: %d times, %d values, start %d after %d rows", i, len(tr.T), len(tr.X), tr.Start, rows)
			}
			for k := range tr.T {
				if math.IsInf(tr.T[k], 0) || math.IsNaN(tr.T[k]) || k > 0 && !(tr.T[k] > tr.T[k-1]) {
					t.Fatalf("trajectory %d: times %v", i, tr.T)
				}
			}
			for _, v := range tr.X {
				if math.IsInf(v, 0) || math.IsNaN(v) {
					t.Fatalf("trajectory %d: state value %v", i, v)
				}
			}
			rows += len(tr.T)
		}
		if rows < 3 {
			t.Fatalf("%d rows accepted", rows)
		}
		ds := obs.differences(D)
		if ds.N != rows-len(obs.Trajectories) {
			t.Fatalf("%d differences of %d rows in %d trajectories", ds.N, rows, len(obs.Trajectories))
		}
	})
}
