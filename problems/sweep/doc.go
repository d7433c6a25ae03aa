// Package sweep runs one problem over many settings: the same system over
// a grid of initial conditions or energies, parameters, seeds, widths or
// tolerances. It plans the runs and runs each one into its own folder; a
// Slurm job array, a Kubernetes Indexed Job or a loop on one machine
// (hnn sweep local) runs them, and Collect gathers one table.
//
// # Sweep file
//
//	base: henon_heiles            # a catalogue name or a problem file (beside the sweep first)
//	set: {solver.epochs: 3000}    # fixed overrides, dotted keys of the problem format
//	axes:                         # the tasks are the full product of the axes
//	  initial.y: {linspace: [-0.3, 0.3, 7]}   # n evenly spaced, both ends included
//	  solver.tolerance: {logspace: [-3, -6, 4]}  # 1e-3, 1e-4, 1e-5, 1e-6
//	  solver.seed: [1, 2, 3]
//	zip: [[initial.px, initial.py]]   # optional: axes that move together
//	collect: [network.max_error, bounds.certified.value, training.seconds]
//
// Keys are checked by problems.CheckKey and set by problems.Apply; values
// are YAML values as in a problem file (expressions included), checked
// when Plan resolves each task with problems.Parse. collect names fields
// of report.json (problems.SolveReport): "euler.0.max_error" indexes a
// list, "network.max_abs_error.q" names a component. A sweep has at most
// MaxTasks tasks.
//
// # Plan and tasks
//
// Tasks are numbered 0…N−1, the first axis varying slowest. Task i's
// problem is the base text with set and then its axis values applied; the
// plan (DIR/plan.json) records each task's values and the SHA-256 of its
// resolved problem (problems.TextHash, as report.json's
// provenance.problem_sha256), and Plan.Resolve rebuilds the text and checks
// it. A written plan is never changed.
//
// Dir.Run runs one task: it skips a task whose result.json has the plan's
// hash, takes the task's lock (DIR/tasks/.NNNNNN.lock), removes what a
// killed run left, solves and assesses, and writes problem.yaml,
// report.json, model.json, solution.csv (and plots, through
// RunSettings.Draw) into a temporary folder with result.json last, then
// renames it to DIR/tasks/NNNNNN. A failure is recorded in
// DIR/tasks/NNNNNN.error.json; a cancelled context publishes nothing.
// Concurrent Runs in one process are safe and give the same bits.
//
// # Engines
//
// Dir.Slurm writes an sbatch job-array script (chunked past MaxArraySize),
// Dir.SlurmCollect the collect job to submit with --dependency=afterany;
// Dir.K8s writes a batch/v1 Indexed Job (completionMode Indexed,
// backoffLimitPerIndex, $(JOB_COMPLETION_INDEX)) with the sweep folder on
// a PersistentVolumeClaim, Dir.K8sCollect its collect Job.
package sweep
