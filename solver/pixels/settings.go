package pixels

import (
	"fmt"
	"math"

	"github.com/hnn-project/hnn/hamiltonians"
)

// Settings is the whole pixel-pendulum task: the data, the model, its
// training and the energy metric. Zero fields mean the defaults, which are
// those of Greydanus et al.'s code (experiment-pixels and the analysis
// notebook analyze-pixels).
type Settings struct {
	Data   DataSettings
	Model  ModelSettings
	Train  TrainSettings
	Energy EnergySettings
}

// DataSettings say how the frames are made. Each trial starts at an angle
// uniform in (−MaxAngle, MaxAngle) and a momentum uniform in (−MaxMomentum,
// MaxMomentum) — gym's reset (θ ∈ U(−π, π), θ̇ ∈ U(−1, 1)) repeated until
// |θ| < π/6 — and is integrated with the reference integrator (DOP853,
// rtol = atol = 1e-10); frame k shows the state at k·Dt.
type DataSettings struct {
	Trials int // default 200
	// Frames per trial; default 103. A trial of F frames gives F − 3
	// samples, as in the reference code (see Dataset).
	Frames      int
	Dt          float64 // time between frames; default 0.05 (gym's)
	MaxAngle    float64 // default π/6
	MaxMomentum float64 // default 1
	// LabelScale scales the velocity of a sample's label (q, s·q̇), whose
	// linear fit to the latent space the energy metric uses; default 0.25,
	// the reference code's, which makes 1.9(1 − cos q) + p² nearly
	// conserved for gym's pendulum.
	LabelScale float64
	// TestFraction: the first ⌊TestFraction·N⌋ of the N samples are the
	// test set (the first 40 trials by default); default 0.2.
	TestFraction float64
	Seed         uint64
	Geometry     Geometry
}

// ModelSettings size the model: the autoencoder In → Width → Width → Width
// → 2 and back (relu, the last two hidden layers of each half residual)
// and the dynamics network on the 2-D latent (tanh).
type ModelSettings struct {
	Width  int   // default 200
	Hidden []int // the dynamics network's hidden widths; default [200, 200]
}

// TrainSettings control Adam. WeightDecay is L2 regularisation added to
// every gradient (PyTorch's Adam weight_decay); a negative value turns it
// off.
type TrainSettings struct {
	Steps        int     // default 10000
	Batch        int     // samples per step; default 200
	LearningRate float64 // default 1e-3
	WeightDecay  float64 // default 1e-5
	// DynamicsWeight is the weight of the dynamics term of the loss;
	// default 0.1.
	DynamicsWeight float64
	Seed           uint64
}

// EnergySettings define the energy metric (the analysis notebook): fresh
// trajectories of Frames frames starting at an angle with AngleLo ≤ |q| ≤
// AngleHi (random sign) and a momentum as the data's; the first frame pair
// is encoded, the latent ODE integrated, and its points mapped to labels by
// the least-squares affine map from latents to labels of the training set.
// Point k, at time TimeScale·(F−3)·k/(F−4) in frames, is compared with
// sample k of the trajectory, k = 0..F−4: the notebook integrates over
// [0, 0.98·200] at 200 points. The score of a trajectory is the mean over
// its samples of (E(label) − E(predicted label))².
type EnergySettings struct {
	// Trajectories is how many fresh trajectories are scored; the first
	// is the notebook's single one. Default 10.
	Trajectories int
	Frames       int     // default 203
	AngleLo      float64 // default π/11
	AngleHi      float64 // default π/10
	TimeScale    float64 // default 0.98
	// Energy is the quantity compared, a function of the label (q, p);
	// default the notebook's 1.9(1 − cos q) + p².
	Energy hamiltonians.Hamiltonian
}

// Limits on the settings.
const (
	MaxTrials = 10_000
	MaxFrames = 100_000
	MaxSide   = 64
	MaxSteps  = 10_000_000
)

// notebookEnergy is the analysis notebook's H = 1.9(1 − cos q) + p².
var notebookEnergy = func() hamiltonians.Hamiltonian {
	f, err := hamiltonians.Parse("1.9*(1 - cos(q)) + p^2", []string{"q"}, []string{"p"}, nil)
	if err != nil {
		panic(err)
	}
	return f
}()

// Validate reports what is wrong with s, if anything.
func (s *Settings) Validate() error {
	_, err := s.resolved()
	return err
}

