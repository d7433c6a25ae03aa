package solver

import (
	"cmp"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

// outputs returns the number of network outputs for a phase space of
// dimension D: D for the Hamiltonian formulation, d = D/2 for the
// Lagrangian one.
func (s *Settings) outputs(D int) int {
	if s.Formulation == FormulationLagrangian {
		return D / 2
	}
	return D
}

// checkFormulation resolves and checks s.Formulation against p.
func (s *Settings) checkFormulation(p Problem) error {
	s.Formulation = cmp.Or(s.Formulation, FormulationHamiltonian)
	if s.Formulation == FormulationLagrangian {
		if !hamiltonians.UnitMass(p.H) {
			return fmt.Errorf("solver: formulation %q needs a Hamiltonian of the form H = |p|²/2 + V(q) (separable, unit masses); this one is not", FormulationLagrangian)
		}
		if s.PolishMethod == PolishLM {
			return fmt.Errorf("solver: polish method %s fits the Hamiltonian residuals; with formulation %s use the %s polish", PolishLM, FormulationLagrangian, PolishLBFGS)
		}
	}
	return nil
}

// lagTrial returns f1, f2 of Mattheakis et al. Eq. 12 and their first two
// derivatives: f1 = 1 − e^−t, f2 = (1 − e^−t)² for TrialExp, and f1 = t,
// f2 = t² for TrialLinear. Both make q̂(0) = q0 and dq̂/dt(0) = q̇0.
func (tr Trial) lagTrial(t float64) (f1, df1, ddf1, f2, df2, ddf2 float64) {
	if tr == TrialLinear {
		return t, 1, 0, t * t, 2 * t, 2
	}
	e := math.Exp(-t)
	f1 = 1 - e
	return f1, e, -e, f1 * f1, 2 * f1 * e, 2 * e * (2*e - 1)
}

// lagStates turns the network's outputs N, Ṅ, N̈ (each n × d) at times into
// phase-space states z = [q̂, dq̂/dt] and their time derivatives
// dz = [dq̂/dt, d²q̂/dt²] (each n × D; either may be nil), with
//
//	q̂ = q0 + f1·q̇0 + f2·N
//	dq̂/dt = f1'·q̇0 + f2'·N + f2·Ṅ
//	d²q̂/dt² = f1”·q̇0 + f2”·N + 2f2'·Ṅ + f2·N̈
//
// and q̇0 = p0, since p = q̇ for H = |p|²/2 + V(q).
func lagStates(tr Trial, z0, times, y, dy, ddy, z, dz []float64) {
	D := len(z0)
	d := D / 2
	for n, t := range times {
		f1, df1, ddf1, f2, df2, ddf2 := tr.lagTrial(t)
		for i := 0; i < d; i++ {
			k := n*d + i
			v0 := z0[d+i]
			q := z0[i] + f1*v0 + f2*y[k]
			v := df1*v0 + df2*y[k] + f2*dy[k]
			a := ddf1*v0 + ddf2*y[k] + 2*df2*dy[k] + f2*ddy[k]
			if z != nil {
				z[n*D+i], z[n*D+d+i] = q, v
			}
			if dz != nil {
				dz[n*D+i], dz[n*D+d+i] = v, a
			}
		}
	}
}

// lagLoss is the loss of the Lagrangian formulation on a fixed batch size,
// with its buffers.
type lagLoss struct {
	p    Problem
	set  *Settings
	hess hamiltonians.Hesser
	e0   float64
	ws   *nn.SecondWorkspace

	gY, gdY, gddY []float64 // B × d upstream gradients
	z, g, r       []float64
	h             *mat.SymDense
}

func newLagLoss(p Problem, set *Settings, arch nn.Arch, batch int) *lagLoss {
	D := p.H.Dim()
	d := D / 2
	return &lagLoss{
		p: p, set: set, hess: p.H.(hamiltonians.Hesser), e0: p.H.H(p.Z0),
		ws: nn.NewSecondWorkspace(arch, batch),
		gY: make([]float64, batch*d), gdY: make([]float64, batch*d), gddY: make([]float64, batch*d),
		z: make([]float64, D), g: make([]float64, D), r: make([]float64, d), h: mat.NewSymDense(D, nil),
	}
}

// lossGrad evaluates the contribution of times, a share of total training
// times, to the Lagrangian loss, and stores its gradient with respect to
// the parameters in grad unless grad is nil. len(times) must be the batch
// size. With r = d²q̂/dt² + ∇V(q̂) and e = H(q̂, dq̂/dt) − E0,
//
//	L = (1/K) Σ ‖r‖² + λ (1/K) Σ e²
//	∂L/∂q̈ = (2/K) r,  ∂L/∂q = (2/K)(∇²V·r + λ e ∇V),  ∂L/∂q̇ = (2/K) λ e ∂H/∂p
//
// and by the chain rule through the trial solution
// ∂L/∂N = f2·∂L/∂q + f2'·∂L/∂q̇ + f2”·∂L/∂q̈, ∂L/∂Ṅ = f2·∂L/∂q̇ + 2f2'·∂L/∂q̈,
// ∂L/∂N̈ = f2·∂L/∂q̈.
func (l *lagLoss) lossGrad(net *nn.Net, times []float64, total int, grad []float64) float64 {
	y, dy, ddy := l.ws.Forward(net, times)
	D := l.p.H.Dim()
	d := D / 2
	scale := 2 / float64(total)
	lambda := l.set.EnergyWeight
	z, g, r := l.z, l.g, l.r
	hraw := l.h.RawSymmetric()
	z0 := l.p.Z0
	var loss float64
	for n, t := range times {
		f1, df1, ddf1, f2, df2, ddf2 := l.set.Trial.lagTrial(t)
		for i := 0; i < d; i++ {
			k := n*d + i
			v0 := z0[d+i]
			z[i] = z0[i] + f1*v0 + f2*y[k]
			z[d+i] = df1*v0 + df2*y[k] + f2*dy[k]
			r[i] = ddf1*v0 + ddf2*y[k] + 2*df2*dy[k] + f2*ddy[k]
		}
		l.p.H.Grad(g, z)
		for i := 0; i < d; i++ {
			r[i] += g[i]
			loss += r[i] * r[i]
		}
		var e float64
		if lambda > 0 {
			e = l.p.H.H(z) - l.e0
			loss += lambda * e * e
		}
		if grad == nil {
			continue
		}
		l.hess.Hess(l.h, z)
		for i := 0; i < d; i++ {
			// (∇²V·r)_i from the upper triangle of the q block of ∇²H.
			var hv float64
			for j := 0; j < d; j++ {
				a, c := min(i, j), max(i, j)
				hv += hraw.Data[a*hraw.Stride+c] * r[j]
			}
			gq := scale * hv
			var gv float64
			if lambda > 0 {
				gq += scale * lambda * e * g[i]
				gv = scale * lambda * e * g[d+i]
			}
			ga := scale * r[i]
			k := n*d + i
			l.gY[k] = f2*gq + df2*gv + ddf2*ga
			l.gdY[k] = f2*gv + 2*df2*ga
			l.gddY[k] = f2 * ga
		}
	}
	if grad != nil {
		l.ws.Backward(net, l.gY, l.gdY, l.gddY, grad)
	}
	return loss / float64(total)
}

// lagParts evaluates a Lagrangian network's states and ℓmax on the times of
// an evaluator in parallel chunks, as forwardParts does for the
// Hamiltonian network.
type lagParts struct {
	ev    *evaluator
	net   *nn.Net
	parts []lagPart
	run   func(int)
}

type lagPart struct {
	lo, hi int
	ws     *nn.SecondWorkspace
	z, dz  []float64 // states and derivatives of the chunk
	g      []float64
	worst  float64
}

func newLagParts(ev *evaluator) *lagParts {
	n := len(ev.times)
	D := ev.p.H.Dim()
	c := numChunks(n)
	f := &lagParts{ev: ev, parts: make([]lagPart, c)}
	for i := range f.parts {
		lo, hi := i*n/c, (i+1)*n/c
		f.parts[i] = lagPart{lo: lo, hi: hi, ws: nn.NewSecondWorkspace(ev.arch, hi-lo), z: make([]float64, (hi-lo)*D), dz: make([]float64, (hi-lo)*D), g: make([]float64, 2*D)}
	}
	f.run = f.part
	return f
}

// states evaluates ẑ and dẑ/dt at the evaluator's times into z and dz
// (either may be nil) and ℓmax over them, which it returns.
func (f *lagParts) states(net *nn.Net, z, dz []float64) float64 {
	f.net = net
	nn.ParallelFor(len(f.parts), f.run)
	f.net = nil
	D := f.ev.p.H.Dim()
	var worst float64
	for i := range f.parts {
		pt := &f.parts[i]
		if z != nil {
			copy(z[pt.lo*D:pt.hi*D], pt.z)
		}
		if dz != nil {
			copy(dz[pt.lo*D:pt.hi*D], pt.dz)
		}
		worst = math.Max(worst, pt.worst)
	}
	return worst
}

// part evaluates chunk i: states, then sqrt(‖ℓ‖² + λ(H − E0)²) at each time,
// where ℓ = dẑ/dt − J∇H(ẑ) has zero q rows (dq̂/dt is the momentum).
func (f *lagParts) part(i int) {
	pt := &f.parts[i]
	ev := f.ev
	ts := ev.times[pt.lo:pt.hi]
	y, dy, ddy := pt.ws.Forward(f.net, ts)
	lagStates(ev.set.Trial, ev.p.Z0, ts, y, dy, ddy, pt.z, pt.dz)
	D := ev.p.H.Dim()
	var worst float64
	for n := range ts {
		l := ev.residualNorm(pt.z[n*D:(n+1)*D], pt.dz[n*D:(n+1)*D], pt.g)
		if math.IsNaN(l) {
			worst = math.Inf(1) // a non-finite model is never the best
			break
		}
		worst = math.Max(worst, l)
	}
	pt.worst = worst
}

// lagrangian returns the evaluator's Lagrangian evaluation.
func (ev *evaluator) lagrangian() *lagParts {
	if ev.lag == nil {
		ev.lag = newLagParts(ev)
	}
	return ev.lag
}

// rows returns x[lo:hi], or nil for a nil x.
func rows(x []float64, lo, hi int) []float64 {
	if x == nil {
		return nil
	}
	return x[lo:hi]
}
