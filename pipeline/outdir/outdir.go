// Package outdir writes a build's files into the output folder atomically:
// every file goes to a temporary name first and is renamed into place only
// when all of them were written, so a failed or interrupted run never leaves
// a half-written file under a final name.
//
// The renames themselves are journalled: Commit first makes the staged
// files durable, then writes (and syncs) the list of renames and removals
// it is about to do, then does them, then
// deletes the list. A run killed part-way leaves the list, and the next
// Stage on the folder (or Recover) finishes it; so after any crash the
// folder holds the whole old set or, once recovered, the whole new set, and
// manifest.json matches the files. One build at a time writes a folder: the
// folder is locked (flock) from Lock or the first Put until Commit or Abort.
package outdir

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"bulletin/pipeline/lockfile"
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
	prune []string          // names of files that Commit removes unless put or kept
	kept  map[string]bool   // names of files the build made again as they are
	lock  *os.File          // the folder, flocked; nil when not locked
}

// journalName is the list of renames a Commit is doing.
const journalName = ".bulletin-commit"

// ErrBusy means another build is writing to the folder.
var ErrBusy = errors.New("another bulletin is writing to the output folder")

// tempMark is in every temporary name: ".NAME.tmp-RANDOM".
const tempMark = ".tmp-"

// NewStage stages files for dir. Nothing is touched until the first Put,
// so a build that fails before rendering leaves no trace, not even dir.
func NewStage(dir string) *Stage {
	return &Stage{dir: dir, temps: map[string]string{}, kept: map[string]bool{}}
}

// Existing reads the file name as the last committed build left it (a
// commit a killed run left half done is finished first), for an
// incremental build to compare with what it would make.
func (s *Stage) Existing(name string) ([]byte, error) {
	path, err := s.committed(name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("outdir: %w", err)
	}
	return data, nil
}

// committed is the path of the file name as the last committed build
// left it, once a commit a killed run left half done is finished.
func (s *Stage) committed(name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	if _, err := os.Stat(s.dir); err != nil {
		// Nothing was built here yet; and a failed build leaves no folder.
		return "", fmt.Errorf("outdir: %w", err)
	}
	s.mu.Lock()
	err := s.prepare()
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	return filepath.Join(s.dir, filepath.FromSlash(name)), nil
}

// Stat is the stat of the file name as the last committed build left it,
// for an incremental build to trust it unchanged without reading it.
func (s *Stage) Stat(name string) (fs.FileInfo, error) {
	path, err := s.committed(name)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("outdir: %w", err)
	}
	return fi, nil
}

// Keep says the build made name again, byte for byte what the folder
// holds (read with Existing): Commit leaves the file as it is, and does
// not remove it even when Remove asked to. A later Put of name wins.
func (s *Stage) Keep(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kept[name] = true
	return nil
}

// Remove makes Commit remove the file name from dir unless it was put:
// the output of a month that is gone.
func (s *Stage) Remove(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune = append(s.prune, name)
	return nil
}

// Lock takes the folder for this stage when it exists already, so a second
// build into it stops before rendering anything; otherwise the first Put
// takes it. It fails with ErrBusy while another build holds it.
func (s *Stage) Lock() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Stat(s.dir); errors.Is(err, os.ErrNotExist) {
		return nil // nothing to protect yet, and nothing to create
	}
	return s.lockDir()
}

// lockDir flocks the folder itself. Called with s.mu held.
func (s *Stage) lockDir() error {
	if s.lock != nil {
		return nil
	}
	f, err := os.Open(s.dir)
	if err != nil {
		return fmt.Errorf("outdir: open %s: %w", s.dir, err)
	}
	if err := lockfile.Flock(f); err != nil {
		f.Close()
		if errors.Is(err, lockfile.ErrBusy) {
			err = ErrBusy
		}
		return fmt.Errorf("outdir: %s: %w", s.dir, err)
	}
	s.lock = f
	return nil
}

// unlock releases the folder. Called with s.mu held.
func (s *Stage) unlock() {
	if s.lock != nil {
		s.lock.Close() // closing the descriptor releases the flock
		s.lock = nil
	}
}

// prepare creates dir, locks it, finishes a commit a killed run left half
// done and removes the temporary files it left behind. Called with s.mu
// held.
func (s *Stage) prepare() error {
	if s.ready {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("outdir: create %s: %w", s.dir, err)
	}
	if err := s.lockDir(); err != nil {
		return err
	}
	if err := recoverDir(s.dir); err != nil {
		return err
	}
	s.ready = true
	return nil
}

// Recover finishes what a build killed while committing into dir left half
// done, and removes its temporary files. It is what the next build into dir
// does first; it takes the folder's lock meanwhile.
func Recover(dir string) error {
	s := NewStage(dir)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.unlock()
	if err := s.lockDir(); err != nil {
		return err
	}
	return recoverDir(dir)
}

