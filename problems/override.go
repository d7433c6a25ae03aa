package problems

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// KeyKind is what a dotted key of the problem format addresses.
type KeyKind int

const (
	// KeyValue is a single value: a number (or an expression of the
	// parameters), a name or a formula.
	KeyValue KeyKind = iota
	// KeyList is a list, such as solver.hidden.
	KeyList
)

// CheckKey reports whether key, a dotted path such as "solver.epochs",
// "initial.y" or "parameters.lambda", addresses a value of the problem
// format, and what kind of value. Entries of the free-form mappings
// (parameters, initial) are any name; Parse checks them against the
// problem. A section ("solver") is not a value: the error lists its keys.
func CheckKey(key string) (KeyKind, error) {
	segs := strings.Split(key, ".")
	t := reflectFileDoc
	for i, s := range segs {
		path := strings.Join(segs[:i], ".")
		if s == "" {
			return 0, fmt.Errorf("%q is not a dotted key such as solver.epochs", key)
		}
		if t == reflect.TypeOf(yaml.Node{}) { // parameters, initial
			if i != len(segs)-1 {
				return 0, fmt.Errorf("%s: %s takes names of values, not sections", key, path)
			}
			if !identRE.MatchString(s) {
				return 0, fmt.Errorf("%s: %q is not a name", key, s)
			}
			return KeyValue, nil
		}
		if t.Kind() != reflect.Struct {
			return 0, fmt.Errorf("%s: %s is a single value, it has no keys", key, path)
		}
		ft, names := fieldType(t, s)
		if ft == nil {
			where := "the top level"
			if path != "" {
				where = path
			}
			return 0, fmt.Errorf("%s: unknown key %q; known keys at %s: %s", key, s, where, strings.Join(names, ", "))
		}
		t = ft
	}
	switch {
	case t == reflect.TypeOf(yaml.Node{}):
		return 0, fmt.Errorf("%s is a mapping of names; address one entry, e.g. %s.NAME", key, key)
	case t.Kind() == reflect.Slice:
		return KeyList, nil
	case t.Kind() == reflect.Struct && t != reflect.TypeOf(scalar{}) && t != reflect.TypeOf(expr{}):
		_, names := fieldType(t, "")
		return 0, fmt.Errorf("%s is a section; name one of its keys: %s", key, strings.Join(names, ", "))
	}
	return KeyValue, nil
}

// fieldType returns the type (pointers removed) of struct t's field with
// yaml tag name, or nil, and the sorted tags of t.
func fieldType(t reflect.Type, name string) (reflect.Type, []string) {
	var found reflect.Type
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		names = append(names, tag)
		if tag == name {
			found = f.Type
			for found.Kind() == reflect.Pointer {
				found = found.Elem()
			}
		}
	}
	sort.Strings(names)
	return found, names
}

// Override is one value set into a problem file by a dotted key.
type Override struct {
	Key   string     // a key CheckKey accepts
	Value *yaml.Node // a scalar, or a sequence for a list key
}

// Apply returns the problem file data with each override set in order:
// the value replaces the key's value, or is added with the sections on its
// way when the file does not have it. Values are not evaluated here; Parse
// of the result checks them as it checks any problem file. Adding a key
// to a solver section the file does not have turns off the automatic mode
// that a file without one runs in, unless solver.tolerance is set too.
func Apply(data []byte, overrides []Override) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a problem file: expected a mapping of keys to values")
	}
	for _, o := range overrides {
		kind, err := CheckKey(o.Key)
		if err != nil {
			return nil, err
		}
		switch {
		case o.Value == nil:
			return nil, fmt.Errorf("%s: no value", o.Key)
		case kind == KeyList && o.Value.Kind != yaml.SequenceNode:
			return nil, fmt.Errorf("%s takes a list of values, e.g. [32, 32]", o.Key)
		case kind == KeyValue && o.Value.Kind != yaml.ScalarNode:
			return nil, fmt.Errorf("%s takes a single value, not a %s", o.Key, kindName(o.Value.Kind))
		}
		if err := setKey(doc.Content[0], strings.Split(o.Key, "."), o.Value); err != nil {
			return nil, fmt.Errorf("%s: %w", o.Key, err)
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// setKey sets the value at path under the mapping m, creating mappings on
// the way.
func setKey(m *yaml.Node, path []string, v *yaml.Node) error {
	if m.Kind != yaml.MappingNode {
		if m.Kind == yaml.ScalarNode && m.ShortTag() == "!!null" { // "solver:" with nothing under it
			*m = yaml.Node{Kind: yaml.MappingNode}
		} else {
			return fmt.Errorf("the file has a %s where a mapping of keys is expected", kindName(m.Kind))
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != path[0] {
			continue
		}
		if len(path) == 1 {
			c := *v
			c.Style &^= yaml.FlowStyle
			if c.Kind == yaml.SequenceNode {
				c.Style |= yaml.FlowStyle
			}
			m.Content[i+1] = &c
			return nil
		}
		return setKey(m.Content[i+1], path[1:], v)
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: path[0]}
	if len(path) == 1 {
		c := *v
		if c.Kind == yaml.SequenceNode {
			c.Style |= yaml.FlowStyle
		}
		m.Content = append(m.Content, key, &c)
		return nil
	}
	sub := &yaml.Node{Kind: yaml.MappingNode}
	m.Content = append(m.Content, key, sub)
	return setKey(sub, path[1:], v)
}
