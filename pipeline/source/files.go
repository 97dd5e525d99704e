package source

import (
	"fmt"
	"io/fs"
	"os"
)

// Files is the sources folder as the pipeline should read it: root's
// files, where opening a named pipe or a device never waits. Readers
// check a file's type before they open it, but the file can be swapped
// for a FIFO in between, and opening a FIFO blocks until something
// writes to it, past Ctrl-C. So every open here is non-blocking and the
// opened file's own type is checked: anything but a regular file or a
// folder is closed at once and refused.
func Files(root *os.Root) fs.FS { return files{root: root, fsys: root.FS()} }

type files struct {
	root *os.Root
	fsys fs.FS // root.FS(), for the calls that open nothing
}

func (f files) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	file, err := f.root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	if m := info.Mode(); !m.IsRegular() && !m.IsDir() {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", errNotRegular, fileType(m))}
	}
	return file, nil
}

// The calls below open nothing that could block; they are passed on so
// that fs.Stat, fs.ReadDir, fs.Lstat and fs.ReadLink keep os.Root's
// behaviour (a symbolic link is not followed out of the folder).

func (f files) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(f.fsys, name) }
func (f files) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(f.fsys, name) }
func (f files) Lstat(name string) (fs.FileInfo, error)     { return fs.Lstat(f.fsys, name) }
func (f files) ReadLink(name string) (string, error)       { return fs.ReadLink(f.fsys, name) }
