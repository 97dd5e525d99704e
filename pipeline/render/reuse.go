package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
)

// Reuse is what an incremental build offers a Renderer through its w, for
// outputs made of independent parts: the documents of a book, the pages
// of a site. A renderer that finds it (ReuseOf) names each part and works
// out the part's key — a hash of everything the part is made from (Key) —
// before making it; when the last build recorded the same key for the
// part, the renderer takes the part from the last build's bytes instead
// of making it again. Either way it records the key for the next build.
// The pipeline adds the configuration, layout and version to every key,
// so a renderer hashes only what it is given in the edition.
type Reuse interface {
	// Previous returns the bytes the last build left when it recorded
	// part with key and the output folder still holds exactly what it
	// made: for a one-file output, the whole file (a book takes the
	// part's entry from it); for a folder output, the part's own file
	// (a site puts it back, and the build keeps it without writing it).
	Previous(part, key string) ([]byte, bool)
	// Record says this build made part from key.
	Record(part, key string)
}

// Keep is what an incremental build offers a folder output's Renderer
// beside Reuse: a file the last build made from the same key is kept
// where it is, unread, instead of being read back (Previous) only to be
// put again. A ten-year site's month pages are megabytes.
type Keep interface {
	// Unchanged reports whether the last build recorded key for the
	// folder's file name and the folder still holds what it made.
	Unchanged(name, key string) bool
	// Keep stands for a Put of name with those very bytes, once
	// Unchanged said so.
	Keep(name string) error
}

// KeepOf is the Keep behind a folder output's w, when the build offers one.
func KeepOf(w io.Writer) (Keep, bool) {
	k, ok := w.(Keep)
	return k, ok
}

// ReuseOf is the Reuse behind w, when the build offers one.
func ReuseOf(w io.Writer) (Reuse, bool) {
	r, ok := w.(Reuse)
	return r, ok
}

// Key hashes values (by their JSON) into a part's key.
func Key(values ...any) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			return "", fmt.Errorf("render: key: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
