package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hnn-project/hnn/problems"
)

var suite = flag.Bool("suite", false, "TestUserSuite: solve every file of testdata/suite at --tol 1e-6 (about a minute)")

// TestUserSuite solves the user problems of testdata/suite (Hamiltonians
// that are not in the catalogue: anharmonic, double well, Morse, pendulum
// near its separatrix, Kepler in Cartesian and polar form, non-separable,
// coupled, Toda, a chain) with hnn solve --tol and checks that each exits
// 0 with the tolerance met and the certified bound held against the
// reference. CI runs two of them at 1e-4 (a few seconds); -suite runs all
// at 1e-6 and logs the table of wall times, bounds and actual errors.
func TestUserSuite(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "suite", "*.yaml"))
	if err != nil || len(files) < 10 {
		t.Fatalf("%d suite files, want at least 10 (%v)", len(files), err)
	}
	tol := "1e-6"
	if !*suite {
		if testing.Short() {
			t.Skip("solves two problems at --tol 1e-4")
		}
		tol = "1e-4"
		files = []string{filepath.Join("testdata", "suite", "morse.yaml"), filepath.Join("testdata", "suite", "kepler_polar.yaml")}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-22s %4s %8s %7s %10s %10s %6s\n", "problem", "dof", "windows", "K", "certified", "actual", "wall s")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			start := time.Now()
			code, _, stderr := hnn(t, "solve", f, "--tol", tol, "--plots", "none", "--quiet", "-o", dir)
			wall := time.Since(start).Seconds()
			if code != 0 {
				t.Errorf("exit %d: %s", code, stderr)
			}
			b, err := os.ReadFile(filepath.Join(dir, "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			var r problems.SolveReport
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			tr := r.Tolerance
			if tr == nil || !tr.Met || tr.Bound == nil || tr.Held == nil || !*tr.Held {
				t.Fatalf("tolerance %+v", tr)
			}
			if actual := float64(r.Network.MaxError); !(actual <= float64(*tr.Bound)) {
				t.Errorf("actual %.3g above the certified %.3g", actual, float64(*tr.Bound))
			}
			fmt.Fprintf(&table, "%-22s %4d %8d %7d %10.3g %10.3g %6.1f\n", name, len(r.Network.MaxAbsError)/2, len(r.Windows), r.Points, float64(*tr.Bound), float64(r.Network.MaxError), wall)
		})
	}
	t.Logf("hnn solve FILE --tol %s:\n%s", tol, table.String())
}

// The automatic mode draws the training of its windows, one after another
// (about 7 s: the double well of the tolerance issue, defaults).
func TestAutomaticLossChart(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a double well in the automatic mode")
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "dw.yaml")
	os.WriteFile(f, []byte("coordinates: [x]\nhamiltonian: px^2/2 + x^4/4 - x^2/2\ninitial: {x: 0.1, px: 0.3}\ntime: {end: 15, points: 200}\n"), 0o644)
	if code, _, stderr := hnn(t, "solve", f, "--plots", "svg", "--quiet", "-o", filepath.Join(dir, "o")); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "o", "loss.svg"))
	if err != nil || !strings.Contains(string(b), "windows, one after another") {
		t.Errorf("loss.svg: %v", err)
	}
}
