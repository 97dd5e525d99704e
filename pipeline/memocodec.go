package pipeline

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"
	"unsafe"

	"bulletin/pipeline/news"
	"bulletin/pipeline/normalise"
)

// The memo's entries are encoded by hand: encoding/gob sends its type
// descriptions with every value encoded on its own, and compiling them
// again for each of thousands of entries cost more than parsing the
// sources. The encoding keeps every byte of a string (valid UTF-8 or not)
// and tells a nil slice from an empty one, so a recalled entry is the very
// value that was remembered. TestMemoCodecFields fails when one of the
// types encoded here gains a field, until the codec learns it.

// errMemoEntry is an entry that does not decode.
var errMemoEntry = errors.New("memo entry does not decode")

type memoEnc struct{ b []byte }

func (e *memoEnc) int(v int)       { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *memoEnc) uint(v uint)     { e.b = binary.AppendUvarint(e.b, uint64(v)) }
func (e *memoEnc) int64(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *memoEnc) uint64(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *memoEnc) str(s string) {
	e.uint(uint(len(s)))
	e.b = append(e.b, s...)
}

func (e *memoEnc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// count writes a slice's length so that nil and empty differ.
func (e *memoEnc) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint(n) + 1)
}

func (e *memoEnc) strs(ss []string) {
	e.count(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

func (e *memoEnc) date(d news.Date) { e.int(d.Year); e.int(int(d.Month)); e.int(d.Day) }

func (e *memoEnc) origin(o news.Origin) { e.str(o.File); e.int(o.Line) }

func (e *memoEnc) problems(ps []news.Problem) {
	e.count(len(ps), ps == nil)
	for _, p := range ps {
		e.int(int(p.Severity))
		e.origin(p.At)
		e.str(p.Msg)
		e.int(int(p.Fate))
		e.origin(p.Into)
	}
}

func (e *memoEnc) item(it news.Item) {
	e.str(it.ID)
	e.str(it.Title)
	e.date(it.Date)
	e.int(int(it.DatedBy))
	e.str(it.Type)
	e.bool(it.TypeExplicit)
	e.str(it.Summary)
	e.str(it.Body)
	e.str(it.Lang)
	e.str(it.URL)
	e.strs(it.Authors)
	e.strs(it.Tags)
	e.count(len(it.Origins), it.Origins == nil)
	for _, o := range it.Origins {
		e.origin(o)
	}
	e.str(it.Dir)
	e.count(len(it.Images), it.Images == nil)
	for _, im := range it.Images {
		e.str(im.Src)
		e.str(im.Name)
		e.str(im.MediaType)
		e.count(len(im.Data), im.Data == nil)
		e.b = append(e.b, im.Data...)
		e.int(im.Width)
		e.int(im.Height)
	}
}

// sizeHint is about the size of m's encoding, never much less: its items'
// long texts and some room for the rest, so that a memo file's entries
// are encoded into a buffer allocated once.
func (m *memoEntry) sizeHint() int {
	n := 64
	for _, p := range m.Items {
		n += 256 + len(p.Item.Title) + len(p.Item.Summary) + len(p.Item.Body) + len(p.TitleKey) + len(p.BaseID)
		for _, im := range p.Item.Images {
			n += len(im.Data)
		}
	}
	return n
}

// entry appends m's encoding.
func (e *memoEnc) entry(m *memoEntry) {
	e.count(len(m.Items), m.Items == nil)
	for _, p := range m.Items {
		e.item(p.Item)
		for _, ps := range p.Problems {
			e.problems(ps)
		}
		e.str(p.TitleKey)
		e.str(p.BaseID)
		e.b = append(e.b, p.Facts.TextSum[:]...)
		e.int64(p.Facts.Weight)
	}
	e.count(len(m.Counters), m.Counters == nil)
	for _, c := range m.Counters {
		e.str(c.Key)
		e.date(c.Origin)
		e.str(c.Template)
		e.str(c.Lang)
		e.origin(c.From)
	}
	e.strs(m.Contact)
	e.strs(m.Files)
	e.problems(m.Problems)
}

// memoDec reads what memoEnc wrote; the first fault sticks, and every
// read after it returns zero values.
type memoDec struct {
	b   []byte
	bad bool
}

func (d *memoDec) uint() uint { return uint(d.uint64()) }

func (d *memoDec) uint64() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *memoDec) int() int { return int(d.int64()) }

func (d *memoDec) int64() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *memoDec) raw(n uint) []byte {
	if d.bad || n > uint(len(d.b)) {
		d.bad = true
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

// str shares the entry's bytes rather than copying them: a memo file is
// read into memory once and its bytes are never written (they are what
// the next memo keeps of unchanged files), and copying every unchanged
// item's text out of it was a tenth of a rebuild's allocation.
func (d *memoDec) str() string {
	b := d.raw(d.uint())
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (d *memoDec) bool() bool {
	b := d.raw(1)
	return len(b) == 1 && b[0] == 1
}

// count reads a slice's length: -1 for nil. A length no remaining bytes
// could hold (every element takes one at least) is a fault, so a damaged
// entry cannot ask for a huge allocation.
func (d *memoDec) count() int {
	v := d.uint()
	if v == 0 || d.bad {
		return -1
	}
	if v-1 > uint(len(d.b)) {
		d.bad = true
		return -1
	}
	return int(v - 1)
}

func (d *memoDec) strs() []string {
	n := d.count()
	if n < 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *memoDec) date() news.Date {
	return news.Date{Year: d.int(), Month: time.Month(d.int()), Day: d.int()}
}

func (d *memoDec) origin() news.Origin { return news.Origin{File: d.str(), Line: d.int()} }

func (d *memoDec) problems() []news.Problem {
	n := d.count()
	if n < 0 {
		return nil
	}
	ps := make([]news.Problem, n)
	for i := range ps {
		ps[i] = news.Problem{Severity: news.Severity(d.int()), At: d.origin(), Msg: d.str(), Fate: news.Fate(d.int()), Into: d.origin()}
	}
	return ps
}

func (d *memoDec) item() news.Item {
	it := news.Item{
		ID:           d.str(),
		Title:        d.str(),
		Date:         d.date(),
		DatedBy:      news.DatedBy(d.int()),
		Type:         d.str(),
		TypeExplicit: d.bool(),
		Summary:      d.str(),
		Body:         d.str(),
		Lang:         d.str(),
		URL:          d.str(),
		Authors:      d.strs(),
		Tags:         d.strs(),
	}
	if n := d.count(); n >= 0 {
		it.Origins = make([]news.Origin, n)
		for i := range it.Origins {
			it.Origins[i] = d.origin()
		}
	}
	it.Dir = d.str()
	if n := d.count(); n >= 0 {
		it.Images = make([]news.Image, n)
		for i := range it.Images {
			im := &it.Images[i]
			im.Src, im.Name, im.MediaType = d.str(), d.str(), d.str()
			if n := d.count(); n >= 0 {
				im.Data = append([]byte{}, d.raw(uint(n))...)
			}
			im.Width, im.Height = d.int(), d.int()
		}
	}
	return it
}

// decodeMemoEntry reads an entry memoEnc.entry wrote.
func decodeMemoEntry(b []byte) (*memoEntry, error) {
	d := &memoDec{b: b}
	var m memoEntry
	if n := d.count(); n >= 0 {
		m.Items = make([]normalise.Prepared, n)
		for i := range m.Items {
			m.Items[i].Item = d.item()
			for s := range m.Items[i].Problems {
				m.Items[i].Problems[s] = d.problems()
			}
			m.Items[i].TitleKey = d.str()
			m.Items[i].BaseID = d.str()
			copy(m.Items[i].Facts.TextSum[:], d.raw(sha256.Size))
			m.Items[i].Facts.Weight = d.int64()
		}
	}
	if n := d.count(); n >= 0 {
		m.Counters = make([]news.Counter, n)
		for i := range m.Counters {
			m.Counters[i] = news.Counter{Key: d.str(), Origin: d.date(), Template: d.str(), Lang: d.str(), From: d.origin()}
		}
	}
	m.Contact = d.strs()
	m.Files = d.strs()
	m.Problems = d.problems()
	if d.bad || len(d.b) != 0 {
		return nil, errMemoEntry
	}
	return &m, nil
}
