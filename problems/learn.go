package problems

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/solver/pixels"
	"github.com/hnn-project/hnn/symplectic"
)

// Limits on learn sections.
const (
	MaxTrajectories = 100_000
	MaxLearnPoints  = 10_000_000 // trajectories × points
	// MaxEnergySpan bounds the longest span of the energy metric,
	// energy_time · energy_time_growth^(energy_trajectories − 1).
	MaxEnergySpan = 1e6
	MaxSteps      = 10_000_000
	MaxSeeds      = 1000 // learn.seeds
)

// StateInit is how a learn task draws the initial states of its
// trajectories (learn.init).
type StateInit string

const (
	InitRadius StateInit = "radius" // a random direction scaled to a radius
	InitOrbits StateInit = "orbits" // bodies on circular orbits in the plane
)

// OrbitPosition places the first body of an orbit (learn.orbit_position).
type OrbitPosition string

const (
	OrbitCircle OrbitPosition = "circle" // at a random angle on a circle
	OrbitBox    OrbitPosition = "box"    // x1, y1 each uniform in a range
)

// EnergyInit is how the energy metric draws its initial states
// (learn.energy_init).
type EnergyInit string

const (
	EnergyFromData EnergyInit = "data"   // as the training trajectories start
	EnergySigned   EnergyInit = "signed" // each component ±U[lo, hi]
)

// Learn is the learn section of a problem file: how to generate the data
// from the file's Hamiltonian (Greydanus et al. §4 and their code), the
// model and training settings, and the energy metric. Zero fields mean the
// defaults below.
type Learn struct {
	// File, when set, names a data file of observations (see
	// readObservations) used instead of generated data, relative to the
	// problem file; targets are forward differences, no noise is added, and
	// the last TestPoints states are the test set (default a fifth).
	File       string
	TestPoints int

	Trajectories int     // default 50
	Points       int     // per trajectory; default 30
	Time         float64 // each trajectory covers [0, Time]; default 3
	RadiusLo     float64 // initial states lie on circles of radius
	RadiusHi     float64 // uniform in [RadiusLo, RadiusHi]; default [0.1, 1]
	Noise        float64 // std of Gaussian noise on the states (not the derivatives)
	// Init is how initial states are drawn: "radius" (a random direction in
	// phase space scaled to a radius in [RadiusLo, RadiusHi]) or "orbits"
	// (N equal bodies in the plane on a regular polygon about their centre
	// of mass, on circular orbits, speeds scaled by 1 + VelocityNoise·N(0, 1);
	// state [x1, y1, …, px1, py1, …]).
	Init          StateInit
	VelocityNoise float64
	// OrbitPosition places the first body of an orbit: "circle" (at a
	// radius uniform in [RadiusLo, RadiusHi], at a uniformly random angle)
	// or "box" (each of x1, y1 uniform in [RadiusLo, RadiusHi], as the
	// reference code of Greydanus et al. draws its two-body orbits).
	OrbitPosition    OrbitPosition
	TestTrajectories int // the last ones are the test set; default half
	DataSeed         uint64

	Settings solver.LearnSettings
	// Seeds is how many times the task is run: run i (from 0) uses
	// DataSeed+i and Settings.Seed+i. Default 1. The first run is the
	// task's report, model and plots; all runs are summarised by their
	// medians, for a result that does not hang on one draw of the seeds.
	Seeds int

	EnergyTrajectories int     // fresh initial states for the energy metric; default 15
	EnergyTime         float64 // default 20
	// EnergyTimeGrowth lengthens the span from one initial state to the
	// next: start k (from 0) covers [0, EnergyTime·EnergyTimeGrowth^k].
	// Default 1 (every start covers [0, EnergyTime]). The reference code's
	// spring notebook lengthens its span by 1.09 at every start.
	EnergyTimeGrowth float64
	EnergyPoints     int // comparison times, both ends included; default 500
	// EnergyInit is how the energy metric's initial states are drawn:
	// "data" (default: as the training trajectories start) or "signed"
	// (every coordinate and momentum independently ±U[EnergyLo, EnergyHi]
	// with a random sign, as the reference code's analysis notebooks draw
	// them for the spring and the pendulum).
	EnergyInit         EnergyInit
	EnergyLo, EnergyHi float64 // default [0.2, 1]
	// Pixels, when not nil, makes the task the pixel pendulum of
	// learn.pixels (package solver/pixels, run by Problem.RunPixels)
	// instead of one on states: the Hamiltonian draws the frames, and of
	// the keys above only hidden, steps, learning_rate, batch,
	// weight_decay, seed, data_seed, energy_trajectories and energy apply
	// (Energy then being a function of the label (q, p)).
	Pixels *pixels.Settings

	// Energy, when not nil, is the quantity the energy metric compares
	// instead of the problem's Hamiltonian (learn.energy, a formula of the
	// coordinates and momenta); the data and the true trajectories still
	// follow the Hamiltonian.
	Energy hamiltonians.Hamiltonian
}

