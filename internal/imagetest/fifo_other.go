//go:build !unix

package imagetest

import "errors"

// Mkfifo reports that this system has no named pipes.
func Mkfifo(string) error { return errors.ErrUnsupported }
