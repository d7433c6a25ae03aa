package problems

import (
	"context"
	"errors"
	"fmt"
	"math"
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
}

// IntegrateReport is report.json of hnn integrate.
type IntegrateReport struct {
	Problem        string            `json:"problem"`
	Method         string            `json:"method"`
	Steps          int               `json:"steps"`
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
// t_k = k·T/N, k = 0..N, their energies and the report's figures.
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
	rep := IntegrateReport{Problem: p.Name, Method: s.Method, Steps: s.Steps, End: Number(p.T), Energy0: Number(e0)}
	start := time.Now()
	var at func(dst []float64, t float64) []float64
	fail := func(err error) error {
		err = fmt.Errorf("problem %s: %w", p.Name, err)
		if errors.Is(err, symplectic.ErrNotSeparable) || errors.Is(err, symplectic.ErrNoHessian) {
			return fmt.Errorf("%w: %w", ErrBadIntegrate, err)
		}
		return err
	}
	if m == nil {
		sol, err := (&symplectic.DOP853{RTol: s.RTol, ATol: s.RTol}).Solve(ctx, symplectic.HamiltonianSystem(p.H), p.Z0, 0, p.T)
		if err != nil {
			return nil, fail(err)
		}
		at = sol.At
		st := sol.Stats()
		rep.RTol, rep.Evaluations, rep.AcceptedSteps, rep.RejectedSteps = num(s.RTol), st.Evaluations, st.Accepted, st.Rejected
	} else {
		tr, err := symplectic.Integrate(p.H, p.Z0, 0, p.T, s.Steps, m)
		if err != nil {
			return nil, fail(err)
		}
		at = tr.At
	}
	D := p.Dim()
	out := &Trajectory{Times: make([]float64, s.Steps+1), States: make([]float64, (s.Steps+1)*D), Energy: make([]float64, s.Steps+1)}
	var maxErr float64
	for k := 0; k <= s.Steps; k++ {
		t := p.T * float64(k) / float64(s.Steps)
		x := at(out.States[k*D:(k+1)*D], t)
		h := p.H.H(x)
		if d := math.Abs(h - e0); d > maxErr || math.IsNaN(d) {
			maxErr = d
		}
		out.Times[k], out.Energy[k] = t, h
	}
	rep.Seconds = Number(time.Since(start).Seconds())
	rep.MaxEnergyError = Number(maxErr)
	rep.FinalState = Named(p.Names(), out.States[s.Steps*D:])
	out.Report = rep
	return out, nil
}
