package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/hnn-project/hnn/problems"
)

func init() {
	register(&command{
		name:    "problems",
		summary: "list the built-in problems, or show one as YAML",
		usage:   "problems [show NAME]",
		help: `
Without arguments, lists the problems of the built-in catalogue with a one-line
description. 'hnn problems show NAME' prints the problem's YAML file, a good
starting point for writing your own: save it, edit it, and pass the file to any
command in place of the name.

Examples:
  hnn problems
  hnn problems show henon_heiles
  hnn problems show nonlinear_oscillator > mine.yaml
`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return runProblems
		},
	})
}

func runProblems(_ context.Context, e *env, args []string) error {
	switch {
	case len(args) == 0:
		list, err := problems.Catalog()
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, p := range list {
			fmt.Fprintf(w, "%s\t%s\n", p.Name, p.Description)
		}
		return w.Flush()
	case len(args) == 2 && args[0] == "show":
		b, err := problems.CatalogYAML(args[1])
		if err != nil {
			return inputError(err)
		}
		_, err = e.stdout.Write(b)
		return err
	}
	return usageError("usage: hnn problems [show NAME]", "problems: unexpected arguments %q", args)
}
