package problems

import (
	"fmt"
	"runtime/debug"
)

// modulePath is hnn's module, whose version Version reports.
const modulePath = "github.com/hnn-project/hnn"

// Version is the hnn module's version and VCS revision as the Go toolchain
// recorded them in the running binary ("hnn v1.2.0, go1.26.8", or "hnn
// (devel) (revision 81e8c98…), go1.26.8" for a build from a git checkout),
// whether hnn is the main module (the hnn command) or a dependency of the
// program. The toolchain records the revision only when it builds with VCS
// stamping (GOFLAGS without -buildvcs=false, from inside the checkout).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "hnn (no build information)"
	}
	mod := &bi.Main
	for _, d := range bi.Deps {
		if d.Path == modulePath && bi.Main.Path != modulePath {
			mod = d
			if d.Replace != nil {
				mod = d.Replace
			}
		}
	}
	v := "hnn " + mod.Version
	if mod == &bi.Main {
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = ", modified"
				}
			}
		}
		if rev != "" {
			v += fmt.Sprintf(" (revision %s%s)", rev, modified)
		}
	}
	return v + ", " + bi.GoVersion
}
