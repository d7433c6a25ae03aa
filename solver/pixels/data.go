package pixels

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/symplectic"
)

// Trajectory is one trial: its frames and, at each frame, the state (q, p)
// and the label (q, s·q̇).
type Trajectory struct {
	Side   int
	Frames int
	Pix    []uint8   // Frames × Side² gray levels, frame after frame
	States []float64 // Frames × 2
	Labels []float64 // Frames × 2
	// across is each frame's gray-level-weighted mean column: frames of
	// similar angles have similar values, and training orders a batch by
	// it so that the encoder's first product skips more zero pixels.
	across []float64
}

// Frame returns frame k as an image (sharing the trajectory's pixels).
func (tr *Trajectory) Frame(k int) *image.Gray {
	n := tr.Side * tr.Side
	return &image.Gray{Pix: tr.Pix[k*n : (k+1)*n : (k+1)*n], Stride: tr.Side, Rect: image.Rect(0, 0, tr.Side, tr.Side)}
}

// Samples is the number of samples of the trajectory, Frames − 3.
func (tr *Trajectory) Samples() int { return tr.Frames - 3 }

// Sample stores sample j's input in x and its successor's in next (each
// 2·Side² values in [0, 1], nil to skip): as the reference code,
// sample j is the frame pair (j+1, j+2) and its successor the pair
// (j+2, j+3), so a trial of F frames gives F − 3 samples. Its label is
// that of frame j+1. (The reference code labels it with the state of frame
// j+3; the energy metric compares a conserved energy, for which the two
// agree.)
func (tr *Trajectory) Sample(x, next []float64, j int) {
	n := tr.Side * tr.Side
	put := func(dst []float64, k int) {
		for i, v := range tr.Pix[k*n : (k+1)*n] {
			dst[i] = float64(v) / 255
		}
	}
	if x != nil {
		put(x[:n], j+1)
		put(x[n:2*n], j+2)
	}
	if next != nil {
		put(next[:n], j+2)
		put(next[n:2*n], j+3)
	}
}

// Label returns sample j's label.
func (tr *Trajectory) Label(j int) (q, p float64) {
	return tr.Labels[2*(j+1)], tr.Labels[2*(j+1)+1]
}

// Dataset is the trials of the task, in order; the first Test samples (of
// the trials taken in order, each sample by sample) are the test set.
type Dataset struct {
	Trials []*Trajectory
	Test   int
}

// Len is the number of samples.
func (d *Dataset) Len() int { return len(d.Trials) * d.Trials[0].Samples() }

// At returns the trial and the index within it of sample s.
func (d *Dataset) At(s int) (*Trajectory, int) {
	n := d.Trials[0].Samples()
	return d.Trials[s/n], s % n
}

// In is the number of input values of a sample, 2·Side².
func (d *Dataset) In() int { return 2 * d.Trials[0].Side * d.Trials[0].Side }

// Generate makes the task's data from the pendulum Hamiltonian h (of one
// angle q and its momentum p): the trials of s.Data and, drawn from a
// second stream of the same seed, the s.Energy.Trajectories fresh
// trajectories of the energy metric. The same settings give the same bits.
func Generate(ctx context.Context, h hamiltonians.Hamiltonian, s *Settings) (*Dataset, []*Trajectory, error) {
	set, err := s.resolved()
	if err != nil {
		return nil, nil, err
	}
	if h.Dim() != 2 {
		return nil, nil, fmt.Errorf("pixels: the pendulum needs a Hamiltonian of one angle and its momentum, got dimension %d", h.Dim())
	}
	d := set.Data
	rng := rand.New(rand.NewPCG(d.Seed, 1))
	data := &Dataset{}
	for k := 0; k < d.Trials; k++ {
		q0 := d.MaxAngle * (2*rng.Float64() - 1)
		p0 := d.MaxMomentum * (2*rng.Float64() - 1)
		tr, err := trajectory(ctx, h, set, q0, p0, d.Frames)
		if err != nil {
			return nil, nil, fmt.Errorf("pixels: trial %d: %w", k+1, err)
		}
		data.Trials = append(data.Trials, tr)
	}
	data.Test = int(math.Floor(d.TestFraction * float64(data.Len())))
	if data.Test < 1 || data.Test >= data.Len() {
		return nil, nil, fmt.Errorf("pixels: a test fraction of %v of %d samples leaves no test or no training samples", d.TestFraction, data.Len())
	}
	e := set.Energy
	erng := rand.New(rand.NewPCG(d.Seed, 2))
	var fresh []*Trajectory
	for k := 0; k < e.Trajectories; k++ {
		q0 := e.AngleLo + (e.AngleHi-e.AngleLo)*erng.Float64()
		if erng.IntN(2) == 0 {
			q0 = -q0
		}
		p0 := d.MaxMomentum * (2*erng.Float64() - 1)
		tr, err := trajectory(ctx, h, set, q0, p0, e.Frames)
		if err != nil {
			return nil, nil, fmt.Errorf("pixels: energy trajectory %d: %w", k+1, err)
		}
		fresh = append(fresh, tr)
	}
	return data, fresh, nil
}

// trajectory integrates h from (q0, p0) and renders frames frames.
func trajectory(ctx context.Context, h hamiltonians.Hamiltonian, set Settings, q0, p0 float64, frames int) (*Trajectory, error) {
	d := set.Data
	side := d.Geometry.Side
	T := d.Dt * float64(frames-1)
	sol, err := (&symplectic.DOP853{RTol: 1e-10, ATol: 1e-10}).Solve(ctx, symplectic.HamiltonianSystem(h), []float64{q0, p0}, 0, T)
	if err != nil {
		return nil, err
	}
	tr := &Trajectory{Side: side, Frames: frames, Pix: make([]uint8, frames*side*side), States: make([]float64, 2*frames), Labels: make([]float64, 2*frames)}
	x, dx := make([]float64, 2), make([]float64, 2)
	for k := 0; k < frames; k++ {
		t := min(d.Dt*float64(k), T)
		sol.At(x, t)
		hamiltonians.VectorField(dx, h, x)
		copy(tr.States[2*k:], x)
		tr.Labels[2*k], tr.Labels[2*k+1] = x[0], d.LabelScale*dx[0]
		img := tr.Frame(k)
		d.Geometry.Render(img, x[0])
		tr.across = append(tr.across, meanColumn(img))
	}
	return tr, nil
}

// meanColumn is the gray-level-weighted mean column of img (0 for a black
// frame).
func meanColumn(img *image.Gray) float64 {
	var sum, w float64
	for i, v := range img.Pix {
		sum += float64(v) * float64(i%img.Stride)
		w += float64(v)
	}
	if w == 0 {
		return 0
	}
	return sum / w
}
