package solver

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/interval"
)

// A chain is a solution made of windows [t₀, t₁], [t₁, t₂], … with
// t₀ = 0 and the last end T. Window k is a network trained on its own
// problem, from the state ẑ_{k−1}(t_k) its predecessor reaches at the
// joint, in the local time τ = t − t_k:
//
//	ẑ(t) = ẑ_k(t − t_k),   ẑ_k(τ) = ẑ_{k−1}(t_k) + f(τ)·N_k(τ),  t ∈ [t_k, t_{k+1}],
//
// so the chain is continuous up to the rounding of the joint state (which
// Joints bounds and errorbound.Certify adds to the error). A chain of one
// window is the single network itself, bit for bit.
type window struct {
	start, end float64   // the window [start, end] in the chain's time
	sol        *Solution // its network, in local time τ = t − start
}

// Window describes one window of a chain, as reports list them.
type Window struct {
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
	Points  int     `json:"points"`  // training points K of the window
	Hidden  []int   `json:"hidden"`  // widths of its hidden layers
	Epochs  int     `json:"epochs"`  // Adam epochs run
	Polish  int     `json:"polish"`  // polish iterations run
	LMax    float64 `json:"lmax"`    // ℓmax of the kept model on its validation grid
	Seconds float64 `json:"seconds"` // wall time of its training
}

// Windows lists the windows of the solution; a single network is one
// window on [0, T]. The last window ends before T only when the automatic
// mode ran out of time.
func (s *Solution) Windows() []Window {
	if s.chain == nil {
		return []Window{s.windowOf(0, s.Problem.T)}
	}
	out := make([]Window, len(s.chain))
	for i, w := range s.chain {
		out[i] = w.sol.windowOf(w.start, w.end)
	}
	return out
}

func (s *Solution) windowOf(start, end float64) Window {
	tr := s.Training
	return Window{Start: start, End: end, Points: s.Problem.K, Hidden: append([]int(nil), s.Settings.Hidden...),
		Epochs: tr.Epochs, Polish: tr.Polish, LMax: tr.BestLMax, Seconds: tr.Seconds}
}

// newChain makes the chain of the windows sols (each trained in local
// time on its window, sols[k].Problem.T its length) starting at starts;
// p is the whole problem, set and train describe the whole run.
func newChain(p Problem, set Settings, train Training, starts []float64, sols []*Solution) *Solution {
	set.StopWhen = nil
	s := &Solution{Problem: p, Settings: set, Training: train, chain: make([]window, len(sols))}
	for k, w := range sols {
		end := starts[k] + w.Problem.T
		switch {
		case k+1 < len(sols):
			end = starts[k+1]
		case end >= p.T || math.Abs(end-p.T) <= 1e-12*p.T:
			end = p.T
		}
		s.chain[k] = window{start: starts[k], end: end, sol: w}
	}
	return s
}

// lastEnd returns the end of the chain's last window: T, or less when
// the automatic mode ran out of time before T (the last window's network
// is then evaluated beyond its window).
func (s *Solution) lastEnd() float64 {
	if s.chain == nil {
		return s.Problem.T
	}
	return s.chain[len(s.chain)-1].end
}

// locate returns the window that holds t and t's local time in it:
// window k holds [t_k, t_{k+1}), the last one also T and beyond, the
// first one also t < 0.
func (s *Solution) locate(t float64) (*Solution, float64) {
	k := s.windowIndex(t)
	return s.chain[k].sol, t - s.chain[k].start
}

func (s *Solution) windowIndex(t float64) int {
	n := len(s.chain)
	k := sort.Search(n, func(i int) bool { return t < s.chain[i].end })
	return min(k, n-1)
}

// sampleChain is Sample for a chain: the times are grouped by window and
// each window sampled in one batch.
func (s *Solution) sampleChain(ts, z, dz []float64) {
	D := s.Problem.H.Dim()
	groups := make([][]int, len(s.chain))
	for i, t := range ts {
		k := s.windowIndex(t)
		groups[k] = append(groups[k], i)
	}
	for k, idx := range groups {
		if len(idx) == 0 {
			continue
		}
		local := make([]float64, len(idx))
		for j, i := range idx {
			local[j] = ts[i] - s.chain[k].start
		}
		var lz, ldz []float64
		if z != nil {
			lz = make([]float64, len(idx)*D)
		}
		if dz != nil {
			ldz = make([]float64, len(idx)*D)
		}
		s.chain[k].sol.Sample(local, lz, ldz)
		for j, i := range idx {
			if z != nil {
				copy(z[i*D:(i+1)*D], lz[j*D:(j+1)*D])
			}
			if dz != nil {
				copy(dz[i*D:(i+1)*D], ldz[j*D:(j+1)*D])
			}
		}
	}
}

