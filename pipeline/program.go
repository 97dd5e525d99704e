package pipeline

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"io"
	"os"
	"sync"
)

// program names this build of bulletin in the caches' keys: its version
// and what identifies its executable. The version alone would let a
// program rebuilt from changed code under the same version number (a
// developer's, a patched package's) keep outputs and parsed sources an
// older one made. It is read once per process; it never reaches an
// output's bytes.
var program = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return Version
	}
	id, err := executableID(exe)
	if err != nil {
		return Version
	}
	return Version + " " + id
})

// executableID is the Go build ID of an ELF executable, which ends with a
// hash of the executable's content (the Go linker writes it; go build's
// cache relies on it): reading it costs a few hundred bytes where hashing
// the file cost 20 ms of every run's start. Elsewhere, or with the build
// ID left out (-ldflags=-buildid=), the file is hashed.
func executableID(exe string) (string, error) {
	if id := goBuildID(exe); id != "" {
		return "go:" + id, nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// goBuildID reads the note the Go linker puts in an ELF executable
// (section .note.go.buildid: name "Go", type 4, the ID as its
// description), or "" when there is none.
func goBuildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return ""
	}
	note, err := s.Data()
	if err != nil || len(note) < 16 {
		return ""
	}
	bo := f.ByteOrder
	nameSize, descSize, kind := bo.Uint32(note), bo.Uint32(note[4:]), bo.Uint32(note[8:])
	const goBuildIDNote = 4
	if nameSize != 4 || kind != goBuildIDNote || !bytes.Equal(note[12:16], []byte("Go\x00\x00")) ||
		uint64(descSize) > uint64(len(note)-16) {
		return ""
	}
	return string(bytes.TrimRight(note[16:16+descSize], "\x00"))
}