// recoverDir replays the journal, if any, then removes stray temporaries.
// Every step of the journal can be done twice: a rename whose temporary is
// gone was done; a removal of a missing file was done.
func recoverDir(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, journalName))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("outdir: read the journal of an interrupted build: %w", err)
	default:
		if err := replay(dir, data); err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(dir, journalName)); err != nil {
			return fmt.Errorf("outdir: remove the journal: %w", err)
		}
		syncDir(dir)
	}
	// Temporaries may be in the folders of folder outputs (site/) too.
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, tempMark) && e.Type().IsRegular() {
			os.Remove(p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outdir: read %s: %w", dir, err)
	}
	return nil
}

// replay does a journal's lines: "remove NAME" or "rename TEMP NAME", names
// without separators (Put and Remove check them), so spaces split them.
func replay(dir string, data []byte) error {
	if !bytes.HasSuffix(data, []byte("end\n")) {
		// Written through a temporary file and renamed, so a journal is
		// whole or absent; an incomplete one is not bulletin's.
		return fmt.Errorf("outdir: %s in %s is incomplete; remove it by hand if no build is running", journalName, dir)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "remove":
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(f[1]))); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("outdir: remove stale %s: %w", f[1], err)
			}
		case len(f) == 3 && f[0] == "rename":
			err := os.Rename(filepath.Join(dir, filepath.FromSlash(f[1])), filepath.Join(dir, filepath.FromSlash(f[2])))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("outdir: move %s into place: %w", f[2], err)
			}
		}
	}
	return nil
}

// checkName accepts a file name, or a slash-separated path inside the
// folder ("site/index.html"), that cannot leave the folder: relative, no
// empty, "." or ".." elements, no backslashes; and no spaces, which would
// split the journal's lines.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\x00 \t\n\r") {
		return fmt.Errorf("outdir: %q is not a file name inside the output folder", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("outdir: %q is not a file name inside the output folder", name)
		}
	}
	return nil
}

// Put writes data to a temporary file that Commit will name name, a plain
// file name or a slash-separated path inside the folder (checkName); the
// folders on the way are created, and the temporary file sits beside its
// final name so the rename stays atomic.
func (s *Stage) Put(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	err := s.prepare()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	t, err := writeTemp(s.dir, name, data, false) // synced all at once by Commit
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
// and removes what Remove asked for, through the journal (see the package
// comment), then releases the folder.
func (s *Stage) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.unlock()
	if len(s.names) == 0 && len(s.prune) == 0 {
		return nil
	}
	if err := s.prepare(); err != nil {
		return err
	}
	var j bytes.Buffer
	for _, name := range s.prune {
		if _, put := s.temps[name]; !put && !s.kept[name] {
			fmt.Fprintf(&j, "remove %s\n", name)
		}
	}
	for _, name := range s.names {
		rel, err := filepath.Rel(s.dir, s.temps[name])
		if err != nil {
			s.abort()
			return fmt.Errorf("outdir: write the journal: %w", err)
		}
		fmt.Fprintf(&j, "rename %s %s\n", filepath.ToSlash(rel), name)
	}
	j.WriteString("end\n")
	temps := make([]string, 0, len(s.names))
	for _, name := range s.names {
		temps = append(temps, s.temps[name])
	}
	if err := syncStaged(s.dir, temps); err != nil {
		s.abort()
		return fmt.Errorf("outdir: make the new files durable: %w", err)
	}
	tmp, err := writeTemp(s.dir, journalName, j.Bytes(), true)
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.dir, journalName))
	}
	if err != nil {
		s.abort()
		return fmt.Errorf("outdir: write the journal: %w", err)
	}
	syncDir(s.dir) // the journal is durable before the first rename
	if err := recoverDir(s.dir); err != nil {
		// A rename that fails now (a folder under a file's name, a full
		// disk) would fail again at every recovery: give the journal up,
		// as a run without one would, and say so.
		os.Remove(filepath.Join(s.dir, journalName))
		s.abort()
		return err
	}
	s.names, s.temps, s.kept = nil, map[string]string{}, map[string]bool{}
	return nil
}

// Abort removes every staged file; the folder keeps its previous outputs.
func (s *Stage) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.unlock()
	s.abort()
}

func (s *Stage) abort() {
	for _, t := range s.temps {
		os.Remove(t)
	}
	s.names, s.temps, s.kept = nil, map[string]string{}, map[string]bool{}
}

// writeTemp writes data to a new temporary file beside name's place,
// synced to the disk when sync says so.
func writeTemp(dir, name string, data []byte, sync bool) (string, error) {
	final := filepath.Join(dir, filepath.FromSlash(name))
	if sub := filepath.Dir(final); sub != filepath.Clean(dir) {
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return "", fmt.Errorf("outdir: create folder for %s: %w", name, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+tempMark+"*")
	if err != nil {
		return "", fmt.Errorf("outdir: create temporary file for %s: %w", name, err)
	}
	_, werr := tmp.Write(data)
	var serr error
	if sync {
		serr = tmp.Sync()
	}
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

// syncDir makes the folder's entries durable (renames, removals); where a
// folder cannot be synced, the rename is still atomic.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
