package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hnn-project/hnn/internal/outdir"
	"github.com/hnn-project/hnn/problems"
)

// PlanFile is the plan's name in a sweep folder.
const PlanFile = "plan.json"

// MaxPlanSize caps plan.json as read (a plan of MaxTasks tasks is far
// smaller).
const MaxPlanSize = 1 << 30

// Plan is a sweep resolved into its tasks, in a fixed order: what
// plan.json holds. Task i's problem is the base text with Set and then its
// Values applied (problems.Apply); the plan records its hash, and Resolve
// rebuilds it and checks the hash. A plan is never changed once written.
type Plan struct {
	Version   string   `json:"hnn_version"`
	Sweep     string   `json:"sweep"` // the sweep file's source
	SweepText string   `json:"sweep_text"`
	Base      string   `json:"base"` // the base problem's source
	BaseName  string   `json:"base_name"`
	BaseText  string   `json:"base_text"`
	Set       []Value  `json:"set"`
	Axes      []string `json:"axes"` // the axes' keys, zip groups expanded
	Collect   []string `json:"collect"`
	Tasks     []Task   `json:"tasks"`
}

// Value is a key with its value as YAML text ("0.3", "6*pi", "[32, 32]").
type Value struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Task is one run of a sweep.
type Task struct {
	ID     int      `json:"id"`
	Values []string `json:"values"` // YAML text of each axis's value, in Plan.Axes order
	Hash   string   `json:"hash"`   // SHA-256 of the resolved problem text (problems.TextHash), as its report.json records it
}

// Plan resolves every task and checks its problem with problems.Parse, so
// a value the problem format rejects is an error before anything runs.
// Tasks are numbered 0…N−1 with the last axis varying fastest. progress,
// if not nil, is called as tasks are resolved.
func (s *Sweep) Plan(progress func(done, total int)) (*Plan, error) {
	pl := &Plan{
		Version: problems.Version(), Sweep: s.Source, SweepText: string(s.Text),
		Base: s.Base.Source, BaseName: s.Base.Name, BaseText: string(s.Base.Text),
		Axes: s.Keys(), Collect: s.Collect,
	}
	for _, o := range s.Set {
		pl.Set = append(pl.Set, Value{o.Key, nodeText(o.Value)})
	}
	n := s.Tasks()
	pl.Tasks = make([]Task, n)
	idx := make([]int, len(s.Axes))
	for id := range n {
		r := id
		for a := len(s.Axes) - 1; a >= 0; a-- {
			idx[a] = r % s.Axes[a].Len()
			r /= s.Axes[a].Len()
		}
		t := Task{ID: id}
		for a, ax := range s.Axes {
			for _, v := range ax.Values[idx[a]] {
				t.Values = append(t.Values, nodeText(v))
			}
		}
		text, err := pl.resolve(&t)
		if err == nil {
			_, err = problems.Parse(text, pl.Base, pl.BaseName)
		}
		if err != nil {
			return nil, s.taskError(pl, &t, err)
		}
		t.Hash = problems.TextHash(text)
		pl.Tasks[id] = t
		if progress != nil && (id%64 == 0 || id == n-1) {
			progress(id+1, n)
		}
	}
	return pl, nil
}

// taskError names the sweep file, the key whose value was rejected, the
// task and its values.
func (s *Sweep) taskError(pl *Plan, t *Task, err error) error {
	var vals []string
	for i, k := range pl.Axes {
		vals = append(vals, k+" = "+t.Values[i])
	}
	msg := err.Error()
	key := ""
	var pe *problems.Error
	if errors.As(err, &pe) {
		msg = pe.Msg
		for _, k := range pl.Axes {
			if related(pe.Key, k) {
				key = "axes." + k
			}
		}
		for _, v := range pl.Set {
			if key == "" && related(pe.Key, v.Key) {
				key = "set." + v.Key
			}
		}
		if key == "" && pe.Key != "" {
			msg = pe.Key + ": " + msg
		}
	}
	return &problems.Error{File: s.Source, Key: key, Msg: fmt.Sprintf("task %d (%s) of base %s: %s", t.ID, strings.Join(vals, ", "), s.Base.Name, msg), Err: err}
}

// related reports whether problem-file keys a and b are the same or one
// holds the other.
func related(a, b string) bool {
	return a != "" && (a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+"."))
}

