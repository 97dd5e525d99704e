//go:build unix

package lockfile

import (
	"errors"
	"os"
	"syscall"
)

// Flock takes f's exclusive lock without waiting (ErrBusy when another
// process holds it); the kernel drops it when the process ends, however it
// ends. Closing f releases it.
func Flock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrBusy
	}
	return err
}
