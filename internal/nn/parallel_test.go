package nn

import (
	"runtime"
	"sync/atomic"
	"testing"
)

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
