//go:build race

package solver

// raceEnabled reports a build with the race detector, whose
// instrumentation (and sync.Pool, which then drops items at random)
// allocates where the code itself does not.
const raceEnabled = true
