package problems

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hnn-project/hnn/solver"
)

// Observations are trajectories read from a data file.
type Observations struct {
	// Trajectories holds each trajectory's times and states (row-major).
	Trajectories []ObservedTrajectory
}

// ObservedTrajectory is one trajectory of a data file.
type ObservedTrajectory struct {
	ID    float64
	T     []float64
	X     []float64 // len(T)·D
	Start int       // index of its first state in the file's order of states
}

// MaxObservations caps the rows of a data file.
const MaxObservations = 10_000_000

// maxLine caps a line of a data file.
const maxLine = 1 << 20

// readObservations parses a data file: one observation per line, the
// columns trajectory id, t, the coordinates, the momenta, separated by
// spaces, tabs or commas. Lines starting with % or # are comments (the
// real-pendulum file of Schmidt & Lipson begins with "%o v"). Rows of one
// trajectory must be consecutive with increasing t.
//
// The file is read through a bounded reader of MaxDataSize bytes, and a
// line may have at most maxLine bytes.
func readObservations(r io.Reader, source string, D int) (*Observations, error) {
	obs := &Observations{}
	sc := bufio.NewScanner(bounded(r, MaxDataSize, "a data file"))
	sc.Buffer(make([]byte, 1<<16), maxLine)
	line, rows := 0, 0
	var cur *ObservedTrajectory
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '%' || text[0] == '#' {
			continue
		}
		fields := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == ';' })
		if len(fields) != 2+D {
			return nil, &Error{File: source, Line: line, Msg: fmt.Sprintf("%d columns; expected %d: trajectory, t, then %d state values", len(fields), 2+D, D)}
		}
		vals := make([]float64, len(fields))
		for i, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &Error{File: source, Line: line, Msg: fmt.Sprintf("column %d: %q is not a finite number", i+1, f)}
			}
			vals[i] = v
		}
		if rows++; rows > MaxObservations {
			return nil, &Error{File: source, Line: line, Msg: fmt.Sprintf("more than %d observations", MaxObservations)}
		}
		if cur == nil || vals[0] != cur.ID {
			for _, tr := range obs.Trajectories {
				if tr.ID == vals[0] {
					return nil, &Error{File: source, Line: line, Msg: fmt.Sprintf("trajectory %v continues after another one; keep each trajectory's rows together", vals[0])}
				}
			}
			start := 0
			if cur != nil {
				start = cur.Start + len(cur.T)
			}
			obs.Trajectories = append(obs.Trajectories, ObservedTrajectory{ID: vals[0], Start: start})
			cur = &obs.Trajectories[len(obs.Trajectories)-1]
		} else if vals[1] <= cur.T[len(cur.T)-1] {
			return nil, &Error{File: source, Line: line, Msg: fmt.Sprintf("t = %v does not increase", vals[1])}
		}
		cur.T = append(cur.T, vals[1])
		cur.X = append(cur.X, vals[2:]...)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &Error{File: source, Line: line + 1, Msg: fmt.Sprintf("a line longer than %s; a data file has one observation per line", byteSize(maxLine))}
		}
		return nil, &Error{File: source, Line: line, Msg: err.Error(), Err: err}
	}
	if rows < 3 {
		return nil, &Error{File: source, Msg: fmt.Sprintf("%d observations; need at least 3", rows)}
	}
	return obs, nil
}

// differences turns observations into a dataset with forward-difference
// targets: the state x_k with (x_{k+1} − x_k)/(t_{k+1} − t_k), for every k but
// the last of each trajectory.
func (o *Observations) differences(D int) solver.Dataset {
	ds := solver.Dataset{D: D}
	for _, tr := range o.Trajectories {
		for k := 0; k+1 < len(tr.T); k++ {
			dt := tr.T[k+1] - tr.T[k]
			for i := 0; i < D; i++ {
				ds.DX = append(ds.DX, (tr.X[(k+1)*D+i]-tr.X[k*D+i])/dt)
			}
			ds.X = append(ds.X, tr.X[k*D:(k+1)*D]...)
			ds.N++
		}
	}
	return ds
}

// openDataFile opens the learn section's data file: relative to the
// problem file's directory, or from the embedded catalogue for catalogue
// problems. It returns the name to use in messages.
func (p *Problem) openDataFile(name string) (io.ReadCloser, string, error) {
	if strings.HasPrefix(p.Source, "catalog/") {
		f, err := catalogFS.Open(path.Join("catalog", "data", name))
		return f, "catalog/data/" + name, err
	}
	full := name
	if !filepath.IsAbs(name) {
		full = filepath.Join(filepath.Dir(p.Source), name)
	}
	f, err := os.Open(full)
	if err != nil {
		return nil, full, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, full, fmt.Errorf("%s is a directory", full)
	}
	return f, full, nil
}
