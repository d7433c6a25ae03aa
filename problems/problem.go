package problems

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver"
)

// Limits on problem files. Each protects the user from a typo that would
// otherwise allocate gigabytes or run for days.
const (
	MaxFileSize  = 1 << 20    // bytes in a problem file
	MaxPoints    = 1_000_000  // time.points
	MaxEpochs    = 10_000_000 // solver.epochs
	MaxLayers    = 16         // len(solver.hidden)
	MaxWidth     = 4096       // each entry of solver.hidden
	MaxPolish    = 1_000_000  // solver.polish_iterations
	MaxFactor    = 100_000    // each entry of compare.euler_factors
	MaxEulerStep = 100_000_000
)

// Problem is a validated problem file.
type Problem struct {
	Name        string
	Description string
	// Source names where the problem came from: a file path, or
	// "catalog/NAME.yaml" for the embedded catalogue.
	Source      string
	Coordinates []string // q names
	Momenta     []string // p names, same length
	Parameters  []Parameter
	Formula     string // the Hamiltonian as written
	// Problem is what the solver solves: the compiled Hamiltonian H (it
	// implements hamiltonians.Hesser, and hamiltonians.Separable when
	// H = T(p) + V(q)), the initial state Z0 = [q0, p0] (nil for a learn
	// task without one), the interval [0, T], the K training points and the
	// file's text as read.
	solver.Problem
	// Solver is the solver section; fields the file leaves out are zero,
	// which means the solver's defaults.
	Solver solver.Settings
	// Compare is the compare section: what errorbound.Assess compares the
	// solution with.
	Compare errorbound.AssessSettings
	// Learn is the learn section, nil when absent.
	Learn *Learn
	// Warnings are what Parse found doubtful but not wrong (training
	// points too sparse for the motion), each starting with its key.
	Warnings []string
}

// Parameter is a named constant of a problem file.
type Parameter struct {
	Name  string
	Value float64
}

// Names returns the state variable names [q..., p...].
func (p *Problem) Names() []string {
	return append(append([]string(nil), p.Coordinates...), p.Momenta...)
}

// Dim returns D = 2d, the length of a state.
func (p *Problem) Dim() int { return 2 * len(p.Coordinates) }

// Error is an error in a problem file: the file, the key (a dotted path such
// as "solver.epochs"), the line where known, and what is wrong.
type Error struct {
	File string
	Key  string
	Line int
	Msg  string
	Err  error // the underlying error, if any (e.g. *hamiltonians.SyntaxError)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Key != "" || e.Line > 0 {
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
	}
	if e.Line > 0 {
		if e.Key != "" {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "(line %d)", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// Parse decodes and validates a problem file. source names the file in error
// messages; a problem without a name takes defaultName.
func Parse(data []byte, source, defaultName string) (*Problem, error) {
	if isLearned(data) {
		if len(data) > MaxLearnedSize {
			return nil, &Error{File: source, Msg: (&SizeError{What: "a learned model", Limit: MaxLearnedSize}).Error()}
		}
		return parseLearned(data, source)
	}
	d := &decoder{file: source}
	p, err := d.parse(data, defaultName)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			if pe.File == "" {
				pe.File = source
			}
			return nil, pe
		}
		return nil, &Error{File: source, Msg: err.Error(), Err: err}
	}
	p.Source = source
	p.Text = append([]byte(nil), data...)
	return p, nil
}

type decoder struct {
	file   string
	params map[string]float64
}

