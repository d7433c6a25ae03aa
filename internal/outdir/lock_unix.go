//go:build unix

package outdir

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f without waiting; the system drops
// it when f is closed or the process ends, however it ends.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// unlockFile does nothing: closing f releases the lock.
func unlockFile(*os.File) {}