func (d *decoder) learn(f *fileLearn, top *yaml.Node) (*Learn, error) {
	l := &Learn{Trajectories: 50, Points: 30, Time: 3, RadiusLo: 0.1, RadiusHi: 1, Seeds: 1, EnergyTrajectories: 15, EnergyTime: 20, EnergyTimeGrowth: 1, EnergyPoints: 500, EnergyLo: 0.2, EnergyHi: 1}
	if err := d.ints([]intKey{
		{f.Trajectories, "learn.trajectories", &l.Trajectories, 2, MaxTrajectories},
		{f.Points, "learn.points", &l.Points, 2, MaxPoints},
		{f.TestTrajectories, "learn.test_trajectories", &l.TestTrajectories, 1, MaxTrajectories},
		{f.Steps, "learn.steps", &l.Settings.Steps, 1, MaxSteps},
		{f.Batch, "learn.batch", &l.Settings.Batch, 0, MaxLearnPoints},
		{f.Seeds, "learn.seeds", &l.Seeds, 1, MaxSeeds},
		{f.EnergyTrajectories, "learn.energy_trajectories", &l.EnergyTrajectories, 1, 10_000},
		{f.EnergyPoints, "learn.energy_points", &l.EnergyPoints, 2, MaxPoints},
	}); err != nil {
		return nil, err
	}
	if err := d.reals([]realKey{
		{f.Time, "learn.time", &l.Time, true},
		{f.Noise, "learn.noise", &l.Noise, false},
		{f.LearningRate, "learn.learning_rate", &l.Settings.LearningRate, true},
		{f.WeightDecay, "learn.weight_decay", &l.Settings.WeightDecay, false},
		{f.EnergyTime, "learn.energy_time", &l.EnergyTime, true},
		{f.EnergyTimeGrowth, "learn.energy_time_growth", &l.EnergyTimeGrowth, true},
	}); err != nil {
		return nil, err
	}
	var err error
	if l.Init, err = choice(f.Init, "learn.init", []StateInit{InitRadius, InitOrbits}); err != nil {
		return nil, err
	}
	if l.Init == "" {
		l.Init = InitRadius
	}
	if l.OrbitPosition, err = choice(f.OrbitPosition, "learn.orbit_position", []OrbitPosition{OrbitCircle, OrbitBox}); err != nil {
		return nil, err
	}
	if l.OrbitPosition == "" {
		l.OrbitPosition = OrbitCircle
	}
	if l.EnergyInit, err = choice(f.EnergyInit, "learn.energy_init", []EnergyInit{EnergyFromData, EnergySigned}); err != nil {
		return nil, err
	}
	if l.EnergyInit == "" {
		l.EnergyInit = EnergyFromData
	}
	if len(f.EnergyRange) > 0 {
		if l.EnergyLo, l.EnergyHi, err = d.interval(f.EnergyRange, "learn.energy_range"); err != nil {
			return nil, err
		}
	}
	if f.VelocityNoise != nil {
		if l.VelocityNoise, err = d.eval(f.VelocityNoise, "learn.velocity_noise"); err != nil {
			return nil, err
		}
		if !(l.VelocityNoise >= 0) {
			return nil, &Error{Key: "learn.velocity_noise", Line: f.VelocityNoise.Line, Msg: "must be ≥ 0"}
		}
	}
	if len(f.Radius) > 0 {
		if l.RadiusLo, l.RadiusHi, err = d.interval(f.Radius, "learn.radius"); err != nil {
			return nil, err
		}
	}
	if f.File != nil {
		l.File = strings.TrimSpace(f.File.Value)
		if l.File == "" {
			return nil, &Error{Key: "learn.file", Line: f.File.Line, Msg: "empty file name"}
		}
	}
	if f.TestPoints != nil {
		if l.TestPoints, err = d.integer(f.TestPoints, "learn.test_points", 1, MaxObservations); err != nil {
			return nil, err
		}
	}
	if last := l.EnergyTime * math.Pow(l.EnergyTimeGrowth, float64(l.EnergyTrajectories-1)); !(last <= MaxEnergySpan) {
		key, e := "learn.energy_time", f.EnergyTime
		if f.EnergyTimeGrowth != nil {
			key, e = "learn.energy_time_growth", f.EnergyTimeGrowth
		}
		line := keyLine(top, "learn")
		if e != nil {
			line = e.Line
		}
		return nil, &Error{Key: key, Line: line, Msg: fmt.Sprintf("the energy metric's longest span would be %.3g, over the limit of %g", last, float64(MaxEnergySpan))}
	}
	if l.TestTrajectories == 0 {
		l.TestTrajectories = l.Trajectories / 2
	}
	if l.TestTrajectories >= l.Trajectories {
		return nil, &Error{Key: "learn.test_trajectories", Line: keyLine(top, "learn"), Msg: fmt.Sprintf("%d test trajectories leave none of the %d for training", l.TestTrajectories, l.Trajectories)}
	}
	if l.Trajectories*l.Points > MaxLearnPoints {
		return nil, &Error{Key: "learn.points", Line: keyLine(top, "learn"), Msg: fmt.Sprintf("%d trajectories of %d points exceed the limit of %d states", l.Trajectories, l.Points, MaxLearnPoints)}
	}
	for i, h := range f.Hidden {
		w, err := d.integer(h, fmt.Sprintf("learn.hidden[%d]", i), 1, MaxWidth)
		if err != nil {
			return nil, err
		}
		l.Settings.Hidden = append(l.Settings.Hidden, w)
	}
	if l.Settings.Activation, err = choice(f.Activation, "learn.activation", solver.Activations); err != nil {
		return nil, err
	}
	if f.Seed != nil {
		v, err := d.integer(f.Seed, "learn.seed", 0, 1<<53)
		if err != nil {
			return nil, err
		}
		l.Settings.Seed = uint64(v)
	}
	if f.DataSeed != nil {
		v, err := d.integer(f.DataSeed, "learn.data_seed", 0, 1<<53)
		if err != nil {
			return nil, err
		}
		l.DataSeed = uint64(v)
	}
	return l, nil
}

