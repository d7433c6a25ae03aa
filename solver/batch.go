package solver

import (
	"math"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

// Data parallelism across time points: a set of n times is split into a
// fixed number of contiguous chunks, numChunks(n), that depends on n alone.
// Each chunk runs its whole forward pass, loss and backward pass with its
// own buffers, on whichever core is free (nn.ParallelFor); the chunks'
// losses and parameter gradients are then summed in chunk order. The
// summation order is therefore the same whatever GOMAXPROCS is, and so are
// the results, to the bit.

// chunkPoints is the number of time points per chunk the split aims at; a
// chunk's buffers then fit in the level-2 cache.
const chunkPoints = 64

// maxChunks bounds the number of chunks (and of gradient buffers to sum).
const maxChunks = 16

// numChunks returns the number of chunks for n points: an even number (so
// two cores get equal shares) near n/chunkPoints, at most maxChunks and at
// most n.
func numChunks(n int) int {
	c := 2 * ((n + 2*chunkPoints - 1) / (2 * chunkPoints))
	return max(1, min(c, maxChunks, n))
}

// batch evaluates the loss of Eq. 7–8 and its parameter gradient on up to
// n times, split into chunks evaluated in parallel. It allocates nothing
// per evaluation.
type batch struct {
	tr    *trainer
	parts []batchPart
	run   func(int) // runs one chunk; allocated once

	// Arguments of the current evaluation.
	times    []float64
	total    int // number of times the loss is averaged over
	wantGrad bool
}

type batchPart struct {
	lo, hi             int // the chunk's share of the times
	ws                 *nn.Workspace
	ones, gY, gdY, grd []float64
	xs                 []float64 // the network's inputs with a time scale
	buf                *lossBuffers
	lag                *lagLoss // the Lagrangian formulation's loss, nil otherwise
	loss               float64
}

func newBatch(tr *trainer, n int) *batch {
	D := tr.p.H.Dim()
	c := numChunks(n)
	b := &batch{tr: tr, parts: make([]batchPart, c)}
	for i := range b.parts {
		lo, hi := i*n/c, (i+1)*n/c
		m := hi - lo
		pt := &b.parts[i]
		*pt = batchPart{
			lo: lo, hi: hi,
			ws:   nn.NewWorkspace(tr.net.Arch, m, 1),
			ones: make([]float64, m), xs: make([]float64, m),
			gY: make([]float64, m*D), gdY: make([]float64, m*D),
			grd: make([]float64, len(tr.net.Params)),
			buf: newLossBuffers(D),
		}
		for j := range pt.ones {
			pt.ones[j] = tr.set.inputRate()
		}
		if tr.set.Formulation == FormulationLagrangian {
			pt.lag = newLagLoss(tr.p, &tr.set, tr.net.Arch, m)
		}
	}
	b.run = b.part
	return b
}

// part evaluates chunk i.
func (b *batch) part(i int) {
	pt := &b.parts[i]
	tr := b.tr
	ts := b.times[pt.lo:pt.hi]
	if pt.lag != nil {
		var grad []float64
		if b.wantGrad {
			grad = pt.grd
		}
		pt.loss = pt.lag.lossGrad(tr.net, ts, b.total, grad)
		return
	}
	y, dy := pt.ws.Forward(tr.net, tr.set.inputs(pt.xs, ts), pt.ones)
	pt.loss = residuals(pt.buf, tr.p, tr.hess, &tr.set, tr.e0, ts, b.total, y, dy, pt.gY, pt.gdY)
	if b.wantGrad {
		pt.ws.Backward(tr.net, pt.gY, pt.gdY, pt.grd, nil, nil)
	}
}

// lossGrad returns the loss at times (as many as the batch was made for)
// for the trainer's current parameters, and stores its gradient with
// respect to the parameters in grad unless grad is nil.
func (b *batch) lossGrad(times, grad []float64) float64 {
	loss := b.eval(times, grad != nil)
	if grad != nil {
		b.sumGrad(grad, 0)
	}
	return loss
}

// eval evaluates every chunk and returns the loss; with wantGrad the
// chunks' gradients are left for sumGrad.
func (b *batch) eval(times []float64, wantGrad bool) float64 {
	if len(times) != b.parts[len(b.parts)-1].hi {
		panic("solver: batch evaluated on the wrong number of times")
	}
	b.times, b.total, b.wantGrad = times, len(times), wantGrad
	nn.ParallelFor(len(b.parts), b.run)
	b.times = nil
	var loss float64
	for i := range b.parts {
		loss += b.parts[i].loss
	}
	return loss
}

// sumGrad stores in dst the piece of the gradient that starts at offset
// off: the sum of the chunks' gradients, in chunk order.
func (b *batch) sumGrad(dst []float64, off int) {
	copy(dst, b.parts[0].grd[off:])
	for i := 1; i < len(b.parts); i++ {
		for j, v := range b.parts[i].grd[off : off+len(dst)] {
			dst[j] += v
		}
	}
}

// forwardParts is the chunked forward pass of an evaluator: network
// outputs and time derivatives at a fixed set of times.
type forwardParts struct {
	parts []forwardPart
	net   *nn.Net
	run   func(int) // f.lmaxPart, allocated once
	ev    *evaluator
}

type forwardPart struct {
	lo, hi   int
	ws       *nn.Workspace
	ones, xs []float64
	z, dz, g []float64 // state, derivative and gradient scratch of lmax
	worst    float64
}

func newForwardParts(ev *evaluator, n int) *forwardParts {
	D := ev.p.H.Dim()
	c := numChunks(n)
	f := &forwardParts{parts: make([]forwardPart, c), ev: ev}
	for i := range f.parts {
		lo, hi := i*n/c, (i+1)*n/c
		pt := &f.parts[i]
		*pt = forwardPart{lo: lo, hi: hi, ws: nn.NewWorkspace(ev.arch, hi-lo, 1), ones: make([]float64, hi-lo), xs: make([]float64, hi-lo), z: make([]float64, D), dz: make([]float64, D), g: make([]float64, 2*D)}
		for j := range pt.ones {
			pt.ones[j] = ev.set.inputRate()
		}
	}
	f.run = f.lmaxPart
	return f
}

// lmax returns max over the evaluator's times of sqrt(‖ℓ‖² + λ(H − E0)²),
// +Inf when it is NaN somewhere.
func (f *forwardParts) lmax(net *nn.Net) float64 {
	f.net = net
	nn.ParallelFor(len(f.parts), f.run)
	f.net = nil
	var worst float64
	for i := range f.parts {
		worst = math.Max(worst, f.parts[i].worst)
	}
	return worst
}

// residualNorm returns sqrt(‖dz − J∇H(z)‖² + λ(H(z) − E0)²), the quantity
// whose maximum is ℓmax, using g (of length 2D) as scratch for ∇H and ℓ.
func (ev *evaluator) residualNorm(z, dz, g []float64) float64 {
	D := len(z)
	r := hamiltonians.Residual(g[D:2*D], g[:D], ev.p.H, z, dz)
	var l2 float64
	for _, v := range r {
		l2 += v * v
	}
	if ev.set.EnergyWeight > 0 {
		e := ev.p.H.H(z) - ev.e0
		l2 += ev.set.EnergyWeight * e * e
	}
	return math.Sqrt(l2)
}

func (f *forwardParts) lmaxPart(i int) {
	pt := &f.parts[i]
	ev := f.ev
	ts := ev.times[pt.lo:pt.hi]
	y, dy := pt.ws.Forward(f.net, ev.set.inputs(pt.xs, ts), pt.ones)
	D := ev.p.H.Dim()
	z, dz := pt.z, pt.dz
	var worst float64
	for n, t := range ts {
		f, df := ev.set.Trial.f(t)
		row := n * D
		for i := 0; i < D; i++ {
			z[i] = ev.p.Z0[i] + f*y[row+i]
			dz[i] = df*y[row+i] + f*dy[row+i]
		}
		l := ev.residualNorm(z, dz, pt.g)
		if math.IsNaN(l) {
			worst = math.Inf(1) // a non-finite model is never the best
			break
		}
		worst = math.Max(worst, l)
	}
	pt.worst = worst
}
