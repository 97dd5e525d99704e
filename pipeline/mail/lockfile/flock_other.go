//go:build !unix

package lockfile

import "os"

// flock is a no-op where flock does not exist: one mailing at a time is
// then the user's to ensure.
func flock(*os.File) error { return nil }
