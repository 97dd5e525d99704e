package source

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Files opens without waiting: a file swapped for a named pipe between a
// reader's type check and its open is refused at the open, not waited on
// forever. A device is refused the same way; regular files, folders and
// the fs calls a reader makes work as os.Root's do.
func TestFilesNeverBlocksOnOpen(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("text"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fsys := Files(root)

	done := make(chan error, 1)
	go func() {
		f, err := fsys.Open("pipe.md")
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errNotRegular) {
			t.Errorf("open of a named pipe: got %v, want a refusal as not a regular file", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("open of a named pipe is still waiting after 10 s")
	}

	if _, err := fsys.Open("zero.md"); err == nil {
		t.Error("open of a link to /dev/zero succeeded, want a refusal")
	}
	data, err := fs.ReadFile(fsys, "a.md")
	if err != nil || string(data) != "text" {
		t.Errorf("ReadFile(a.md) = %q, %v; want the text", data, err)
	}
	if _, err := fs.ReadDir(fsys, "sub"); err != nil {
		t.Errorf("ReadDir(sub): %v", err)
	}
	if info, err := fs.Lstat(fsys, "zero.md"); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(zero.md) = %v, %v; want the link itself", info, err)
	}
	if _, err := fsys.Open("../a.md"); err == nil {
		t.Error("open of ../a.md succeeded, want fs.ErrInvalid")
	}
	f, err := fsys.Open("a.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, err := io.ReadAll(f); err != nil || string(b) != "text" {
		t.Errorf("read a.md = %q, %v", b, err)
	}
}
