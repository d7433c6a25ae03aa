// Package outdir writes a run's outputs: an output folder that is claimed
// before any work (created, checked writable, locked against a second run)
// and replaced as a whole by the run that writes into it, atomic file
// writes (a temporary file in the same directory, then a rename), and the
// CSV form of a table of numbers.
//
// Conventions:
//
//   - A folder's hidden state file ".hnn" is locked (flock on unix) while a
//     run holds the folder; its first line names the holder's pid, the
//     following lines list the outputs of the run that wrote last.
//   - The first Write of a run removes the previous run's outputs (except
//     those marked with Keep), so a folder never mixes two runs.
//   - Names written into a folder are plain file names (ValidName), or
//     slash-separated paths of them for outputs in subdirectories: nothing
//     built from them leaves it.
//   - A reader never sees half a file: WriteFile writes a temporary file
//     and renames it into place.
package outdir
