package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"sync"
)

// program names this build of bulletin in the caches' keys: its version
// and a hash of its executable. The version alone would let a program
// rebuilt from changed code under the same version number (a developer's,
// a patched package's) keep outputs and parsed sources an older one made.
// It is read once per process; it never reaches an output's bytes.
var program = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return Version
	}
	f, err := os.Open(exe)
	if err != nil {
		return Version
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return Version
	}
	return Version + " " + hex.EncodeToString(h.Sum(nil)[:12])
})
