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
