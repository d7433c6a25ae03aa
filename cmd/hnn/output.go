package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// writeFiles creates dir and writes each file into it atomically (a
// temporary file in dir, then a rename), so a reader never sees half a file
// and an interrupted run leaves whole files or none.
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	for name, data := range files {
		if err := writeFileAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

// csvTable renders a header and rows of numbers as CSV, each number in the
// shortest form that reads back to the same float64.
func csvTable(header []string, rows [][]float64) []byte {
	var b bytes.Buffer
	for i, h := range header {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(h)
	}
	b.WriteByte('\n')
	var buf []byte
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			buf = strconv.AppendFloat(buf[:0], v, 'g', -1, 64)
			b.Write(buf)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// listFiles names the files written into dir, sorted, for the report.
func listFiles(dir string, files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, filepath.Join(dir, n))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