// encloseChain is Enclose for a chain: [t0, t1] must lie in one window
// (errorbound.Certify aligns its sub-intervals with the windows' ends,
// Joints); its local times are enclosed with outward rounding.
func (s *Solution) encloseChain(z [4][]hamiltonians.Interval, t0, t1 float64) error {
	k := s.windowIndex(t0 + (t1-t0)/2)
	w := s.chain[k]
	if (k > 0 && t0 < w.start) || (k+1 < len(s.chain) && t1 > w.end) {
		return fmt.Errorf("solver: Enclose on [%g, %g] crosses a joint of the windows [%g, %g]", t0, t1, w.start, w.end)
	}
	tt := interval.Point(t0).Sub(interval.Point(w.start))
	tt.Hi = interval.Point(t1).Sub(interval.Point(w.start)).Hi
	return w.sol.encloseOver(z, tt)
}

// Joints lists the joints of a chain in time order; nil for a single
// network. errorbound.Certify aligns its sub-intervals with them and adds
// each jump to the error it propagates. A jump bounds ‖ẑ(t_k⁺) − ẑ(t_k⁻)‖₂:
// the later window starts from the earlier one's end state rounded to
// float64 (about 1e-16 relative); it is +Inf when the earlier window
// cannot be enclosed (ReLU networks).
func (s *Solution) Joints() []errorbound.Joint {
	if len(s.chain) < 2 {
		return nil
	}
	D := s.Problem.H.Dim()
	var enc [4][]hamiltonians.Interval
	for k := range enc {
		enc[k] = make([]hamiltonians.Interval, D)
	}
	out := make([]errorbound.Joint, 0, len(s.chain)-1)
	for k := 1; k < len(s.chain); k++ {
		prev, w := s.chain[k-1], s.chain[k]
		j := errorbound.Joint{T: w.start, Jump: math.Inf(1)}
		// ẑ_{k−1} at the joint's exact local time against z0 of window k.
		tt := interval.Point(w.start).Sub(interval.Point(prev.start))
		if prev.sol.encloseOver(enc, tt) == nil {
			var n2 interval.Interval
			for i, v := range enc[0] {
				d := v.Sub(interval.Point(w.sol.Problem.Z0[i]))
				n2 = n2.Add(d.Sqr())
			}
			if n2.IsFinite() { // a sum of squares: only its upper end matters
				j.Jump = interval.Interval{Lo: 0, Hi: n2.Hi}.Sqrt().Hi
			}
		}
		out = append(out, j)
	}
	return out
}

// SolveWindows trains a chain with fixed settings on the windows
// [0, ends[0]], [ends[0], ends[1]], …, the last end T: window k is Solve
// with s on its own problem (its length, p.K points, the state its
// predecessor reaches), warm-started from the previous window's weights.
// ends = [T] gives the single network of Solve, bit for bit. s.Tolerance
// must be zero.
func SolveWindows(ctx context.Context, p Problem, s *Settings, ends []float64, mon Monitor) (*Solution, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if s != nil && s.Tolerance != 0 {
		return nil, fmt.Errorf("solver: SolveWindows trains with fixed settings; the tolerance must be zero")
	}
	if len(ends) == 0 || ends[len(ends)-1] != p.T {
		return nil, fmt.Errorf("solver: the windows must end at T = %g", p.T)
	}
	starts := make([]float64, len(ends))
	sols := make([]*Solution, len(ends))
	z0 := p.Z0
	var warm []float64
	var train Training
	for k, end := range ends {
		t := 0.0
		if k > 0 {
			t = ends[k-1]
		}
		if !(end > t) {
			return nil, fmt.Errorf("solver: window %d ends at %g, not after its start %g", k+1, end, t)
		}
		wp := Problem{H: p.H, Z0: z0, T: end - t, K: p.K, Text: p.Text}
		sol, err := solveNetwork(ctx, wp, s, mon, warm)
		if err != nil {
			return nil, fmt.Errorf("solver: window %d on [%g, %g]: %w", k+1, t, end, err)
		}
		starts[k], sols[k] = t, sol
		z0 = sol.At(nil, end-t)
		warm = sol.net.Params
		train.Epochs += sol.Training.Epochs
		train.Polish += sol.Training.Polish
		train.Seconds += sol.Training.Seconds
		train.BestLMax = math.Max(train.BestLMax, sol.Training.BestLMax)
		train.Loss = append(train.Loss, sol.Training.Loss...)
		train.Stopped = sol.Training.Stopped
		if ctx.Err() != nil {
			break
		}
	}
	n := 0
	for n < len(sols) && sols[n] != nil {
		n++
	}
	if len(ends) == 1 {
		return sols[0], nil
	}
	// Interrupted: the windows finished so far (the chain ends early).
	return newChain(p, sols[0].Settings, train, starts[:n], sols[:n]), nil
}
