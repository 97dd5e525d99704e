//go:build unix

package outdir

import (
	"errors"
	"os"
	"syscall"
)

// flock takes f's exclusive lock without waiting; the kernel drops it when
// the process ends, however it ends.
func flock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrBusy
	}
	return err
}