// Resolve returns task id's problem text, checked against its hash.
func (pl *Plan) Resolve(id int) ([]byte, error) {
	if id < 0 || id >= len(pl.Tasks) {
		return nil, fmt.Errorf("task %d: the plan has tasks 0 to %d", id, len(pl.Tasks)-1)
	}
	t := &pl.Tasks[id]
	text, err := pl.resolve(t)
	if err != nil {
		return nil, fmt.Errorf("task %d: %w", id, err)
	}
	if h := problems.TextHash(text); h != t.Hash {
		return nil, fmt.Errorf("task %d: the resolved problem's hash is %s, the plan's %s; this hnn (%s) resolves the plan differently from the one that wrote it (%s)", id, h, t.Hash, problems.Version(), pl.Version)
	}
	return text, nil
}

func (pl *Plan) resolve(t *Task) ([]byte, error) {
	if len(t.Values) != len(pl.Axes) {
		return nil, fmt.Errorf("%d values for %d axes", len(t.Values), len(pl.Axes))
	}
	var ovs []problems.Override
	for _, v := range pl.Set {
		n, err := textNode(v.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.Key, err)
		}
		ovs = append(ovs, problems.Override{Key: v.Key, Value: n})
	}
	for i, k := range pl.Axes {
		n, err := textNode(t.Values[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		ovs = append(ovs, problems.Override{Key: k, Value: n})
	}
	return problems.Apply([]byte(pl.BaseText), ovs)
}

// nodeText writes a value node as one line of YAML.
func nodeText(n *yaml.Node) string {
	c := *n
	if c.Kind == yaml.SequenceNode || c.Kind == yaml.MappingNode {
		c.Style |= yaml.FlowStyle
	}
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	b, err := yaml.Marshal(&c)
	if err != nil {
		return n.Value
	}
	return strings.TrimSuffix(string(b), "\n")
}

// textNode reads one value written by nodeText.
func textNode(s string) (*yaml.Node, error) {
	var d yaml.Node
	if err := yaml.Unmarshal([]byte(s), &d); err != nil {
		return nil, err
	}
	if len(d.Content) != 1 {
		return nil, fmt.Errorf("%q is not one value", s)
	}
	return d.Content[0], nil
}

// ConflictError is a sweep folder that already holds a different plan.
type ConflictError struct{ Dir, Why string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s already holds a different plan (%s); a plan is never changed: choose another folder or remove this one", e.Dir, e.Why)
}

// Write writes the plan into dir as plan.json, with the tasks and logs
// folders, and reports whether dir already held this very plan (same
// tasks and hashes), which it then leaves as it is. A different plan is a
// *ConflictError.
func (pl *Plan) Write(dir string) (existed bool, err error) {
	if old, err := ReadPlan(dir); err == nil {
		if why := differs(old, pl); why != "" {
			return false, &ConflictError{Dir: dir, Why: why}
		}
		return true, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	for _, d := range []string{dir, filepath.Join(dir, TasksDir), filepath.Join(dir, LogsDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return false, err
		}
	}
	b, err := json.MarshalIndent(pl, "", " ")
	if err != nil {
		return false, err
	}
	return false, outdir.WriteFile(filepath.Join(dir, PlanFile), append(b, '\n'))
}

// differs says how plan b differs from a, or "" when their tasks are the
// same.
func differs(a, b *Plan) string {
	switch {
	case len(a.Tasks) != len(b.Tasks):
		return fmt.Sprintf("%d tasks, not %d", len(a.Tasks), len(b.Tasks))
	case !slices.Equal(a.Axes, b.Axes):
		return fmt.Sprintf("axes %s, not %s", strings.Join(a.Axes, ", "), strings.Join(b.Axes, ", "))
	case !slices.Equal(a.Collect, b.Collect):
		return fmt.Sprintf("collect %s, not %s", strings.Join(a.Collect, ", "), strings.Join(b.Collect, ", "))
	}
	for i := range a.Tasks {
		if a.Tasks[i].Hash != b.Tasks[i].Hash || !slices.Equal(a.Tasks[i].Values, b.Tasks[i].Values) {
			return fmt.Sprintf("task %d differs", i)
		}
	}
	return ""
}

// ReadPlan reads dir's plan.json; a folder without one is os.ErrNotExist.
func ReadPlan(dir string) (*Plan, error) {
	f, err := os.Open(filepath.Join(dir, PlanFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s has no %s (hnn sweep plan SWEEP -o %s writes it): %w", dir, PlanFile, dir, os.ErrNotExist)
		}
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxPlanSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxPlanSize {
		return nil, fmt.Errorf("%s: more than %d bytes: too large for a plan", f.Name(), MaxPlanSize)
	}
	var pl Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pl); err != nil {
		return nil, fmt.Errorf("%s: not a sweep plan: %w", f.Name(), err)
	}
	for i, t := range pl.Tasks {
		if t.ID != i || len(t.Values) != len(pl.Axes) {
			return nil, fmt.Errorf("%s: task %d is malformed", f.Name(), i)
		}
	}
	return &pl, nil
}
