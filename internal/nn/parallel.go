package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Products large enough to pay for a hand-off are split by rows between the
// calling goroutine and one helper goroutine. Splitting by rows leaves the
// summation order of every entry unchanged, so results are bit-identical
// whatever GOMAXPROCS is.
//
// The helper must start within a microsecond or two of the hand-off, which
// a channel cannot promise (the woken goroutine often waits until the
// sender blocks). So the helper spins on an atomic sequence number for a
// while after each task — training calls it every few tens of
// microseconds — and parks on a channel when the work stops.

// parallelFlops is the size m·n·k above which a product is split.
const parallelFlops = 150_000

// spinRounds bounds the helper's busy wait between tasks (about 0.2 ms).
const spinRounds = 2000

type gemmTask struct {
	m, n, k int
	a       []float64
	ar, ak  int
	b, c    []float64
}

type helper struct {
	mu     sync.Mutex // one caller at a time
	task   gemmTask
	seq    atomic.Uint64 // tasks posted
	done   atomic.Uint64 // tasks finished
	parked atomic.Bool
	wake   chan struct{}
}

var (
	helperOnce sync.Once
	theHelper  *helper
)

func startHelper() {
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	h := &helper{wake: make(chan struct{}, 1)}
	theHelper = h
	go h.loop()
}

func (h *helper) loop() {
	var seen uint64
	for {
		spins := 0
		for h.seq.Load() == seen {
			pause()
			spins++
			if spins < spinRounds {
				continue
			}
			h.parked.Store(true)
			if h.seq.Load() != seen { // posted while parking
				h.parked.Store(false)
				break
			}
			<-h.wake
			spins = 0
		}
		seen = h.seq.Load()
		t := h.task
		gemm(t.m, t.n, t.k, t.a, t.ar, t.ak, t.b, t.c)
		h.done.Store(seen)
	}
}

// pgemm is gemm, split in two by rows when it is large and a second
// processor is available.
func pgemm(m, n, k int, a []float64, ar, ak int, b, c []float64) {
	helperOnce.Do(startHelper)
	h := theHelper
	if h == nil || m*n*k < parallelFlops || m < 8 || !h.mu.TryLock() {
		gemm(m, n, k, a, ar, ak, b, c)
		return
	}
	half := (m / 2) &^ 3
	h.task = gemmTask{m: m - half, n: n, k: k, a: a[half*ar:], ar: ar, ak: ak, b: b, c: c[half*n:]}
	s := h.seq.Add(1)
	if h.parked.CompareAndSwap(true, false) {
		select {
		case h.wake <- struct{}{}:
		default:
		}
	}
	gemm(half, n, k, a, ar, ak, b, c)
	for h.done.Load() != s {
		pause()
	}
	h.task = gemmTask{}
	h.mu.Unlock()
}