func (s *Settings) resolved() (Settings, error) {
	var r Settings
	if s != nil {
		r = *s
	}
	d, m, t, e := &r.Data, &r.Model, &r.Train, &r.Energy
	setInt(&d.Trials, 200)
	setInt(&d.Frames, 103)
	setFloat(&d.Dt, 0.05)
	setFloat(&d.MaxAngle, math.Pi/6)
	setFloat(&d.MaxMomentum, 1)
	setFloat(&d.LabelScale, 0.25)
	setFloat(&d.TestFraction, 0.2)
	d.Geometry = d.Geometry.resolved()
	setInt(&m.Width, 200)
	if len(m.Hidden) == 0 {
		m.Hidden = []int{200, 200}
	}
	m.Hidden = append([]int(nil), m.Hidden...)
	setInt(&t.Steps, 10000)
	setInt(&t.Batch, 200)
	setFloat(&t.LearningRate, 1e-3)
	setFloat(&t.WeightDecay, 1e-5)
	if t.WeightDecay < 0 {
		t.WeightDecay = 0
	}
	setFloat(&t.DynamicsWeight, 0.1)
	setInt(&e.Trajectories, 10)
	setInt(&e.Frames, 203)
	setFloat(&e.AngleLo, math.Pi/11)
	setFloat(&e.AngleHi, math.Pi/10)
	setFloat(&e.TimeScale, 0.98)
	if e.Energy == nil {
		e.Energy = notebookEnergy
	}
	g := d.Geometry
	switch {
	case d.Trials < 2 || d.Trials > MaxTrials:
		return r, fmt.Errorf("pixels: %d trials outside [2, %d]", d.Trials, MaxTrials)
	case d.Frames < 4 || d.Frames > MaxFrames || e.Frames < 5 || e.Frames > MaxFrames:
		return r, fmt.Errorf("pixels: %d frames per trial and %d per energy trajectory: need 4 to %d and 5 to %d", d.Frames, e.Frames, MaxFrames, MaxFrames)
	case d.Trials*(d.Frames-3) > MaxFrames*10:
		return r, fmt.Errorf("pixels: %d trials of %d frames exceed the limit of %d samples", d.Trials, d.Frames, MaxFrames*10)
	case !(d.Dt > 0) || !(d.MaxAngle > 0) || !(d.MaxMomentum >= 0) || !(d.LabelScale > 0) || math.IsInf(d.Dt+d.MaxAngle+d.MaxMomentum+d.LabelScale, 0):
		return r, fmt.Errorf("pixels: need dt, max angle and label scale > 0 and max momentum ≥ 0, all finite")
	case !(d.TestFraction > 0 && d.TestFraction < 1):
		return r, fmt.Errorf("pixels: test fraction %v outside (0, 1)", d.TestFraction)
	case g.Side < 4 || g.Side > MaxSide || !(g.Length > 0) || !(g.Radius > 0) || !(g.Intensity > 0 && g.Intensity <= 1):
		return r, fmt.Errorf("pixels: frame geometry: side %d outside [4, %d], or length, radius ≤ 0, or intensity outside (0, 1]", g.Side, MaxSide)
	case m.Width < 1 || m.Width > 4096:
		return r, fmt.Errorf("pixels: autoencoder width %d outside [1, 4096]", m.Width)
	case t.Steps < 1 || t.Steps > MaxSteps || t.Batch < 1 || !(t.LearningRate > 0) || !(t.DynamicsWeight >= 0):
		return r, fmt.Errorf("pixels: invalid training settings: steps %d, batch %d, learning rate %v, dynamics weight %v", t.Steps, t.Batch, t.LearningRate, t.DynamicsWeight)
	case e.Trajectories < 1 || e.Trajectories > 10_000 || !(e.AngleLo > 0 && e.AngleHi >= e.AngleLo) || !(e.TimeScale > 0):
		return r, fmt.Errorf("pixels: invalid energy metric: %d trajectories, angles [%v, %v], time scale %v", e.Trajectories, e.AngleLo, e.AngleHi, e.TimeScale)
	case e.Energy.Dim() != 2:
		return r, fmt.Errorf("pixels: the energy compared must be a function of (q, p), got dimension %d", e.Energy.Dim())
	}
	for _, w := range m.Hidden {
		if w < 1 || w > 4096 {
			return r, fmt.Errorf("pixels: dynamics network width %d outside [1, 4096]", w)
		}
	}
	return r, nil
}

func setInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

func setFloat(v *float64, def float64) {
	if *v == 0 {
		*v = def
	}
}
