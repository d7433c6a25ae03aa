package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// slurmUp reports whether a Slurm cluster answers (.ci/run starts one,
// .ci/slurm-up on any Debian machine as root).
func slurmUp() bool {
	out, err := exec.Command("sinfo", "-h", "-o", "%a").Output()
	return err == nil && strings.Contains(string(out), "up")
}

// The sweep on a real Slurm (issue 18's integration test): plan six
// tasks, submit the printed array, cancel one task while it runs (its
// folder stays absent, its run says it stopped), resubmit (it completes,
// the others skip), resubmit again (all skip), and collect with the
// dependent job.
func TestSweepSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a Slurm job array")
	}
	if !slurmUp() {
		if os.Getenv("SLURM_CONF") != "" {
			// .ci/run exports SLURM_CONF only after slurm-up saw the node idle.
			t.Fatalf("SLURM_CONF=%s is set but sinfo does not answer", os.Getenv("SLURM_CONF"))
		}
		t.Skip("no Slurm cluster (CI starts one with .ci/slurm-up)")
	}
	start := time.Now()
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sweepFile := filepath.Join(dir, "amp.yaml")
	// About 3 s a task: long enough to cancel one mid-run.
	os.WriteFile(sweepFile, []byte("base: mass_spring\nset: {solver.epochs: 2000, solver.polish_iterations: 300}\naxes:\n  initial.q: [0.5, 1, 1.5]\n  solver.seed: [1, 2]\n"), 0o644)
	sw := filepath.Join(dir, "sweep")
	hnn := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(t.Context(), args, nil, &out, &errb); code != 0 {
			t.Fatalf("hnn %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
		}
		return out.String()
	}
	hnn("sweep", "plan", sweepFile, "-o", sw)
	script := filepath.Join(dir, "sweep.sh")
	os.WriteFile(script, []byte(hnn("sweep", "slurm", sw, "--hnn", exe)), 0o644)
	collect := filepath.Join(dir, "collect.sh")
	os.WriteFile(collect, []byte(hnn("sweep", "slurm", sw, "--collect", "--hnn", exe)), 0o644)

	env := append(os.Environ(), childEnv+"=1") // the test binary runs as hnn
	slurm := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	log := func(job string, index int) string {
		b, _ := os.ReadFile(filepath.Join(sw, "logs", fmt.Sprintf("%s_%d.log", job, index)))
		return string(b)
	}
	waitFor := func(what string, limit time.Duration, ok func() bool) {
		t.Helper()
		for end := time.Now().Add(limit); !ok(); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("timed out after %v waiting for %s", limit, what)
			}
		}
	}

	// 1. Submit, and cancel task 3 once it has run for a second.
	job := slurm("sbatch", "--parsable", script)
	waitFor("task 3 to run", 3*time.Minute, func() bool {
		return slurm("squeue", "-h", "-j", job+"_3", "-t", "RUNNING", "-o", "%i") != ""
	})
	time.Sleep(time.Second)
	slurm("scancel", job+"_3")
	waitFor("the array to end", 3*time.Minute, func() bool { return slurm("squeue", "-h", "-j", job, "-o", "%i") == "" })
	if _, err := os.Stat(filepath.Join(sw, "tasks", "000003")); !os.IsNotExist(err) {
		t.Fatalf("task 3 was cancelled mid-run but its folder is there (%v)", err)
	}
	if l := log(job, 3); !strings.Contains(l, "stopped: task 3 was not published") {
		t.Errorf("task 3's log does not say it stopped on SIGTERM:\n%s", l)
	}
	var out, errb bytes.Buffer
	if code := Main(t.Context(), []string{"sweep", "status", sw}, nil, &out, &errb); code != exitCheck || !strings.Contains(out.String(), "missing:  3\n") {
		t.Fatalf("status after the cancel: exit %d\n%s%s", code, out.String(), errb.String())
	}

	// 2. Resubmit: task 3 runs, the others skip.
	job2 := strings.Fields(slurm("sbatch", "--parsable", "--wait", script))[0]
	for i := range 6 {
		want := "skipped"
		if i == 3 {
			want = "task 3: done in"
		}
		if l := log(job2, i); !strings.Contains(l, want) {
			t.Errorf("second submission, task %d: want %q in its log:\n%s", i, want, l)
		}
	}
	// 3. Resubmit again: everything skips.
	job3 := strings.Fields(slurm("sbatch", "--parsable", "--wait", script))[0]
	for i := range 6 {
		if l := log(job3, i); !strings.Contains(l, "skipped") {
			t.Errorf("third submission, task %d did not skip:\n%s", i, l)
		}
	}
	// 4. The collect job, after the array.
	// sbatch --wait's status is not the collect job's when a dependency
	// fails: judge it by its output.
	cmd := exec.Command("sbatch", "--wait", "--dependency=afterany:"+job3, collect)
	cmd.Env = env
	cmd.Run()
	b, err := os.ReadFile(filepath.Join(sw, "summary.csv"))
	if err != nil {
		logs, _ := filepath.Glob(filepath.Join(sw, "logs", "collect_*.log"))
		for _, l := range logs {
			c, _ := os.ReadFile(l)
			t.Logf("%s:\n%s", l, c)
		}
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(rows) != 7 || strings.Count(string(b), ",done,") != 6 {
		t.Fatalf("summary.csv: want a header and 6 done rows:\n%s", b)
	}
	t.Logf("Slurm integration: %.1f s", time.Since(start).Seconds())
}
