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
		args:    "[show NAME]",
		setup: func(*flag.FlagSet, *shared) func(context.Context, *env, []string) error {
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
