//go:build unix

package nn

import (
	"syscall"
	"time"
)

// cpuTime returns the processor time the process has used, user and
// system. On a machine shared with other jobs the benchmarks report it per
// operation beside the wall time, which the other jobs inflate.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
