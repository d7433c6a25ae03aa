package sweep

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/problems"
)

// Limits on sweep files.
const (
	MaxTasks    = 1_000_000 // the product of the axes' lengths
	MaxFileSize = 1 << 20   // bytes in a sweep file
	MaxLinspace = MaxTasks  // n of one linspace or logspace
)

// DefaultCollect are the report fields a sweep without collect collects.
var DefaultCollect = []string{"network.max_error", "bounds.certified.value", "training.seconds"}

//go:embed examples/*.yaml
var examplesFS embed.FS

// Sweep is a validated sweep file: a base problem, fixed overrides, the
// axes whose product are the tasks, and the report fields to collect.
type Sweep struct {
	Source string // where the sweep came from (a path, or "examples/NAME.yaml")
	Text   []byte // the file as read
	// Base is the base problem as loaded (its Text is what overrides
	// apply to).
	Base *problems.Problem
	Set  []problems.Override
	// Axes in file order, zip groups at the place of their first key;
	// the first axis varies slowest.
	Axes    []Axis
	Collect []string
	// Warnings are what Parse found doubtful but not wrong.
	Warnings []string
}

// Axis is one axis of a sweep: one key, or the keys of a zip group that
// move together. Values[i][k] is the i-th value of Keys[k].
type Axis struct {
	Keys   []string
	Values [][]*yaml.Node
}

// Len is the number of values on the axis.
func (a *Axis) Len() int { return len(a.Values) }

// Tasks is the number of tasks: the product of the axes' lengths.
func (s *Sweep) Tasks() int {
	n := 1
	for i := range s.Axes {
		n *= s.Axes[i].Len()
	}
	return n
}

// Keys are the axes' keys, zip groups expanded, in column order.
func (s *Sweep) Keys() []string {
	var ks []string
	for _, a := range s.Axes {
		ks = append(ks, a.Keys...)
	}
	return ks
}

