package problems

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/hnn-project/hnn/symplectic"
)

// MethodDOP853 names the adaptive reference integrator in Integrate's
// settings, beside the fixed-step methods of symplectic.Methods.
const MethodDOP853 = "dop853"

// IntegrateSettings are the settings of Problem.Integrate; the zero value
// is the default.
type IntegrateSettings struct {
	// Method is a fixed-step method's name (symplectic.MethodByName) or
	// MethodDOP853 ("": dop853).
	Method string
	// Steps is the number of steps, or for dop853 of output intervals
	// (0: the problem's K).
	Steps int
	// RTol is dop853's relative and absolute tolerance (0: 1e-12).
	RTol float64
	// Output caps the states kept and returned: at most Output+1 of them,
	// at every ⌈Steps/Output⌉-th step and at T (0: DefaultIntegrateOutput).
	// The maximum energy error of a fixed-step method is still taken over
	// every step.
	Output int
	// Progress, if set, is called now and then during a fixed-step
	// integration with the steps taken and the steps in all.
	Progress func(step, steps int)
}

// DefaultIntegrateOutput is the default of IntegrateSettings.Output: a
// trajectory of 10⁸ steps keeps 10⁵ states (a few MB), not 10⁸ (GB).
const DefaultIntegrateOutput = 100_000

// IntegrateReport is report.json of hnn integrate.
type IntegrateReport struct {
	Problem        string            `json:"problem"`
	Method         string            `json:"method"`
	Steps          int               `json:"steps"`
	Stride         int               `json:"output_stride"` // the states are those of every Stride-th step, and T's
	End            Number            `json:"t_end"`
	Seconds        Number            `json:"seconds"`
	Energy0        Number            `json:"energy0"`
	MaxEnergyError Number            `json:"max_energy_error"`
	FinalState     map[string]Number `json:"final_state"`
	RTol           *Number           `json:"rtol,omitempty"`
	Evaluations    int               `json:"evaluations,omitempty"`
	AcceptedSteps  int               `json:"accepted_steps,omitempty"`
	RejectedSteps  int               `json:"rejected_steps,omitempty"`
}

// Trajectory is a classical integration of a problem: the states at
// t_k = k·T/N for k = 0, s, 2s, …, and N (s = Report.Stride), their
// energies and the report's figures.
type Trajectory struct {
	Times  []float64
	States []float64 // row-major, Dim() per time
	Energy []float64 // H at each state
	Report IntegrateReport
}

// ErrBadIntegrate marks what Integrate cannot run: a learn task, a method
// that cannot handle this Hamiltonian, or (as a *SettingError) a setting
// out of range.
var ErrBadIntegrate = errors.New("cannot integrate")

// SettingError is a setting out of range, by its name (e.g. "steps").
type SettingError struct {
	Name string
	Err  error
}

func (e *SettingError) Error() string { return e.Name + ": " + e.Err.Error() }

// Unwrap returns ErrBadIntegrate and the cause.
func (e *SettingError) Unwrap() []error { return []error{ErrBadIntegrate, e.Err} }

