//go:build !unix

package lockfile

import "os"

// Flock is a no-op where flock does not exist: one bulletin at a time is
// then the user's to ensure.
func Flock(*os.File) error { return nil }
