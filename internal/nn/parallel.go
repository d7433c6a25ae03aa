package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Work is spread over cores by a small pool of helper goroutines that
// claim the indices of a parallel loop from a shared counter, the calling
// goroutine among them. The loops of a training epoch last tens of
// microseconds, so a helper must start within a microsecond of the
// hand-off, which a channel cannot promise (the woken goroutine often waits
// until the sender blocks). So each helper spins on the pool's state word
// for a while after each loop — training starts one every few tens of
// microseconds — and parks on a channel when the work stops.
//
// Which goroutine runs an index never changes a result: callers give each
// index its own output, and combine outputs in a fixed order afterwards.
// That keeps results bit-identical whatever GOMAXPROCS is.

// parallelFlops is the size m·n·k above which pgemm splits a product.
const parallelFlops = 150_000

// spinRounds bounds a helper's busy wait between loops (about 0.2 ms).
const spinRounds = 4000

// closed is the index part of the state while a loop is being set up: no
// index can be claimed, and helpers wait for the loop to be published.
const closed = 0xffffffff

// maxHelpers caps the helper goroutines.
const maxHelpers = 63

type worker struct {
	parked atomic.Bool
	wake   chan struct{}
}

type pool struct {
	mu sync.Mutex // one parallel loop at a time; nested loops run serially
	// state holds the loop's sequence number in the high 32 bits and the
	// next unclaimed index in the low 32 bits, so a helper that wakes late
	// cannot claim an index of a later loop.
	state   atomic.Uint64
	done    atomic.Int64 // indices finished in the current loop
	active  atomic.Int64 // helpers taking part in the current loop
	n       atomic.Int64 // indices of the current loop
	fn      func(int)
	workers []*worker
}

var thePool pool

// ParallelFor calls f(i) for every i in [0, n) and returns when all calls
// have returned. The calls run concurrently on up to GOMAXPROCS goroutines
// (the caller is one of them); f must therefore only write data that
// belongs to index i. A ParallelFor called while another is running, from f
// or from another goroutine, runs serially. It does not allocate unless f
// is a closure created for the call.
func ParallelFor(n int, f func(i int)) {
	if n <= 0 {
		return
	}
	if n == 1 || !thePool.begin() {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	thePool.run(n, f)
}

// begin takes the pool for one loop; it reports false when the loop should
// run serially (a single processor, or the pool busy).
func (p *pool) begin() bool {
	if runtime.GOMAXPROCS(0) < 2 {
		return false
	}
	return p.mu.TryLock()
}

// run executes a loop of n indices with the helpers; the pool must have
// been taken by begin. It releases the pool.
func (p *pool) run(n int, f func(int)) {
	helpers := min(runtime.GOMAXPROCS(0)-1, n-1, maxHelpers)
	for len(p.workers) < helpers {
		w := &worker{wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		go p.helper(len(p.workers)-1, w)
	}
	// Close the index space first: a helper still inside work for the
	// previous loop may have read its state, and must fail its
	// CompareAndSwap rather than claim an index of this loop with the new
	// fn and n (which ran an index twice and left done past n for ever).
	seq := p.state.Load()>>32 + 1
	p.state.Store(seq<<32 | closed)
	p.fn = f
	p.n.Store(int64(n))
	p.done.Store(0)
	p.active.Store(int64(helpers))
	p.state.Store(seq << 32) // publish: index 0 of loop seq
	for _, w := range p.workers[:helpers] {
		if w.parked.Load() && w.parked.CompareAndSwap(true, false) {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}
	p.work(seq)
	for p.done.Load() != int64(n) {
		pause()
	}
	p.fn = nil
	p.mu.Unlock()
}

// work claims and runs indices of loop seq until none is left.
func (p *pool) work(seq uint64) {
	for {
		v := p.state.Load()
		if v>>32 != seq || int64(v&0xffffffff) >= p.n.Load() {
			return
		}
		if !p.state.CompareAndSwap(v, v+1) {
			continue
		}
		// The loop cannot end before this index is done, so fn is its own.
		p.fn(int(v & 0xffffffff))
		p.done.Add(1)
	}
}

func (p *pool) helper(id int, w *worker) {
	seen := p.state.Load() >> 32
	for {
		spins := 0
		for {
			if v := p.state.Load(); v>>32 != seen && v&0xffffffff != closed {
				seen = v >> 32
				break
			}
			pause()
			if spins++; spins < spinRounds {
				continue
			}
			w.parked.Store(true)
			if v := p.state.Load(); v>>32 != seen && v&0xffffffff != closed { // posted while parking
				w.parked.Store(false)
				continue
			}
			<-w.wake
			spins = 0
		}
		if int64(id) < p.active.Load() {
			p.work(seen)
		}
	}
}

// gemmSplit is the product pgemm hands to the pool, one half per index.
var gemmSplit struct {
	m, n, k, half int
	a             []float64
	ar, ak        int
	b, c          []float64
}

func gemmHalf(i int) {
	t := &gemmSplit
	if i == 0 {
		gemm(t.half, t.n, t.k, t.a, t.ar, t.ak, t.b, t.c)
		return
	}
	gemm(t.m-t.half, t.n, t.k, t.a[t.half*t.ar:], t.ar, t.ak, t.b, t.c[t.half*t.n:])
}

// pgemm is gemm, split in two by rows when it is large and a second
// processor is free. Splitting by rows leaves the summation order of every
// entry unchanged.
func pgemm(m, n, k int, a []float64, ar, ak int, b, c []float64) {
	if m*n*k < parallelFlops || m < 8 || !thePool.begin() {
		gemm(m, n, k, a, ar, ak, b, c)
		return
	}
	t := &gemmSplit
	t.m, t.n, t.k, t.half, t.a, t.ar, t.ak, t.b, t.c = m, n, k, (m/2)&^3, a, ar, ak, b, c
	thePool.run(2, gemmHalf)
	t.a, t.b, t.c = nil, nil, nil
}
