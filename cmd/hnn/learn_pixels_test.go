package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyPixels is a pixels task small enough for a unit test (14 × 14
// frames, width 16, 300 steps); it shows the pipeline, not the paper's
// accuracy.
const tinyPixels = `name: tiny_pixels
coordinates: [q]
momenta: [p]
hamiltonian: p^2/2 + 15*(1 - cos(q))
learn:
  pixels: {trials: 10, frames: 20, side: 14, width: 16, energy_frames: 43}
  hidden: [16, 16]
  steps: 300
  batch: 20
  weight_decay: 1e-6
  energy_trajectories: 3
`

// hnn learn on a pixels task prints its table and writes the report and
// the pictures: the strip of frames, the latent portrait, the energy and
// the losses.
func TestLearnPixels(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tiny_pixels.yaml")
	if err := os.WriteFile(file, []byte(tinyPixels), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := hnn(t, "learn", file, "-o", out, "--plots", "svg")
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"tiny_pixels: 136 training and 34 test frame pairs", "baseline", "HNN", "energy MSE, baseline/HNN:", "over 3 fresh trajectories", "frames.svg", "latent.svg"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the output lacks %q:\n%s", want, stdout)
		}
	}
	pictures := map[string][]string{
		"frames": {"tiny_pixels: decoded frames against the truth", ">ground truth<", ">baseline<", ">HNN<", "<image"},
		"latent": {"the HNN&#39;s latent space", ">training samples, encoded<", ">the HNN&#39;s latent, integrated<"},
		"energy": {">ground truth<", ">Hamiltonian NN<"},
		"loss":   {">baseline NN<"},
	}
	for name, labels := range pictures {
		b, err := os.ReadFile(filepath.Join(out, name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range labels {
			if !strings.Contains(string(b), l) {
				t.Errorf("%s.svg lacks %q", name, l)
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Kind string `json:"kind"`
		HNN  struct {
			TrainLoss    *float64  `json:"train_loss"`
			EnergyScores []float64 `json:"energy_scores"`
		} `json:"hnn"`
		Train int `json:"train_samples"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Kind != "pixels" || rep.HNN.TrainLoss == nil || len(rep.HNN.EnergyScores) != 3 || rep.Train != 136 {
		t.Errorf("report.json: %s", b)
	}
}

// A pixels task with a key of the other learn tasks is bad input: exit 2,
// naming the file and the key.
func TestLearnPixelsBadKey(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(file, []byte(tinyPixels+"  points: 30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := hnn(t, "learn", file, "-o", filepath.Join(dir, "out"))
	if code != exitUsage || !strings.Contains(stderr, "bad.yaml") || !strings.Contains(stderr, "learn.points") {
		t.Errorf("code %d, stderr %q", code, stderr)
	}
}