func (d *decoder) parse(data []byte, defaultName string) (*Problem, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{Msg: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxFileSize)}
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil, &Error{Msg: "file is empty; a problem needs at least coordinates, hamiltonian, initial and time (see: hnn problems show henon_heiles)"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		return nil, &Error{Msg: "malformed YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		return nil, &Error{Msg: "expected one YAML document"}
	}
	var second yaml.Node
	if err := dec.Decode(&second); !errors.Is(err, io.EOF) {
		line := second.Line
		if err != nil {
			line = 0
		}
		return nil, &Error{Line: line, Msg: "a second YAML document (after ---); a problem file holds one document"}
	}
	top := root.Content[0]
	if err := checkKeys(top, reflectFileDoc, ""); err != nil {
		return nil, err
	}
	var doc fileDoc
	if err := top.Decode(&doc); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return nil, &Error{Msg: typeErrorMsg(te.Errors[0])}
		}
		return nil, &Error{Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}

	p := &Problem{Description: strings.TrimSpace(doc.Description)}
	p.Name = doc.Name
	if p.Name == "" {
		p.Name = defaultName
	}
	if msg := checkName(p.Name); msg != "" {
		return nil, &Error{Key: "name", Line: keyLine(top, "name"), Msg: msg}
	}

	if err := d.variables(p, &doc, top); err != nil {
		return nil, err
	}
	if err := d.parameters(p, &doc.Parameters, top); err != nil {
		return nil, err
	}
	if doc.Hamiltonian == nil || strings.TrimSpace(doc.Hamiltonian.Value) == "" {
		return nil, &Error{Key: "hamiltonian", Line: keyLine(top, "hamiltonian"), Msg: "missing: give H as a formula of the coordinates and momenta, e.g. hamiltonian: p^2/2 + x^2/2"}
	}
	p.Formula = doc.Hamiltonian.Value
	f, err := hamiltonians.Parse(p.Formula, p.Coordinates, p.Momenta, d.params)
	if err != nil {
		return nil, &Error{Key: "hamiltonian", Line: doc.Hamiltonian.Line, Msg: err.Error(), Err: err}
	}
	p.H = f
	if s, ok := f.Separable(); ok {
		p.H = s
	}
	if doc.Learn != nil {
		if p.Learn, err = d.learn(doc.Learn, top); err != nil {
			return nil, err
		}
		if e := doc.Learn.Energy; e != nil {
			if p.Learn.Energy, err = hamiltonians.Parse(e.Value, p.Coordinates, p.Momenta, d.params); err != nil {
				return nil, &Error{Key: "learn.energy", Line: e.Line, Msg: err.Error(), Err: err}
			}
		}
		if doc.Learn.Pixels != nil {
			if p.Learn.Pixels, err = d.pixels(p, doc.Learn, p.Learn, top); err != nil {
				return nil, err
			}
			p.Learn.Pixels.Energy.Energy = p.Learn.Energy
		}
	}
	// A learn problem needs no initial state or interval of its own.
	if doc.Learn == nil || doc.Initial.Kind != 0 {
		if err := d.initial(p, &doc.Initial, top); err != nil {
			return nil, err
		}
	}
	if doc.Learn == nil || doc.Time != nil {
		if err := d.time(p, doc.Time, top); err != nil {
			return nil, err
		}
	}
	if err := d.solver(p, doc.Solver); err != nil {
		return nil, err
	}
	if err := autoPoints(p, doc.Time, top); err != nil {
		return nil, err
	}
	if err := d.compare(p, doc.Compare); err != nil {
		return nil, err
	}
	if p.Z0 != nil {
		if e0 := p.H.H(p.Z0); math.IsNaN(e0) || math.IsInf(e0, 0) {
			return nil, &Error{Key: "initial", Line: keyLine(top, "initial"), Msg: fmt.Sprintf("the Hamiltonian is not finite at the initial state (H = %v); check for a division by zero or a log of a non-positive number there", e0)}
		}
	}
	if err := p.checkWork(keyLine(top, "time"), keyLine(top, "solver"), keyLine(top, "learn")); err != nil {
		return nil, err
	}
	return p, nil
}

