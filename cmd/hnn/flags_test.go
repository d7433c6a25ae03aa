package main

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

// Every usage line lists every flag of its command, and the commands that
// run for more than a moment share -o, --quiet and --json (and --plots
// where they draw, --seed where there is randomness).
func TestUsageListsEveryFlag(t *testing.T) {
	want := map[string]sharedFlag{
		"solve":     withOut | withPlots | withQuiet | withSeed | withJSON,
		"learn":     withOut | withPlots | withQuiet | withSeed | withJSON,
		"reproduce": withOut | withPlots | withQuiet | withSeed | withJSON,
		"bound":     withOut | withPlots | withQuiet | withJSON,
		"integrate": withOut | withPlots | withQuiet | withJSON,
		"bench":     withOut | withQuiet | withJSON,
	}
	for _, c := range commands {
		if w, ok := want[c.name]; ok && c.shared != w {
			t.Errorf("%s shares flags %b, want %b", c.name, c.shared, w)
		}
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		c.flags(fs)
		u := c.usage()
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(u, "-"+f.Name) {
				t.Errorf("usage of %s %q lacks -%s", c.name, u, f.Name)
			}
		})
	}
}

// --json prints report.json on stdout and nothing else.
func TestJSONOutput(t *testing.T) {
	t.Chdir(t.TempDir())
	os.WriteFile("small.yaml", []byte(smallProblem), 0o644)
	for _, args := range [][]string{
		{"integrate", "small.yaml", "--json", "--quiet", "--plots", "none"},
		{"solve", "small.yaml", "--json", "--quiet", "--plots", "none", "--epochs", "50", "--seed", "3"},
	} {
		code, out, stderr := hnn(t, args...)
		if code != 0 {
			t.Fatalf("hnn %v: exit %d: %s", args, code, stderr)
		}
		var rep map[string]any
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep["problem"] != "small" {
			t.Errorf("hnn %v: stdout is not the report: %v\n%s", args, err, out)
		}
		b, _ := os.ReadFile("out/small/report.json")
		if string(b) != out {
			t.Errorf("hnn %v: stdout differs from report.json", args)
		}
	}
}
