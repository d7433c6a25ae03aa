// Package paper holds what `hnn reproduce` needs beyond the catalogue
// problems: the numbers the two papers publish (Mattheakis et al. 003 and
// Greydanus et al. 000), the rows that set ours beside them, the check of
// agreement (within a factor of two), the scales of a run (the papers'
// settings, or --quick's fraction of them), the interleaved cost
// measurement of the Lagrangian network, and the loss-curve statistics.
//
// It computes figures only; the command writes REPORT.md's prose, tables
// and charts from them.
//
// # Conventions
//
// A Row's Paper is NaN when the paper gives no number (then Text says
// what it gives instead). Ours and the paper's agree when their ratio lies
// in [0.5, 2]; a non-finite Ours never agrees.
package paper