// checkWork rejects, before any work, a problem whose training or
// assessment would exceed the limits, with the estimated figure, and
// records a warning when its training points are too sparse for the
// motion. The lines locate the time, solver and learn sections.
func (p *Problem) checkWork(timeLine, solverLine, learnLine int) error {
	if p.Learn != nil && p.Learn.Pixels == nil {
		if err := p.Learn.Settings.Check(p.Dim()); err != nil {
			return &Error{File: p.Source, Key: "learn.hidden", Line: learnLine, Msg: err.Error(), Err: err}
		}
	}
	if p.Z0 == nil {
		return nil
	}
	if err := p.Solver.Check(p.Problem); err != nil {
		return &Error{File: p.Source, Key: "solver", Line: solverLine, Msg: err.Error(), Err: err}
	}
	cost := errorbound.EstimateCost(errorbound.Case{H: p.H, Z0: p.Z0, T: p.T, K: p.K})
	if err := cost.Err(p.Dim()); err != nil {
		return &Error{File: p.Source, Key: "time.end", Line: timeLine, Msg: err.Error(), Err: err}
	}
	// In the automatic mode the windows choose their own points.
	if w := cost.Warning(p.K, p.T); w != "" && !(p.Solver.Tolerance > 0) {
		p.Warnings = append(p.Warnings, "time.points: "+w)
	}
	return nil
}

// variables validates coordinates and momenta.
func (d *decoder) variables(p *Problem, doc *fileDoc, top *yaml.Node) error {
	if len(doc.Coordinates) == 0 {
		return &Error{Key: "coordinates", Line: keyLine(top, "coordinates"), Msg: "missing: list the coordinate names, e.g. coordinates: [x, y]"}
	}
	if len(doc.Coordinates) > hamiltonians.MaxVariables/2 {
		return &Error{Key: "coordinates", Line: keyLine(top, "coordinates"), Msg: fmt.Sprintf("%d coordinates; the limit is %d", len(doc.Coordinates), hamiltonians.MaxVariables/2)}
	}
	p.Coordinates = doc.Coordinates
	p.Momenta = doc.Momenta
	if len(p.Momenta) == 0 {
		for _, c := range p.Coordinates {
			p.Momenta = append(p.Momenta, "p"+c)
		}
	} else if len(p.Momenta) != len(p.Coordinates) {
		return &Error{Key: "momenta", Line: keyLine(top, "momenta"), Msg: fmt.Sprintf("%d momenta for %d coordinates; give one momentum per coordinate, or omit momenta to use p<coordinate>", len(p.Momenta), len(p.Coordinates))}
	}
	if key, msg := checkVariables(p); msg != "" {
		return &Error{Key: key, Line: keyLine(top, key), Msg: msg}
	}
	return nil
}

// checkVariables checks the names of p's coordinates and momenta, as read
// from any file: each a name of the formula language, none twice. It
// returns the key at fault and what is wrong, or "" when they are fine.
func checkVariables(p *Problem) (key, msg string) {
	seen := map[string]string{}
	for i, n := range p.Names() {
		key := "coordinates"
		if i >= len(p.Coordinates) {
			key = "momenta"
		}
		if !identRE.MatchString(n) {
			return key, fmt.Sprintf("%q is not a name: use letters, digits and '_', starting with a letter", n)
		}
		if prev, dup := seen[n]; dup {
			return key, fmt.Sprintf("%q appears twice (also in %s)", n, prev)
		}
		seen[n] = key
	}
	return "", ""
}

// checkName checks a problem's name, which becomes the default output
// directory: a single path element of letters, digits, '_', '-' and '.',
// starting with a letter or digit (so never "..", never a path).
func checkName(name string) string {
	if nameRE.MatchString(name) {
		return ""
	}
	return fmt.Sprintf("%q is not a usable name: use letters, digits, '_', '-' and '.', starting with a letter or digit (the name is the default output directory)", name)
}

// parameters evaluates the parameters in file order; each may use pi, e and
// the parameters before it.
func (d *decoder) parameters(p *Problem, n *yaml.Node, top *yaml.Node) error {
	d.params = map[string]float64{}
	if n.Kind == 0 || n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return &Error{Key: "parameters", Line: n.Line, Msg: "must be a mapping of names to numbers, e.g. parameters: {g: 3}"}
	}
	vars := map[string]bool{}
	for _, v := range p.Names() {
		vars[v] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := "parameters." + k.Value
		if !identRE.MatchString(k.Value) {
			return &Error{Key: key, Line: k.Line, Msg: fmt.Sprintf("%q is not a name: use letters, digits and '_', starting with a letter", k.Value)}
		}
		if vars[k.Value] {
			return &Error{Key: key, Line: k.Line, Msg: fmt.Sprintf("%q is also a coordinate or momentum", k.Value)}
		}
		if _, dup := d.params[k.Value]; dup {
			return &Error{Key: key, Line: k.Line, Msg: "defined twice"}
		}
		if v.Kind != yaml.ScalarNode {
			return &Error{Key: key, Line: v.Line, Msg: "must be a number or an expression"}
		}
		x, err := d.eval(&expr{scalar{Value: v.Value, Line: v.Line, Tag: v.ShortTag()}}, key)
		if err != nil {
			return err
		}
		d.params[k.Value] = x
		p.Parameters = append(p.Parameters, Parameter{Name: k.Value, Value: x})
	}
	return nil
}

