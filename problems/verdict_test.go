package problems

import (
	"errors"
	"strings"
	"testing"

	"github.com/hnn-project/hnn/solver"
)

func TestTrusted(t *testing.T) {
	yes, no := true, false
	b := Number(2e-7)
	certified := func(r *SolveReport) { r.Bounds.Certified.Certified, r.Bounds.Certified.Held = true, &yes }
	for _, c := range []struct {
		name string
		edit func(*SolveReport)
		want string // in the message; "" for trusted
	}{
		{"certified and held", certified, ""},
		{"not certified", func(r *SolveReport) { r.Bounds.Certified.Reason = "the tube did not close" }, "not certified (the tube did not close)"},
		{"violated", func(r *SolveReport) { certified(r); r.Bounds.Certified.Held = &no }, "did not hold"},
		{"target missed", func(r *SolveReport) {
			certified(r)
			r.Training.StoppedBecause, r.Training.Detail = solver.StoppedTargetMissed, "max‖δz‖ 1e-3 > 1e-30"
		}, "training target not reached: max‖δz‖ 1e-3 > 1e-30"},
		{"target missed, saved figures", func(r *SolveReport) {
			certified(r)
			r.Training.StoppedBecause, r.Training.Saved = solver.StoppedTargetMissed, true
		}, ""},
		{"tolerance not met", func(r *SolveReport) {
			certified(r)
			r.Tolerance = &ToleranceReport{Requested: 1e-8, Bound: &b, CertifiedUntil: 3}
		}, "tolerance 1e-08 not met (certified max‖δz‖ ≤ 2e-07 on [0, 3])"},
		{"tolerance met, bound violated", func(r *SolveReport) {
			certified(r)
			r.Tolerance = &ToleranceReport{Requested: 1e-6, Met: true, Held: &no}
		}, "did not hold"},
	} {
		r := &SolveReport{}
		c.edit(r)
		err := r.Trusted()
		var ue *UntrustedError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want trusted", c.name, err)
		case c.want != "" && (!errors.As(err, &ue) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an UntrustedError with %q", c.name, err, c.want)
		}
	}
}
