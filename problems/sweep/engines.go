package sweep

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultMaxArraySize is Slurm's default MaxArraySize: array indices run
// from 0 to 1000.
const DefaultMaxArraySize = 1001

// maxIndexedCompletions is the most completions Kubernetes allows an
// Indexed Job with a backoff limit per index.
const maxIndexedCompletions = 100_000

// Resources are the engine settings shared by Slurm and Kubernetes.
type Resources struct {
	CPUs int    // cores per task; 0 means 1
	Mem  string // memory per task, e.g. "1G", "1500M"; "" means 1G
	// MaxParallel caps the tasks running at once; 0 means no cap (Slurm)
	// or as many as there are (Kubernetes).
	MaxParallel int
	// Chunk is the tasks each engine task runs in turn; 0 means 1, or as
	// many as keep the array within MaxArraySize.
	Chunk int
	// Hnn is the command that runs hnn on the engine's nodes: an absolute
	// path for Slurm (default: this program's), "hnn" in a container.
	Hnn string
}

// SlurmSettings are the options of a Slurm job array; the zero value is
// one core and 1 GiB per task, the cluster's default partition, account
// and time limit.
type SlurmSettings struct {
	Resources
	Time      string // --time, e.g. "30:00"; "" leaves the partition's default
	Partition string
	Account   string
	JobName   string // default "hnn-sweep"
	// MaxArraySize is the cluster's MaxArraySize (scontrol show config);
	// 0 means DefaultMaxArraySize.
	MaxArraySize int
	// IDs, when not empty, submits only the chunks holding these tasks
	// (a resubmission of the failed and missing ones).
	IDs []int
}

// memMiB reads a memory size with a unit K, M, G or T (binary, as Slurm
// reads them; no unit is M) into MiB.
func memMiB(s string) (int, error) {
	if s == "" {
		return 1024, nil
	}
	unit := map[byte]float64{'K': 1.0 / 1024, 'M': 1, 'G': 1024, 'T': 1 << 20}
	num, f := s, 1.0
	if u, ok := unit[strings.ToUpper(s[len(s)-1:])[0]]; ok {
		num, f = s[:len(s)-1], u
	}
	x, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(num, "i"), "I"), 64)
	if err != nil || !(x > 0) || x*f > 1<<30 {
		return 0, fmt.Errorf("memory %q: give a size such as 1G or 1500M", s)
	}
	mib := int(x*f + 0.999999)
	return max(mib, 1), nil
}

// chunking returns the chunk size and the number of engine tasks.
func (d *Dir) chunking(r *Resources, maxArray int) (chunk, indices int, err error) {
	n := d.Tasks()
	if maxArray <= 0 {
		maxArray = DefaultMaxArraySize
	}
	chunk = r.Chunk
	if chunk < 0 {
		return 0, 0, fmt.Errorf("chunk %d: it must be at least 1", chunk)
	}
	if chunk == 0 {
		chunk = (n + maxArray - 1) / maxArray
	}
	indices = (n + chunk - 1) / chunk
	if indices > maxArray {
		return 0, 0, fmt.Errorf("%d tasks in chunks of %d make %d array tasks, more than MaxArraySize %d; use a chunk of at least %d", n, chunk, indices, maxArray, (n+maxArray-1)/maxArray)
	}
	return chunk, indices, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Slurm returns an sbatch script that runs the sweep as a job array, each
// array task running its chunk of tasks with hnn sweep run. The sweep
// folder must be on a file system every node sees.
func (d *Dir) Slurm(set *SlurmSettings) (string, error) {
	chunk, indices, err := d.chunking(&set.Resources, set.MaxArraySize)
	if err != nil {
		return "", err
	}
	mem, err := memMiB(set.Mem)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(d.Path)
	if err != nil {
		return "", err
	}
	array := fmt.Sprintf("0-%d", indices-1)
	if len(set.IDs) > 0 {
		seen := map[int]bool{}
		var idx []int
		for _, id := range set.IDs {
			if id < 0 || id >= d.Tasks() {
				return "", fmt.Errorf("task %d is out of range: the plan has tasks 0 to %d", id, d.Tasks()-1)
			}
			if !seen[id/chunk] {
				seen[id/chunk] = true
				idx = append(idx, id/chunk)
			}
		}
		array = Ranges(idx)
	}
	if set.MaxParallel > 0 {
		array += "%" + strconv.Itoa(set.MaxParallel)
	}
	hnn, name := set.names()
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "# %d tasks of the sweep in %s, %d per array task, as a Slurm job array.\n", d.Tasks(), abs, chunk)
	fmt.Fprintf(&b, "# Submit it, and the collect job to run when it has ended:\n")
	fmt.Fprintf(&b, "#   jid=$(sbatch --parsable sweep.sh) && sbatch --dependency=afterany:$jid collect.sh\n")
	fmt.Fprintf(&b, "# A task that is already done is skipped, so resubmitting is safe.\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", shellQuote(name))
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", array)
	fmt.Fprintf(&b, "#SBATCH --ntasks=1\n")
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", max(set.CPUs, 1))
	fmt.Fprintf(&b, "#SBATCH --mem=%dM\n", mem)
	if set.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", shellQuote(set.Time))
	}
	set.where(&b)
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", shellQuote(filepath.Join(abs, LogsDir, "%A_%a.log")))
	fmt.Fprintf(&b, "#SBATCH --requeue\n")
	fmt.Fprintf(&b, "exec %s sweep run %s --chunk %d\n", shellQuote(hnn), shellQuote(abs), chunk)
	return b.String(), nil
}

