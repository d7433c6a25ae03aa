package problems

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits on the files hnn reads. A file is read through a bounded reader,
// so a device or a pipe that never ends (/dev/zero) stops at the limit
// instead of filling memory; the size stat reports is not trusted.
const (
	// MaxLearnedSize caps a learned-Hamiltonian file (hnn.json), which
	// SaveLearned never exceeds (its networks have at most
	// solver.MaxParameters weights).
	MaxLearnedSize = 64 << 20
	// MaxDataSize caps a learn data file.
	MaxDataSize = 1 << 30
	// MaxModelSize caps a saved model (model.json).
	MaxModelSize = 128 << 20
)

// SizeError is a file over its limit.
type SizeError struct {
	What  string // "a problem file", …
	Limit int64  // bytes
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("more than %s: too large for %s", byteSize(e.Limit), e.What)
}

// byteSize writes a limit in the unit that makes it a whole number.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// boundedReader reads at most limit bytes of r and then fails with a
// *SizeError if r has more.
type boundedReader struct {
	r    io.Reader
	left int64 // bytes still allowed
	err  *SizeError
}

func bounded(r io.Reader, limit int64, what string) *boundedReader {
	return &boundedReader{r: io.LimitReader(r, limit+1), left: limit, err: &SizeError{What: what, Limit: limit}}
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		b.left = -1
		return 0, b.err
	}
	b.left -= int64(n)
	return n, err
}

// readFile reads the file at name through a bounded reader of limit bytes.
func readFile(name string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("is a directory, not %s", what)
	}
	return io.ReadAll(bounded(f, limit, what))
}

// isSize reports whether err is a *SizeError.
func isSize(err error) bool {
	var se *SizeError
	return errors.As(err, &se)
}
