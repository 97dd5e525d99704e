package asset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// load reads name from the sources folder and checks it.
func (r *resolver) load(name string) result {
	shown := path.Join(r.dir, name)
	data, refuse := r.readFile(name)
	if refuse != "" {
		return result{refuse: shown + " " + refuse}
	}
	img, refuse := Check(data)
	if refuse != "" {
		return result{refuse: shown + " " + refuse}
	}
	img.Name = name
	return result{img: img}
}

// readFile reads a regular file inside the sources folder, at most
// MaxBytes of it. The folder the CLI passes is an os.Root, which refuses
// symbolic links leading out on its own; the walk below words that refusal
// and guards an fs.FS that would follow them (os.DirFS does). The file's
// type is checked before it is opened, so a FIFO is never opened (opening
// one blocks until someone writes) and a device is never read.
func (r *resolver) readFile(name string) ([]byte, string) {
	if r.files == nil {
		return nil, "cannot be read: there is no sources folder"
	}
	linked := false
	parts := strings.Split(name, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		info, err := fs.Lstat(r.files, p)
		if err != nil {
			break // Stat below says why
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		linked = true
		target, err := fs.ReadLink(r.files, p)
		if err != nil {
			continue // not readable as a link here: the folder decides below
		}
		if strings.HasPrefix(target, "/") || strings.HasPrefix(target, `\`) || leaves(path.Join(path.Dir(p), target)) {
			return nil, "is a symbolic link that leads outside the sources folder; copy the image into the sources folder"
		}
	}
	info, err := fs.Stat(r.files, name)
	switch {
	case err != nil && linked:
		return nil, "is a symbolic link that leads outside the sources folder or to nothing; copy the image into the sources folder"
	case errors.Is(err, fs.ErrNotExist):
		return nil, "does not exist in the sources folder; check the path (letter case counts) or add the file"
	case err != nil:
		return nil, fmt.Sprintf("cannot be read (%v); check the file's permissions", err)
	}
	if refuse := regular(info); refuse != "" {
		return nil, refuse
	}
	if info.Size() > MaxBytes {
		return nil, tooBig()
	}
	f, err := r.files.Open(name)
	if err != nil {
		return nil, fmt.Sprintf("cannot be read (%v); check the file's permissions", err)
	}
	defer f.Close()
	// The file may have changed since Stat: check the open file again.
	if info, err := f.Stat(); err == nil {
		if refuse := regular(info); refuse != "" {
			return nil, refuse
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, fmt.Sprintf("cannot be read (%v); check the file", err)
	}
	if len(data) > MaxBytes {
		return nil, tooBig()
	}
	return data, ""
}

// tooBig words the MaxBytes refusal.
func tooBig() string {
	return fmt.Sprintf("is larger than %d MB, the limit for one image; make it smaller", MaxBytes>>20)
}

// leaves reports whether a cleaned slash path climbs out of the folder.
func leaves(p string) bool { return p == ".." || strings.HasPrefix(p, "../") }

// regular refuses anything but a regular file, naming what it is.
func regular(info fs.FileInfo) string {
	m := info.Mode()
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "is a folder, not an image file; name the image file itself"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a file; put the image file itself in the sources folder"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "is a device, not a file; put the image file itself in the sources folder"
	case m&fs.ModeSocket != 0:
		return "is a socket, not a file; put the image file itself in the sources folder"
	}
	return "is not a regular file; put the image file itself in the sources folder"
}
