package main

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/hnn-project/hnn/internal/outdir"
	"path/filepath"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// interruptGrace is how long the assessment of the model so far may run
// after a Ctrl-C in training: the process must end within 2 s of it.
const interruptGrace = 1500e6 // ns, 1.5 s

// writeModel writes model.json, the first output of a solve. A model
// that cannot be saved (not finite) is left to the assessment to report.
func writeModel(out *outdir.Folder, sol *solver.Solution) error {
	var model bytes.Buffer
	if err := sol.Save(&model); err != nil {
		return nil
	}
	return out.Write(map[string][]byte{"model.json": model.Bytes()})
}

// interrupted ends a run whose assessment a Ctrl-C stopped (exit 130),
// saying what was written.
func interrupted(dir string, a *errorbound.Assessment) error {
	what := "wrote everything else; the report lacks that stage and the ones after it"
	if a.Grid == nil {
		what = fmt.Sprintf("wrote the model only; 'hnn bound %s' computes its report", filepath.Join(dir, "model.json"))
	}
	return &exitError{code: exitInterrupted, err: fmt.Errorf("interrupted in the assessment (%s): %s", a.Interrupted, what)}
}

// claimFor prints the problem's warnings on stderr and claims the output
// folder dir for it (outdir.Claim), before any work; a folder that
// cannot be used is bad input.
func claimFor(e *env, p *problems.Problem, dir string) (*outdir.Folder, error) {
	for _, w := range p.Warnings {
		fmt.Fprintf(e.stderr, "hnn: warning: %s: %s\n", p.Source, w)
	}
	return claimDir(dir)
}

// claimDir claims the output folder dir (outdir.Claim) before any work; a
// folder that cannot be used is bad input.
func claimDir(dir string) (*outdir.Folder, error) {
	f, err := outdir.Claim(dir)
	var bad *outdir.UnusableError
	if errors.As(err, &bad) {
		return nil, inputError(err)
	}
	return f, err
}

// commandLine is what report.json records of how this run was started.
func commandLine(e *env) []string { return append([]string{"hnn"}, e.args...) }
