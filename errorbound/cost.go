package errorbound

import (
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
)

// MaxReferenceSteps caps the steps of the reference integration
// (Reference.MaxSteps).
const MaxReferenceSteps = 10_000_000

// referenceStepsPerRate is the reference's steps per unit of Rate·T: 5 to 8
// on every catalogue problem (DOP853 at rtol = atol = 1e-12), so 6 makes
// EstimateCost's figure right to within a factor of 1.5 there.
const referenceStepsPerRate = 6

// minPointsPerPeriod is the fewest training points per period of the
// linearised motion below which the network cannot follow the motion and
// the comparison grid (20 points per training spacing) does not resolve it.
const minPointsPerPeriod = 2

// Cost is what the assessment of a case will take, estimated before any
// work from the motion linearised at the initial state.
type Cost struct {
	// Rate is max |λ| over the eigenvalues λ of J∇²H(Z0): the fastest
	// angular frequency (or growth rate) of the linearised motion. Zero
	// when the motion has no time scale there (a free particle), or H has
	// no Hessian.
	Rate float64
	// ReferenceSteps estimates the steps of the reference integration,
	// 6·Rate·T.
	ReferenceSteps float64
	// PointsPerPeriod is the number of training points per period 2π/Rate
	// (+Inf when Rate is zero).
	PointsPerPeriod float64
}

// EstimateCost estimates the cost of assessing c.
func EstimateCost(c Case) Cost {
	cost := Cost{Rate: linearRate(c.H, c.Z0)}
	cost.ReferenceSteps = referenceStepsPerRate * cost.Rate * c.T
	cost.PointsPerPeriod = math.Inf(1)
	if cost.Rate > 0 {
		cost.PointsPerPeriod = float64(c.K) * (2 * math.Pi / cost.Rate) / c.T
	}
	return cost
}

// Err reports a case whose reference integration would exceed
// MaxReferenceSteps, with the estimated steps and their memory.
func (c Cost) Err(D int) error {
	if !(c.ReferenceSteps > MaxReferenceSteps) {
		return nil
	}
	// Each step keeps its time, size and 8 coefficient vectors of length D.
	bytes := 8 * float64(2+8*D) * c.ReferenceSteps
	return fmt.Errorf("the reference integration would take about %.2g steps (about %s of memory; the motion's fastest rate at the initial state is %.3g); the limit is %d steps: shorten the time interval", c.ReferenceSteps, memory(bytes), c.Rate, MaxReferenceSteps)
}

// Warning describes a case whose training points are too sparse for the
// motion, or "".
func (c Cost) Warning(K int, T float64) string {
	if !(c.PointsPerPeriod < minPointsPerPeriod) {
		return ""
	}
	return fmt.Sprintf("%d training points on [0, %.4g] are %.3g periods of the linearised motion apart (period %.3g): the network cannot follow the motion and the comparison grid does not resolve it; use at least %d points per period",
		K, T, 1/c.PointsPerPeriod, 2*math.Pi/c.Rate, minPointsPerPeriod)
}

// memory writes a byte count in MB, GB or "far more than" for counts no
// machine has.
func memory(b float64) string {
	switch {
	case b > 1e15:
		return fmt.Sprintf("%.2g TB", b/1e12)
	case b >= 1e9:
		return fmt.Sprintf("%.3g GB", b/1e9)
	}
	return fmt.Sprintf("%.3g MB", b/1e6)
}

// linearRate returns max |λ(J∇²H(z0))|, or 0 when H has no Hessian or it
// is not finite.
func linearRate(h hamiltonians.Hamiltonian, z0 []float64) float64 {
	hs, ok := h.(hamiltonians.Hesser)
	if !ok || len(z0) != h.Dim() {
		return 0
	}
	D := h.Dim()
	d := D / 2
	hess := mat.NewSymDense(D, nil)
	hs.Hess(hess, z0)
	// J∇²H: rows of the p-block of ∇²H, then the negated q-block.
	a := mat.NewDense(D, D, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < D; j++ {
			a.Set(i, j, hess.At(d+i, j))
			a.Set(d+i, j, -hess.At(i, j))
		}
	}
	for _, v := range a.RawMatrix().Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
	}
	var e mat.Eigen
	if !e.Factorize(a, mat.EigenNone) {
		return 0
	}
	var rate float64
	for _, l := range e.Values(nil) {
		rate = math.Max(rate, cmplx.Abs(l))
	}
	return rate
}