// Integrate integrates Hamilton's equations of p over [0, T] with a
// classical method. Errors wrapping ErrBadIntegrate are the caller's
// settings; others are failures of the integration.
func (p *Problem) Integrate(ctx context.Context, set *IntegrateSettings) (*Trajectory, error) {
	var s IntegrateSettings
	if set != nil {
		s = *set
	}
	if p.Z0 == nil {
		return nil, fmt.Errorf("%w: %s has no initial state and time: this is a learn task", ErrBadIntegrate, p.Source)
	}
	if s.Method == "" {
		s.Method = MethodDOP853
	}
	if s.Steps == 0 {
		s.Steps = p.K
	}
	if s.RTol == 0 {
		s.RTol = 1e-12
	}
	if s.Output == 0 {
		s.Output = DefaultIntegrateOutput
	}
	if s.Output < 1 {
		return nil, &SettingError{"output", fmt.Errorf("%d must be at least 1", s.Output)}
	}
	if s.Steps < 1 || s.Steps > MaxEulerStep {
		return nil, &SettingError{"steps", fmt.Errorf("%d is out of range [1, %d]", s.Steps, MaxEulerStep)}
	}
	if !(s.RTol > 0 && s.RTol < 1) {
		return nil, &SettingError{"rtol", fmt.Errorf("%v must be in (0, 1)", s.RTol)}
	}
	var m symplectic.Method
	if s.Method != MethodDOP853 {
		var err error
		if m, err = symplectic.MethodByName(s.Method); err != nil {
			return nil, &SettingError{"method", err}
		}
	}
	e0 := p.H.H(p.Z0)
	stride := (s.Steps + s.Output - 1) / s.Output
	rep := IntegrateReport{Problem: p.Name, Method: s.Method, Steps: s.Steps, Stride: stride, End: Number(p.T), Energy0: Number(e0)}
	start := time.Now()
	fail := func(err error) error {
		err = fmt.Errorf("problem %s: %w", p.Name, err)
		if errors.Is(err, symplectic.ErrNotSeparable) || errors.Is(err, symplectic.ErrNoHessian) {
			return fmt.Errorf("%w: %w", ErrBadIntegrate, err)
		}
		return err
	}
	D := p.Dim()
	n := s.Steps/stride + 2
	out := &Trajectory{Times: make([]float64, 0, n), States: make([]float64, 0, n*D), Energy: make([]float64, 0, n)}
	var maxErr float64
	energy := func(x []float64) float64 {
		h := p.H.H(x)
		if d := math.Abs(h - e0); d > maxErr || math.IsNaN(d) {
			maxErr = d
		}
		return h
	}
	keep := func(k int, x []float64, h float64) {
		out.Times = append(out.Times, p.T*float64(k)/float64(s.Steps))
		out.States = append(out.States, x...)
		out.Energy = append(out.Energy, h)
	}
	if m == nil {
		sol, err := (&symplectic.DOP853{RTol: s.RTol, ATol: s.RTol}).Solve(ctx, symplectic.HamiltonianSystem(p.H), p.Z0, 0, p.T)
		if err != nil {
			return nil, fail(err)
		}
		st := sol.Stats()
		rep.RTol, rep.Evaluations, rep.AcceptedSteps, rep.RejectedSteps = num(s.RTol), st.Evaluations, st.Accepted, st.Rejected
		x := make([]float64, D)
		for k := 0; k <= s.Steps; k++ {
			if k%stride == 0 || k == s.Steps {
				keep(k, x, energy(sol.At(x, p.T*float64(k)/float64(s.Steps))))
			}
		}
	} else if err := p.step(ctx, m, s.Steps, s.Progress, func(k int, x []float64) {
		if h := energy(x); k%stride == 0 || k == s.Steps {
			keep(k, x, h)
		}
	}); err != nil {
		return nil, fail(err)
	}
	rep.Seconds = Number(time.Since(start).Seconds())
	rep.MaxEnergyError = Number(maxErr)
	rep.FinalState = Named(p.Names(), out.States[len(out.States)-D:])
	out.Report = rep
	return out, nil
}

// step takes steps fixed steps of m over [0, T] from z0 and calls visit
// with every state (k = 0..steps), keeping none; step times are k·T/steps,
// never accumulated, as in symplectic.Integrate, so the states are the
// same bits. It stops when ctx is done (checked every 4096 steps, when
// progress, if not nil, is told too).
func (p *Problem) step(ctx context.Context, m symplectic.Method, steps int, progress func(int, int), visit func(k int, x []float64)) error {
	st, err := symplectic.NewStepper(m, p.H)
	if err != nil {
		return err
	}
	cur, next := slices.Clone(p.Z0), make([]float64, len(p.Z0))
	visit(0, cur)
	for k := 0; k < steps; k++ {
		if k%4096 == 0 {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if progress != nil {
				progress(k, steps)
			}
		}
		ta, tb := p.T*float64(k)/float64(steps), p.T*float64(k+1)/float64(steps)
		if err := st.Step(next, cur, tb-ta); err != nil {
			return fmt.Errorf("at t=%g: %w", ta, err)
		}
		for _, v := range next {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("symplectic: %s: the state became non-finite at t=%g", m.Name(), tb)
			}
		}
		cur, next = next, cur
		visit(k+1, cur)
	}
	return nil
}

// TableHeader is the header of a trajectory table: t, the coordinates and
// momenta, H (solution.csv, trajectory.csv).
func (p *Problem) TableHeader() []string { return append(append([]string{"t"}, p.Names()...), "H") }

// Table returns a trajectory as rows (t, z…, H(z)), one per time, from
// row-major states with Dim() values per time.
func (p *Problem) Table(times, states []float64) [][]float64 {
	D := p.Dim()
	rows := make([][]float64, len(times))
	for k, t := range times {
		z := states[k*D : (k+1)*D]
		rows[k] = append(append(append(make([]float64, 0, D+2), t), z...), p.H.H(z))
	}
	return rows
}
