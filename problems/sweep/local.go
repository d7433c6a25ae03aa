package sweep

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

// TaskEnv are the environment variables that carry an engine's task
// index, in the order EngineTask reads them: a Slurm job array's, then a
// Kubernetes Indexed Job's.
var TaskEnv = []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"}

// EngineTask returns the task index the engine gave this process (the
// first of TaskEnv that is set), and false when none is.
func EngineTask() (int, bool, error) {
	for _, v := range TaskEnv {
		if s := os.Getenv(v); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return 0, false, fmt.Errorf("$%s = %q is not a task index", v, s)
			}
			return n, true, nil
		}
	}
	return 0, false, nil
}

// LocalSettings are the options of Local; the zero value runs every task
// on as many workers as the machine has cores, without plots.
type LocalSettings struct {
	// Workers is the number of tasks run at once (0: runtime.NumCPU()).
	Workers int
	// Run are the settings of each task's Run.
	Run *RunSettings
	// Done, when not nil, is called after each task, one call at a time,
	// with its outcome and the counts so far. It is not called for a task
	// that the context stopped before it was published.
	Done func(o Outcome, c Counts)
}

// Outcome is what became of one task of Local.
type Outcome struct {
	ID      int
	Result  *Result // nil when Err is not
	Skipped bool    // its result was published already
	Err     error
}

// Counts are Local's tallies. Untrusted counts the tasks, run or skipped,
// whose result is not trusted.
type Counts struct {
	Tasks, Ran, Skipped, Failed, Untrusted int
}

// Finished is the number of tasks that ran, were skipped or failed.
func (c Counts) Finished() int { return c.Ran + c.Skipped + c.Failed }

// Local runs every task of the plan with Run on set.Workers workers of
// this machine, in id order, and returns the counts. A failed task is
// recorded (as Run does) and counted; the others go on. When ctx is done
// the workers stop taking tasks, the running ones publish nothing, and
// Local returns the counts of the finished ones with ctx's error.
func (d *Dir) Local(ctx context.Context, set *LocalSettings) (Counts, error) {
	if set == nil {
		set = &LocalSettings{}
	}
	workers := set.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var (
		mu   sync.Mutex
		c    = Counts{Tasks: d.Tasks()}
		next int
		wg   sync.WaitGroup
	)
	for range min(workers, c.Tasks) {
		wg.Go(func() {
			for {
				mu.Lock()
				id := next
				next++
				mu.Unlock()
				if id >= c.Tasks || ctx.Err() != nil {
					return
				}
				r, skipped, err := d.Run(ctx, id, set.Run)
				if err != nil && ctx.Err() != nil {
					return // stopped, not failed: nothing published
				}
				mu.Lock()
				switch {
				case err != nil:
					c.Failed++
				case skipped:
					c.Skipped++
				default:
					c.Ran++
				}
				if err == nil && !r.Trusted {
					c.Untrusted++
				}
				if set.Done != nil {
					set.Done(Outcome{ID: id, Result: r, Skipped: skipped, Err: err}, c)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return c, ctx.Err()
}