// names are the hnn command and the job name, defaults filled in.
func (set *SlurmSettings) names() (hnn, job string) {
	hnn, job = set.Hnn, set.JobName
	if hnn == "" {
		hnn = "hnn"
	}
	if job == "" {
		job = "hnn-sweep"
	}
	return hnn, job
}

// where writes the partition and account lines, when given.
func (set *SlurmSettings) where(b *strings.Builder) {
	if set.Partition != "" {
		fmt.Fprintf(b, "#SBATCH --partition=%s\n", shellQuote(set.Partition))
	}
	if set.Account != "" {
		fmt.Fprintf(b, "#SBATCH --account=%s\n", shellQuote(set.Account))
	}
}

// SlurmCollect returns the sbatch script of the collect job, to submit
// with --dependency=afterany on the array job.
func (d *Dir) SlurmCollect(set *SlurmSettings) (string, error) {
	abs, err := filepath.Abs(d.Path)
	if err != nil {
		return "", err
	}
	hnn, name := set.names()
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "# The summary of the sweep in %s; submit with\n", abs)
	fmt.Fprintf(&b, "#   sbatch --dependency=afterany:JOBID collect.sh\n")
	fmt.Fprintf(&b, "# where JOBID is the array job's. It fails, naming them, when tasks have no result.\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", shellQuote(name+"-collect"))
	fmt.Fprintf(&b, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n#SBATCH --mem=1024M\n")
	set.where(&b)
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", shellQuote(filepath.Join(abs, LogsDir, "collect_%j.log")))
	fmt.Fprintf(&b, "exec %s sweep collect %s\n", shellQuote(hnn), shellQuote(abs))
	return b.String(), nil
}

// K8sSettings are the options of a Kubernetes Indexed Job.
type K8sSettings struct {
	Resources
	Image  string // the container image with hnn (required)
	Volume string // the PersistentVolumeClaim holding the sweep folder (required)
	// Mount is where the volume is mounted; "" means /sweep.
	Mount string
	// SubPath is the sweep folder's path inside the volume; "" means the
	// volume's root.
	SubPath string
	Name    string // the Job's name; "" means hnn-sweep
	// BackoffLimitPerIndex is the retries of each index; 0 means 2.
	BackoffLimitPerIndex int
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// The subset of the batch/v1 Job that the manifests use, in the API's
// field names.
type (
	k8sJob struct {
		APIVersion string  `yaml:"apiVersion"`
		Kind       string  `yaml:"kind"`
		Metadata   k8sMeta `yaml:"metadata"`
		Spec       k8sSpec `yaml:"spec"`
	}
	k8sMeta struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels,omitempty"`
	}
	k8sSpec struct {
		CompletionMode       string      `yaml:"completionMode,omitempty"`
		Completions          int         `yaml:"completions"`
		Parallelism          int         `yaml:"parallelism"`
		BackoffLimit         *int        `yaml:"backoffLimit,omitempty"`
		BackoffLimitPerIndex *int        `yaml:"backoffLimitPerIndex,omitempty"`
		Template             k8sTemplate `yaml:"template"`
	}
	k8sTemplate struct {
		Metadata k8sMeta    `yaml:"metadata"`
		Spec     k8sPodSpec `yaml:"spec"`
	}
	k8sPodSpec struct {
		RestartPolicy string         `yaml:"restartPolicy"`
		Containers    []k8sContainer `yaml:"containers"`
		Volumes       []k8sVolume    `yaml:"volumes"`
	}
	k8sContainer struct {
		Name         string           `yaml:"name"`
		Image        string           `yaml:"image"`
		Command      []string         `yaml:"command"`
		Args         []string         `yaml:"args"`
		Resources    k8sResources     `yaml:"resources"`
		VolumeMounts []k8sVolumeMount `yaml:"volumeMounts"`
	}
	k8sResources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	}
	k8sVolumeMount struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	}
	k8sVolume struct {
		Name                  string      `yaml:"name"`
		PersistentVolumeClaim k8sClaimRef `yaml:"persistentVolumeClaim"`
	}
	k8sClaimRef struct {
		ClaimName string `yaml:"claimName"`
	}
)

