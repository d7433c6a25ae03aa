package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"github.com/hnn-project/hnn/internal/chart"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hnn-project/hnn/problems"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1   // the work failed
	exitUsage       = 2   // bad command line or bad input file
	exitCheck       = 3   // a check the user asked for failed
	exitInterrupted = 130 // stopped by Ctrl-C (128 + SIGINT)
)

// exitError carries an exit status and an optional hint with an error.
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a bad command line (exit 2).
func usageError(hint string, format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...), hint: hint}
}

// inputError is bad user input such as a malformed problem file (exit 2).
func inputError(err error) error { return &exitError{code: exitUsage, err: err} }

// env is what a command may touch: its streams and whether stderr is a terminal.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	tty            bool     // stderr is a terminal: show progress
	args           []string // the command line after "hnn", for reports
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	args    string     // the positional arguments of the synopsis, e.g. "FILE|NAME"
	shared  sharedFlag // the flags it shares with other commands
	outDir  string     // what -o defaults to, for its help
	// setup registers the command's own flags on fs and returns the
	// function that runs it; o holds the shared flags' values.
	setup func(fs *flag.FlagSet, o *shared) func(ctx context.Context, e *env, args []string) error
}

// sharedFlag selects the flags that mean the same on every command.
type sharedFlag uint8

const (
	withOut   sharedFlag = 1 << iota // -o DIR
	withPlots                        // --plots png|svg|none
	withQuiet                        // --quiet
	withSeed                         // --seed S
	withJSON                         // --json
)

// shared holds the values of the shared flags.
type shared struct {
	dir   string
	plots string
	quiet bool
	seed  *uint64 // nil: the problem's own
	json  bool
}

// flags registers the shared flags of c and its own, and returns the
// command's body.
func (c *command) flags(fs *flag.FlagSet) (*shared, func(ctx context.Context, e *env, args []string) error) {
	o := &shared{plots: "png"}
	if c.shared&withOut != 0 {
		fs.StringVar(&o.dir, "o", "", "write the outputs into `DIR` (default "+c.outDir+")")
	}
	if c.shared&withPlots != 0 {
		fs.StringVar(&o.plots, "plots", "png", "write the plots as `png|svg|none`")
	}
	if c.shared&withQuiet != 0 {
		fs.BoolVar(&o.quiet, "quiet", false, "no progress display (it is shown only on a terminal anyway)")
	}
	if c.shared&withSeed != 0 {
		fs.Func("seed", "random seed `S` of the networks (default: the problem's)", func(s string) error {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return fmt.Errorf("not an unsigned integer")
			}
			o.seed = &v
			return nil
		})
	}
	if c.shared&withJSON != 0 {
		fs.BoolVar(&o.json, "json", false, "print the report as JSON (report.json) instead of the table")
	}
	return o, c.setup(fs, o)
}

// progress is the command's progress display, off with --quiet.
func (o *shared) progress(e *env) *progress {
	p := newProgress(e)
	p.on = p.on && !o.quiet
	return p
}

// print writes the report as JSON with --json, or calls table.
func (o *shared) print(e *env, js []byte, table func(w io.Writer)) error {
	if o.json {
		_, err := e.stdout.Write(js)
		return err
	}
	table(e.stdout)
	return nil
}

// say prints a line of the table output (nothing with --json, whose
// stdout is the report alone).
func (o *shared) say(e *env, format string, args ...any) {
	if !o.json {
		fmt.Fprintf(e.stdout, format, args...)
	}
}

var commands []*command