// intKey is an integer key of a section: its value, name, destination and
// range.
type intKey struct {
	e      *expr
	key    string
	dst    *int
	lo, hi int
}

// ints reads the integer keys that are present.
func (d *decoder) ints(keys []intKey) error {
	for _, c := range keys {
		if c.e == nil {
			continue
		}
		v, err := d.integer(c.e, c.key, c.lo, c.hi)
		if err != nil {
			return err
		}
		*c.dst = v
	}
	return nil
}

// realKey is a real key of a section that must be ≥ 0, or > 0 when open.
type realKey struct {
	e    *expr
	key  string
	dst  *float64
	open bool
}

// reals reads the real keys that are present.
func (d *decoder) reals(keys []realKey) error {
	for _, c := range keys {
		if c.e == nil {
			continue
		}
		v, err := d.eval(c.e, c.key)
		if err != nil {
			return err
		}
		if v < 0 || c.open && v == 0 {
			return &Error{Key: c.key, Line: c.e.Line, Msg: fmt.Sprintf("must be %s 0, got %v", map[bool]string{true: ">", false: "≥"}[c.open], v)}
		}
		*c.dst = v
	}
	return nil
}

// interval reads a range [low, high] with 0 < low ≤ high.
func (d *decoder) interval(e []*expr, key string) (lo, hi float64, err error) {
	if len(e) != 2 {
		return 0, 0, &Error{Key: key, Line: e[0].Line, Msg: "give the range as [low, high]"}
	}
	if lo, err = d.eval(e[0], key+"[0]"); err != nil {
		return 0, 0, err
	}
	if hi, err = d.eval(e[1], key+"[1]"); err != nil {
		return 0, 0, err
	}
	if !(lo > 0 && hi >= lo) {
		return 0, 0, &Error{Key: key, Line: e[0].Line, Msg: fmt.Sprintf("need 0 < low ≤ high, got [%v, %v]", lo, hi)}
	}
	return lo, hi, nil
}

