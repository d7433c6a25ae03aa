package problems

import (
	"reflect"
	"strings"
	"testing"
)

// pixelFile is a pixels task with the given learn keys besides pixels.
func pixelFile(pixels, learn string) string {
	return "coordinates: [q]\nmomenta: [p]\nhamiltonian: p^2/2 + 15*(1 - cos(q))\nlearn:\n  pixels: {" + pixels + "}\n" + learn
}

// Every documented learn.pixels key, and every learn key a pixels task
// reads, set to a value other than its default changes the library's
// settings (a key validated but dropped on the way would fail here).
func TestEveryPixelsKeyChangesTheSettings(t *testing.T) {
	base, err := Parse([]byte(pixelFile("", "")), "p.yaml", "p")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ pixels, learn string }{
		{"trials: 10", ""}, {"frames: 20", ""}, {"dt: 0.1", ""}, {"max_angle: 0.3", ""},
		{"max_momentum: 2", ""}, {"label_scale: 0.5", ""}, {"test_fraction: 0.3", ""},
		{"side: 16", ""}, {"width: 50", ""}, {"dynamics_weight: 1", ""}, {"energy_frames: 50", ""},
		{"energy_angle: [0.1, 0.2]", ""}, {"time_scale: 1", ""},
		{"", "  hidden: [32]\n"}, {"", "  steps: 5\n"}, {"", "  batch: 10\n"}, {"", "  learning_rate: 1e-2\n"},
		{"", "  weight_decay: 0\n"}, {"", "  weight_decay: 1e-4\n"}, {"", "  seed: 3\n"}, {"", "  data_seed: 3\n"},
		{"", "  energy_trajectories: 3\n"}, {"", "  energy: q^2 + p^2\n"},
	} {
		p, err := Parse([]byte(pixelFile(c.pixels, c.learn)), "p.yaml", "p")
		if err != nil {
			t.Errorf("%s%s: %v", c.pixels, c.learn, err)
			continue
		}
		if reflect.DeepEqual(p.Learn.Pixels, base.Learn.Pixels) {
			t.Errorf("%s%s: the settings did not change", c.pixels, strings.TrimSpace(c.learn))
		}
	}
}

// Bad pixels sections fail with the key at fault.
func TestPixelsErrors(t *testing.T) {
	for _, c := range []struct{ src, key string }{
		{pixelFile("", "  points: 30\n"), "learn.points"},
		{pixelFile("", "  batch: 0\n"), "learn.batch"},
		{pixelFile("trials: 1", ""), "learn.pixels.trials"},
		{pixelFile("side: 100", ""), "learn.pixels.side"},
		{pixelFile("dt: 0", ""), "learn.pixels.dt"},
		{pixelFile("test_fraction: 1", ""), "learn.pixels"},
		{pixelFile("colour: red", ""), "learn.pixels.colour"},
		{"coordinates: [x, y]\nhamiltonian: (px^2 + py^2)/2 + x^2 + y^2\nlearn:\n  pixels: {}\n", "learn.pixels"},
	} {
		_, err := Parse([]byte(c.src), "p.yaml", "p")
		pe, ok := err.(*Error)
		if !ok || pe.Key != c.key {
			t.Errorf("%q: error %v, want one at key %s", c.src, err, c.key)
		}
	}
}
