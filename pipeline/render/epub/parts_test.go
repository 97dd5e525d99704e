package epub

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"testing"
	"time"
)

// lastBuild is the Reuse a build offers: the last build's book and the
// keys it recorded for its parts; what this render records goes to now.
type lastBuild struct {
	bytes.Buffer
	book []byte
	keys map[string]string
	now  map[string]string
}

func (l *lastBuild) Previous(part, key string) ([]byte, bool) {
	if l.book == nil || l.keys[part] != key {
		return nil, false
	}
	return l.book, true
}

func (l *lastBuild) Record(part, key string) {
	if l.now == nil {
		l.now = map[string]string{}
	}
	l.now[part] = key
}

// marked is book with the entries named rewritten by mark, each still
// under the header the renderer wrote: what a part taken from the last
// book then shows is the mark.
func marked(t *testing.T, book []byte, mark map[string]func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := mark[f.Name]; ok {
			data = m(data)
		}
		h := f.FileHeader // its DOS time too, as copyEntry checks it
		h.Modified = time.Time{}
		w, err := zw.CreateHeader(&h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func entry(t *testing.T, book []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The cover picture, the nav and the NCX are taken from the last build's
// book when their keys are the same (seen by marking them there), and
// made again when what they show changed.
func TestPartsTakenFromTheLastBook(t *testing.T) {
	r := newRenderer(t)
	ed := richEdition()
	first := &lastBuild{}
	if _, err := r.Render(context.Background(), first, ed); err != nil {
		t.Fatal(err)
	}
	const cover, nav, ncx = containerDir + coverImage, containerDir + navFile, containerDir + ncxFile
	for _, part := range []string{cover, nav, ncx} {
		if first.now[part] == "" {
			t.Fatalf("no key recorded for %s", part)
		}
	}
	mark := func(b []byte) []byte { return append([]byte("MARK"), b...) }
	last := marked(t, first.Bytes(), map[string]func([]byte) []byte{cover: mark, nav: mark, ncx: mark})

	again := &lastBuild{book: last, keys: first.now}
	if _, err := r.Render(context.Background(), again, ed); err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{cover, nav, ncx} {
		if !bytes.HasPrefix(entry(t, again.Bytes(), part), []byte("MARK")) {
			t.Errorf("%s was made again, though its key is the last build's", part)
		}
	}

	// Another title for an item: the contents change, the cover does not.
	retitled := richEdition()
	retitled.Months[0].Types[0].Items[0].Title += " (updated)"
	changed := &lastBuild{book: last, keys: first.now}
	if _, err := r.Render(context.Background(), changed, retitled); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(entry(t, changed.Bytes(), cover), []byte("MARK")) {
		t.Error("the cover was made again, though its facts are the same")
	}
	for _, part := range []string{nav, ncx} {
		if bytes.HasPrefix(entry(t, changed.Bytes(), part), []byte("MARK")) {
			t.Errorf("%s was taken from the last book, though an item's title changed", part)
		}
	}
}
