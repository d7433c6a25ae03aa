package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Bad sweep files exit 2 with one line naming the file and the key, and
// write nothing.
func TestSweepBadFiles(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"unknown axis key", "base: mass_spring\naxes: {solver.epoch: [1]}\n", []string{"bad.yaml", "axes.solver.epoch", `unknown key "epoch"`}},
		{"rejected value", "base: mass_spring\naxes: {solver.activation: [sin, cosh]}\n", []string{"bad.yaml", "axes.solver.activation", "task 1", "cosh"}},
		{"empty axis", "base: mass_spring\naxes: {initial.q: []}\n", []string{"bad.yaml", "axes.initial.q", "empty"}},
		{"too many tasks", "base: mass_spring\naxes:\n  initial.q: {linspace: [0, 1, 1001]}\n  solver.seed: {linspace: [1, 1000, 1000]}\n", []string{"bad.yaml", "axes", "1.001e+06 tasks"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile("bad.yaml", []byte(tc.text), 0o644)
			var out, errb bytes.Buffer
			code := Main(t.Context(), []string{"sweep", "plan", "bad.yaml", "-o", "sw"}, nil, &out, &errb)
			msg := errb.String()
			if code != exitUsage || strings.Count(msg, "\n") != 1 {
				t.Fatalf("exit %d, want 2 with one line:\n%s", code, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
			if _, err := os.Stat("sw"); !os.IsNotExist(err) {
				t.Errorf("sw was written: %v", err)
			}
		})
	}
}

// Ctrl-C in hnn sweep local keeps every finished task whole, publishes
// none half-done, exits 130, and the rerun does only the rest.
func TestSweepLocalInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a dozen networks")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("s.yaml", []byte("base: mass_spring\nset: {solver.epochs: 300, solver.polish_iterations: 200, solver.hidden: [16, 16]}\naxes: {solver.seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}\n"), 0o644)
	var out, errb bytes.Buffer
	if code := Main(t.Context(), []string{"sweep", "plan", "s.yaml", "-o", "sw"}, nil, &out, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	finished := func() []string {
		res, _ := filepath.Glob(filepath.Join(dir, "sw", "tasks", "*", "result.json"))
		return res
	}
	cmd, stderr := child(t, dir, "sweep", "local", "sw", "-j", "2")
	for end := time.Now().Add(2 * time.Minute); len(finished()) < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("no task finished in 2 minutes: %s", stderr)
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	stop := time.Now()
	if code := exitCode(cmd); code != exitInterrupted {
		t.Fatalf("exit %d, want 130: %s", code, stderr)
	}
	// Each task stops at its next epoch or polish iteration (a
	// millisecond); 2 s leaves room for a loaded machine.
	if d := time.Since(stop); d > 2*time.Second {
		t.Errorf("stopped %v after SIGINT", d)
	}
	kept := finished()
	dirs, _ := filepath.Glob(filepath.Join(dir, "sw", "tasks", "0*"))
	if len(dirs) != len(kept) || len(kept) == 12 {
		t.Fatalf("%d task folders, %d with a result, of 12: a folder without its result was published, or nothing was stopped", len(dirs), len(kept))
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "sw", "tasks", ".*.tmp-*"))
	if len(tmps) > 0 {
		t.Errorf("temporary folders left: %v", tmps)
	}
	out.Reset()
	errb.Reset()
	if code := Main(t.Context(), []string{"sweep", "local", "sw", "-j", "2"}, nil, &out, &errb); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errb.String())
	}
	if want := "12 tasks: " + strconv.Itoa(12-len(kept)) + " run, " + strconv.Itoa(len(kept)) + " skipped, 0 failed"; !strings.Contains(out.String(), want) {
		t.Errorf("rerun says %q, want %q", out.String(), want)
	}
}
