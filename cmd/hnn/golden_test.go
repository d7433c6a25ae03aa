package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// timings matches the wall times in printed reports ("5.9 s", "2.59
// ms/epoch"): they differ from run to run, everything else must not.
var timings = regexp.MustCompile(`\b\d+(\.\d+)?(e[-+]?\d+)? (s|ms/epoch|ms/polish iteration)\b`)

// learnTimes matches the two time columns at the end of a learn table's
// model rows.
var learnTimes = regexp.MustCompile(`(?m)^(  (baseline|HNN) .*?)\s+\S+\s+\S+$`)

// TestGolden compares what hnn solve and hnn learn print, timings masked,
// with testdata/*.golden; run go test ./cmd/hnn -run Golden -update after
// an intended change of the text.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		name, file, src string
		args            []string
	}{
		{"solve", "small.yaml", smallProblem, []string{"solve", "small.yaml", "--plots", "none"}},
		{"learn", "small_learn.yaml", smallLearn, []string{"learn", "small_learn.yaml", "--plots", "none"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden, err := filepath.Abs(filepath.Join("testdata", c.name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			t.Chdir(t.TempDir())
			if err := os.WriteFile(c.file, []byte(c.src), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := hnn(t, c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got := learnTimes.ReplaceAllString(timings.ReplaceAllString(out, "T $3"), "$1 T T")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("hnn %s prints\n%s\nwant (testdata/%s.golden)\n%s", strings.Join(c.args, " "), got, c.name, want)
			}
		})
	}
}