// EnergyCase is one initial state of the energy metric: either integrate
// the problem's Hamiltonian from X0 over [0, T] (Observed nil), or compare
// with a measured trajectory.
type EnergyCase struct {
	X0       []float64
	T        float64
	Observed *errorbound.Observed
}

// LearnData generates the data of the learn section from the file's
// Hamiltonian, as Greydanus et al.'s code does: each initial state is a
// uniformly random direction scaled to a radius uniform in [RadiusLo,
// RadiusHi]; the trajectory is integrated with DOP853 (rtol = atol = 1e-10)
// and sampled at Points equally spaced times of [0, Time]; the targets are
// the exact derivatives J∇H at the clean states, and Gaussian noise of std
// Noise is added to the states only. The last TestTrajectories
// trajectories form the test set. It also draws the initial states of the
// energy metric, after the data: as the trajectories' (EnergyInit "data")
// or each value ±U[EnergyLo, EnergyHi] ("signed"). The same seed gives the
// same data.
func (p *Problem) LearnData(ctx context.Context) (train, test solver.Dataset, energy []EnergyCase, err error) {
	l := p.Learn
	if l == nil {
		return train, test, nil, fmt.Errorf("problem %s has no learn section", p.Name)
	}
	if l.File != "" {
		return p.observedData()
	}
	D := p.Dim()
	rng := rand.New(rand.NewPCG(l.DataSeed, 0x5eed))
	draw := func() []float64 {
		x := make([]float64, D)
		var n2 float64
		for n2 == 0 {
			for i := range x {
				x[i] = 2*rng.Float64() - 1
			}
			n2 = 0
			for _, v := range x {
				n2 += v * v
			}
		}
		r := l.RadiusLo + (l.RadiusHi-l.RadiusLo)*rng.Float64()
		s := r / math.Sqrt(n2)
		for i := range x {
			x[i] *= s
		}
		return x
	}
	if l.Init == InitOrbits {
		if D%4 != 0 {
			return train, test, nil, &Error{File: p.Source, Key: "learn.init", Msg: fmt.Sprintf("orbits need bodies in the plane: 4 state values per body, got a state of %d", D)}
		}
		draw = func() []float64 {
			return orbitState(rng, D/4, l.OrbitPosition == OrbitBox, l.RadiusLo, l.RadiusHi, l.VelocityNoise)
		}
	}
	energyDraw := draw
	if l.EnergyInit == EnergySigned {
		energyDraw = func() []float64 {
			x := make([]float64, D)
			for i := range x {
				// For [0.2, 1], the reference code's U(−0.8, 0.8) + 0.2·sign.
				v := (2*rng.Float64() - 1) * (l.EnergyHi - l.EnergyLo)
				x[i] = v + math.Copysign(l.EnergyLo, v)
			}
			return x
		}
	}
	ref := &symplectic.DOP853{RTol: 1e-10, ATol: 1e-10}
	sys := symplectic.HamiltonianSystem(p.H)
	nTrain := l.Trajectories - l.TestTrajectories
	train = solver.Dataset{D: D}
	test = solver.Dataset{D: D}
	dx := make([]float64, D)
	for k := 0; k < l.Trajectories; k++ {
		x0 := draw()
		sol, err := ref.Solve(ctx, sys, x0, 0, l.Time)
		if err != nil {
			return train, test, nil, fmt.Errorf("problem %s: generating trajectory %d: %w", p.Name, k+1, err)
		}
		ds := &train
		if k >= nTrain {
			ds = &test
		}
		for j := 0; j < l.Points; j++ {
			x := sol.At(nil, l.Time*float64(j)/float64(l.Points-1))
			sys(dx, 0, x)
			for i := range x {
				x[i] += l.Noise * rng.NormFloat64()
			}
			ds.X = append(ds.X, x...)
			ds.DX = append(ds.DX, dx...)
			ds.N++
		}
	}
	T := l.EnergyTime
	for k := 0; k < l.EnergyTrajectories; k++ {
		energy = append(energy, EnergyCase{X0: energyDraw(), T: T})
		T *= l.EnergyTimeGrowth
	}
	return train, test, energy, nil
}

