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
	"strings"
	"sync"
)

// File is one output: a name relative to the folder and its bytes.
type File struct {
	Name string
	Data []byte
}

// Write writes files into dir, creating dir if needed.
func Write(dir string, files []File) error {
	s, err := NewStage(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := s.Put(f.Name, f.Data); err != nil {
			s.Abort()
			return err
		}
	}
	return s.Commit()
}

// Stage collects a build's files as temporary files in the output folder,
// so memory holds one file at a time, then commits them all by renaming.
// Put may be called from several goroutines.
type Stage struct {
	dir   string
	mu    sync.Mutex
	names []string
	temps map[string]string // final name → temporary path
}

// tempMark is in every temporary name: ".NAME.tmp-RANDOM".
const tempMark = ".tmp-"

// NewStage prepares dir, creating it if needed and removing temporary
// files an earlier, killed run left behind.
func NewStage(dir string) (*Stage, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("outdir: create %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("outdir: read %s: %w", dir, err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, tempMark) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, n))
		}
	}
	return &Stage{dir: dir, temps: map[string]string{}}, nil
}

// Put writes data to a temporary file that Commit will name name.
func (s *Stage) Put(name string, data []byte) error {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("outdir: %q is not a plain file name", name)
	}
	t, err := writeTemp(s.dir, name, data)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, dup := s.temps[name]; dup {
		os.Remove(old)
	} else {
		s.names = append(s.names, name)
	}
	s.temps[name] = t
	return nil
}

// Commit renames every staged file into place, in the order first put.
func (s *Stage) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, name := range s.names {
		if err := os.Rename(s.temps[name], filepath.Join(s.dir, name)); err != nil {
			for _, rest := range s.names[i:] {
				os.Remove(s.temps[rest])
			}
			return fmt.Errorf("outdir: move %s into place: %w", name, err)
		}
	}
	s.names, s.temps = nil, map[string]string{}
	return nil
}

// Abort removes every staged file; the folder keeps its previous outputs.
func (s *Stage) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.temps {
		os.Remove(t)
	}
	s.names, s.temps = nil, map[string]string{}
}

func writeTemp(dir, name string, data []byte) (string, error) {
	tmp, err := os.CreateTemp(dir, "."+name+tempMark+"*")
	if err != nil {
		return "", fmt.Errorf("outdir: create temporary file for %s: %w", name, err)
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("outdir: write %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("outdir: write %s: %w", name, err)
	}
	return tmp.Name(), nil
}
