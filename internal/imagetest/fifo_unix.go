//go:build unix

package imagetest

import "syscall"

// Mkfifo makes a named pipe at path. Opening one for reading blocks until
// a writer comes, which a build must never do.
func Mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
