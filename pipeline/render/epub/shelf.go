package epub

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
	"time"
)

// A build makes each month's book and the collection, and a month's
// document in the one is the same file, byte for byte, as in the other:
// the same go-epub frame around the same body, deflated by the same
// writer at the same time stamp. The shelf keeps each month document a
// book wrote, still deflated, for the other book to copy (zip's
// CreateRaw) rather than render and compress again: on twenty thousand
// items that is the collection's whole text.
//
// A document is found by what its bytes are made from (docKey), so
// whichever book comes first shelves it and the other takes it. It is
// taken once. The web edition's page of the month shows the same body: it
// takes the document too, by what the body alone is made from (bodyKey),
// and cuts the body out. The shelf is only a saving: a document not on it
// is rendered, and the shelf holds at most shelfLimit bytes.
type shelf struct {
	mu     sync.Mutex
	bytes  int                // of docs and of bodies, each entry counted in each map
	docs   map[string]shelved // by docKey, for the other book
	bodies map[string]shelved // by bodyKey, for the web edition
}

// shelved is a deflated zip entry as a book wrote it: a month document,
// head, body and tail.
type shelved struct {
	header     zip.FileHeader
	data       []byte
	head, tail int // the lengths of go-epub's frame around the body
}

// body inflates the document and returns the body in it.
func (d shelved) body() (string, error) {
	doc, err := io.ReadAll(flate.NewReader(bytes.NewReader(d.data)))
	if err == nil && (uint64(len(doc)) != d.header.UncompressedSize64 || crc32.ChecksumIEEE(doc) != d.header.CRC32) {
		err = errors.New("not the document shelved")
	}
	if err == nil && d.head+d.tail > len(doc) {
		err = errors.New("shorter than its frame")
	}
	if err != nil {
		return "", fmt.Errorf("epub: a shelved document: %w", err)
	}
	return string(doc[d.head : len(doc)-d.tail]), nil
}

// shelfLimit bounds the deflated documents kept: the collection of
// twenty thousand items is 4 MB. A long `bulletin serve` also leaves
// documents no other book took (a month whose book was kept); those are
// dropped when the limit is reached.
const shelfLimit = 32 << 20

func newShelf() *shelf { return &shelf{docs: map[string]shelved{}, bodies: map[string]shelved{}} }

// put shelves d; a nil shelf keeps nothing.
func (s *shelf) put(docKey, bodyKey string, d shelved) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.docs[docKey]; dup {
		return
	}
	if s.bytes+2*len(d.data) > shelfLimit {
		s.docs, s.bodies, s.bytes = map[string]shelved{}, map[string]shelved{}, 0
	}
	if old, dup := s.bodies[bodyKey]; dup {
		s.bytes -= len(old.data)
	}
	s.docs[docKey] = d
	s.bodies[bodyKey] = d
	s.bytes += 2 * len(d.data)
}

// take is the document shelved under docKey, for the other book.
func (s *shelf) take(docKey string) (shelved, bool) {
	if s == nil {
		return shelved{}, false
	}
	return s.takeFrom(false, docKey)
}

// takeBody is the document whose body is made from what bodyKey says,
// for the web edition.
func (s *shelf) takeBody(bodyKey string) (shelved, bool) {
	if s == nil {
		return shelved{}, false
	}
	return s.takeFrom(true, bodyKey)
}

// takeFrom takes key from the bodies or the docs (put may replace the
// maps: they are picked under the lock).
func (s *shelf) takeFrom(bodies bool, key string) (shelved, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.docs
	if bodies {
		m = s.bodies
	}
	d, ok := m[key]
	if ok {
		delete(m, key)
		s.bytes -= len(d.data)
	}
	return d, ok
}

// docKeyFormat changes whenever what a month document's bytes depend on
// does.
const docKeyFormat = "epub shelved month document 2"

// docKey names the month document name of b whose frame around the body
// is head and tail and whose body's inputs are body (bodyKey): the frame,
// the body and the entry's time.
func docKey(b *book, name string, head, tail []byte, body string) string {
	var k keyBuf
	k.str(docKeyFormat)
	k.str(name)
	k.bytes(head)
	k.bytes(tail)
	k.str(body)
	k.str(zipTime(b).Format(time.RFC3339Nano))
	return k.sum()
}

// bodyKey names what monthBody makes of m in b: the month (its digest
// and title) and what monthBody reads besides it — the book's language,
// raw-HTML switch and labels. Not the image prefix: only a month without
// images is shelved (section.later), and its body has no image link.
func bodyKey(b *book, m *month) (string, error) {
	labels, err := json.Marshal(b.ed.Meta.Labels)
	if err != nil {
		return "", err
	}
	raw := "0"
	if b.rawHTML {
		raw = "1"
	}
	var k keyBuf
	for _, s := range []string{"epub shelved month body 1", b.lang, raw} {
		k.str(s)
	}
	k.bytes(labels)
	k.str(m.title)
	k.str(m.src.Digest())
	return k.sum(), nil
}
