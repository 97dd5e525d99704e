//go:build unix

package source

import "syscall"

// openNonblock makes opening a named pipe return at once instead of
// waiting for a writer; on a regular file it changes nothing.
const openNonblock = syscall.O_NONBLOCK
