package outdir

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// stateFile is the hidden file of an output folder: it is locked while a
// run writes there, and lists the outputs of the run that wrote last.
const stateFile = ".hnn"

// UnusableError says that an output folder cannot be claimed: it cannot be
// created or written, or another run holds it. It is the user's to fix.
type UnusableError struct{ Msg string }

func (e *UnusableError) Error() string { return e.Msg }

// Folder is a command's output directory, claimed before any work:
// created and checked to be writable, locked against a second run, and
// written so that a run replaces the previous run's outputs as a whole
// (its first write removes them) and never writes outside it.
type Folder struct {
	dir     string
	state   *os.File // locked
	started bool     // this run has written into dir
	prev    []string // the previous run's outputs
	created string   // the outermost directory Claim created, or ""
	written map[string]bool
}

// Claim creates dir if needed, checks that files can be written there and
// locks it. A folder that cannot be used, or that another run holds, is an
// *UnusableError naming that run.
func Claim(dir string) (*Folder, error) {
	unusable := func(format string, args ...any) error {
		return &UnusableError{fmt.Sprintf(format, args...)}
	}
	created := firstMissing(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, unusable("output directory %s cannot be created: %v", dir, errors.Unwrap(err))
	}
	probe, err := os.CreateTemp(dir, ".hnn-probe*")
	if err != nil {
		return nil, unusable("output directory %s is not writable: %v", dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	f, err := os.OpenFile(filepath.Join(dir, stateFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, unusable("output directory %s: %v", dir, err)
	}
	if err := lockFile(f); err != nil {
		holder := "another hnn run"
		if b, rerr := io.ReadAll(io.LimitReader(f, 4096)); rerr == nil {
			if _, pid, ok := strings.Cut(firstLine(b), "pid "); ok {
				holder += " (pid " + pid + ")"
			}
		}
		f.Close()
		return nil, unusable("output directory %s is in use by %s; wait for it or choose another -o", dir, holder)
	}
	o := &Folder{dir: dir, state: f, written: map[string]bool{}, created: created}
	o.prev = o.previous()
	if err := o.record(); err != nil { // the holder's pid, for a second run's message
		o.Release()
		return nil, err
	}
	return o, nil
}

// Dir is the folder's path as given to Claim.
func (o *Folder) Dir() string { return o.dir }

// firstLine returns the first line of b.
func firstLine(b []byte) string {
	l, _, _ := bytes.Cut(b, []byte("\n"))
	return string(l)
}

// Release unlocks the folder. A folder this run created and wrote nothing
// into is removed again, with the directories created for it. Release of
// a nil or released folder does nothing.
func (o *Folder) Release() {
	if o == nil || o.state == nil {
		return
	}
	unlockFile(o.state)
	o.state.Close() // closing releases the lock
	o.state = nil
	if o.started || o.created == "" {
		return
	}
	os.Remove(filepath.Join(o.dir, stateFile))
	for d := filepath.Clean(o.dir); ; d = filepath.Dir(d) {
		if os.Remove(d) != nil || d == o.created {
			return
		}
	}
}

// firstMissing returns the outermost directory of dir's path that does
// not exist, or "" when dir exists.
func firstMissing(dir string) string {
	missing := ""
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			return missing
		}
		missing = d
		if filepath.Dir(d) == d {
			return missing
		}
	}
}

// ValidName reports whether name may be written into an output folder:
// one path element, not hidden, so no path built from it leaves the folder.
func ValidName(name string) bool {
	return name != "" && filepath.IsLocal(name) && filepath.Base(name) == name && !strings.ContainsAny(name, `/\`) && name[0] != '.'
}

// validPath reports whether name may be written into an output folder as
// a path below it: slash-separated ValidName elements.
func validPath(name string) bool {
	for _, e := range strings.Split(name, "/") {
		if !ValidName(e) {
			return false
		}
	}
	return true
}

// Keep marks name, a file already in the folder, as an output of this
// run: the first write does not remove it.
func (o *Folder) Keep(name string) { o.written[name] = true }

// Write writes files into the folder atomically. Names are plain file
// names or slash-separated paths of them ("paper_fig3/report.json"), whose
// directories are created. The first write of a run first removes the
// previous run's outputs, so the folder never mixes two runs.
func (o *Folder) Write(files map[string][]byte) error {
	for name := range files {
		if !validPath(name) {
			return fmt.Errorf("refusing to write %q: not a plain file name inside %s", name, o.dir)
		}
	}
	if !o.started {
		for _, old := range o.prev {
			if o.written[old] {
				continue
			}
			if err := os.Remove(filepath.Join(o.dir, old)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove the previous run's %s: %w", filepath.Join(o.dir, old), err)
			}
			for d := filepath.Dir(old); d != "."; d = filepath.Dir(d) {
				if os.Remove(filepath.Join(o.dir, d)) != nil { // not empty
					break
				}
			}
		}
		o.started = true
	}
	for _, name := range sortedKeys(files) {
		path := filepath.Join(o.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("output directory: %w", err)
		}
		if err := WriteFile(path, files[name]); err != nil {
			return err
		}
		o.written[name] = true
	}
	return o.record()
}

// previous lists the outputs the last run recorded in the state file
// (only plain names: a tampered list cannot reach outside the folder).
func (o *Folder) previous() []string {
	if _, err := o.state.Seek(0, io.SeekStart); err != nil {
		return nil
	}
	var names []string
	sc := bufio.NewScanner(io.LimitReader(o.state, 1<<20))
	for first := true; sc.Scan(); first = false {
		if n := sc.Text(); !first && validPath(n) {
			names = append(names, n)
		}
	}
	return names
}

// record writes the state file: the holder's pid, then the outputs in
// the folder.
func (o *Folder) record() error {
	var b strings.Builder
	fmt.Fprintf(&b, "hnn output folder, written by pid %d\n", os.Getpid())
	names := o.prev // until this run writes, the outputs are the last run's
	if o.started {
		names = make([]string, 0, len(o.written))
		for n := range o.written {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	for _, n := range names {
		b.WriteString(n + "\n")
	}
	if err := o.state.Truncate(0); err != nil {
		return fmt.Errorf("output directory %s: %w", o.dir, err)
	}
	if _, err := o.state.WriteAt([]byte(b.String()), 0); err != nil {
		return fmt.Errorf("output directory %s: %w", o.dir, err)
	}
	return nil
}

func sortedKeys(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
