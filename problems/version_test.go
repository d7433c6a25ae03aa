package problems

import (
	"runtime"
	"strings"
	"testing"
)

// A test binary's main module is hnn: the version names it and the Go
// release that built it.
func TestVersion(t *testing.T) {
	v := Version()
	if !strings.HasPrefix(v, "hnn ") || !strings.HasSuffix(v, ", "+runtime.Version()) {
		t.Errorf("Version() = %q", v)
	}
}