// k8sBase checks the settings and returns the Job's pod and its sweep
// folder inside the container.
func (d *Dir) k8sBase(set *K8sSettings) (name, dir string, pod k8sContainer, vol k8sVolume, err error) {
	switch {
	case set.Image == "":
		return "", "", pod, vol, fmt.Errorf("no image: give the container image that has hnn")
	case set.Volume == "":
		return "", "", pod, vol, fmt.Errorf("no volume: give the PersistentVolumeClaim that holds the sweep folder")
	}
	name = set.Name
	if name == "" {
		name = "hnn-sweep"
	}
	if len(name) > 52 || !dnsLabel.MatchString(name) {
		return "", "", pod, vol, fmt.Errorf("job name %q: use at most 52 lower-case letters, digits and '-'", name)
	}
	mount := set.Mount
	if mount == "" {
		mount = "/sweep"
	}
	if !path.IsAbs(mount) {
		return "", "", pod, vol, fmt.Errorf("mount %q: give an absolute path", mount)
	}
	dir = path.Join(mount, set.SubPath)
	if !strings.HasPrefix(dir+"/", path.Clean(mount)+"/") {
		return "", "", pod, vol, fmt.Errorf("subpath %q leaves the volume", set.SubPath)
	}
	mem, err := memMiB(set.Mem)
	if err != nil {
		return "", "", pod, vol, err
	}
	hnn := set.Hnn
	if hnn == "" {
		hnn = "hnn"
	}
	cpus := strconv.Itoa(max(set.CPUs, 1))
	pod = k8sContainer{
		Name: "hnn", Image: set.Image, Command: []string{hnn},
		Resources: k8sResources{
			Requests: map[string]string{"cpu": cpus, "memory": fmt.Sprintf("%dMi", mem)},
			Limits:   map[string]string{"cpu": cpus, "memory": fmt.Sprintf("%dMi", mem)},
		},
		VolumeMounts: []k8sVolumeMount{{Name: "sweep", MountPath: mount}},
	}
	vol = k8sVolume{Name: "sweep", PersistentVolumeClaim: k8sClaimRef{ClaimName: set.Volume}}
	return name, dir, pod, vol, nil
}

// K8s returns the manifest of an Indexed Job that runs the sweep: index i
// runs chunk i with hnn sweep run, each index retried on its own.
func (d *Dir) K8s(set *K8sSettings) (string, error) {
	name, dir, pod, vol, err := d.k8sBase(set)
	if err != nil {
		return "", err
	}
	chunk, indices, err := d.chunking(&set.Resources, maxIndexedCompletions)
	if err != nil {
		return "", err
	}
	par := set.MaxParallel
	if par <= 0 || par > indices {
		par = indices
	}
	backoff := set.BackoffLimitPerIndex
	if backoff <= 0 {
		backoff = 2
	}
	pod.Args = []string{"sweep", "run", dir, "--task", "$(JOB_COMPLETION_INDEX)", "--chunk", strconv.Itoa(chunk)}
	job := k8sJob{
		APIVersion: "batch/v1", Kind: "Job",
		Metadata: k8sMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/name": "hnn-sweep"}},
		Spec: k8sSpec{
			CompletionMode: "Indexed", Completions: indices, Parallelism: par,
			BackoffLimitPerIndex: &backoff,
			Template: k8sTemplate{
				Metadata: k8sMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/name": "hnn-sweep"}},
				Spec:     k8sPodSpec{RestartPolicy: "Never", Containers: []k8sContainer{pod}, Volumes: []k8sVolume{vol}},
			},
		},
	}
	head := fmt.Sprintf("# %d tasks of a sweep, %d per index, as a Kubernetes Indexed Job; the volume %s\n"+
		"# holds the sweep folder (hnn sweep plan) at %s. Apply it, then the collect Job when it completes:\n"+
		"#   kubectl apply -f sweep.yaml && kubectl wait --for=condition=complete --timeout=-1s job/%s && kubectl apply -f collect.yaml\n",
		d.Tasks(), chunk, set.Volume, dir, name)
	return manifest(head, job)
}

// K8sCollect returns the manifest of the Job that writes the summary.
func (d *Dir) K8sCollect(set *K8sSettings) (string, error) {
	name, dir, pod, vol, err := d.k8sBase(set)
	if err != nil {
		return "", err
	}
	pod.Args = []string{"sweep", "collect", dir}
	zero := 0
	job := k8sJob{
		APIVersion: "batch/v1", Kind: "Job",
		Metadata: k8sMeta{Name: name + "-collect", Labels: map[string]string{"app.kubernetes.io/name": "hnn-sweep"}},
		Spec: k8sSpec{
			Completions: 1, Parallelism: 1, BackoffLimit: &zero,
			Template: k8sTemplate{
				Metadata: k8sMeta{Name: name + "-collect"},
				Spec:     k8sPodSpec{RestartPolicy: "Never", Containers: []k8sContainer{pod}, Volumes: []k8sVolume{vol}},
			},
		},
	}
	head := fmt.Sprintf("# The summary of the sweep at %s in the volume %s; apply once job/%s has completed.\n", dir, set.Volume, name)
	return manifest(head, job)
}

func manifest(head string, job k8sJob) (string, error) {
	var b bytes.Buffer
	b.WriteString(head)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(job); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}
