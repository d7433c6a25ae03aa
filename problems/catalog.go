package problems

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed catalog/*.yaml catalog/data/*.txt
var catalogFS embed.FS

// Entry describes one problem of the embedded catalogue.
type Entry struct {
	Name        string
	Description string
}

// Catalog lists the embedded catalogue, sorted by name.
func Catalog() ([]Entry, error) {
	var out []Entry
	for _, name := range catalogNames() {
		p, err := Catalogued(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{Name: p.Name, Description: p.Description})
	}
	return out, nil
}

func catalogNames() []string {
	ents, err := fs.ReadDir(catalogFS, "catalog")
	if err != nil {
		panic("problems: embedded catalogue unreadable: " + err.Error())
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() {
			names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(names)
	return names
}

// CatalogYAML returns the text of the catalogue problem name.
func CatalogYAML(name string) ([]byte, error) {
	b, err := catalogFS.ReadFile(path.Join("catalog", strings.TrimSuffix(name, ".yaml")+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("no catalogue problem named %q; the catalogue has: %s", name, strings.Join(catalogNames(), ", "))
	}
	return b, nil
}

// Catalogued loads the catalogue problem name.
func Catalogued(name string) (*Problem, error) {
	b, err := CatalogYAML(name)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSuffix(name, ".yaml")
	return Parse(b, "catalog/"+name+".yaml", name)
}

// Load reads a problem from a file, or from the catalogue when arg is a
// catalogue name and no file of that name exists (a directory of that
// name, such as an earlier run's output folder, does not count).
func Load(arg string) (*Problem, error) {
	if arg == "" {
		return nil, errors.New("no problem given: name a problem file or a catalogue problem (hnn problems lists them)")
	}
	st, err := os.Stat(arg)
	_, cerr := CatalogYAML(arg)
	catalogued := cerr == nil && !strings.ContainsAny(arg, `/\`)
	switch {
	case err == nil && st.IsDir() && catalogued:
		return Catalogued(arg) // say, the output folder of an earlier run of it
	case err == nil && st.IsDir():
		return nil, fmt.Errorf("%s: is a directory, not a problem file", arg)
	case err == nil:
		data, err := readFile(arg, MaxLearnedSize, "a problem file")
		if err != nil {
			return nil, &Error{File: arg, Msg: err.Error(), Err: err}
		}
		base := strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg))
		return Parse(data, arg, base)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	if catalogued {
		return Catalogued(arg)
	}
	return nil, fmt.Errorf("%s: no such file, and no catalogue problem of that name; the catalogue has: %s", arg, strings.Join(catalogNames(), ", "))
}
