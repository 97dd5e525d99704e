package epub

import (
	"bytes"
	"hash/adler32"
	"image"
	"iter"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The covers of one build are alike: the band, the publisher and the
// title, the counters, the footer band and the blank paper between them
// are the same rows on every book; only the period and the tally differ.
// Deflating 4 million pixels per book was most of a monthly EPUB's fixed
// cost, so the pixels are deflated in strips of rows, each strip on its
// own (a fresh dictionary, ended by a sync flush at a byte boundary), and
// a strip's deflated bytes are kept for the next cover with the same rows
// in the same place.
// Concatenated, such strips are one valid deflate stream; the zlib
// checksum of the whole is combined from the strips' own.
const (
	stripRows     = 16       // rows of pixels a strip (26 KB at the cover's width)
	maxStripBytes = 12 << 20 // raw bytes of strips kept: the first covers' strips, then no more
)

// The renderer's caches (these strips, the covers' tops, the line masks)
// fill up and then take no more. `bulletin serve` keeps its renderers from
// build to build (pipeline.Renderers), so there they hold the first
// builds' covers: a cover drawn later is drawn and deflated in full, which
// costs time, never bytes.

// pngStrips keeps deflated strips of rows, by their place on the picture
// (covers differ by whole lines of text, so equal rows stay in place), and
// checks each candidate byte for byte. Safe for concurrent use.
type pngStrips struct {
	mu   sync.Mutex
	kept map[stripKey][]*strip
	size int       // raw bytes kept
	zw   sync.Pool // *flate.Writer
	bufs sync.Pool // *bytes.Buffer for a strip's raw rows
}

// stripKey is where a strip is: its first row and the picture's width.
type stripKey struct{ y, w int }

// maxStripsAt bounds the candidates compared at one place.
const maxStripsAt = 8

// strip is one run of rows, as PNG wants them (a filter byte before each
// row), deflated on its own, and its Adler-32.
type strip struct {
	raw, deflated []byte
	adler         uint32
}

func newPNGStrips() *pngStrips {
	return &pngStrips{kept: map[stripKey][]*strip{}}
}

// baseStrips are the deflated strips of a picture that others are copied
// from (a cover's head): a strip of a copy whose rows were not drawn on
// since is the base's, found without comparing its rows. Safe for
// concurrent use.
type baseStrips struct {
	img *image.Paletted // the base picture, never drawn on again
	mu  sync.Mutex
	s   map[stripKey]*strip
}

func newBaseStrips(img *image.Paletted) *baseStrips {
	return &baseStrips{img: img, s: map[stripKey]*strip{}}
}

// zlibPixels returns the zlib stream of img's rows (unfiltered), the
// content of a palette PNG's IDAT chunk. When base is not nil, img is a
// copy of base's picture, and touched[i] says whether the rows of strip i
// were drawn on since: the rows of the others are read from base (a copy
// need not hold them).
func (p *pngStrips) zlibPixels(img *image.Paletted, base *baseStrips, touched []bool) ([]byte, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var out bytes.Buffer
	out.Grow(h * w / 40)
	out.Write([]byte{0x78, 0x01}) // deflate, 32 KB window, fastest: what zlib.BestSpeed writes
	var sum uint32 = 1            // Adler-32 of nothing
	for y0 := 0; y0 < h; y0 += stripRows {
		untouched := base != nil && y0/stripRows < len(touched) && !touched[y0/stripRows]
		src := img
		if untouched {
			src = base.img
		}
		rows := func(yield func([]byte) bool) {
			for y := y0; y < min(y0+stripRows, h); y++ {
				i := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y)
				if !yield(src.Pix[i : i+w]) {
					return
				}
			}
		}
		k := stripKey{y0, w}
		var s *strip
		if untouched {
			base.mu.Lock()
			s = base.s[k]
			base.mu.Unlock()
		}
		if s == nil {
			var err error
			if s, err = p.strip(k, rows); err != nil {
				return nil, err
			}
			if untouched {
				base.mu.Lock()
				base.s[k] = s
				base.mu.Unlock()
			}
		}
		out.Write(s.deflated)
		sum = adler32Combine(sum, s.adler, len(s.raw))
	}
	// A final empty block with fixed codes (BFINAL 1, BTYPE 01, end of
	// block), then the checksum, big-endian.
	out.Write([]byte{0x03, 0x00, byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
	return out.Bytes(), nil
}

// same reports whether s holds rows.
func (s *strip) same(rows iter.Seq[[]byte]) bool {
	raw := s.raw
	for row := range rows {
		if len(raw) < 1+len(row) || raw[0] != 0 || !bytes.Equal(raw[1:1+len(row)], row) {
			return false
		}
		raw = raw[1+len(row):]
	}
	return len(raw) == 0
}

// strip is the rows at k deflated on their own, from the kept strips when
// there.
func (p *pngStrips) strip(k stripKey, rows iter.Seq[[]byte]) (*strip, error) {
	p.mu.Lock()
	for _, s := range p.kept[k] {
		if s.same(rows) {
			p.mu.Unlock()
			return s, nil
		}
	}
	p.mu.Unlock()

	buf, _ := p.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer p.bufs.Put(buf)
	buf.Reset()
	for row := range rows {
		buf.WriteByte(0) // filter: none
		buf.Write(row)
	}
	raw := buf.Bytes()
	var d bytes.Buffer
	zw, _ := p.zw.Get().(*flate.Writer)
	if zw == nil {
		var err error
		if zw, err = flate.NewWriter(&d, flate.BestSpeed); err != nil {
			return nil, err
		}
	} else {
		zw.Reset(&d)
	}
	defer p.zw.Put(zw)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	// A sync flush ends the strip at a byte boundary and in no final
	// block, so the next strip's bytes can follow.
	if err := zw.Flush(); err != nil {
		return nil, err
	}
	s := &strip{raw: bytes.Clone(raw), deflated: d.Bytes(), adler: adler32.Checksum(raw)}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.size+len(raw) <= maxStripBytes && len(p.kept[k]) < maxStripsAt {
		p.kept[k] = append(p.kept[k], s)
		p.size += len(raw)
	}
	return s, nil
}

// adler32Combine is the Adler-32 of a+b from a's checksum, b's and b's
// length (zlib's adler32_combine).
func adler32Combine(a, b uint32, lenB int) uint32 {
	const base = 65521
	rem := uint32(lenB % base)
	sum1 := a & 0xffff
	sum2 := rem * sum1 % base
	sum1 += (b & 0xffff) + base - 1
	sum2 += (a >> 16) + (b >> 16) + base - rem
	if sum1 >= base {
		sum1 -= base
	}
	if sum1 >= base {
		sum1 -= base
	}
	if sum2 >= base<<1 {
		sum2 -= base << 1
	}
	if sum2 >= base {
		sum2 -= base
	}
	return sum1 | sum2<<16
}
