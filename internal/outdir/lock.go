package outdir

import (
	"errors"
	"fmt"
	"os"
)

// ErrLocked is Lock's error when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// Lock creates the file at path if needed and locks it against every other
// process until the returned release is called (or the process ends). A
// lock held elsewhere is ErrLocked.
func Lock(path string) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	return func() { unlockFile(f); f.Close() }, nil
}