func (d *decoder) initial(p *Problem, n *yaml.Node, top *yaml.Node) error {
	if n.Kind == 0 || n.ShortTag() == "!!null" {
		return &Error{Key: "initial", Line: keyLine(top, "initial"), Msg: fmt.Sprintf("missing: give one value for each of %s", strings.Join(p.Names(), ", "))}
	}
	if n.Kind != yaml.MappingNode {
		return &Error{Key: "initial", Line: n.Line, Msg: fmt.Sprintf("must be a mapping of names to numbers, e.g. initial: {%s: 1, %s: 0}", p.Coordinates[0], p.Momenta[0])}
	}
	index := map[string]int{}
	for i, v := range p.Names() {
		index[v] = i
	}
	p.Z0 = make([]float64, p.Dim())
	set := make([]bool, p.Dim())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := "initial." + k.Value
		j, ok := index[k.Value]
		if !ok {
			return &Error{Key: key, Line: k.Line, Msg: fmt.Sprintf("%q is not a coordinate or momentum; expected one of %s", k.Value, strings.Join(p.Names(), ", "))}
		}
		if set[j] {
			return &Error{Key: key, Line: k.Line, Msg: "given twice"}
		}
		if v.Kind != yaml.ScalarNode {
			return &Error{Key: key, Line: v.Line, Msg: "must be a number or an expression"}
		}
		x, err := d.eval(&expr{scalar{Value: v.Value, Line: v.Line, Tag: v.ShortTag()}}, key)
		if err != nil {
			return err
		}
		p.Z0[j], set[j] = x, true
	}
	var missing []string
	for i, v := range p.Names() {
		if !set[i] {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return &Error{Key: "initial", Line: n.Line, Msg: fmt.Sprintf("no initial value for %s", strings.Join(missing, ", "))}
	}
	return nil
}

func (d *decoder) time(p *Problem, t *fileTime, top *yaml.Node) error {
	if t == nil || t.End == nil {
		return &Error{Key: "time.end", Line: keyLine(top, "time"), Msg: "missing: give the end of the time interval [0, T], e.g. time: {end: 4*pi, points: 200}"}
	}
	end, err := d.eval(t.End, "time.end")
	if err != nil {
		return err
	}
	if end <= 0 {
		return &Error{Key: "time.end", Line: t.End.Line, Msg: fmt.Sprintf("must be > 0, got %v", end)}
	}
	p.T = end
	if t.Points == nil {
		return nil // optional in the automatic mode: see autoPoints
	}
	p.K, err = d.integer(t.Points, "time.points", 2, MaxPoints)
	return err
}

// AutoPoints is K of a problem in the automatic mode whose file gives no
// time.points: its windows choose their own training points, and the
// comparison's K is their total, so K only sizes the cost estimate.
const AutoPoints = 200

// autoPoints sets K = AutoPoints when the time section has no points and
// the problem runs in the automatic mode; with fixed settings the points
// are required.
func autoPoints(p *Problem, t *fileTime, top *yaml.Node) error {
	if t == nil || t.Points != nil {
		return nil
	}
	if !(p.Solver.Tolerance > 0) {
		return &Error{Key: "time.points", Line: keyLine(top, "time"), Msg: "missing: give the number of training points K, e.g. points: 200 (only the automatic mode, solver.tolerance, chooses its own)"}
	}
	p.K = AutoPoints
	return nil
}

