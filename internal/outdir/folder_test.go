package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Output names are plain file names: nothing built from them leaves the
// folder.
func TestValidName(t *testing.T) {
	t.Chdir(t.TempDir())
	out, err := Claim("o")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	for _, name := range []string{"../x", "a/../../b", "a/.b", "/etc/x", "..", ".hnn", "", "a//b", `a\b`} {
		if err := out.Write(map[string][]byte{name: nil}); err == nil {
			t.Errorf("wrote %q", name)
		}
	}
	if err := out.Write(map[string][]byte{"report.json": []byte("{}"), "sub/dir/x.csv": nil}); err != nil {
		t.Error(err)
	}
}

// Outputs in subdirectories are replaced as a whole too, and directories
// left empty are removed.
func TestReplaceTree(t *testing.T) {
	dir := t.TempDir()
	for i, files := range []map[string][]byte{{"REPORT.md": nil, "a/x.png": nil, "b/y.png": nil}, {"REPORT.md": nil, "a/z.png": nil}} {
		out, err := Claim(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := out.Write(files); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		out.Release()
	}
	if got := files(t, dir); fmt.Sprint(got) != "[REPORT.md a]" {
		t.Errorf("after the second run: %v, want REPORT.md and a/ (b/ held the first run's only)", got)
	}
	if got := files(t, filepath.Join(dir, "a")); fmt.Sprint(got) != "[z.png]" {
		t.Errorf("a/ holds %v", got)
	}
}

// A held folder cannot be claimed again; a run replaces the previous
// run's outputs as a whole, except what it keeps.
func TestClaimLockAndReplace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "o")
	first, err := Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	var bad *UnusableError
	if _, err := Claim(dir); !errors.As(err, &bad) {
		t.Fatalf("second claim: %v, want an UnusableError", err)
	}
	if err := first.Write(map[string][]byte{"a": []byte("1"), "b": []byte("2"), "c": []byte("3")}); err != nil {
		t.Fatal(err)
	}
	first.Release()

	second, err := Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	second.Keep("c")
	if err := second.Write(map[string][]byte{"a": []byte("new")}); err != nil {
		t.Fatal(err)
	}
	second.Release()
	if got, want := files(t, dir), []string{"a", "c"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("files after the second run %v, want %v (b was the first run's only)", got, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a")); string(b) != "new" {
		t.Errorf("a = %q", b)
	}
}

// A folder that was created for a run and never written is removed again,
// with the directories created for it.
func TestReleaseRemovesUnusedFolder(t *testing.T) {
	root := t.TempDir()
	out, err := Claim(filepath.Join(root, "x", "y"))
	if err != nil {
		t.Fatal(err)
	}
	out.Release()
	if _, err := os.Stat(filepath.Join(root, "x")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("x left behind: %v", err)
	}
	out.Release() // a second release does nothing
}

func TestUnwritable(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	var bad *UnusableError
	if _, err := Claim(f); !errors.As(err, &bad) {
		t.Errorf("claim of a file: %v, want an UnusableError", err)
	}
}

// Numbers round-trip: the shortest form that reads back the same.
func TestCSV(t *testing.T) {
	got := string(CSV([]string{"t", "x"}, [][]float64{{0, 0.1}, {1e-300, 1.0 / 3}}))
	want := "t,x\n0,0.1\n1e-300,0.3333333333333333\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		if e.Name()[0] != '.' {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func ExampleClaim() {
	dir, _ := os.MkdirTemp("", "outdir-example")
	defer os.RemoveAll(dir)
	out, err := Claim(filepath.Join(dir, "run"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer out.Release()
	if err := out.Write(map[string][]byte{"report.json": []byte("{}\n")}); err != nil {
		fmt.Println(err)
		return
	}
	_, err = Claim(filepath.Join(dir, "run"))
	fmt.Println(err != nil)
	// Output: true
}
