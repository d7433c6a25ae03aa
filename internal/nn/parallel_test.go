package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// ParallelFor runs every index exactly once, whatever GOMAXPROCS, also
// when loops are nested or started from several goroutines at once (those
// run serially), and it does not allocate for a function made beforehand.
func TestParallelFor(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 3, 17, 1000} {
			counts := make([]atomic.Int32, n)
			ParallelFor(n, func(i int) {
				counts[i].Add(1)
				ParallelFor(3, func(int) {}) // nested: serial
			})
			for i := range counts {
				if c := counts[i].Load(); c != 1 {
					t.Fatalf("GOMAXPROCS %d, n %d: index %d ran %d times", procs, n, i, c)
				}
			}
		}
		var wg sync.WaitGroup
		var total atomic.Int64
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 0; r < 200; r++ {
					ParallelFor(8, func(i int) { total.Add(int64(i)) })
				}
			}()
		}
		wg.Wait()
		if got := total.Load(); got != 4*200*28 {
			t.Errorf("GOMAXPROCS %d: concurrent loops summed %d, want %d", procs, got, 4*200*28)
		}
		// Many short loops back to back, of sizes that repeat and change:
		// every index must have run when ParallelFor returns (a late
		// helper of one loop must neither wake nor join the next).
		var ran [5]atomic.Int32
		for r := 0; r < 20000; r++ {
			n := 3 + r%3
			ParallelFor(n, func(i int) { ran[i].Add(1) })
			for i := 0; i < n; i++ {
				if ran[i].Swap(0) != 1 {
					t.Fatalf("GOMAXPROCS %d: loop %d returned before index %d ran once", procs, r, i)
				}
			}
		}
		var sum [64]int64
		f := func(i int) { sum[i]++ }
		if a := testing.AllocsPerRun(50, func() { ParallelFor(64, f) }); a != 0 && !raceEnabled {
			t.Errorf("GOMAXPROCS %d: %v allocations per loop", procs, a)
		}
		runtime.GOMAXPROCS(old)
	}
}

// TestParallelForEachIndexOnce runs many short loops of changing lengths
// back to back, the pattern of a training epoch, and checks that every index
// of every loop runs exactly once. A helper that wakes late must not claim
// an index of the next loop (which once ran an index twice and left the
// caller waiting for ever).
func TestParallelForEachIndexOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	var calls [8]atomic.Int32
	loops := 20000
	if testing.Short() {
		loops = 5000
	}
	for l := range loops {
		n := 2 + l%5 // lengths 2..6, so a stale index of one loop is valid in the next
		ParallelFor(n, func(i int) { calls[i].Add(1) })
		for i := range n {
			if c := calls[i].Swap(0); c != 1 {
				t.Fatalf("loop %d (n = %d): index %d ran %d times", l, n, i, c)
			}
		}
	}
}