// orbitState draws n equal unit masses (G = 1) on a regular polygon about
// the origin, each moving on the circle at the speed of the rigidly
// rotating configuration, v² = (1/r)·Σ_{k=1}^{n−1} 1/(4 sin(πk/n)), scaled
// by 1 + noise·N(0, 1): for two bodies, the near-circular orbits of
// Greydanus et al. §4.1. The first body is at radius r uniform in [lo, hi]
// and a uniformly random angle, or, with box, at (x, y) each uniform in
// [lo, hi] (so r = |(x, y)| lies in [lo√2, hi√2]).
func orbitState(rng *rand.Rand, n int, box bool, lo, hi, noise float64) []float64 {
	var r, phase float64
	if box {
		x, y := lo+(hi-lo)*rng.Float64(), lo+(hi-lo)*rng.Float64()
		r, phase = math.Hypot(x, y), math.Atan2(y, x)
	} else {
		r = lo + (hi-lo)*rng.Float64()
	}
	var sum float64
	for k := 1; k < n; k++ {
		sum += 1 / (4 * math.Sin(math.Pi*float64(k)/float64(n)))
	}
	v := math.Sqrt(sum/r) * (1 + noise*rng.NormFloat64())
	if !box {
		phase = 2 * math.Pi * rng.Float64()
	}
	x := make([]float64, 4*n)
	for b := 0; b < n; b++ {
		a := phase + 2*math.Pi*float64(b)/float64(n)
		c, s := math.Cos(a), math.Sin(a)
		x[2*b], x[2*b+1] = r*c, r*s          // position
		x[2*n+2*b], x[2*n+2*b+1] = -v*s, v*c // momentum: counter-clockwise
	}
	return x
}

// observedData reads the data file: forward-difference targets, the last
// TestPoints states as the test set, and energy cases starting at the
// first EnergyTrajectories test states, each compared with the rest of its
// measured trajectory.
func (p *Problem) observedData() (train, test solver.Dataset, energy []EnergyCase, err error) {
	l := p.Learn
	D := p.Dim()
	f, name, err := p.openDataFile(l.File)
	if err != nil {
		return train, test, nil, &Error{File: p.Source, Key: "learn.file", Msg: err.Error(), Err: err}
	}
	obs, err := readObservations(f, name, D)
	f.Close()
	if err != nil {
		return train, test, nil, err
	}
	all := obs.differences(D)
	nTest := l.TestPoints
	if nTest == 0 {
		nTest = all.N / 5
	}
	if nTest < 1 || nTest >= all.N {
		return train, test, nil, &Error{File: p.Source, Key: "learn.test_points", Msg: fmt.Sprintf("%d test states of the %d with derivatives leave none for training or testing", nTest, all.N)}
	}
	cut := all.N - nTest
	train = solver.Dataset{D: D, N: cut, X: all.X[:cut*D], DX: all.DX[:cut*D]}
	test = solver.Dataset{D: D, N: nTest, X: all.X[cut*D:], DX: all.DX[cut*D:]}
	// Energy cases: from test state s, the remainder of its trajectory.
	state := 0 // index among states with derivatives
	for _, tr := range obs.Trajectories {
		n := len(tr.T) - 1 // states of this trajectory with derivatives
		for k := 0; k < n && len(energy) < l.EnergyTrajectories; k++ {
			if state+k < cut || len(tr.T)-k < 3 {
				continue
			}
			o := &errorbound.Observed{}
			for j := k; j < len(tr.T); j++ {
				o.T = append(o.T, tr.T[j]-tr.T[k])
			}
			o.X = append([]float64(nil), tr.X[k*D:]...)
			energy = append(energy, EnergyCase{X0: o.X[:D], T: o.T[len(o.T)-1], Observed: o})
		}
		state += n
	}
	if len(energy) == 0 {
		return train, test, nil, &Error{File: p.Source, Key: "learn.test_points", Msg: "the test states leave no measured trajectory of three or more points for the energy metric"}
	}
	return train, test, energy, nil
}
