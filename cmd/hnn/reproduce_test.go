package main

import (
	"bytes"
	"context"
	"github.com/hnn-project/hnn/internal/chart"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// hnn reproduce --quick runs every experiment end to end (about a minute on
// two cores) and REPORT.md embeds every figure, each embedded figure
// exists, and the papers' numbers stand in its tables.
func TestReproduce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every experiment of the papers in quick mode (about a minute)")
	}
	dir := t.TempDir()
	if d := os.Getenv("HNN_REPRODUCE_DIR"); d != "" {
		dir = d // keep the output to look at
	}
	code, stdout, stderr := hnn(t, "reproduce", "--quick", "--plots", "svg", "-o", dir)
	if code != 0 {
		t.Fatalf("reproduce: exit %d\n%s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("progress written when not on a terminal: %q", stderr)
	}
	md, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)
	imgs := regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllStringSubmatch(report, -1)
	// Fig. 2, 5 (one each), 3, 4 (two each, and the windowed solver's
	// errors beside Fig. 4), 6 (three), 7 (three, and the windowed
	// solver's errors), the Lagrangian (one), four Table 1 tasks and the
	// three-body task (an overview each), the pixel pendulum (frames,
	// energy, latent).
	if len(imgs) != 23 {
		t.Errorf("REPORT.md embeds %d figures, want 23", len(imgs))
	}
	for _, m := range imgs {
		if filepath.IsAbs(m[1]) {
			t.Errorf("figure %s: not a relative path", m[1])
		}
		b, err := os.ReadFile(filepath.Join(dir, m[1]))
		if err != nil || !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("figure %s: missing or not an SVG (%v)", m[1], err)
		}
	}
	for _, want := range []string{
		"Fig. 2", "Fig. 3", "Fig. 4", "Fig. 5", "Fig. 6", "Fig. 7", "Eq. 11–12", "Table 1", "three-body",
		"| ℓmax | 3.3e-3 |", `| bound ℓmax/σmin on \|δx\|, \|δp\| | 3.3e-3 |`, "| E0 = H(z0) | 2.06 | 2.06 |", "| E0 = H(z0) | 0.13 |",
		"about 2", "170 ± 20", "6.3e4 ± 3e4", "1.1e4 ± 8e3",
		"differs by more than 2×", "experiments finished: 10 of 10",
		"Table 1, row 5: the pixel pendulum",
		"| | paper's single network (`paper_fig4`) | windowed solver (`oscillator_long`) |",
		"| | paper's single network (`paper_fig7`) | windowed solver (`henon_heiles_long`) |",
		"| windows | 1 |", "| HNN | 19 ± .2 |", "9.3 ± 1", "pixel pendulum steps ÷ 25",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("REPORT.md lacks %q", want)
		}
	}
	for _, sub := range []string{"paper_fig3", "oscillator_long", "henon_heiles_long", "paper_eq12_lagrangian", "learn_two_body", "learn_pixel_pendulum"} {
		if _, err := os.Stat(filepath.Join(dir, sub, "report.json")); err != nil {
			t.Errorf("%s/report.json: %v", sub, err)
		}
	}
	if !strings.Contains(stdout, "REPORT.md (10 of 10 experiments") {
		t.Errorf("stdout %q", stdout)
	}
}

// A cancelled run writes the report of what finished and exits 130.
func TestReproduceInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"reproduce", "-o", dir}, strings.NewReader(""), &out, &errb)
	if code != exitInterrupted {
		t.Fatalf("code %d, stderr %q", code, errb.String())
	}
	md, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if err != nil || !strings.Contains(string(md), "**Interrupted**") {
		t.Errorf("REPORT.md after an interrupt: %v\n%s", err, md)
	}
}

func TestReproduceBadInput(t *testing.T) {
	for _, args := range [][]string{{"reproduce", "extra"}, {"reproduce", "--plots", "none"}, {"reproduce", "--frob"}} {
		code, _, stderr := hnn(t, args...)
		if code != exitUsage || !strings.HasPrefix(stderr, "hnn: error: reproduce") {
			t.Errorf("hnn %v: code %d, stderr %q", args, code, stderr)
		}
	}
}

