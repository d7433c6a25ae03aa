package pixels

import (
	"context"
	"image"
	"math"

	"github.com/hnn-project/hnn/internal/stats"
	"github.com/hnn-project/hnn/symplectic"
)

// Energy is a model's energy metric: the mean and standard error of the
// scores of the fresh trajectories, and the first trajectory's score, the
// analysis notebook's single figure.
type Energy struct {
	Mean, Stderr float64
	Notebook     float64
	Scores       []float64
}

// Rollout is a model's prediction along one fresh trajectory: the latent
// ODE integrated from the encoded first frame pair, at the K = F − 3
// compared points, and those latents mapped to labels. A model whose
// integration failed (blew up) has Failed set and no points.
type Rollout struct {
	Times  []float64 // in frames
	Latent []float64 // K × 2
	Labels []float64 // K × 2
	Energy []float64 // the energy compared, of each predicted label
	Failed bool
	// Frames are the decoded first frames of the pairs at the strip's
	// steps (first trajectory only).
	Frames []*image.Gray
}

// compareTimes returns the times, in frames, of the compared points of a
// trajectory of F frames: TimeScale·(F−3)·k/(F−4), k = 0..F−4.
func compareTimes(set Settings, frames int) []float64 {
	K := frames - 3
	ts := make([]float64, K)
	for k := range ts {
		ts[k] = stripTime(set, frames, k)
	}
	return ts
}

// stripTime is the time, in frames, of step s of a trajectory of F frames.
func stripTime(set Settings, frames, s int) float64 {
	K := frames - 3
	return set.Energy.TimeScale * float64(K) * float64(s) / float64(K-1)
}

// stripSteps are the steps of the picture strip: 0, ¼, ½, ¾ and all of the
// F − 3 samples (0, 50, 100, 150 and 200 for the notebook's 203 frames, as
// Greydanus et al. Fig. 4). The last is one past the compared points; its
// true frame, frame F − 2, exists.
func stripSteps(frames int) []int {
	K := frames - 3
	return []int{0, K / 4, K / 2, 3 * K / 4, K}
}

// rollout integrates the model's latent ODE along trajectory tr and, when
// strip is set, decodes the frames at the strip's steps.
func (m *Model) rollout(ctx context.Context, set Settings, tr *Trajectory, strip bool) (*Rollout, error) {
	in := 2 * tr.Side * tr.Side
	x := make([]float64, in)
	tr.Sample(x, nil, 0)
	z0 := m.Encode(x, 1)
	times := compareTimes(set, tr.Frames)
	end := times[len(times)-1]
	var steps []int
	if strip {
		steps = stripSteps(tr.Frames)
		end = stripTime(set, tr.Frames, steps[len(steps)-1])
	}
	r := &Rollout{Times: times}
	sol, err := (&symplectic.DOP853{RTol: 1e-9, ATol: 1e-9}).Solve(ctx, m.System(), z0, 0, end)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.Failed = true
		return r, nil
	}
	z := make([]float64, 2)
	for _, t := range times {
		sol.At(z, t)
		q, p := m.Map.Apply(z[0], z[1])
		r.Latent = append(r.Latent, z...)
		r.Labels = append(r.Labels, q, p)
	}
	if strip {
		zs := make([]float64, 0, 2*len(steps))
		for _, s := range steps {
			zs = append(zs, sol.At(z, stripTime(set, tr.Frames, s))...)
		}
		dec := m.Decode(zs, len(steps))
		for i := range steps {
			r.Frames = append(r.Frames, grayFrame(dec[i*in:i*in+in/2], tr.Side))
		}
	}
	return r, nil
}

// grayFrame turns decoded values into a frame, clamped to [0, 1].
func grayFrame(v []float64, side int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i, x := range v {
		img.Pix[i] = uint8(math.Round(255 * min(max(x, 0), 1)))
	}
	return img
}

// energy scores the model on the fresh trajectories (see EnergySettings)
// and returns its rollout along the first, with the strip's frames.
func (m *Model) energy(ctx context.Context, set Settings, fresh []*Trajectory) (Energy, *Rollout, error) {
	var e Energy
	var first *Rollout
	E := set.Energy.Energy
	for i, tr := range fresh {
		r, err := m.rollout(ctx, set, tr, i == 0)
		if err != nil {
			return e, nil, err
		}
		if i == 0 {
			first = r
		}
		score := math.Inf(1)
		if !r.Failed {
			score = 0
			for k := range r.Times {
				q, p := tr.Label(k)
				e := E.H(r.Labels[2*k : 2*k+2])
				r.Energy = append(r.Energy, e)
				de := E.H([]float64{q, p}) - e
				score += de * de
			}
			score /= float64(len(r.Times))
		}
		e.Scores = append(e.Scores, score)
	}
	e.Mean, e.Stderr = stats.MeanStderr(e.Scores)
	e.Notebook = e.Scores[0]
	return e, first, nil
}
