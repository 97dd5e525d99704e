// Package outdir writes a build's files into the output folder atomically:
// every file goes to a temporary name first and is renamed into place only
// when all of them were written, so a failed or interrupted run never leaves
// a half-written file under a final name.
package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is one output: a name relative to the folder and its bytes.
type File struct {
	Name string
	Data []byte
}

// Write writes files into dir, creating dir if needed.
func Write(dir string, files []File) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("outdir: create %s: %w", dir, err)
	}
	temps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range temps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		t, err := writeTemp(dir, f)
		if err != nil {
			return err
		}
		temps = append(temps, t)
	}
	for i, f := range files {
		if err := os.Rename(temps[i], filepath.Join(dir, f.Name)); err != nil {
			return fmt.Errorf("outdir: move %s into place: %w", f.Name, err)
		}
	}
	return nil
}

func writeTemp(dir string, f File) (string, error) {
	tmp, err := os.CreateTemp(dir, "."+f.Name+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("outdir: create temporary file for %s: %w", f.Name, err)
	}
	_, werr := tmp.Write(f.Data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("outdir: write %s: %w", f.Name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("outdir: write %s: %w", f.Name, err)
	}
	return tmp.Name(), nil
}
