package epub

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
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
// taken once. The shelf is only a saving: a document not on it is
// rendered, and the shelf holds at most shelfLimit bytes.
type shelf struct {
	mu    sync.Mutex
	bytes int
	docs  map[string]shelved
}

// shelved is a deflated zip entry as a book wrote it.
type shelved struct {
	header zip.FileHeader
	data   []byte
}

// shelfLimit bounds the deflated documents kept: the collection of
// twenty thousand items is 4 MB. A long `bulletin serve` also leaves
// documents no other book took (a month whose book was kept); those are
// dropped when the limit is reached.
const shelfLimit = 32 << 20

func newShelf() *shelf { return &shelf{docs: map[string]shelved{}} }

func (s *shelf) put(key string, h zip.FileHeader, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.docs[key]; dup {
		return
	}
	if s.bytes+len(data) > shelfLimit {
		s.docs, s.bytes = map[string]shelved{}, 0
	}
	s.docs[key] = shelved{header: h, data: data}
	s.bytes += len(data)
}

func (s *shelf) take(key string) (shelved, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[key]
	if ok {
		delete(s.docs, key)
		s.bytes -= len(d.data)
	}
	return d, ok
}

// docKeyFormat changes whenever what a month document's bytes depend on
// does.
const docKeyFormat = "epub shelved month document 1"

// docKey names the month document m of b whose frame around the body is
// head and tail: the frame itself, what monthBody reads besides the
// month (the book's language, image prefix, raw-HTML switch and
// labels), the month's digest and the entry's time.
func docKey(b *book, m *month, name string, head, tail []byte) (string, error) {
	labels, err := json.Marshal(b.ed.Meta.Labels)
	if err != nil {
		return "", err
	}
	raw := "0"
	if b.rawHTML {
		raw = "1"
	}
	var buf []byte
	for _, s := range [][]byte{[]byte(docKeyFormat), []byte(name), head, tail, []byte(b.lang), []byte(b.imagePrefix),
		[]byte(raw), labels, []byte(m.title), []byte(m.src.Digest()), []byte(zipTime(b).Format(time.RFC3339Nano))} {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:]), nil
}
