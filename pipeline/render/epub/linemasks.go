package epub

import (
	"image"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Most of a cover's text is the same on every cover of a build: the
// publication date, the clocks, the counters (all as of the publication
// date), often the tally and the total. Rasterising a line's glyphs was
// the largest part of drawing a cover, so the coverage mask of a line
// drawn on a second cover is kept for the next ones. A line drawn once
// (the period) is only noted, not kept, so the masks kept are those of
// lines that recur.
//
// A mask is drawn with its baseline at y = 0: the cover puts every
// baseline on a whole pixel, and glyphs rasterised a whole number of
// pixels lower are the same pixels moved down, so one mask serves any
// line height. Drawn whole (not clipped to the cover), the mask has the
// same pixels inside the cover as one drawn there.
type lineMasks struct {
	mu   sync.Mutex
	seen map[lineKey]bool
	kept map[lineKey]*image.Alpha
	size int // bytes of masks kept
}

// lineKey is what a line's mask depends on: the font at its size, the
// tracking, the text, and where in its pixel the line starts.
type lineKey struct {
	font           *opentype.Font
	size, tracking float64
	line           string
	x              fixed.Int26_6
}

const (
	maxLineMaskBytes = 8 << 20 // masks kept: a counter's line is about 100 KB
	maxLinesSeen     = 4096    // lines noted as drawn once
)

func newLineMasks() *lineMasks {
	return &lineMasks{seen: map[lineKey]bool{}, kept: map[lineKey]*image.Alpha{}}
}

// mask is the coverage of line drawn by s with its origin at (x, 0), or
// nil when it covers nothing. Masks returned are never written to.
// m may be nil: the mask is then drawn and not kept.
func (m *lineMasks) mask(s *styledFace, line string, x fixed.Int26_6) *image.Alpha {
	k := lineKey{font: s.font, size: s.size, tracking: s.tracking, line: line, x: x}
	if m != nil {
		m.mu.Lock()
		a, ok := m.kept[k]
		m.mu.Unlock()
		if ok {
			return a
		}
	}
	a := drawLine(s, line, x)
	if m == nil || a == nil {
		return a
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch n := len(a.Pix); {
	case !m.seen[k]:
		if len(m.seen) < maxLinesSeen {
			m.seen[k] = true
		}
	case m.size+n <= maxLineMaskBytes:
		m.kept[k] = a
		m.size += n
	}
	return a
}

// drawLine rasterises line with its origin at (x, 0), within its bounds
// and a pixel more on each side.
func drawLine(s *styledFace, line string, x fixed.Int26_6) *image.Alpha {
	dot := fixed.Point26_6{X: x}
	b, _ := font.BoundString(s.face, line)
	if b.Empty() {
		return nil
	}
	b.Max.X += s.track * fixed.Int26_6(max(s.glyphs(line)-1, 0))
	b = b.Add(dot)
	r := image.Rect(b.Min.X.Floor()-1, b.Min.Y.Floor()-1, b.Max.X.Ceil()+1, b.Max.Y.Ceil()+1)
	if r.Empty() {
		return nil
	}
	a := image.NewAlpha(r)
	s.draw(a, dot, line)
	return a
}
