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
	s := NewStage(dir)
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
	ready bool // dir exists and old temporaries are gone
	names []string
	temps map[string]string // final name → temporary path
	prune []string          // names of files that Commit removes unless put
}

// tempMark is in every temporary name: ".NAME.tmp-RANDOM".
const tempMark = ".tmp-"

// NewStage stages files for dir. Nothing is touched until the first Put,
// so a build that fails before rendering leaves no trace, not even dir.
func NewStage(dir string) *Stage {
	return &Stage{dir: dir, temps: map[string]string{}}
}

// Remove makes Commit remove the file name from dir unless it was put:
// the output of a month that is gone.
func (s *Stage) Remove(name string) error {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return fmt.Errorf("outdir: %q is not a plain file name", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune = append(s.prune, name)
	return nil
}

// prepare creates dir and removes the temporary files an earlier, killed
// run left behind. Called with s.mu held.
func (s *Stage) prepare() error {
	if s.ready {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("outdir: create %s: %w", s.dir, err)
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("outdir: read %s: %w", s.dir, err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, tempMark) && e.Type().IsRegular() {
			os.Remove(filepath.Join(s.dir, n))
		}
	}
	s.ready = true
	return nil
}

// Put writes data to a temporary file that Commit will name name.
func (s *Stage) Put(name string, data []byte) error {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("outdir: %q is not a plain file name", name)
	}
	s.mu.Lock()
	err := s.prepare()
	s.mu.Unlock()
	if err != nil {
		return err
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

// Commit renames every staged file into place, in the order first put,
// then removes what Remove asked for. Each file is replaced atomically; a
// rename failing half-way (a full disk) can leave some files new and some
// old, never a half-written one.
func (s *Stage) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.removePruned(); err != nil {
		return err
	}
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

func (s *Stage) removePruned() error {
	for _, name := range s.prune {
		if _, put := s.temps[name]; put {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("outdir: remove stale %s: %w", name, err)
		}
	}
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
