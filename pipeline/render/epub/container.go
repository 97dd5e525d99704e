package epub

import (
	"maps"
	"sync"
)

// go-epub's archive depends only on the book's words (title, identifier,
// language, description, author), the style sheet and each section's
// file, title and mark: never on the months' text, which repack puts in.
// A collection is made again whenever any item changes, and in `bulletin
// serve` nothing else of its container does: the renderer keeps the last
// collection's archive, read (containerMemo), and the next collection with
// the same inputs starts from a copy instead of building it with go-epub
// and reading it back (a tenth of a rebuild of a ten-year archive).
type containerMemo struct {
	mu    sync.Mutex
	key   string
	files map[string][]byte // never written: each book gets a copy of the map
}

// containerKey hashes what writeGoEpub gives go-epub.
func containerKey(b *book, docs []section, css []byte) string {
	var k keyBuf
	for _, s := range []string{"go-epub container 1", b.title, b.identifier, b.lang, b.description, b.author} {
		k.str(s)
	}
	k.bytes(css)
	k.count(len(docs))
	for _, d := range docs {
		k.str(d.file)
		k.str(d.title)
		k.str(d.mark())
	}
	return k.sum()
}

// containerFiles is go-epub's archive of b, read: from the memo when the
// last collection was built from the same inputs.
func (r *Renderer) containerFiles(b *book, docs []section, css []byte) (map[string][]byte, error) {
	if len(b.months) < 2 {
		// A month's book: its own container, not worth keeping.
		raw, err := r.writeGoEpub(b, docs, css)
		if err != nil {
			return nil, err
		}
		return readZip(raw)
	}
	key := containerKey(b, docs, css)
	r.container.mu.Lock()
	if r.container.files != nil && r.container.key == key {
		files := maps.Clone(r.container.files)
		r.container.mu.Unlock()
		return files, nil
	}
	r.container.mu.Unlock()
	raw, err := r.writeGoEpub(b, docs, css)
	if err != nil {
		return nil, err
	}
	files, err := readZip(raw)
	if err != nil {
		return nil, err
	}
	r.container.mu.Lock()
	r.container.key, r.container.files = key, maps.Clone(files)
	r.container.mu.Unlock()
	return files, nil
}
