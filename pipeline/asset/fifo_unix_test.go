//go:build unix

package asset

import "syscall"

// mkfifo makes a named pipe; opening one for reading blocks until a
// writer comes, which is what the stage must never do.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
