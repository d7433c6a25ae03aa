package sweep

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/hnn-project/hnn/internal/outdir"
)

// TaskStatus is where a task stands.
type TaskStatus string

const (
	// Done is a published result that can be trusted.
	Done TaskStatus = "done"
	// Untrusted is a published result whose bound is not certified or
	// whose target or tolerance was not met (problems.SolveReport.Trusted).
	Untrusted TaskStatus = "untrusted"
	// Failed is a task whose last run recorded an error.
	Failed TaskStatus = "failed"
	// Running is a task a process is running now.
	Running TaskStatus = "running"
	// Missing is a task that has not run, or whose run was stopped.
	Missing TaskStatus = "missing"
)

// Statuses lists the task statuses in the order reports show them.
var Statuses = []TaskStatus{Done, Untrusted, Failed, Running, Missing}

// Status is the state of a sweep folder.
type Status struct {
	Tasks int
	IDs   map[TaskStatus][]int // ascending
	// Errors holds each failed task's recorded error.
	Errors map[int]string
	// Verdicts holds each untrusted task's reason.
	Verdicts map[int]string
}

// Count is the number of tasks with status s.
func (s *Status) Count(st TaskStatus) int { return len(s.IDs[st]) }

// Complete reports whether every task has a published result.
func (s *Status) Complete() bool { return s.Count(Done)+s.Count(Untrusted) == s.Tasks }

// ToRun are the tasks without a published result that nothing is
// running: the failed and the missing ones, ascending.
func (s *Status) ToRun() []int {
	ids := append(append([]int(nil), s.IDs[Failed]...), s.IDs[Missing]...)
	sort.Ints(ids)
	return ids
}

// TaskStatus returns task id's status, with the recorded error or the
// verdict that is its reason.
func (d *Dir) TaskStatus(id int) (TaskStatus, string) {
	if r := d.Result(id); r != nil {
		if r.Trusted {
			return Done, ""
		}
		return Untrusted, r.Verdict
	}
	if _, err := os.Stat(d.lockFile(id)); err == nil {
		release, err := outdir.Lock(d.lockFile(id))
		if errors.Is(err, outdir.ErrLocked) {
			return Running, ""
		}
		if err == nil {
			release()
		}
	}
	if te := d.taskError(id); te != nil && te.Hash == d.Plan.Tasks[id].Hash {
		return Failed, te.Error
	}
	return Missing, ""
}

// Status reads the state of every task.
func (d *Dir) Status() *Status {
	s := &Status{Tasks: d.Tasks(), IDs: map[TaskStatus][]int{}, Errors: map[int]string{}, Verdicts: map[int]string{}}
	for id := range d.Tasks() {
		st, why := d.TaskStatus(id)
		s.IDs[st] = append(s.IDs[st], id)
		switch st {
		case Failed:
			s.Errors[id] = why
		case Untrusted:
			s.Verdicts[id] = why
		}
	}
	return s
}

// Ranges writes ascending ids in the array syntax of Slurm's --array:
// "0-3,17,20-22".
func Ranges(ids []int) string {
	var b strings.Builder
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ids[i]))
		if j > i {
			fmt.Fprintf(&b, "-%d", ids[j])
		}
		i = j + 1
	}
	return b.String()
}

// ParseRanges reads the array syntax Ranges writes ("0-3,17"), each id
// below n, into ascending ids without repeats.
func ParseRanges(s string, n int) ([]int, error) {
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		switch {
		case err != nil || a < 0 || b < a:
			return nil, fmt.Errorf("%q is not a task id or a range such as 0-3", part)
		case b >= n:
			return nil, fmt.Errorf("task %d is out of range: the plan has tasks 0 to %d", b, n-1)
		}
		for id := a; id <= b; id++ {
			seen[id] = true
		}
	}
	ids := make([]int, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids, nil
}
