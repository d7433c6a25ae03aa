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

// spinRounds bounds a helper's busy wait between loops (pause takes about
// 70 ns on the machines measured: about 0.3 ms).
const spinRounds = 4000

// waitRounds bounds the caller's busy wait for the helpers to finish a
// loop (about 30 µs) before it blocks: on a machine busier than its
// processors a helper's thread may be descheduled in the middle of an
// index, and a spinning caller would then only delay it.
const waitRounds = 400

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
	// sleeping holds the sequence number of the loop whose caller blocks
	// on finished (0: none); the helper that finishes the loop's last
	// index clears it and sends.
	sleeping atomic.Uint64
	finished chan struct{}
}

var thePool = pool{finished: make(chan struct{}, 1)}

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
	thePool.mu.Unlock()
}

// begin takes the pool for one loop; it reports false when the loop should
// run serially (a single processor, or the pool busy).
func (p *pool) begin() bool {
	if runtime.GOMAXPROCS(0) < 2 {
		return false
	}
	return p.mu.TryLock()
}

// closed is the index word of a loop being set up: no index can be
// claimed from it.
const closed = 0xffffffff

// run executes a loop of n indices with the helpers; the pool must have
// been taken by begin, and the caller releases it (p.mu.Unlock) once it
// has cleared what it shared with the loop, so that a loop started by
// another goroutine cannot see that cleared.
//
// A helper may still be about to claim from the previous loop when run
// starts. So run first closes the state word under the new sequence
// number, making every such claim fail, then sets the loop's function and
// size, then opens index 0. A claim that succeeds therefore saw the state of
// its own loop, read that loop's size, and runs that loop's function (the
// loop cannot end before the claimed index is done).
func (p *pool) run(n int, f func(int)) {
	helpers := min(runtime.GOMAXPROCS(0)-1, n-1, maxHelpers)
	for len(p.workers) < helpers {
		w := &worker{wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		go p.helper(len(p.workers)-1, w)
	}
	seq := (p.state.Load()>>32 + 1) & 0xffffffff
	if seq == 0 { // 0 means "no loop" to sleeping
		seq = 1
	}
	p.state.Store(seq<<32 | closed)
	p.fn = f
	p.n.Store(int64(n))
	p.done.Store(0)
	p.active.Store(int64(helpers))
	p.state.Store(seq << 32) // open: index 0 of loop seq
	for _, w := range p.workers[:helpers] {
		if w.parked.Load() && w.parked.CompareAndSwap(true, false) {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}
	p.work(seq)
	p.wait(seq, int64(n))
	p.fn = nil
}

// wait returns when the n indices of loop seq are done: it spins for a
// while, then blocks until the participant that finishes the last index
// wakes it. The flag it sleeps under names the loop, so a late helper of an
// earlier loop cannot wake it.
func (p *pool) wait(seq uint64, n int64) {
	for i := 0; i < waitRounds; i++ {
		if p.done.Load() == n {
			return
		}
		pause()
	}
	p.sleeping.Store(seq)
	if p.done.Load() == n {
		if !p.sleeping.CompareAndSwap(seq, 0) {
			<-p.finished // the last participant saw the flag and sends
		}
		return
	}
	<-p.finished
}

// work claims and runs indices of loop seq until none is left.
func (p *pool) work(seq uint64) {
	for {
		v := p.state.Load()
		if v>>32 != seq {
			return
		}
		n := p.n.Load() // the size of loop seq if the claim below succeeds
		i := int64(v & 0xffffffff)
		if i >= n {
			return
		}
		if !p.state.CompareAndSwap(v, v+1) {
			continue
		}
		p.fn(int(i))
		if p.done.Add(1) == n && p.sleeping.Load() == seq && p.sleeping.CompareAndSwap(seq, 0) {
			p.finished <- struct{}{}
		}
	}
}

func (p *pool) helper(id int, w *worker) {
	seen := p.state.Load() >> 32
	spins := 0
	for {
		v := p.state.Load()
		if s := v >> 32; s != seen && v&0xffffffff != closed {
			seen = s
			if int64(id) < p.active.Load() {
				p.work(seen)
			}
			spins = 0
			continue
		}
		pause()
		if spins++; spins < spinRounds {
			continue
		}
		w.parked.Store(true)
		if v := p.state.Load(); v>>32 != seen { // posted while parking
			w.parked.Store(false)
			continue
		}
		<-w.wake
		spins = 0
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
	thePool.mu.Unlock()
}
