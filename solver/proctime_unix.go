//go:build unix

package solver

import "syscall"

// processSeconds returns the processor time the process has used so far,
// user and system, in seconds.
func processSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
