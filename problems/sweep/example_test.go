package sweep_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/hnn-project/hnn/problems/sweep"
)

// Plan a sweep of the mass-spring oscillator over two seeds, run its
// tasks here one by one and collect the table.
func ExampleDir_Run() {
	s, err := sweep.Parse([]byte(`
base: mass_spring
set: {solver.epochs: 50, solver.polish_iterations: 20, solver.hidden: [8], time.points: 40}
axes: {solver.seed: [1, 2]}
collect: [training.epochs, bounds.certified.certified]
`), "example.yaml", "")
	if err != nil {
		log.Fatal(err)
	}
	pl, err := s.Plan(nil)
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "sweep")
	defer os.RemoveAll(dir)
	dir = filepath.Join(dir, "sw")
	if _, err := pl.Write(dir); err != nil {
		log.Fatal(err)
	}
	d, err := sweep.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	for id := range d.Tasks() {
		if _, _, err := d.Run(context.Background(), id, nil); err != nil {
			log.Fatal(err)
		}
	}
	sum, _, err := d.Collect(false)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range sum.Rows {
		fmt.Println(r.ID, r.Values, r.Fields)
	}
	fmt.Println(sweep.Ranges([]int{0, 1, 2, 3, 17}))
	// Output:
	// 0 [1] [50 true]
	// 1 [2] [50 true]
	// 0-3,17
}

// Run a sweep's tasks on two workers of this machine, as hnn sweep local
// does; a second Local finds every result there and skips it.
func ExampleDir_Local() {
	s, err := sweep.Parse([]byte(`
base: mass_spring
set: {solver.epochs: 50, solver.polish_iterations: 20, solver.hidden: [8], time.points: 40}
axes: {initial.q: [0.5, 1, 1.5]}
`), "example.yaml", "")
	if err != nil {
		log.Fatal(err)
	}
	pl, err := s.Plan(nil)
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "sweep")
	defer os.RemoveAll(dir)
	if _, err := pl.Write(dir); err != nil {
		log.Fatal(err)
	}
	d, _ := sweep.Open(dir)
	for range 2 {
		c, err := d.Local(context.Background(), &sweep.LocalSettings{Workers: 2})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d tasks: %d run, %d skipped, %d failed\n", c.Tasks, c.Ran, c.Skipped, c.Failed)
	}
	// Output:
	// 3 tasks: 3 run, 0 skipped, 0 failed
	// 3 tasks: 0 run, 3 skipped, 0 failed
}

// The sbatch script of a sweep folder.
func ExampleDir_Slurm() {
	s, _ := sweep.Load("oscillator_amplitudes")
	pl, _ := s.Plan(nil)
	dir, _ := os.MkdirTemp("", "sweep")
	defer os.RemoveAll(dir)
	pl.Write(dir)
	d, _ := sweep.Open(dir)
	script, err := d.Slurm(&sweep.SlurmSettings{Resources: sweep.Resources{CPUs: 2, MaxParallel: 4, Hnn: "/usr/local/bin/hnn"}, Time: "10:00"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(pl.Tasks), "tasks")
	for _, l := range []int{6, 9, 10} {
		fmt.Println(strings.Split(script, "\n")[l])
	}
	// Output:
	// 24 tasks
	// #SBATCH --array=0-23%4
	// #SBATCH --mem=1024M
	// #SBATCH --time=10:00
}
