//go:build !unix

package source

// openNonblock: named pipes do not block an open on these systems.
const openNonblock = 0
