//go:build !unix

package outdir

import "os"

// flock is a no-op where flock does not exist: one build at a time is
// then the user's to ensure.
func flock(*os.File) error { return nil }