func (d *decoder) solver(p *Problem, s *fileSolver) error {
	if s == nil {
		// No solver section: the automatic mode at its default tolerance.
		p.Solver.Tolerance = solver.DefaultTolerance
		return nil
	}
	var err error
	out := &p.Solver
	for i, h := range s.Hidden {
		w, err := d.integer(h, fmt.Sprintf("solver.hidden[%d]", i), 1, MaxWidth)
		if err != nil {
			return err
		}
		out.Hidden = append(out.Hidden, w)
	}
	if len(s.Hidden) > MaxLayers {
		return &Error{Key: "solver.hidden", Line: s.Hidden[0].Line, Msg: fmt.Sprintf("%d hidden layers; the limit is %d", len(s.Hidden), MaxLayers)}
	}
	if out.Activation, err = choice(s.Activation, "solver.activation", solver.Activations); err != nil {
		return err
	}
	if out.Init, err = choice(s.Init, "solver.init", solver.Inits); err != nil {
		return err
	}
	if out.Trial, err = choice(s.Trial, "solver.trial", solver.Trials); err != nil {
		return err
	}
	if out.Formulation, err = choice(s.Formulation, "solver.formulation", solver.Formulations); err != nil {
		return err
	}
	if out.Formulation == solver.FormulationLagrangian && !hamiltonians.UnitMass(p.H) {
		return &Error{Key: "solver.formulation", Line: s.Formulation.Line, Msg: "lagrangian needs a Hamiltonian of the form H = |p|²/2 + V(q) (separable, unit masses); this one is not: use formulation: hamiltonian"}
	}
	if out.TargetBound, err = choice(s.TargetBound, "solver.target_bound", solver.TargetBounds); err != nil {
		return err
	}
	if s.Epochs != nil {
		if out.Epochs, err = d.integer(s.Epochs, "solver.epochs", 1, MaxEpochs); err != nil {
			return err
		}
	}
	if s.PolishIterations != nil {
		if out.PolishIterations, err = d.integer(s.PolishIterations, "solver.polish_iterations", 0, MaxPolish); err != nil {
			return err
		}
	}
	if out.PolishMethod, err = choice(s.PolishMethod, "solver.polish_method", solver.PolishMethods); err != nil {
		return err
	}
	if s.Seed != nil {
		if out.Seed, err = d.seed(s.Seed); err != nil {
			return err
		}
	}
	type real struct {
		e        *expr
		key      string
		dst      *float64
		lo, hi   float64
		openLow  bool // lo excluded
		openHigh bool // hi excluded
	}
	var jitter float64
	reals := []real{
		{s.LearningRate, "solver.learning_rate", &out.LearningRate, 0, 10, true, false},
		{s.FinalLR, "solver.final_learning_rate", &out.FinalLearningRate, 0, 10, true, false},
		{s.Beta1, "solver.beta1", &out.Beta1, 0, 1, false, true},
		{s.Beta2, "solver.beta2", &out.Beta2, 0, 1, false, true},
		{s.Jitter, "solver.jitter", &jitter, 0, math.Inf(1), false, true},
		{s.EnergyWeight, "solver.energy_weight", &out.EnergyWeight, 0, math.Inf(1), false, true},
		{s.TargetError, "solver.target_error", &out.TargetError, 0, math.Inf(1), true, true},
		{s.Tolerance, "solver.tolerance", &out.Tolerance, 0, math.Inf(1), true, true},
		{s.MaxSeconds, "solver.max_seconds", &out.MaxSeconds, 0, math.Inf(1), true, true},
	}
	for _, r := range reals {
		if r.e == nil {
			continue
		}
		x, err := d.eval(r.e, r.key)
		if err != nil {
			return err
		}
		if x < r.lo || (r.openLow && x == r.lo) || x > r.hi || (r.openHigh && x == r.hi) {
			lo, hi := "[", "]"
			if r.openLow {
				lo = "("
			}
			if r.openHigh {
				hi = ")"
			}
			return &Error{Key: r.key, Line: r.e.Line, Msg: fmt.Sprintf("%v is out of range %s%v, %v%s", x, lo, r.lo, r.hi, hi)}
		}
		*r.dst = x
	}
	if s.Jitter != nil {
		out.Jitter, out.NoJitter = jitter, jitter == 0
	}
	return nil
}

