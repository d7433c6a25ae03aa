package problems

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/internal/outdir"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/solver/pixels"
)

// Number is a float64 that encodes non-finite values as JSON null: the
// numbers of the reports below.
type Number float64

// MarshalJSON writes x in the shortest form that reads back to the same
// float64, or null when x is NaN or infinite.
func (x Number) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(f, 'g', -1, 64)), nil
}

// Named returns {names[i]: x[i]}, the per-component figures of a report.
func Named(names []string, x []float64) map[string]Number {
	m := make(map[string]Number, len(names))
	for i, n := range names {
		m[n] = Number(x[i])
	}
	return m
}

// MarshalReport renders a report as indented JSON with a trailing newline,
// as the report.json files are written.
func MarshalReport(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// SolveReport is report.json of hnn solve: the training record of a
// solution and its assessment (errorbound.Assess), figures only.
type SolveReport struct {
	Problem  string         `json:"problem"`
	Training TrainingReport `json:"training"`
	Network  NetworkReport  `json:"network"`
	Euler    []EulerReport  `json:"euler"`
	Bounds   BoundsReport   `json:"bounds"`
	// EulerStepsToMatch is the fewest symplectic Euler steps whose max
	// phase-space error is at most the network's; when the cap was reached
	// it is the cap and EulerStepsToMatchReached is false ("more than").
	EulerStepsToMatch        int  `json:"euler_steps_to_match"`
	EulerStepsToMatchReached bool `json:"euler_steps_to_match_reached"`
	// EulerStepsToMatchExtrapolated is set when the steps to match are
	// extrapolated by first order beyond errorbound.MeasuredEulerSteps.
	EulerStepsToMatchExtrapolated bool   `json:"euler_steps_to_match_extrapolated,omitempty"`
	EulerMethod                   string `json:"euler_method"`
	Grid                          int    `json:"grid_points"`
	// Points is K, the training points (over all windows of a chain).
	Points int `json:"training_points"`
	// Tolerance is the automatic mode's outcome (solver.ToleranceResult),
	// Windows its chain's windows; both absent for fixed settings.
	Tolerance *ToleranceReport `json:"tolerance,omitempty"`
	Windows   []WindowReport   `json:"windows,omitempty"`
	Reference string           `json:"reference"`
	// PlotDropped counts the points the plots left out (not finite, or
	// not positive on a log axis); the caller that draws sets it.
	PlotDropped int `json:"plot_points_left_out,omitempty"`
	// Interrupted names the assessment stage a Ctrl-C stopped
	// (errorbound.Assessment.Interrupted); the later figures are missing.
	Interrupted string     `json:"interrupted_stage,omitempty"`
	Provenance  Provenance `json:"provenance"`
}

// ToleranceReport is report.json's tolerance section.
type ToleranceReport struct {
	Requested      Number  `json:"requested"`
	Met            bool    `json:"met"`
	CertifiedUntil Number  `json:"certified_until"`
	Bound          *Number `json:"bound"` // certified max‖δz‖ on [0, certified_until]; null when none
	Held           *bool   `json:"held,omitempty"`
	Passes         int     `json:"passes"`
	Reason         string  `json:"reason,omitempty"`
}

// WindowReport is one window of a chain (solver.Window).
type WindowReport struct {
	Start   Number `json:"start"`
	End     Number `json:"end"`
	Points  int    `json:"points"`
	Width   []int  `json:"width"`
	Epochs  int    `json:"epochs"`
	Polish  int    `json:"polish_iterations"`
	LMax    Number `json:"lmax"`
	Seconds Number `json:"seconds"`
}

// windowReports lists the windows of sol.
func windowReports(sol *solver.Solution) []WindowReport {
	var out []WindowReport
	for _, w := range sol.Windows() {
		out = append(out, WindowReport{Start: Number(w.Start), End: Number(w.End), Points: w.Points, Width: w.Hidden,
			Epochs: w.Epochs, Polish: w.Polish, LMax: Number(w.LMax), Seconds: Number(w.Seconds)})
	}
	return out
}

// EnvelopeReport is the certified bound β on one block [t0, t1].
type EnvelopeReport struct {
	T0    Number `json:"t0"`
	T1    Number `json:"t1"`
	Bound Number `json:"bound"`
}

// TrainingReport is how the training went.
type TrainingReport struct {
	Epochs          int                 `json:"epochs"`
	Polish          int                 `json:"polish_iterations"`
	PolishMethod    solver.PolishMethod `json:"polish_method,omitempty"`
	Seconds         Number              `json:"seconds"`
	FinalLoss       Number              `json:"final_loss"`
	BestEpoch       int                 `json:"best_epoch"`
	BestLMax        Number              `json:"best_validation_lmax"`
	StoppedBecause  solver.Status       `json:"stopped_because"`
	Detail          string              `json:"detail,omitempty"`
	SecondsPerEpoch Number              `json:"ms_per_epoch"`
	// KeptLoss is the loss of the kept model (solver.Training.BestLoss);
	// FinalLoss is the last Adam epoch's.
	KeptLoss Number `json:"kept_model_loss"`
	// MsPerPolish is the wall time per polish iteration; SecondsPerEpoch
	// (in ms, despite its name) counts Adam epochs only.
	MsPerPolish Number `json:"ms_per_polish_iteration,omitempty"`
	// Saved is set when the training figures were read from a model file
	// (hnn bound), not measured by this run.
	Saved bool `json:"saved_in_model,omitempty"`
}

// Provenance is what reproduces a report: the seed, the problem file's
// SHA-256, the hnn version (Version) and (set by the command line) the
// command.
type Provenance struct {
	Seed          uint64   `json:"seed"`
	DataSeed      *uint64  `json:"data_seed,omitempty"` // a learn task's
	ProblemSHA256 string   `json:"problem_sha256"`
	Version       string   `json:"hnn_version,omitempty"`
	Command       []string `json:"command,omitempty"`
}

// provenance is the seeds and the problem file's hash.
func (p *Problem) provenance(seed uint64, dataSeed *uint64) Provenance {
	return Provenance{Seed: seed, DataSeed: dataSeed, ProblemSHA256: TextHash(p.Text), Version: Version()}
}

// TextHash is the SHA-256 of a problem file's text in hex, as reports
// record it (provenance.problem_sha256).
func TextHash(text []byte) string {
	sum := sha256.Sum256(text)
	return hex.EncodeToString(sum[:])
}

// SolveFiles adds a solve's output files to files: solution.csv (the
// network on the assessment's grid: t, the state, H), model.json and
// report.json. It encodes the report last, so plots drawn before it can
// set rep.PlotDropped.
func (p *Problem) SolveFiles(sol *solver.Solution, a *errorbound.Assessment, rep *SolveReport, files map[string][]byte) error {
	var model bytes.Buffer
	if err := sol.Save(&model); err != nil {
		return err
	}
	files["model.json"] = model.Bytes()
	files["solution.csv"] = outdir.CSV(p.TableHeader(), p.Table(a.Grid, a.States))
	b, err := MarshalReport(rep)
	if err != nil {
		return err
	}
	files["report.json"] = b
	return nil
}

// NetworkReport is the network's residual and its errors against the
// reference.
type NetworkReport struct {
	LMax           Number            `json:"lmax"`
	SigmaMin       Number            `json:"sigma_min"`
	PaperBound     *Number           `json:"paper_bound"`
	PaperBoundWhy  string            `json:"paper_bound_reason,omitempty"`
	PaperBoundHeld *bool             `json:"paper_bound_held,omitempty"`
	MaxAbsError    map[string]Number `json:"max_abs_error"`
	MaxError       Number            `json:"max_error"`
	RMSError       Number            `json:"rms_error"`
	MaxEnergyError Number            `json:"max_energy_error"`
}

// BoundsReport compares every bound and estimate with the actual error.
type BoundsReport struct {
	// Paper is ℓmax/σmin (Mattheakis et al. Eq. 22), a bound on every
	// component, compared with the largest component error.
	Paper CheckedBound `json:"paper"`
	// Propagation is the largest ‖e(t)‖ of the linearised error equation
	// (Eq. 18) integrated along the network: an estimate, not a bound,
	// compared with the largest phase-space error.
	Propagation CheckedBound `json:"propagation"`
	// Certified is the certified bound on max_t ‖z(t) − ẑ(t)‖₂
	// (errorbound.Certify), compared with the largest phase-space error.
	Certified CertifiedReport `json:"certified"`
}

// CertifiedReport is the certified bound with its parts.
type CertifiedReport struct {
	CheckedBound
	Certified   bool    `json:"certified"`
	Linear      *Number `json:"linear_part,omitempty"`
	Integration *Number `json:"integration_part,omitempty"`
	Residual    *Number `json:"residual_part,omitempty"`
	Nonlinear   *Number `json:"nonlinear_part,omitempty"`
	Rho         *Number `json:"tube_radius,omitempty"`
	PhiMax      *Number `json:"phi_max,omitempty"`
	M3          *Number `json:"third_derivative_bound,omitempty"`
	Intervals   int     `json:"intervals"`
	Seconds     Number  `json:"seconds"`
	// Until is the time up to which the tube closed, Envelope the bound
	// block by block up to there (β(t)).
	Until    Number           `json:"certified_until"`
	Envelope []EnvelopeReport `json:"envelope,omitempty"`
}

// CheckedBound is a bound or estimate against the actual error: no value,
// held or tightness where there is none.
type CheckedBound struct {
	Value     *Number           `json:"value"`
	Reason    string            `json:"reason,omitempty"`
	Held      *bool             `json:"held,omitempty"`
	Tightness *Number           `json:"tightness,omitempty"` // value / actual
	PerComp   map[string]Number `json:"max_abs,omitempty"`
}

// EulerReport is one symplectic Euler run against the reference.
type EulerReport struct {
	Factor         int               `json:"factor"`
	Steps          int               `json:"steps"`
	MaxAbsError    map[string]Number `json:"max_abs_error"`
	MaxError       Number            `json:"max_error"`
	MaxEnergyError Number            `json:"max_energy_error"`
}

// EulerAt returns the Euler run with the given factor, or nil.
func (r *SolveReport) EulerAt(factor int) *EulerReport {
	for i := range r.Euler {
		if r.Euler[i].Factor == factor {
			return &r.Euler[i]
		}
	}
	return nil
}

func num(x float64) *Number { v := Number(x); return &v }

// checked reports a checked bound.
func checked(c errorbound.Check) CheckedBound {
	var r CheckedBound
	if !c.Valid() {
		return r
	}
	held := c.Held
	r.Value, r.Held = num(c.Value), &held
	if !math.IsNaN(c.Tightness) {
		r.Tightness = num(c.Tightness)
	}
	return r
}

// certified fills the report of a certified bound.
func certified(a *errorbound.Assessment) CertifiedReport {
	c := a.Certified
	r := CertifiedReport{Certified: c.Certified, Intervals: c.Intervals, Seconds: Number(a.CertifySeconds), Until: Number(c.Until)}
	for _, e := range c.Envelope {
		r.Envelope = append(r.Envelope, EnvelopeReport{T0: Number(e.T0), T1: Number(e.T1), Bound: Number(e.Bound)})
	}
	r.Reason = c.Reason
	if !c.Certified {
		return r
	}
	r.CheckedBound = checked(a.CertifiedCheck)
	r.Linear, r.Integration, r.Residual, r.Nonlinear = num(c.Linear), num(c.Integration), num(c.Residual), num(c.Nonlinear)
	r.Rho, r.PhiMax, r.M3 = num(c.Rho), num(c.PhiMax), num(c.M3)
	return r
}

// SolveReport is report.json of a solution of p and its assessment.
func (p *Problem) SolveReport(sol *solver.Solution, a *errorbound.Assessment) *SolveReport {
	names := p.Names()
	tr, pb, net := sol.Training, a.Paper, a.Network
	rep := &SolveReport{
		Problem: p.Name,
		Training: TrainingReport{
			Epochs: tr.Epochs, Polish: tr.Polish, PolishMethod: sol.Settings.PolishMethod, Seconds: Number(tr.Seconds), FinalLoss: Number(tr.FinalLoss),
			BestEpoch: tr.BestEpoch, BestLMax: Number(tr.BestLMax), StoppedBecause: tr.Stopped, Detail: tr.Reason,
		},
		Network: NetworkReport{
			LMax: Number(pb.LMax), SigmaMin: Number(pb.SigmaMin),
			MaxAbsError: Named(names, net.MaxAbs), MaxError: Number(net.Max), RMSError: Number(net.RMS), MaxEnergyError: Number(net.MaxEnergy),
		},
		EulerMethod:              a.EulerMethod.Name(),
		Grid:                     len(a.Grid),
		Points:                   sol.TrainingPoints(),
		Reference:                errorbound.ReferenceName,
		EulerStepsToMatch:        a.StepsToMatch,
		EulerStepsToMatchReached: a.StepsToMatchReached,

		EulerStepsToMatchExtrapolated: a.StepsToMatchExtrapolated,
	}
	if t := tr.Tolerance; t != nil {
		rep.Tolerance = &ToleranceReport{Requested: Number(t.Requested), Met: t.Met, CertifiedUntil: Number(t.CertifiedUntil), Passes: t.Passes, Reason: t.Reason}
		if !math.IsInf(t.Bound, 0) && t.Bound >= 0 {
			rep.Tolerance.Bound = num(t.Bound)
		}
		if a.CertifiedCheck.Valid() {
			held := a.CertifiedCheck.Held
			rep.Tolerance.Held = &held
		}
		rep.Windows = windowReports(sol)
	}
	rep.Training.KeptLoss = Number(tr.BestLoss)
	switch {
	case tr.Epochs > 0 && tr.AdamSeconds > 0:
		rep.Training.SecondsPerEpoch = Number(1000 * tr.AdamSeconds / float64(tr.Epochs))
	case tr.Epochs > 0: // a model saved before the phases were timed apart
		rep.Training.SecondsPerEpoch = Number(1000 * tr.Seconds / float64(tr.Epochs+tr.Polish))
	}
	if tr.Polish > 0 && tr.PolishSeconds > 0 {
		rep.Training.MsPerPolish = Number(1000 * tr.PolishSeconds / float64(tr.Polish))
	}
	rep.Interrupted = a.Interrupted
	rep.Provenance = p.provenance(sol.Settings.Seed, nil)
	rep.Bounds.Paper = checked(a.PaperCheck)
	rep.Bounds.Paper.Reason = pb.Reason
	if a.Propagated == nil {
		rep.Bounds.Propagation.Reason = a.PropagationReason
	} else {
		rep.Bounds.Propagation = checked(a.PropagationCheck)
		rep.Bounds.Propagation.PerComp = Named(names, a.PropagatedMaxAbs)
	}
	rep.Bounds.Certified = certified(a)
	if a.PaperCheck.Valid() {
		held := a.PaperCheck.Held
		rep.Network.PaperBound, rep.Network.PaperBoundHeld = num(pb.Bound), &held
	} else {
		rep.Network.PaperBoundWhy = pb.Reason
	}
	for _, e := range a.Euler {
		rep.Euler = append(rep.Euler, EulerReport{Factor: e.Factor, Steps: e.Steps, MaxAbsError: Named(names, e.MaxAbs), MaxError: Number(e.Max), MaxEnergyError: Number(e.MaxEnergy)})
	}
	return rep
}

// ModelReport is one learned model's losses, energy metric and cost.
type ModelReport struct {
	TrainLoss    Number `json:"train_loss"`
	TestLoss     Number `json:"test_loss"`
	EnergyMSE    Number `json:"energy_mse"`
	EnergyMSEStd Number `json:"energy_mse_std"`
	Seconds      Number `json:"seconds"`
	CPUSeconds   Number `json:"cpu_seconds"` // processor time, all cores; 0 where not reported
}

// LearnReport is report.json of hnn learn.
type LearnReport struct {
	Task        string      `json:"task"`
	HNN         ModelReport `json:"hnn"`
	Baseline    ModelReport `json:"baseline"`
	Train       int         `json:"train_states"`
	Test        int         `json:"test_states"`
	PlotDropped int         `json:"plot_points_left_out,omitempty"`
	// With learn.seeds > 1: every run (the first is the one above) and
	// their medians.
	Seeds       []SeedRunReport    `json:"seeds,omitempty"`
	SeedSummary *SeedSummaryReport `json:"seed_summary,omitempty"`
	Provenance  Provenance         `json:"provenance"`
}

// SeedRunReport is one run of a learn task repeated with learn.seeds.
type SeedRunReport struct {
	DataSeed          uint64 `json:"data_seed"`
	Seed              uint64 `json:"seed"`
	HNNEnergyMSE      Number `json:"hnn_energy_mse"`
	BaselineEnergyMSE Number `json:"baseline_energy_mse"`
	Ratio             Number `json:"ratio"` // baseline / HNN energy MSE
	HNNTestLoss       Number `json:"hnn_test_loss"`
	BaselineTestLoss  Number `json:"baseline_test_loss"`
	HNNSeconds        Number `json:"hnn_seconds"`
}

// SeedSummaryReport is the medians of a learn task's runs, and the range
// of the baseline/HNN ratio.
type SeedSummaryReport struct {
	Runs                    int    `json:"runs"`
	HNNEnergyMSEMedian      Number `json:"hnn_energy_mse_median"`
	BaselineEnergyMSEMedian Number `json:"baseline_energy_mse_median"`
	RatioMedian             Number `json:"ratio_median"`
	RatioMin                Number `json:"ratio_min"`
	RatioMax                Number `json:"ratio_max"`
}

// LearnReport is report.json of the learn task of p: its first run and,
// when it ran more than once, every run and their medians.
func (p *Problem) LearnReport(lo *LearnOutcome) *LearnReport {
	r := &lo.Runs[0]
	res := r.Result
	rep := &LearnReport{
		Task:     p.Name,
		HNN:      ModelReport{Number(res.HNNTrain), Number(res.HNNTest), Number(r.HNN.Mean), Number(r.HNN.Stderr), Number(res.HNNSeconds), Number(res.HNNCPUSeconds)},
		Baseline: ModelReport{Number(res.BaselineTrain), Number(res.BaselineTest), Number(r.Baseline.Mean), Number(r.Baseline.Stderr), Number(res.BaselineSeconds), Number(res.BaselineCPUSeconds)},
		Train:    r.Train, Test: r.Test,
	}
	rep.Provenance = p.provenance(r.Seed, &r.DataSeed)
	sm := lo.Summary
	if sm == nil {
		return rep
	}
	for i := range lo.Runs {
		r := &lo.Runs[i]
		res := r.Result
		rep.Seeds = append(rep.Seeds, SeedRunReport{
			DataSeed: r.DataSeed, Seed: r.Seed,
			HNNEnergyMSE: Number(r.HNN.Mean), BaselineEnergyMSE: Number(r.Baseline.Mean), Ratio: Number(r.Ratio()),
			HNNTestLoss: Number(res.HNNTest), BaselineTestLoss: Number(res.BaselineTest), HNNSeconds: Number(res.HNNSeconds),
		})
	}
	rep.SeedSummary = &SeedSummaryReport{
		Runs: sm.Runs, HNNEnergyMSEMedian: Number(sm.HNNMedian), BaselineEnergyMSEMedian: Number(sm.BaselineMedian),
		RatioMedian: Number(sm.RatioMedian), RatioMin: Number(sm.RatioMin), RatioMax: Number(sm.RatioMax),
	}
	return rep
}

// PixelLosses are the terms of a pixel model's loss over a set of samples.
type PixelLosses struct {
	AE       Number `json:"ae"`
	CC       Number `json:"cc"`
	Dynamics Number `json:"dynamics"`
}

// PixelModelReport is one pixel model's losses, energy metric and cost.
type PixelModelReport struct {
	TrainLoss         Number      `json:"train_loss"`
	TestLoss          Number      `json:"test_loss"`
	TrainTerms        PixelLosses `json:"train_terms"`
	TestTerms         PixelLosses `json:"test_terms"`
	EnergyMSE         Number      `json:"energy_mse"`
	EnergyMSEStd      Number      `json:"energy_mse_std"`
	EnergyMSENotebook Number      `json:"energy_mse_notebook"`
	EnergyScores      []Number    `json:"energy_scores"`
	Seconds           Number      `json:"seconds"` // wall clock of its training
	RolloutFailed     bool        `json:"rollout_failed,omitempty"`
}

// PixelReport is report.json of a pixels task.
type PixelReport struct {
	Task       string           `json:"task"`
	Kind       string           `json:"kind"` // "pixels"
	HNN        PixelModelReport `json:"hnn"`
	Baseline   PixelModelReport `json:"baseline"`
	Train      int              `json:"train_samples"`
	Test       int              `json:"test_samples"`
	Ratio      Number           `json:"energy_mse_ratio"` // baseline / HNN
	Seconds    Number           `json:"seconds"`          // the whole run, wall clock
	CPUSeconds Number           `json:"cpu_seconds"`      // processor time meanwhile, all cores
	Provenance Provenance       `json:"provenance"`
}

func pixelModel(m *pixels.ModelResult) PixelModelReport {
	terms := func(l pixels.Losses) PixelLosses {
		return PixelLosses{Number(l.AE), Number(l.CC), Number(l.Dynamics)}
	}
	r := PixelModelReport{
		TrainLoss: Number(m.Train.Total), TestLoss: Number(m.Test.Total), TrainTerms: terms(m.Train), TestTerms: terms(m.Test),
		EnergyMSE: Number(m.Energy.Mean), EnergyMSEStd: Number(m.Energy.Stderr), EnergyMSENotebook: Number(m.Energy.Notebook),
		Seconds: Number(m.Seconds), RolloutFailed: m.Rollout.Failed,
	}
	for _, s := range m.Energy.Scores {
		r.EnergyScores = append(r.EnergyScores, Number(s))
	}
	return r
}

// PixelReport is report.json of p's pixels task (Problem.RunPixels).
func (p *Problem) PixelReport(r *pixels.Result) *PixelReport {
	return &PixelReport{
		Task: p.Name, Kind: "pixels", HNN: pixelModel(&r.HNN), Baseline: pixelModel(&r.Baseline),
		Train: r.Train, Test: r.Test, Ratio: Number(r.Ratio()), Seconds: Number(r.Seconds), CPUSeconds: Number(r.CPUSeconds),
		Provenance: p.provenance(p.Learn.Settings.Seed, &p.Learn.DataSeed),
	}
}

// NamedModel is one model's figures with the name reports print it under.
type NamedModel[M any] struct {
	Name   string
	Report M
}

// Models lists the baseline's figures, then the HNN's.
func (r *LearnReport) Models() []NamedModel[ModelReport] {
	return []NamedModel[ModelReport]{{"baseline", r.Baseline}, {"HNN", r.HNN}}
}

// Models lists the baseline's figures, then the HNN's.
func (r *PixelReport) Models() []NamedModel[PixelModelReport] {
	return []NamedModel[PixelModelReport]{{"baseline", r.Baseline}, {"HNN", r.HNN}}
}
