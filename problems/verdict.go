package problems

import (
	"fmt"

	"github.com/hnn-project/hnn/solver"
)

// UntrustedError says why a solve's answer cannot be trusted, in one line:
// the tolerance asked for was not met, training missed its target or
// diverged, or no certified bound holds. The figures are still computed;
// only the promise is missing. hnn solve and hnn bound exit 3 on it.
type UntrustedError struct{ Msg string }

func (e *UntrustedError) Error() string { return e.Msg }

// Trusted returns nil when the report's answer can be trusted, and an
// *UntrustedError otherwise. In order: the tolerance (automatic mode) was
// met and its bound held; training (unless the figures were read from a
// model file) neither missed its solver.target_error nor diverged; the
// certified bound exists and held against the reference.
func (r *SolveReport) Trusted() error {
	untrusted := func(format string, args ...any) error { return &UntrustedError{fmt.Sprintf(format, args...)} }
	if t := r.Tolerance; t != nil && (!t.Met || t.Held != nil && !*t.Held) {
		if t.Met {
			return untrusted("tolerance %.3g: the certified bound did not hold against the reference; wrote the results", float64(t.Requested))
		}
		reached := "nothing certified"
		if t.Bound != nil {
			reached = fmt.Sprintf("certified max‖δz‖ ≤ %.3g on [0, %.4g]", float64(*t.Bound), float64(t.CertifiedUntil))
		}
		return untrusted("tolerance %.3g not met (%s): wrote the results for the best chain", float64(t.Requested), reached)
	}
	if tr := r.Training; !tr.Saved && (tr.StoppedBecause == solver.StoppedTargetMissed || tr.StoppedBecause == solver.StoppedDiverged) {
		return untrusted("training %s: %s", tr.StoppedBecause, tr.Detail)
	}
	switch c := r.Bounds.Certified; {
	case !c.Certified:
		return untrusted("not certified (%s): the results were written, but no bound on their error is proven", c.Reason)
	case c.Held != nil && !*c.Held:
		return untrusted("the certified bound did not hold against the reference: the results were written; please report this as a bug")
	}
	return nil
}