func (d *decoder) compare(p *Problem, c *fileCompare) error {
	if c == nil {
		return nil
	}
	for i, e := range c.EulerFactors {
		key := fmt.Sprintf("compare.euler_factors[%d]", i)
		f, err := d.integer(e, key, 1, MaxFactor)
		if err != nil {
			return err
		}
		if f*p.K > MaxEulerStep {
			return &Error{Key: key, Line: e.Line, Msg: fmt.Sprintf("%d·K = %d symplectic Euler steps; the limit is %d", f, f*p.K, MaxEulerStep)}
		}
		p.Compare.EulerFactors = append(p.Compare.EulerFactors, f)
	}
	return nil
}

// eval evaluates a numeric field, which must be finite.
func (d *decoder) eval(e *expr, key string) (float64, error) {
	switch e.Tag {
	case "!!bool":
		return 0, &Error{Key: key, Line: e.Line, Msg: fmt.Sprintf("expected a number, got %q", e.Value)}
	case "!!null":
		return 0, &Error{Key: key, Line: e.Line, Msg: "expected a number, got nothing"}
	case "!!float":
		switch strings.ToLower(strings.TrimLeft(e.Value, "+-")) {
		case ".inf", ".nan":
			return 0, &Error{Key: key, Line: e.Line, Msg: fmt.Sprintf("%s is not a finite number", e.Value)}
		}
	}
	x, err := hamiltonians.Eval(e.Value, d.params)
	if err != nil {
		return 0, &Error{Key: key, Line: e.Line, Msg: err.Error(), Err: err}
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, &Error{Key: key, Line: e.Line, Msg: fmt.Sprintf("%s is not a finite number", e.Value)}
	}
	return x, nil
}

// integer evaluates a numeric field that must be an integer in [lo, hi].
func (d *decoder) integer(e *expr, key string, lo, hi int) (int, error) {
	x, err := d.eval(e, key)
	if err != nil {
		return 0, err
	}
	if x != math.Trunc(x) {
		return 0, &Error{Key: key, Line: e.Line, Msg: fmt.Sprintf("must be a whole number, got %v", x)}
	}
	if x < float64(lo) || x > float64(hi) {
		return 0, &Error{Key: key, Line: e.Line, Msg: fmt.Sprintf("%v is out of range [%d, %d]", x, lo, hi)}
	}
	return int(x), nil
}

// seed reads solver.seed: any unsigned 64-bit integer, written in decimal.
func (d *decoder) seed(e *expr) (uint64, error) {
	if s, err := strconv.ParseUint(strings.TrimSpace(e.Value), 10, 64); err == nil {
		return s, nil
	}
	x, err := d.integer(e, "solver.seed", 0, 1<<53)
	return uint64(x), err
}

// choice reads a key whose value is one of allowed (a string type of the
// library's settings); an absent key is the zero value, the default.
func choice[T ~string](s *scalar, key string, allowed []T) (T, error) {
	if s == nil {
		return "", nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if s.Value == string(a) {
			return a, nil
		}
		names[i] = string(a)
	}
	return "", &Error{Key: key, Line: s.Line, Msg: fmt.Sprintf("unknown value %q; expected one of %s", s.Value, strings.Join(names, ", "))}
}

// keyLine returns the line of key in mapping n, or n's own line.
func keyLine(n *yaml.Node, key string) int {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	return 0
}

// typeErrorMsg turns a yaml.v3 type error ("line 3: cannot unmarshal !!map
// into []string") into words a user can act on.
func typeErrorMsg(s string) string {
	s = strings.Replace(s, "cannot unmarshal", "cannot read", 1)
	r := strings.NewReplacer(
		"!!map", "a mapping", "!!seq", "a list", "!!str", "a string", "!!int", "a number", "!!float", "a number", "!!bool", "a boolean",
		"into []string", "as a list of names", "into string", "as text", "into []*problems.expr", "as a list of numbers",
	)
	return r.Replace(s)
}