func register(c *command) { commands = append(commands, c) }

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Main runs hnn with args, prints any error as "hnn: error: …" on stderr and
// returns the exit status. Only main calls os.Exit.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdin, stdout, stderr)
	if err == nil {
		return exitOK
	}
	code := exitFailure
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	msg := err.Error()
	fmt.Fprintf(stderr, "hnn: error: %s\n", strings.ReplaceAll(msg, "\n", "\n    "))
	if ee != nil && ee.hint != "" {
		fmt.Fprintf(stderr, "hnn: hint: %s\n", ee.hint)
	}
	return code
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, tty: isTerminal(stderr), args: args}
	if len(args) == 0 {
		fmt.Fprint(stdout, mainHelp())
		return nil
	}
	name := args[0]
	switch name {
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, problems.Version())
		return nil
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			if args[1] == "help" {
				text, _ := helpTexts.ReadFile("help/help.txt")
				fmt.Fprint(stdout, string(text))
				return nil
			}
			c := lookup(args[1])
			if c == nil {
				return usageError("run 'hnn help' for the list of commands", "unknown command %q", args[1])
			}
			fmt.Fprint(stdout, commandHelp(c))
			return nil
		}
		fmt.Fprint(stdout, mainHelp())
		return nil
	}
	c := lookup(name)
	if c == nil {
		return usageError("run 'hnn help' for the list of commands", "unknown command %q", name)
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	_, body := c.flags(fs)
	pos, err := parseFlags(c, e, fs, args[1:])
	if err != nil {
		return err
	}
	return body(ctx, e, pos)
}

// isTerminal reports whether w is a character device (a terminal), the
// standard-library way without golang.org/x/term.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// parseFlags parses a command's flags, accepting flags after positional
// arguments too ("hnn solve henon_heiles -o out"), and returns the positional
// arguments.
func parseFlags(c *command, e *env, fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(e.stdout, commandHelp(c))
				return nil, flag.ErrHelp
			}
			return nil, usageError("run 'hnn help "+c.name+"' for usage", "%s: %v", c.name, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return pos, nil
}

// mainHelp is the help of hnn without a command (help/hnn.txt, with the
// commands listed where it says {{commands}}).
func mainHelp() string {
	text, _ := helpTexts.ReadFile("help/hnn.txt")
	cs := append([]*command(nil), commands...)
	sort.SliceStable(cs, func(i, j int) bool { return order(cs[i].name) < order(cs[j].name) })
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  %-10s  %s\n", c.name, c.summary)
	}
	return strings.Replace(string(text), "{{commands}}", b.String(), 1)
}

// order fixes the order of commands in the help text.
func order(name string) int {
	for i, n := range []string{"solve", "bound", "integrate", "learn", "reproduce", "bench", "problems"} {
		if n == name {
			return i
		}
	}
	return 100
}

// helpTexts are the long help of each command, help/<name>.txt.
//
//go:embed help/*.txt
var helpTexts embed.FS

// usage is the synopsis of c: its arguments and every flag it takes.
func (c *command) usage() string {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(fs)
	parts := []string{"hnn", c.name}
	if c.args != "" {
		parts = append(parts, c.args)
	}
	fs.VisitAll(func(f *flag.Flag) {
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		if name, _ := flag.UnquoteUsage(f); name != "" {
			parts = append(parts, "["+dash+f.Name+" "+name+"]")
		} else {
			parts = append(parts, "["+dash+f.Name+"]")
		}
	})
	return strings.Join(parts, " ")
}

func commandHelp(c *command) string {
	var b strings.Builder
	text, err := helpTexts.ReadFile("help/" + c.name + ".txt")
	if err != nil {
		panic("no help text for " + c.name) // a build defect, caught by TestHelp
	}
	fmt.Fprintf(&b, "Usage: %s\n\n%s", c.usage(), text)
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(fs)
	var fb strings.Builder
	fs.SetOutput(&fb)
	fs.PrintDefaults()
	if fb.Len() > 0 {
		b.WriteString("\nFlags:\n")
		b.WriteString(fb.String())
	}
	return b.String()
}

// problemArg checks the command line of a command that takes one problem
// (a file or a catalogue name) and a plot format, and loads the problem.
func problemArg(name string, args []string, plots string) (*problems.Problem, error) {
	c := lookup(name)
	if len(args) != 1 {
		return nil, usageError("usage: "+c.usage(), "%s: expected one problem file or name, got %d arguments", c.name, len(args))
	}
	if err := chart.CheckFormat(plots); err != nil {
		return nil, usageError("", "%s: %v", c.name, err)
	}
	p, err := problems.Load(args[0])
	if err != nil {
		return nil, inputError(err)
	}
	return p, nil
}

// outDir returns dir, or out/<name> when dir is empty.
func outDir(dir, name string) string {
	if dir == "" {
		return filepath.Join("out", name)
	}
	return dir
}