// Examples lists the names of the embedded example sweeps.
func Examples() []string {
	ents, _ := fs.ReadDir(examplesFS, "examples")
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Load reads a sweep file, or the embedded example of that name when no
// such file exists. A base that names a file is looked up beside the
// sweep file first, then as problems.Load does.
func Load(arg string) (*Sweep, error) {
	f, err := os.Open(arg)
	if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(arg, `/\`) {
		name := strings.TrimSuffix(arg, ".yaml")
		b, eerr := examplesFS.ReadFile(path.Join("examples", name+".yaml"))
		if eerr != nil {
			return nil, fmt.Errorf("%s: no such file, and no example sweep of that name; the examples are: %s", arg, strings.Join(Examples(), ", "))
		}
		return Parse(b, "examples/"+name+".yaml", "")
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a sweep file", arg)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	return Parse(b, arg, filepath.Dir(arg))
}

// Parse decodes and validates a sweep file; source names it in errors and
// dir, when not empty, is where a base file is looked up first. Every key
// is checked against the problem format (problems.CheckKey), every value
// when the plan resolves the tasks.
func Parse(data []byte, source, dir string) (*Sweep, error) {
	fail := func(key string, line int, format string, args ...any) error {
		return &problems.Error{File: source, Key: key, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxFileSize {
		return nil, fail("", 0, "more than %d bytes: too large for a sweep file", MaxFileSize)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail("", 0, "file is empty; a sweep needs base and axes (see: hnn help sweep)")
		}
		return nil, fail("", 0, "malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var second yaml.Node
	if err := dec.Decode(&second); !errors.Is(err, io.EOF) {
		return nil, fail("", second.Line, "a second YAML document (after ---); a sweep file holds one document")
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fail("", top.Line, "expected a mapping of keys (base, set, axes, zip, collect)")
	}
	s := &Sweep{Source: source, Text: append([]byte(nil), data...)}
	sections := map[string]*yaml.Node{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "base", "set", "axes", "zip", "collect":
			sections[k.Value] = v
		default:
			return nil, fail(k.Value, k.Line, "unknown key %q; known keys here: axes, base, collect, set, zip", k.Value)
		}
	}
	b := sections["base"]
	if b == nil || b.Kind != yaml.ScalarNode || strings.TrimSpace(b.Value) == "" {
		return nil, fail("base", top.Line, "missing: name a catalogue problem or a problem file, e.g. base: henon_heiles")
	}
	var err error
	if s.Base, err = loadBase(b.Value, dir); err != nil {
		return nil, fail("base", b.Line, "%v", err)
	}
	if s.Base.Z0 == nil {
		return nil, fail("base", b.Line, "%s is a learn task; a sweep runs problems with an initial state and time (hnn solve)", b.Value)
	}
	seen := map[string]string{} // key → where it was given
	use := func(k *yaml.Node, where string) (problems.KeyKind, error) {
		kind, err := problems.CheckKey(k.Value)
		if err != nil {
			return 0, fail(where+"."+k.Value, k.Line, "%v", err)
		}
		if w, ok := seen[k.Value]; ok {
			return 0, fail(where+"."+k.Value, k.Line, "%s is given twice (also in %s)", k.Value, w)
		}
		for o := range seen {
			if strings.HasPrefix(o, k.Value+".") || strings.HasPrefix(k.Value, o+".") {
				return 0, fail(where+"."+k.Value, k.Line, "%s overlaps %s", k.Value, o)
			}
		}
		seen[k.Value] = where
		return kind, nil
	}
	if m := sections["set"]; m != nil && !isNull(m) {
		if m.Kind != yaml.MappingNode {
			return nil, fail("set", m.Line, "must be a mapping of dotted keys to values, e.g. {solver.epochs: 3000}")
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			kind, err := use(k, "set")
			if err != nil {
				return nil, err
			}
			if err := checkValue(kind, v); err != nil {
				return nil, fail("set."+k.Value, v.Line, "%v", err)
			}
			s.Set = append(s.Set, problems.Override{Key: k.Value, Value: v})
		}
	}
	axes := sections["axes"]
	if axes == nil || isNull(axes) || axes.Kind != yaml.MappingNode || len(axes.Content) == 0 {
		line := top.Line
		if axes != nil {
			line = axes.Line
		}
		return nil, fail("axes", line, "missing: give at least one axis, a dotted key with a list of values or {linspace: [from, to, n]}")
	}
	single := map[string]Axis{}
	var order []string
	for i := 0; i+1 < len(axes.Content); i += 2 {
		k, v := axes.Content[i], axes.Content[i+1]
		kind, err := use(k, "axes")
		if err != nil {
			return nil, err
		}
		vals, err := axisValues(kind, v)
		if err != nil {
			return nil, fail("axes."+k.Value, v.Line, "%v", err)
		}
		a := Axis{Keys: []string{k.Value}}
		for _, x := range vals {
			a.Values = append(a.Values, []*yaml.Node{x})
		}
		single[k.Value] = a
		order = append(order, k.Value)
	}
	group := map[string]int{} // key → its zip group
	if z := sections["zip"]; z != nil && !isNull(z) {
		if z.Kind != yaml.SequenceNode {
			return nil, fail("zip", z.Line, "must be a list of groups of axes, e.g. [[initial.px, initial.py]]")
		}
		for gi, g := range z.Content {
			if g.Kind != yaml.SequenceNode || len(g.Content) < 2 {
				return nil, fail("zip", g.Line, "each group is a list of at least two axes that move together, e.g. [initial.px, initial.py]")
			}
			n := -1
			for _, k := range g.Content {
				a, ok := single[k.Value]
				switch {
				case !ok:
					return nil, fail("zip", k.Line, "%s is not an axis; the axes are: %s", k.Value, strings.Join(order, ", "))
				case group[k.Value] != 0:
					return nil, fail("zip", k.Line, "%s is in two zip groups", k.Value)
				case n >= 0 && a.Len() != n:
					return nil, fail("zip", k.Line, "%s has %d values but %s has %d; axes that move together need as many values each", k.Value, a.Len(), g.Content[0].Value, n)
				}
				n = a.Len()
				group[k.Value] = gi + 1
			}
		}
	}
	done := map[int]bool{}
	for _, k := range order {
		gi := group[k]
		if gi == 0 {
			s.Axes = append(s.Axes, single[k])
			continue
		}
		if done[gi] {
			continue
		}
		done[gi] = true
		var a Axis
		for _, gk := range sections["zip"].Content[gi-1].Content {
			a.Keys = append(a.Keys, gk.Value)
		}
		for i := range single[k].Values {
			row := make([]*yaml.Node, len(a.Keys))
			for j, gk := range a.Keys {
				row[j] = single[gk].Values[i][0]
			}
			a.Values = append(a.Values, row)
		}
		s.Axes = append(s.Axes, a)
	}
	n := 1.0
	for i := range s.Axes {
		n *= float64(s.Axes[i].Len())
	}
	if n > MaxTasks {
		return nil, fail("axes", axes.Line, "the axes make %.4g tasks; the limit is %d (split the sweep)", n, MaxTasks)
	}
	s.Collect = DefaultCollect
	if c := sections["collect"]; c != nil && !isNull(c) {
		var fields []string
		if err := c.Decode(&fields); err != nil || len(fields) == 0 {
			return nil, fail("collect", c.Line, "must be a list of report.json fields, e.g. [network.max_error, bounds.certified.value]")
		}
		for i, f := range fields {
			if err := CheckField(f); err != nil {
				return nil, fail("collect", c.Content[i].Line, "%v", err)
			}
		}
		s.Collect = fields
	}
	if !hasSolver(s.Base.Text) {
		var solverKeys, tol bool
		for k := range seen {
			solverKeys = solverKeys || strings.HasPrefix(k, "solver.")
			tol = tol || k == "solver.tolerance"
		}
		if solverKeys && !tol {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s: base %s has no solver section (the automatic mode); setting solver keys gives it one with fixed settings; set solver.tolerance to stay automatic", source, s.Base.Name))
		}
	}
	return s, nil
}

// loadBase loads the base problem: a file beside the sweep, a file, or a
// catalogue name.
func loadBase(base, dir string) (*problems.Problem, error) {
	if dir != "" && !filepath.IsAbs(base) {
		if _, err := os.Stat(filepath.Join(dir, base)); err == nil {
			return problems.Load(filepath.Join(dir, base))
		}
	}
	return problems.Load(base)
}

// hasSolver reports whether a problem file has a solver section.
func hasSolver(text []byte) bool {
	var top map[string]yaml.Node
	if yaml.Unmarshal(text, &top) != nil {
		return true
	}
	_, ok := top["solver"]
	return ok
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// checkValue checks that v has the shape the key takes.
func checkValue(kind problems.KeyKind, v *yaml.Node) error {
	switch {
	case kind == problems.KeyList && v.Kind != yaml.SequenceNode:
		return errors.New("takes a list, e.g. [32, 32]")
	case kind == problems.KeyValue && (v.Kind != yaml.ScalarNode || isNull(v)):
		return errors.New("takes a single value (a number, an expression or a name)")
	}
	return nil
}

// axisValues reads an axis: a list of values, {linspace: [a, b, n]} or
// {logspace: [a, b, n]} (10^a … 10^b).
func axisValues(kind problems.KeyKind, v *yaml.Node) ([]*yaml.Node, error) {
	switch v.Kind {
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			return nil, errors.New("the axis is empty; give at least one value")
		}
		for _, x := range v.Content {
			if err := checkValue(kind, x); err != nil {
				return nil, fmt.Errorf("value at line %d %v", x.Line, err)
			}
		}
		return v.Content, nil
	case yaml.MappingNode:
		if len(v.Content) != 2 || (v.Content[0].Value != "linspace" && v.Content[0].Value != "logspace") {
			return nil, errors.New("an axis is a list of values, {linspace: [from, to, n]} or {logspace: [from, to, n]}")
		}
		if kind != problems.KeyValue {
			return nil, fmt.Errorf("%s makes numbers; this key takes lists", v.Content[0].Value)
		}
		return spaced(v.Content[0].Value, v.Content[1])
	}
	return nil, errors.New("an axis is a list of values, {linspace: [from, to, n]} or {logspace: [from, to, n]}")
}

// spaced evaluates linspace or logspace [from, to, n]: n evenly spaced
// numbers from from to to (both included), or 10 to their powers.
func spaced(form string, args *yaml.Node) ([]*yaml.Node, error) {
	if args.Kind != yaml.SequenceNode || len(args.Content) != 3 {
		return nil, fmt.Errorf("%s takes [from, to, n]", form)
	}
	var x [3]float64
	for i, a := range args.Content {
		v, err := hamiltonians.Eval(a.Value, nil)
		if err != nil || a.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s: %q is not a number or an expression of numbers, pi and e", form, a.Value)
		}
		x[i] = v
	}
	n := x[2]
	switch {
	case n != math.Trunc(n) || n < 1:
		return nil, fmt.Errorf("%s: n = %v; it must be a whole number, at least 1", form, n)
	case n > MaxLinspace:
		return nil, fmt.Errorf("%s: n = %v is more than the %d tasks a sweep may have", form, n, MaxTasks)
	}
	out := make([]*yaml.Node, int(n))
	for i := range out {
		t := x[0]
		if n > 1 {
			t = x[0] + (x[1]-x[0])*float64(i)/(n-1)
		}
		if i == int(n)-1 {
			t = x[1]
		}
		if form == "logspace" {
			t = math.Pow(10, t)
		}
		out[i] = &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatFloat(t, 'g', -1, 64)}
	}
	return out, nil
}
