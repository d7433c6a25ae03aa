package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/problems"
)

// The summary files collect writes into the sweep folder.
const (
	SummaryCSV  = "summary.csv"
	SummaryJSON = "summary.json"
)

var reportType = reflect.TypeOf(problems.SolveReport{})

// CheckField checks that field, a dotted path into report.json such as
// "network.max_error", "bounds.certified.value", "euler.0.max_error" or
// "network.max_abs_error.q", names a single value of
// problems.SolveReport (a list takes an index, a per-component map the
// component's name).
func CheckField(field string) error {
	t := reportType
	segs := strings.Split(field, ".")
	for i, s := range segs {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		at := strings.Join(segs[:i], ".")
		switch t.Kind() {
		case reflect.Struct:
			ft, names := jsonField(t, s)
			if ft == nil {
				where := "the top level of report.json"
				if at != "" {
					where = at
				}
				return fmt.Errorf("%s: no field %q at %s; its fields: %s", field, s, where, strings.Join(names, ", "))
			}
			t = ft
		case reflect.Slice:
			if n, err := strconv.Atoi(s); err != nil || n < 0 {
				return fmt.Errorf("%s: %s is a list; give an index, e.g. %s.0", field, at, at)
			}
			t = t.Elem()
		case reflect.Map:
			t = t.Elem()
		default:
			return fmt.Errorf("%s: %s is a single value, it has no fields", field, at)
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		_, names := jsonField(t, "")
		return fmt.Errorf("%s is a section of report.json; name one of its fields: %s", field, strings.Join(names, ", "))
	case reflect.Slice:
		return fmt.Errorf("%s is a list; give an index, e.g. %s.0", field, field)
	case reflect.Map:
		return fmt.Errorf("%s has one value per component; name one, e.g. %s.q", field, field)
	}
	return nil
}

// jsonField returns the type of struct t's field with json name, or nil,
// and the sorted json names of t (with those of embedded structs, which
// encoding/json inlines).
func jsonField(t reflect.Type, name string) (reflect.Type, []string) {
	var found reflect.Type
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			ft, inner := jsonField(f.Type, name)
			if ft != nil {
				found = ft
			}
			names = append(names, inner...)
			continue
		}
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		names = append(names, tag)
		if tag == name {
			found = f.Type
		}
	}
	sort.Strings(names)
	return found, names
}

// lookup follows a dotted field through a decoded report.json.
func lookup(v any, field string) (any, bool) {
	for _, s := range strings.Split(field, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[s]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// Summary is one row per task: its axis values, the collected fields and
// its status.
type Summary struct {
	Axes   []string
	Fields []string
	Rows   []Row
}

// Row is one task of a summary.
type Row struct {
	ID     int
	Values []string // YAML text of each axis value
	// Fields holds each collected field as report.json has it (a float64,
	// a string or a bool), nil where the report has none (null, absent, or
	// the task has no result).
	Fields []any
	Status TaskStatus
	Reason string // the error of a failed task, the verdict of an untrusted one
}

// Number returns the i-th axis value as a number, when it is one (or an
// expression of numbers, pi and e).
func (r *Row) Number(i int) (float64, bool) {
	x, err := hamiltonians.Eval(r.Values[i], nil)
	return x, err == nil
}

// IncompleteError is a collect of a sweep with tasks that have no result.
type IncompleteError struct{ Status *Status }

func (e *IncompleteError) Error() string {
	ids := e.Status.ToRun()
	ids = append(ids, e.Status.IDs[Running]...)
	sort.Ints(ids)
	return fmt.Sprintf("%d of %d tasks have no result (%s); run them, or collect with --allow-missing", len(ids), e.Status.Tasks, Ranges(ids))
}

// Collect reads every task's report and builds the summary. Unless
// allowMissing, tasks without a result are an *IncompleteError.
func (d *Dir) Collect(allowMissing bool) (*Summary, *Status, error) {
	st := d.Status()
	if !st.Complete() && !allowMissing {
		return nil, st, &IncompleteError{st}
	}
	s := &Summary{Axes: d.Plan.Axes, Fields: d.Plan.Collect}
	for _, t := range d.Plan.Tasks {
		status, reason := d.TaskStatus(t.ID)
		r := Row{ID: t.ID, Values: t.Values, Fields: make([]any, len(s.Fields)), Status: status, Reason: reason}
		if status == Done || status == Untrusted {
			b, err := readLimited(filepath.Join(d.TaskDir(t.ID), "report.json"), problems.MaxModelSize)
			var rep any
			if err == nil {
				err = json.Unmarshal(b, &rep)
			}
			if err != nil {
				return nil, st, fmt.Errorf("task %d: report.json: %w", t.ID, err)
			}
			for i, f := range s.Fields {
				r.Fields[i], _ = lookup(rep, f)
			}
		}
		s.Rows = append(s.Rows, r)
	}
	return s, st, nil
}

// CSV renders the summary: id, the axes, the fields, status and reason;
// numbers in the shortest form that reads back to the same float64, empty
// cells where a value is missing.
func (s *Summary) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append(append(append([]string{"id"}, s.Axes...), s.Fields...), "status", "reason")
	w.Write(head)
	for _, r := range s.Rows {
		rec := append([]string{strconv.Itoa(r.ID)}, r.Values...)
		for _, f := range r.Fields {
			rec = append(rec, cell(f))
		}
		w.Write(append(rec, string(r.Status), firstLine(r.Reason)))
	}
	w.Flush()
	return b.Bytes()
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// JSON renders the summary as {"axes", "fields", "rows"}, each row an
// object of id, status, reason (when there is one), and every axis and
// field by its key; axis values that are numbers are JSON numbers.
func (s *Summary) JSON() ([]byte, error) {
	type out struct {
		Axes   []string         `json:"axes"`
		Fields []string         `json:"fields"`
		Rows   []map[string]any `json:"rows"`
	}
	o := out{Axes: s.Axes, Fields: s.Fields, Rows: make([]map[string]any, 0, len(s.Rows))}
	for _, r := range s.Rows {
		m := map[string]any{"id": r.ID, "status": r.Status}
		if r.Reason != "" {
			m["reason"] = r.Reason
		}
		for i, k := range s.Axes {
			var v any = r.Values[i]
			if x, err := strconv.ParseFloat(r.Values[i], 64); err == nil {
				v = x
			}
			m[k] = v
		}
		for i, f := range s.Fields {
			m[f] = r.Fields[i]
		}
		o.Rows = append(o.Rows, m)
	}
	b, err := json.MarshalIndent(o, "", "  ")
	return append(b, '\n'), err
}
