package solver

import (
	"math"
	"sync"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

// Solution is a trained network ẑ(t) = z0 + f(t)·N(t). It can be evaluated
// at any t (meaningful on [0, T], where it was trained) and is safe for
// concurrent use.
type Solution struct {
	Problem  Problem
	Settings Settings // as resolved, defaults filled in (StopWhen is not kept)
	Training Training

	net *nn.Net
	mu  sync.Mutex
	ev  *evaluator // batch of one, for At and Deriv

	// certificate is the automatic mode's certificate of this solution
	// (errorbound.Certify with default settings), reused by Assess.
	certificate *errorbound.Certified

	// chain holds the windows of a windowed solution (see Window); nil
	// for a single network, which is then net.
	chain []window
}

func newSolution(p Problem, set Settings, net *nn.Net, t Training) *Solution {
	set.StopWhen = nil
	set.timeScale = 0 // the network is of t (see trainer.solution)
	return &Solution{Problem: p, Settings: set, Training: t, net: net}
}

// TrainingPoints returns K, the number of training points, summed over
// the windows of a chain (errorbound takes its default resolution from it).
func (s *Solution) TrainingPoints() int {
	if s.chain == nil {
		return s.Problem.K
	}
	var K int
	for _, w := range s.chain {
		K += w.sol.Problem.K
	}
	return K
}

// At stores ẑ(t) in dst and returns it; nil dst allocates.
func (s *Solution) At(dst []float64, t float64) []float64 {
	dst = alloc(dst, s.Problem.H.Dim())
	if s.chain != nil {
		w, tau := s.locate(t)
		return w.At(dst, tau)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.single().state(s.net, t, dst, nil)
	return dst
}

// Deriv stores dẑ/dt at t in dst and returns it; nil dst allocates.
func (s *Solution) Deriv(dst []float64, t float64) []float64 {
	dst = alloc(dst, s.Problem.H.Dim())
	if s.chain != nil {
		w, tau := s.locate(t)
		return w.Deriv(dst, tau)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.single().state(s.net, t, nil, dst)
	return dst
}

// Residual stores ℓ(t) = dẑ/dt − J∇H(ẑ(t)) (Mattheakis et al. Eq. 14) in
// dst and returns it; nil dst allocates.
func (s *Solution) Residual(dst []float64, t float64) []float64 {
	D := s.Problem.H.Dim()
	dst = alloc(dst, D)
	if s.chain != nil {
		w, tau := s.locate(t)
		return w.Residual(dst, tau)
	}
	z := make([]float64, D)
	g := make([]float64, D)
	dz := make([]float64, D)
	s.mu.Lock()
	s.single().state(s.net, t, z, dz)
	s.mu.Unlock()
	return hamiltonians.Residual(dst, g, s.Problem.H, z, dz)
}

// Sample evaluates ẑ and dẑ/dt at every time of ts in one batch, into z
// and dz (each len(ts)·D, row i for ts[i]; either may be nil). It is much
// faster than calling At and Deriv per time.
func (s *Solution) Sample(ts, z, dz []float64) {
	D := s.Problem.H.Dim()
	if z != nil && len(z) != len(ts)*D || dz != nil && len(dz) != len(ts)*D {
		panic("solver: Sample destination has the wrong length")
	}
	if s.chain != nil {
		s.sampleChain(ts, z, dz)
		return
	}
	const chunk = 4096
	ev := newEvaluator(s.Problem, s.Settings, s.net.Arch, min(chunk, max(1, len(ts))))
	for lo := 0; lo < len(ts); lo += chunk {
		hi := min(len(ts), lo+chunk)
		n := hi - lo
		if n != len(ev.times) {
			ev = newEvaluator(s.Problem, s.Settings, s.net.Arch, n)
		}
		copy(ev.times, ts[lo:hi])
		if s.Settings.Formulation == FormulationLagrangian {
			ev.lagrangian().states(s.net, rows(z, lo*D, hi*D), rows(dz, lo*D, hi*D))
			continue
		}
		y, dy := ev.forward(s.net)
		for i, t := range ev.times {
			f, df := s.Settings.Trial.f(t)
			for j := 0; j < D; j++ {
				k := i*D + j
				if z != nil {
					z[lo*D+k] = s.Problem.Z0[j] + f*y[k]
				}
				if dz != nil {
					dz[lo*D+k] = df*y[k] + f*dy[k]
				}
			}
		}
	}
}

// LMax returns max_t sqrt(‖ℓ‖² + λ(H − E0)²) over n+1 equally spaced
// points of [0, T], with λ the energy weight the model was trained with.
// For a chain, it is the largest of its windows' LMax(n), each on n+1
// points of its window, E0 the energy at the window's start.
func (s *Solution) LMax(n int) float64 {
	if s.chain != nil {
		var worst float64
		for _, w := range s.chain {
			worst = math.Max(worst, w.sol.LMax(n))
		}
		return worst
	}
	ev := newEvaluator(s.Problem, s.Settings, s.net.Arch, n+1)
	return ev.lmax(s.net)
}

// Params returns a copy of the network's parameters (for a chain, the
// windows' parameters one after the other).
func (s *Solution) Params() []float64 {
	if s.chain != nil {
		var all []float64
		for _, w := range s.chain {
			all = append(all, w.sol.net.Params...)
		}
		return all
	}
	return append([]float64(nil), s.net.Params...)
}

func (s *Solution) single() *evaluator {
	if s.ev == nil {
		s.ev = newEvaluator(s.Problem, s.Settings, s.net.Arch, 1)
	}
	return s.ev
}

func alloc(dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic("solver: destination has the wrong length")
	}
	return dst
}

// evaluator evaluates a network on a fixed set of times.
type evaluator struct {
	p     Problem
	set   Settings
	times []float64
	ones  []float64
	xs    []float64 // the network's inputs with a time scale
	arch  nn.Arch
	ws    *nn.Workspace
	fw    *forwardParts // chunked evaluation for lmax, made on first use
	lag   *lagParts     // the Lagrangian formulation's evaluation, made on first use
	e0    float64
}

// newEvaluator makes an evaluator on n equally spaced times of [0, T]
// (endpoints included; n = 1 gives a single-point evaluator).
func newEvaluator(p Problem, set Settings, arch nn.Arch, n int) *evaluator {
	ev := &evaluator{p: p, set: set, times: make([]float64, n), ones: make([]float64, n), xs: make([]float64, n), arch: arch, e0: p.H.H(p.Z0)}
	for i := range ev.times {
		if n > 1 {
			ev.times[i] = p.T * float64(i) / float64(n-1)
		}
		ev.ones[i] = set.inputRate()
	}
	return ev
}

// forward runs the network on the evaluator's times in one batch.
func (ev *evaluator) forward(net *nn.Net) (y, dy []float64) {
	if ev.ws == nil {
		ev.ws = nn.NewWorkspace(ev.arch, len(ev.times), 1)
	}
	return ev.ws.Forward(net, ev.set.inputs(ev.xs, ev.times), ev.ones)
}

// state evaluates ẑ(t) into z and dẑ/dt into dz (either may be nil) with a
// single-point evaluator.
func (ev *evaluator) state(net *nn.Net, t float64, z, dz []float64) {
	ev.times[0] = t
	if ev.set.Formulation == FormulationLagrangian {
		ev.lagrangian().states(net, z, dz)
		return
	}
	y, dy := ev.forward(net)
	f, df := ev.set.Trial.f(t)
	for i := range y {
		if z != nil {
			z[i] = ev.p.Z0[i] + f*y[i]
		}
		if dz != nil {
			dz[i] = df*y[i] + f*dy[i]
		}
	}
}

// lmax returns max over the evaluator's times of sqrt(‖ℓ‖² + λ(H − E0)²),
// evaluated in parallel chunks.
func (ev *evaluator) lmax(net *nn.Net) float64 {
	if ev.set.Formulation == FormulationLagrangian {
		return ev.lagrangian().states(net, nil, nil)
	}
	if ev.fw == nil {
		ev.fw = newForwardParts(ev, len(ev.times))
	}
	return ev.fw.lmax(net)
}
