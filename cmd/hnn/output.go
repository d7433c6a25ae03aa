package main

import (
	"path/filepath"
	"sort"
	"strings"
)

// listFiles names the files written into dir, sorted, for the report.
func listFiles(dir string, files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, filepath.Join(dir, n))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
