package stats

import "math"

// MeanStderr returns the mean of xs and its standard error, the sample
// standard deviation (n − 1 in the denominator) over √n; the standard
// error of a single value is 0. It panics on an empty slice.
func MeanStderr(xs []float64) (mean, stderr float64) {
	if len(xs) == 0 {
		panic("stats: mean of no values")
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if n := len(xs); n > 1 {
		var v float64
		for _, x := range xs {
			v += (x - mean) * (x - mean)
		}
		stderr = math.Sqrt(v/float64(n-1)) / math.Sqrt(float64(n))
	}
	return mean, stderr
}

// Finite reports whether x is neither NaN nor ±Inf.
func Finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
