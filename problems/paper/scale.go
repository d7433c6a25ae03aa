package paper

import (
	"fmt"

	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

// Scale shrinks the papers' settings for a shorter run.
type Scale struct {
	Name        string
	Epochs      int // divide solver epochs by this
	MinEpochs   int
	LearnSteps  int // divide learn steps by this
	LearnData   int // divide learn trajectories by this
	EnergyCases int // at most this many energy-metric trajectories (0: the file's)
	// PixelSteps and PixelTrials divide the pixel pendulum's Adam steps
	// and trials.
	PixelSteps, PixelTrials int
	// CostRounds rounds of CostEpochs epochs of each formulation time the
	// Lagrangian network against the Hamiltonian one.
	CostRounds, CostEpochs int
	// WindowedTolerance and WindowedSeconds, when set, loosen the
	// automatic-mode runs beside Fig. 4 and Fig. 7 (oscillator_long,
	// henon_heiles_long): the tolerance at least this, the budget this.
	WindowedTolerance, WindowedSeconds float64
	// Seed, if set, replaces the seed of every experiment's networks
	// (hnn reproduce --seed).
	Seed *uint64
}

var (
	// Full is the papers' settings.
	Full = Scale{Name: "full", Epochs: 1, LearnSteps: 1, LearnData: 1, PixelSteps: 1, PixelTrials: 1, CostRounds: 5, CostEpochs: 1000}
	// Quick is about a minute on two cores: it shows the pipeline, not the
	// papers' accuracy.
	Quick = Scale{Name: "quick", Epochs: 25, MinEpochs: 200, LearnSteps: 10, LearnData: 5, EnergyCases: 5, PixelSteps: 25, PixelTrials: 5, CostRounds: 5, CostEpochs: 200, WindowedTolerance: 1e-4, WindowedSeconds: 30}
)

// Scaled reports whether s trains less than the papers.
func (s Scale) Scaled() bool { return s.Epochs > 1 }

// Describe says what s changes.
func (s Scale) Describe() string {
	if !s.Scaled() {
		return "full: the papers' settings"
	}
	return fmt.Sprintf("%s: solver epochs ÷ %d (at least %d), learn steps ÷ %d, learn trajectories ÷ %d, at most %d energy-metric trajectories, pixel pendulum steps ÷ %d and trials ÷ %d, the windowed solver at tolerance %g within %g s; every other setting as in the papers",
		s.Name, s.Epochs, s.MinEpochs, s.LearnSteps, s.LearnData, s.EnergyCases, s.PixelSteps, s.PixelTrials, s.WindowedTolerance, s.WindowedSeconds)
}

// Solver returns p's solver settings with the epochs scaled.
func (s Scale) Solver(p *problems.Problem) *solver.Settings {
	set := p.Solver
	ep := set.Epochs
	if ep == 0 {
		ep = solver.DefaultEpochs
	}
	if s.Scaled() {
		ep = max(s.MinEpochs, ep/s.Epochs)
	}
	set.Epochs = ep
	if s.Seed != nil {
		set.Seed = *s.Seed
	}
	return &set
}

// Learn shrinks p's learn task (a plain or a pixels task) to the scale.
func (s Scale) Learn(p *problems.Problem) {
	if s.Seed != nil {
		p.Learn.Settings.Seed = *s.Seed
	}
	l := *p.Learn
	if px := l.Pixels; px != nil {
		c := *px
		if s.PixelSteps > 1 {
			c.Train.Steps = max(20, c.Train.Steps/s.PixelSteps)
		}
		if s.PixelTrials > 1 {
			c.Data.Trials = max(10, c.Data.Trials/s.PixelTrials)
		}
		if s.EnergyCases > 0 {
			c.Energy.Trajectories = min(c.Energy.Trajectories, s.EnergyCases)
		}
		l.Pixels = &c
		p.Learn = &l
		return
	}
	if s.LearnSteps > 1 {
		l.Settings.Steps = max(5, l.Settings.Steps/s.LearnSteps)
		l.Seeds = min(l.Seeds, 2)
	}
	if s.LearnData > 1 && l.File == "" {
		l.Trajectories = max(4, l.Trajectories/s.LearnData)
		if l.TestTrajectories > 0 {
			l.TestTrajectories = max(2, min(l.Trajectories/2, l.TestTrajectories/s.LearnData))
		}
		if l.Settings.Batch > 0 {
			l.Settings.Batch = max(10, l.Settings.Batch/s.LearnData)
		}
	}
	if s.EnergyCases > 0 {
		l.EnergyTrajectories = min(l.EnergyTrajectories, s.EnergyCases)
	}
	p.Learn = &l
}

// Windowed returns the automatic-mode settings of the windowed problem p:
// the file's, with the tolerance raised to WindowedTolerance and the
// budget set to WindowedSeconds when s gives them.
func (s Scale) Windowed(p *problems.Problem) *solver.Settings {
	set := p.Solver
	set.Tolerance = max(set.Tolerance, s.WindowedTolerance)
	if s.WindowedSeconds > 0 {
		set.MaxSeconds = s.WindowedSeconds
	}
	if s.Seed != nil {
		set.Seed = *s.Seed
	}
	return &set
}
