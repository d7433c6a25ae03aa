// Package k8scheck checks the manifests of hnn sweep k8s against the
// official Kubernetes API types. It is a module of its own so that hnn
// itself does not depend on k8s.io/api; .ci/run runs it.
package k8scheck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/hnn-project/hnn/problems/sweep"
)

// strict decodes a YAML manifest into v by way of JSON (as kubectl does),
// failing on any field the API type does not have.
func strict(t *testing.T, manifest string, v any) {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal([]byte(manifest), &doc); err != nil {
		t.Fatalf("manifest is not YAML: %v\n%s", err, manifest)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("manifest does not decode into the API type: %v\n%s", err, manifest)
	}
}

func TestManifestsDecodeIntoBatchV1(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "amp")
	s, err := sweep.Load("oscillator_amplitudes")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := s.Plan(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pl.Write(dir); err != nil {
		t.Fatal(err)
	}
	d, err := sweep.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		set  sweep.K8sSettings
	}{
		{"defaults", sweep.K8sSettings{Image: "registry.example/hnn:1", Volume: "sweeps"}},
		{"chunked", sweep.K8sSettings{Image: "hnn:dev", Volume: "v", Mount: "/data", SubPath: "runs/amp", Name: "amp", BackoffLimitPerIndex: 4,
			Resources: sweep.Resources{CPUs: 2, Mem: "1500M", MaxParallel: 3, Chunk: 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := d.K8s(&tc.set)
			if err != nil {
				t.Fatal(err)
			}
			var job batchv1.Job
			strict(t, m, &job)
			sp := job.Spec
			chunk := max(tc.set.Chunk, 1)
			wantCompletions := int32((d.Tasks() + chunk - 1) / chunk)
			switch {
			case job.APIVersion != "batch/v1" || job.Kind != "Job":
				t.Errorf("apiVersion %q kind %q", job.APIVersion, job.Kind)
			case sp.CompletionMode == nil || *sp.CompletionMode != batchv1.IndexedCompletion:
				t.Errorf("completionMode %v, want Indexed", sp.CompletionMode)
			case sp.Completions == nil || *sp.Completions != wantCompletions:
				t.Errorf("completions %v, want %d", sp.Completions, wantCompletions)
			case sp.Parallelism == nil || *sp.Parallelism < 1 || *sp.Parallelism > wantCompletions:
				t.Errorf("parallelism %v", sp.Parallelism)
			case sp.BackoffLimitPerIndex == nil || *sp.BackoffLimitPerIndex < 1:
				t.Errorf("backoffLimitPerIndex %v", sp.BackoffLimitPerIndex)
			case sp.Template.Spec.RestartPolicy != "Never":
				t.Errorf("restartPolicy %q", sp.Template.Spec.RestartPolicy)
			}
			c := sp.Template.Spec.Containers[0]
			if !contains(c.Args, "$(JOB_COMPLETION_INDEX)") {
				t.Errorf("args %q do not pass the completion index", c.Args)
			}
			if c.Image != tc.set.Image || len(c.VolumeMounts) != 1 || sp.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != tc.set.Volume {
				t.Errorf("image %q, mounts %v, volumes %v", c.Image, c.VolumeMounts, sp.Template.Spec.Volumes)
			}
			if q := c.Resources.Limits.Memory(); q.IsZero() {
				t.Errorf("no memory limit")
			}

			m, err = d.K8sCollect(&tc.set)
			if err != nil {
				t.Fatal(err)
			}
			var collect batchv1.Job
			strict(t, m, &collect)
			if a := collect.Spec.Template.Spec.Containers[0].Args; !contains(a, "collect") {
				t.Errorf("collect job args %q", a)
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }
