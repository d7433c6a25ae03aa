//go:build !unix

package outdir

import "os"

// lockFile marks f's folder as held by creating f.lock exclusively (no
// flock here); unlockFile removes it. A run that is killed leaves the
// mark, and the next run's message names the folder to clear.
func lockFile(f *os.File) error {
	l, err := os.OpenFile(f.Name()+".lock", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return l.Close()
}

func unlockFile(f *os.File) { os.Remove(f.Name() + ".lock") }
