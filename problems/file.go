package problems

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fileDoc mirrors the YAML layout of a problem file (DESIGN §4). Numbers are
// kept as unevaluated expressions (expr) and evaluated once the parameters
// are known; free-form mappings (parameters, initial) stay yaml.Node so their
// order and line numbers survive.
type fileDoc struct {
	Name        string       `yaml:"name"`
	Description string       `yaml:"description"`
	Coordinates []string     `yaml:"coordinates"`
	Momenta     []string     `yaml:"momenta"`
	Parameters  yaml.Node    `yaml:"parameters"`
	Hamiltonian *scalar      `yaml:"hamiltonian"`
	Initial     yaml.Node    `yaml:"initial"`
	Time        *fileTime    `yaml:"time"`
	Solver      *fileSolver  `yaml:"solver"`
	Compare     *fileCompare `yaml:"compare"`
	Learn       *fileLearn   `yaml:"learn"`
}

// fileLearn is the learn section: data generated from the file's
// Hamiltonian, the model, its training and the energy metric.
type fileLearn struct {
	File               *scalar     `yaml:"file"`
	TestPoints         *expr       `yaml:"test_points"`
	Trajectories       *expr       `yaml:"trajectories"`
	Points             *expr       `yaml:"points"`
	Time               *expr       `yaml:"time"`
	Radius             []*expr     `yaml:"radius"`
	Init               *scalar     `yaml:"init"`
	VelocityNoise      *expr       `yaml:"velocity_noise"`
	Noise              *expr       `yaml:"noise"`
	TestTrajectories   *expr       `yaml:"test_trajectories"`
	DataSeed           *expr       `yaml:"data_seed"`
	Hidden             []*expr     `yaml:"hidden"`
	Activation         *scalar     `yaml:"activation"`
	Steps              *expr       `yaml:"steps"`
	LearningRate       *expr       `yaml:"learning_rate"`
	Batch              *expr       `yaml:"batch"`
	WeightDecay        *expr       `yaml:"weight_decay"`
	Seed               *expr       `yaml:"seed"`
	Seeds              *expr       `yaml:"seeds"`
	EnergyTrajectories *expr       `yaml:"energy_trajectories"`
	EnergyTime         *expr       `yaml:"energy_time"`
	EnergyTimeGrowth   *expr       `yaml:"energy_time_growth"`
	EnergyPoints       *expr       `yaml:"energy_points"`
	Energy             *scalar     `yaml:"energy"`
	EnergyInit         *scalar     `yaml:"energy_init"`
	EnergyRange        []*expr     `yaml:"energy_range"`
	OrbitPosition      *scalar     `yaml:"orbit_position"`
	Pixels             *filePixels `yaml:"pixels"`
}

type fileTime struct {
	End    *expr `yaml:"end"`
	Points *expr `yaml:"points"`
}

type fileSolver struct {
	Hidden           []*expr `yaml:"hidden"`
	Activation       *scalar `yaml:"activation"`
	Init             *scalar `yaml:"init"`
	Trial            *scalar `yaml:"trial"`
	Formulation      *scalar `yaml:"formulation"`
	Epochs           *expr   `yaml:"epochs"`
	LearningRate     *expr   `yaml:"learning_rate"`
	FinalLR          *expr   `yaml:"final_learning_rate"`
	Beta1            *expr   `yaml:"beta1"`
	Beta2            *expr   `yaml:"beta2"`
	Jitter           *expr   `yaml:"jitter"`
	EnergyWeight     *expr   `yaml:"energy_weight"`
	Seed             *expr   `yaml:"seed"`
	TargetError      *expr   `yaml:"target_error"`
	TargetBound      *scalar `yaml:"target_bound"`
	PolishIterations *expr   `yaml:"polish_iterations"`
	PolishMethod     *scalar `yaml:"polish_method"`
	Tolerance        *expr   `yaml:"tolerance"`
	MaxSeconds       *expr   `yaml:"max_seconds"`
}

type fileCompare struct {
	EulerFactors []*expr `yaml:"euler_factors"`
}

// scalar is a YAML scalar kept with its position, for error messages.
type scalar struct {
	Value      string
	Line, Col  int
	Tag        string
	unreadable bool
}

func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a single value, got a %s", n.Line, kindName(n.Kind))
	}
	*s = scalar{Value: n.Value, Line: n.Line, Col: n.Column, Tag: n.ShortTag()}
	return nil
}

// expr is a numeric field: a YAML number or a string holding an expression of
// numbers, pi, e and the file's parameters ("6*pi", "2*g").
type expr struct{ scalar }

func (e *expr) UnmarshalYAML(n *yaml.Node) error { return e.scalar.UnmarshalYAML(n) }

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "scalar"
}

// checkKeys walks a mapping node against the yaml tags of struct type t and
// reports the first unknown key with its line and the keys allowed there.
// yaml.v3's KnownFields does the same check, but its message names Go types;
// users need the key path and the alternatives.
func checkKeys(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeOf(yaml.Node{}), t == reflect.TypeOf(scalar{}), t == reflect.TypeOf(expr{}):
		return nil
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil // the decoder reports the type mismatch
		}
		for _, c := range n.Content {
			if err := checkKeys(c, t.Elem(), path); err != nil {
				return err
			}
		}
		return nil
	case t.Kind() != reflect.Struct:
		return nil
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
			return nil
		}
		where := "the file"
		if path != "" {
			where = "key " + path
		}
		return &Error{Key: path, Line: n.Line, Msg: fmt.Sprintf("%s must be a mapping of keys to values, got a %s", where, kindName(n.Kind))}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		ft, names := fieldType(t, k.Value)
		if ft == nil {
			return &Error{Key: key, Line: k.Line, Msg: fmt.Sprintf("unknown key %q; known keys here: %s", k.Value, strings.Join(names, ", "))}
		}
		if err := checkKeys(v, ft, key); err != nil {
			return err
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var reflectFileDoc = reflect.TypeOf(fileDoc{})
