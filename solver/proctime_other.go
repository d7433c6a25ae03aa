//go:build !unix

package solver

// processSeconds is 0 where the process's processor time is not available.
func processSeconds() float64 { return 0 }
