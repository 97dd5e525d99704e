// Package lockfile keeps two bulletin processes from doing the same job at
// once: a mailing of one month, an update of the suppression list, a build
// into one output folder (which flocks the folder itself). The lock
// is an flock on a file, which the kernel drops when the process ends,
// however it ends: a lock left by a killed run is simply taken over.
package lockfile

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrBusy means another process holds the lock.
var ErrBusy = errors.New("held by another process")

// Lock is a held lock; Release gives it back.
type Lock struct{ f *os.File }

// Take takes the lock at path without waiting, creating the file. The
// holder's process id is written into it so a refusal can name it.
func Take(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := Flock(f); err != nil {
		defer f.Close()
		if errors.Is(err, ErrBusy) {
			holder, _ := os.ReadFile(path)
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(holder))); perr == nil {
				return nil, fmt.Errorf("lock %s: %w (process %d)", path, ErrBusy, pid)
			}
			return nil, fmt.Errorf("lock %s: %w", path, ErrBusy)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for messages; a failure to write it does not matter.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// Release gives the lock back. The file stays: removing it would let a
// third process lock a new file while a second still waits on the old one.
func (l *Lock) Release() {
	if l != nil && l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
}
