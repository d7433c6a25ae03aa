package problems

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/solver"
)

// Every documented solver.* and compare.* key, set to a value other than
// its default, changes the run: the trained model, its training record or
// the assessment's settings. (A key that is validated but dropped on the
// way to the solver, as solver.init once was, fails here.)
func TestEveryKeyChangesTheRun(t *testing.T) {
	type outcome struct {
		training solver.Training
		z        []float64
		factors  []int
	}
	// run trains a small problem with the solver section's keys in order,
	// later ones replacing earlier ones.
	run := func(compare string, keys ...string) outcome {
		t.Helper()
		var order []string
		val := map[string]string{}
		for _, kv := range append([]string{"hidden: [8]", "epochs: 100", "seed: 1"}, keys...) {
			k, _, _ := strings.Cut(kv, ":")
			if _, seen := val[k]; !seen {
				order = append(order, k)
			}
			val[k] = kv
		}
		var sec []string
		for _, k := range order {
			sec = append(sec, val[k])
		}
		src := fmt.Sprintf("coordinates: [x]\nmomenta: [p]\nhamiltonian: p^2/2 + x^2/2 + x^4/4\ninitial: {x: 1, p: 0}\ntime: {end: 2, points: 20}\nsolver: {%s}\ncompare: {%s}\n", strings.Join(sec, ", "), compare)
		p, err := Parse([]byte(src), "keys.yaml", "keys")
		if err != nil {
			t.Fatal(err)
		}
		sol, err := solver.Solve(context.Background(), p.Problem, &p.Solver, nil)
		if err != nil {
			t.Fatal(err)
		}
		tr := sol.Training
		tr.Seconds, tr.Loss = 0, nil
		return outcome{training: tr, z: sol.At(nil, 1.5), factors: p.Compare.Factors()}
	}
	for _, c := range []struct {
		base []string // the run compared with, when not the defaults
		key  string
	}{
		{nil, "hidden: [9]"},
		{nil, "activation: tanh"},
		{nil, "init: glorot"},
		{nil, "trial: linear"},
		{nil, "formulation: lagrangian"},
		{nil, "epochs: 101"},
		{nil, "learning_rate: 1e-3"},
		{nil, "final_learning_rate: 1e-3"},
		{nil, "beta1: 0.9"},
		{nil, "beta2: 0.99"},
		{nil, "jitter: 0"},
		{nil, "energy_weight: 1"},
		{nil, "seed: 2"},
		{nil, "target_error: 100"},
		{[]string{"target_error: 100"}, "target_bound: certified"},
		{nil, "polish_iterations: 5"},
		{[]string{"polish_iterations: 5"}, "polish_method: lm"},
	} {
		if got, want := run("", append(c.base, c.key)...), run("", c.base...); reflect.DeepEqual(got, want) {
			t.Errorf("solver.%s: the run did not change", c.key)
		}
	}
	if got, want := run("euler_factors: [2]"), run(""); reflect.DeepEqual(got, want) {
		t.Errorf("compare.euler_factors: the assessment's settings did not change")
	}
}
