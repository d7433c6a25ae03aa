// Package stats holds the few summary statistics the project reports.
package stats

import "slices"

// Median returns the median of xs: the middle value, or the mean of the
// two middle values when there is an even number of them; NaN values sort
// first. xs is not modified. It panics on an empty slice.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		panic("stats: median of no values")
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
