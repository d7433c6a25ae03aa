package main

import (
	"bytes"
	"github.com/hnn-project/hnn/internal/outdir"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hnn-project/hnn/internal/nn"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// childEnv makes the test binary run as hnn itself (TestMain), so that
// signals can be tested on a real process.
const childEnv = "HNN_TEST_AS_HNN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// child starts hnn with args in dir as a separate process.
func child(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// exitCode waits for cmd and returns its exit status.
func exitCode(cmd *exec.Cmd) int {
	cmd.Wait()
	return cmd.ProcessState.ExitCode()
}

// write writes files (name → contents) into the working directory.
func write(t *testing.T, files map[string]string) {
	t.Helper()
	for name, s := range files {
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const oscillator = "coordinates: [x]\nhamiltonian: px^2/2 + x^2/2\ninitial: {x: 1, px: 0}\ntime: {end: 3, points: 20}\nsolver: {hidden: [8], epochs: 100}\n"

const learnData = "learn:\n  file: data.txt\n  test_points: 1\n  energy_trajectories: 1\n  steps: 10\n  hidden: [4]\n"

// Each row of issue 16's table that bad input exercises: exit 2, one
// line naming the file (and key), before any work, nothing written.
func TestHardenedInput(t *testing.T) {
	learnFile := "coordinates: [x]\nhamiltonian: px^2/2 + x^2/2\n" + learnData
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		want  []string // substrings of stderr
	}{
		{"solve /dev/zero", nil, []string{"solve", "/dev/zero"}, []string{"/dev/zero", "more than 64 MiB"}},
		{"learn.file /dev/zero", map[string]string{"l.yaml": strings.Replace(learnFile, "data.txt", "/dev/zero", 1)},
			[]string{"learn", "l.yaml"}, []string{"/dev/zero", "longer than 1 MiB"}},
		{"learn data missing", map[string]string{"l.yaml": learnFile}, []string{"learn", "l.yaml"}, []string{"l.yaml", "learn.file", "data.txt"}},
		{"learn data text", map[string]string{"l.yaml": learnFile, "data.txt": "hello world\n"}, []string{"learn", "l.yaml"}, []string{"data.txt", "line 1", "columns"}},
		{"learn data NaN", map[string]string{"l.yaml": learnFile, "data.txt": "1 0 nan 0\n"}, []string{"learn", "l.yaml"}, []string{"data.txt", "column 3", "finite"}},
		{"learn data 3 columns", map[string]string{"l.yaml": learnFile, "data.txt": "1 0 1\n"}, []string{"learn", "l.yaml"}, []string{"data.txt", "3 columns"}},
		{"learn data time going back", map[string]string{"l.yaml": learnFile, "data.txt": "1 0 1 0\n1 -1 1 0\n"}, []string{"learn", "l.yaml"}, []string{"data.txt", "line 2", "does not increase"}},
		{"second YAML document", map[string]string{"p.yaml": oscillator + "---\nname: other\n"}, []string{"solve", "p.yaml"}, []string{"p.yaml", "second YAML document"}},
		{"time end 1e300", map[string]string{"p.yaml": strings.Replace(oscillator, "end: 3", "end: 1e300", 1)}, []string{"solve", "p.yaml"},
			[]string{"p.yaml", "time.end", "6e+300 steps", "limit is 10000000"}},
		{"hidden [4096, 4096, 4096]", map[string]string{"p.yaml": strings.Replace(oscillator, "hidden: [8]", "hidden: [4096, 4096, 4096]", 1)}, []string{"solve", "p.yaml"},
			[]string{"p.yaml", "solver", "33579010 parameters", "limit is 2000000", "GB of memory"}},
		{"-o an existing file", map[string]string{"p.yaml": oscillator, "afile": ""}, []string{"solve", "p.yaml", "-o", "afile"}, []string{"output directory afile", "not a directory"}},
		{"-o under a file", map[string]string{"p.yaml": oscillator, "afile": ""}, []string{"solve", "p.yaml", "-o", "afile/sub"}, []string{"output directory afile/sub"}},
		{"-o under /proc", map[string]string{"p.yaml": oscillator}, []string{"solve", "p.yaml", "-o", "/proc/hnn-test-out"}, []string{"output directory /proc/hnn-test-out"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			write(t, c.files)
			start := time.Now()
			code, stdout, stderr := hnn(t, c.args...)
			if code != exitUsage {
				t.Errorf("exit status %d, want %d; stderr %q", code, exitUsage, stderr)
			}
			// Refused before any work: a bounded read of 64 MiB at most.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "hnn: error: ") {
				t.Errorf("not one error line: %q", stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if _, err := os.Stat("out"); err == nil {
				t.Error("an output directory was created")
			}
		})
	}
}

// A model.json with an edited layers field is refused, as bad input.
func TestBoundEditedLayers(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, map[string]string{"p.yaml": oscillator})
	if code, _, stderr := hnn(t, "solve", "p.yaml", "-o", "run", "--plots", "none"); code != 0 {
		t.Fatal(stderr)
	}
	b, err := os.ReadFile("run/model.json")
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(b, []byte("\"layers\": [\n  1,\n  8,"), []byte("\"layers\": [\n  1,\n  9,"), 1)
	if bytes.Equal(edited, b) {
		t.Fatal("layers field not found")
	}
	os.WriteFile("edited.json", edited, 0o644)
	code, _, stderr := hnn(t, "bound", "edited.json", "-o", "b")
	if code != exitUsage || !strings.Contains(stderr, "edited.json") || !strings.Contains(stderr, "layers [1 9 2]") {
		t.Errorf("code %d, stderr %q", code, stderr)
	}
}

// A learned hnn.json whose name is a path is refused: no file lands
// outside the output directory.
func TestLearnedNameEscape(t *testing.T) {
	root := t.TempDir()
	work := filepath.Join(root, "a", "b")
	os.MkdirAll(work, 0o755)
	t.Chdir(work)
	net, err := nn.New(nn.Arch{In: 2, Hidden: []int{3}, Out: 1, Act: nn.Tanh})
	if err != nil {
		t.Fatal(err)
	}
	h, err := solver.NewLearned(net)
	if err != nil {
		t.Fatal(err)
	}
	p := &problems.Problem{Name: "osc", Coordinates: []string{"x"}, Momenta: []string{"px"}}
	b, err := problems.SaveLearned(p, h, []float64{1, 0}, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to, key string }{
		{`"name": "osc_hnn"`, `"name": "../../escape2"`, "name"},
		{`"px"`, `"x"`, "momenta"},
		{`"px"`, `"p/x"`, "momenta"},
	} {
		os.WriteFile("hnn.json", bytes.Replace(b, []byte(c.from), []byte(c.to), 1), 0o644)
		code, _, stderr := hnn(t, "integrate", "hnn.json", "--plots", "none")
		if code != exitUsage || !strings.Contains(stderr, "hnn.json: "+c.key) {
			t.Errorf("%s: code %d, stderr %q", c.to, code, stderr)
		}
	}
	for _, d := range []string{filepath.Join(root, "escape2"), filepath.Join(root, "a", "escape2"), "out"} {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("%s was written", d)
		}
	}
	// The file as saved integrates into out/osc_hnn.
	os.WriteFile("hnn.json", b, 0o644)
	if code, _, stderr := hnn(t, "integrate", "hnn.json", "--plots", "none"); code != 0 {
		t.Errorf("saved hnn.json: %s", stderr)
	}
	if _, err := os.Stat("out/osc_hnn/trajectory.csv"); err != nil {
		t.Error(err)
	}
}

// solver.target_error not reached: one line saying so, exit 3.
func TestTargetNotReached(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, map[string]string{"p.yaml": strings.Replace(oscillator, "epochs: 100", "epochs: 100, target_error: 1e-30", 1)})
	code, out, stderr := hnn(t, "solve", "p.yaml", "--plots", "none")
	if code != exitCheck || !strings.Contains(stderr, "target not reached") || !strings.Contains(stderr, "1e-30") {
		t.Errorf("code %d, stderr %q", code, stderr)
	}
	if !strings.Contains(out, "target not reached") {
		t.Errorf("the report does not say so:\n%s", out)
	}
}

// Two runs into one folder: the second exits 2 naming the first; a run
// replaces the folder's previous outputs as a whole.
func TestOutputFolderLockAndReplace(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	two := "coordinates: [x, y]\nhamiltonian: (px^2 + py^2)/2 + (x^2 + y^2)/2\ninitial: {x: 1, y: 0, px: 0, py: 1}\ntime: {end: 3, points: 20}\nsolver: {hidden: [8], epochs: 50}\n"
	write(t, map[string]string{
		"one.yaml":  oscillator,
		"two.yaml":  two,
		"long.yaml": strings.Replace(oscillator, "epochs: 100", "epochs: 10000000", 1),
	})
	if code, _, stderr := hnn(t, "solve", "two.yaml", "-o", "o"); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat("o/orbit.png"); err != nil {
		t.Fatal("a 2-DOF run draws an orbit: ", err)
	}
	if code, _, stderr := hnn(t, "solve", "one.yaml", "-o", "o"); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat("o/orbit.png"); err == nil {
		t.Error("the 2-DOF run's orbit.png is left beside the 1-DOF run's outputs")
	}

	cmd, errb := child(t, dir, "solve", "long.yaml", "-o", "o", "--plots", "none")
	defer cmd.Process.Kill()
	// The first run holds the folder from its start; wait until it does.
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile("o/.hnn")
		if bytes.Contains(b, []byte("pid "+strconv.Itoa(cmd.Process.Pid))) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, _, stderr := hnn(t, "solve", "one.yaml", "-o", "o")
	if code != exitUsage || !strings.Contains(stderr, "in use by another hnn run (pid "+strconv.Itoa(cmd.Process.Pid)+")") {
		t.Errorf("second run: code %d, stderr %q", code, stderr)
	}
	cmd.Process.Signal(os.Interrupt)
	if c := exitCode(cmd); c != exitInterrupted {
		t.Errorf("first run: exit %d, stderr %q", c, errb)
	}
}

// SIGINT or SIGTERM in any phase: exit 130 within 2 s, the model written
// (a real child process; errorbound.TestAssessInterrupted covers each
// assessment stage deterministically).
func TestSignalsInEveryPhase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	// Training takes a moment, the assessment seconds: a certificate on
	// 40 000 intervals, then symplectic Euler at 4·10^7 steps.
	write(t, map[string]string{
		"train.yaml":  strings.Replace(oscillator, "epochs: 100", "epochs: 10000000", 1),
		"assess.yaml": "coordinates: [x]\nhamiltonian: px^2/2 + x^2/2 + x^4/4\ninitial: {x: 1, px: 0}\ntime: {end: 100, points: 2000}\nsolver: {hidden: [16], epochs: 1}\ncompare: {euler_factors: [1, 20000]}\n",
		"int.yaml":    "coordinates: [x]\nhamiltonian: px^2/2 + x^2/2 + x^4/4\ninitial: {x: 1, px: 0}\ntime: {end: 30000, points: 20000}\n",
	})
	cases := []struct {
		name  string
		args  []string
		delay time.Duration
		sig   os.Signal
		want  string // in stderr
		model bool   // model.json written
	}{
		{"SIGINT in training", []string{"solve", "train.yaml"}, 500 * time.Millisecond, os.Interrupt, "interrupted in training", true},
		{"SIGTERM in training", []string{"solve", "train.yaml"}, 500 * time.Millisecond, syscall.SIGTERM, "interrupted in training", true},
		{"SIGINT early in the assessment", []string{"solve", "assess.yaml"}, 300 * time.Millisecond, os.Interrupt, "interrupted in the assessment", true},
		{"SIGINT late in the assessment", []string{"solve", "assess.yaml"}, 2500 * time.Millisecond, os.Interrupt, "interrupted in the assessment", true},
		{"SIGTERM in the assessment", []string{"solve", "assess.yaml"}, time.Second, syscall.SIGTERM, "interrupted in the assessment", true},
		{"SIGINT in integrate", []string{"integrate", "int.yaml"}, 200 * time.Millisecond, os.Interrupt, "interrupted", false},
		// 10^8 Verlet steps take about 15 s and keep 10^5 states.
		{"SIGTERM in a fixed-step integrate", []string{"integrate", "int.yaml", "--method", "verlet", "--steps", "100000000"}, 500 * time.Millisecond, syscall.SIGTERM, "interrupted", false},
	}
	for i, c := range cases {
		out := filepath.Join(dir, "o"+strconv.Itoa(i))
		cmd, errb := child(t, dir, append(c.args, "-o", out, "--plots", "none")...)
		time.Sleep(c.delay)
		sent := time.Now()
		cmd.Process.Signal(c.sig)
		code := exitCode(cmd)
		took := time.Since(sent)
		t.Logf("%s: exit %d after %v: %s", c.name, code, took.Round(time.Millisecond), strings.TrimSpace(errb.String()))
		if code != exitInterrupted || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q", c.name, code, errb)
		}
		if took > 2*time.Second {
			t.Errorf("%s: exited %v after the signal", c.name, took)
		}
		if _, err := os.Stat(filepath.Join(out, "model.json")); c.model && err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestHelpHelp(t *testing.T) {
	code, out, stderr := hnn(t, "help", "help")
	if code != 0 || !strings.Contains(out, "Usage: hnn help [COMMAND]") || stderr != "" {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// bench and reproduce claim their output folder like the others: a held
// folder is exit 2 before any work.
func TestBenchReproduceLockFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	held, err := outdir.Claim("o")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	for _, args := range [][]string{{"bench", "-o", "o"}, {"reproduce", "--quick", "-o", "o"}} {
		code, _, stderr := hnn(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "in use by another hnn run") {
			t.Errorf("%v: code %d, stderr %q", args, code, stderr)
		}
	}
}
