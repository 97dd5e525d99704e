//go:build !unix

package asset

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
