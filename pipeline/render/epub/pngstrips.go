package epub

import (
	"bytes"
	"hash/adler32"
	"hash/maphash"
	"image"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The covers of one build are alike: the band, the publisher and the
// title, the counters, the footer band and the blank paper between them
// are the same rows on every book; only the period and the tally differ.
// Deflating 4 million pixels per book was most of a monthly EPUB's fixed
// cost, so the pixels are deflated in strips of rows, each strip on its
// own (a fresh dictionary, ended by a sync flush at a byte boundary), and
// a strip's deflated bytes are kept for the next cover with the same rows.
// Concatenated, such strips are one valid deflate stream; the zlib
// checksum of the whole is combined from the strips' own.
const (
	stripRows     = 16       // rows of pixels a strip (26 KB at the cover's width)
	maxStripBytes = 12 << 20 // raw bytes of strips kept: the first covers' strips, then no more
)

// pngStrips keeps deflated strips of rows, found by the rows' hash and
// checked byte for byte. Safe for concurrent use.
type pngStrips struct {
	seed maphash.Seed // hashes only find strips: the output never depends on it
	mu   sync.Mutex
	kept map[uint64][]*strip
	size int       // raw bytes kept
	zw   sync.Pool // *flate.Writer
	bufs sync.Pool // *bytes.Buffer for a strip's raw rows
}

// strip is one run of rows, as PNG wants them (a filter byte before each
// row), deflated on its own, and its Adler-32.
type strip struct {
	raw, deflated []byte
	adler         uint32
}

func newPNGStrips() *pngStrips {
	return &pngStrips{seed: maphash.MakeSeed(), kept: map[uint64][]*strip{}}
}

// zlibPixels returns the zlib stream of img's rows (unfiltered), the
// content of a palette PNG's IDAT chunk.
func (p *pngStrips) zlibPixels(img *image.Paletted) ([]byte, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var out bytes.Buffer
	out.Grow(h * w / 40)
	out.Write([]byte{0x78, 0x01}) // deflate, 32 KB window, fastest: what zlib.BestSpeed writes
	var sum uint32 = 1            // Adler-32 of nothing
	buf, _ := p.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer p.bufs.Put(buf)
	for y0 := 0; y0 < h; y0 += stripRows {
		buf.Reset()
		for y := y0; y < min(y0+stripRows, h); y++ {
			i := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
			buf.WriteByte(0) // filter: none
			buf.Write(img.Pix[i : i+w])
		}
		s, err := p.strip(buf.Bytes())
		if err != nil {
			return nil, err
		}
		out.Write(s.deflated)
		sum = adler32Combine(sum, s.adler, len(s.raw))
	}
	// A final empty block with fixed codes (BFINAL 1, BTYPE 01, end of
	// block), then the checksum, big-endian.
	out.Write([]byte{0x03, 0x00, byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
	return out.Bytes(), nil
}

// strip is raw deflated on its own, from the kept strips when there.
func (p *pngStrips) strip(raw []byte) (*strip, error) {
	h := maphash.Bytes(p.seed, raw)
	p.mu.Lock()
	for _, s := range p.kept[h] {
		if bytes.Equal(s.raw, raw) {
			p.mu.Unlock()
			return s, nil
		}
	}
	p.mu.Unlock()

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
	if p.size+len(raw) <= maxStripBytes {
		for _, k := range p.kept[h] {
			if bytes.Equal(k.raw, raw) {
				return k, nil // kept meanwhile by another cover
			}
		}
		p.kept[h] = append(p.kept[h], s)
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
