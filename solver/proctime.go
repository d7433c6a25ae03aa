package solver

// ProcessSeconds returns the processor time the process has used so far,
// user and system, summed over cores, in seconds (0 where the platform
// does not report it). On a shared machine it measures a computation's
// own work where wall-clock time also counts other jobs.
func ProcessSeconds() float64 { return processSeconds() }