// solver.formulation: a bad value and lagrangian with an H that is not
// |p|²/2 + V(q) are bad input (exit 2, the key named, nothing written); a
// Lagrangian run of hnn solve works end to end.
func TestSolveFormulation(t *testing.T) {
	t.Chdir(t.TempDir())
	const base = "coordinates: [x]\nmomenta: [p]\nhamiltonian: p^2/2 + x^2/2 + x^4/4\ninitial: {x: 1.3, p: 1}\ntime: {end: 3, points: 30}\n"
	for _, c := range []struct {
		name, file string
		want       []string
	}{
		{"bad value", base + "solver: {formulation: newtonian}\n", []string{"in.yaml", "solver.formulation", `"newtonian"`}},
		{"non-separable", strings.Replace(base, "p^2/2 + x^2/2", "p^2/2*(1 + x^2) + x^2/2", 1) + "solver: {formulation: lagrangian}\n", []string{"in.yaml", "solver.formulation", "|p|²/2 + V(q)"}},
		{"not unit mass", strings.Replace(base, "p^2/2", "p^2", 1) + "solver: {formulation: lagrangian}\n", []string{"solver.formulation", "|p|²/2 + V(q)"}},
	} {
		if err := os.WriteFile("in.yaml", []byte(c.file), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := hnn(t, "solve", "in.yaml", "--plots", "none")
		if code != exitUsage || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q", c.name, code, stdout)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", c.name, stderr, w)
			}
		}
		if _, err := os.Stat("out"); err == nil {
			t.Errorf("%s: an output directory was created", c.name)
		}
	}
	good := base + "solver: {formulation: lagrangian, hidden: [8], epochs: 50}\ncompare: {euler_factors: [1]}\n"
	if err := os.WriteFile("lag.yaml", []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := hnn(t, "solve", "lag.yaml", "--plots", "none", "-o", "lag")
	if code != 0 && !uncertified(code, stderr) || !strings.Contains(stdout, "data-free Lagrangian") {
		t.Fatalf("lagrangian solve: exit %d\n%s%s", code, stdout, stderr)
	}
	// The saved model reloads with its formulation: hnn bound evaluates it.
	if code, _, stderr := hnn(t, "bound", filepath.Join("lag", "model.json")); code != 0 && code != exitCheck {
		t.Errorf("bound on the Lagrangian model: exit %d, %s", code, stderr)
	}
}

// The pictures reproduce adds to hnn solve's render to SVG: for a finite
// run every curve is drawn; when symplectic Euler overflows (a stiff
// quartic potential and steps of 0.5 and 0.25) its curves are left out and
// the network's is still drawn.
func TestPaperCharts(t *testing.T) {
	for _, c := range []struct {
		name, h string
		curves  int // network + one Euler run per factor, if finite
	}{
		{"finite", "p^2/2 + x^2/2 + x^4/4", 3},
		{"euler blows up", "p^2/2 + 100*x^4", 1},
	} {
		src := "coordinates: [x]\nmomenta: [p]\nhamiltonian: " + c.h + "\ninitial: {x: 1.3, p: 1}\ntime: {end: 3, points: 6}\nsolver: {hidden: [4], epochs: 5}\n"
		p, err := problems.Parse([]byte(src), "in.yaml", "in")
		if err != nil {
			t.Fatal(err)
		}
		sol, err := solver.Solve(context.Background(), p.Problem, &p.Solver, nil)
		if err != nil {
			t.Fatal(err)
		}
		set := p.Compare
		set.EulerFactors = []int{1, 2}
		a, err := sol.Assess(context.Background(), &set)
		if err != nil {
			t.Fatal(err)
		}
		charts, err := paperCharts(p, sol, a, []int{1, 2})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n := len(charts["error_phase"].Series); n != c.curves {
			t.Errorf("%s: %d curves in the error phase space, want %d", c.name, n, c.curves)
		}
		files := map[string][]byte{}
		if _, err := chart.Figures("svg", charts, nil, files); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, n := range []string{"error_phase.svg", "positions.svg"} {
			if !bytes.Contains(files[n], []byte("<svg")) {
				t.Errorf("%s: %s not rendered", c.name, n)
			}
		}
	}
}
