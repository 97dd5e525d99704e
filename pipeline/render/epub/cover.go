package epub

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // a layout's crest
	_ "image/png"
	"maps"
	"slices"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"bulletin/layouts"
	"bulletin/pipeline/render/linebreak"
	"bulletin/pipeline/words"
)

// The cover image: the size Kindle, Kobo and Apple Books recommend (1:1.6).
const (
	coverWidth  = 1600
	coverHeight = 2560
	coverMargin = 150
	coverImage  = "images/cover.png" // relative to EPUB/
	coverID     = "cover"            // the id Calibre looks for (it renames any other)
)

// paper is the cover's background, a warm white that prints and displays
// well under the layout's colours.
var paper = color.RGBA{0xfb, 0xf9, 0xf4, 0xff}

// coverFaces are the layout's fonts, parsed once per render.
type coverFaces struct {
	serif, serifBold, serifItalic, sans, sansBold *opentype.Font
}

func loadCoverFaces(lay *layouts.Layout) (*coverFaces, error) {
	parse := func(name, fallback string) (*opentype.Font, error) {
		if strings.TrimSpace(name) == "" {
			name = fallback
		}
		data, err := lay.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := opentype.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", name, err)
		}
		return f, nil
	}
	var (
		c   coverFaces
		err error
	)
	fonts := lay.Fonts
	for _, p := range []struct {
		dst           **opentype.Font
		name, regular string
	}{
		{&c.serif, fonts.Text.Regular, fonts.Text.Regular},
		{&c.serifBold, fonts.Text.Bold, fonts.Text.Regular},
		{&c.serifItalic, fonts.Text.Italic, fonts.Text.Regular},
		{&c.sans, fonts.Heading.Regular, fonts.Text.Regular},
		{&c.sansBold, fonts.Heading.Bold, fonts.Heading.Regular},
	} {
		if *p.dst, err = parse(p.name, p.regular); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// canvas draws wrapped, centred or left-aligned text on the cover. It is
// a palette image from the start: flat fills and text blended in 16 levels
// need far fewer than 256 colours, and a byte a pixel is a quarter of the
// memory to fill and encode (a PNG several times smaller than full colour).
type canvas struct {
	img   *image.Paletted
	index map[color.RGBA]uint8 // palette entry of each colour used
	y     int                  // top of the next block
	masks *lineMasks           // the text's masks, shared by covers; nil: none kept
	// A kept head's strips (own), and on a copy of it, the head's (from)
	// and which strips of rows were drawn on since: the others are the
	// head's rows, so their deflated strips are the head's (pngstrips.go).
	// A copy's pixels are copied from the head a strip at a time, when
	// first drawn on: the rest of the 4 MB is never read.
	own, from *baseStrips
	touched   []bool // by strip of rows
}

// touch notes that the rows of r are about to be drawn on, copying them
// from the head first when c is a copy of one.
func (c *canvas) touch(r image.Rectangle) {
	if c.touched == nil {
		return
	}
	for y := r.Min.Y / stripRows; y <= (r.Max.Y-1)/stripRows && y < len(c.touched); y++ {
		if !c.touched[y] {
			c.touched[y] = true
			from := c.img.PixOffset(c.img.Rect.Min.X, c.img.Rect.Min.Y+y*stripRows)
			to := c.img.PixOffset(c.img.Rect.Min.X, min(c.img.Rect.Min.Y+(y+1)*stripRows, c.img.Rect.Max.Y))
			copy(c.img.Pix[from:to], c.from.img.Pix[from:to])
		}
	}
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewPaletted(image.Rect(0, 0, w, h), nil), index: map[color.RGBA]uint8{}}
}

// colour is the palette entry of col (opaque), added when new. A full
// palette gives the nearest entry: only text drawn over text could need
// more colours, and the nearest is then indistinguishable.
func (c *canvas) colour(col color.RGBA) uint8 {
	col.A = 0xff
	if n, ok := c.index[col]; ok {
		return n
	}
	if len(c.img.Palette) == 256 {
		return uint8(c.img.Palette.Index(col))
	}
	n := uint8(len(c.img.Palette))
	c.img.Palette = append(c.img.Palette, col)
	c.index[col] = n
	return n
}

// textStyle is one kind of line on the cover.
type textStyle struct {
	font     *opentype.Font
	size     float64 // pixels
	leading  float64 // line height as a multiple of size
	colour   color.Color
	tracking float64 // extra pixels between letters
	upper    bool
	centre   bool
}

// styledFace is a textStyle opened as a font.Face at its size.
type styledFace struct {
	textStyle
	face    font.Face
	track   fixed.Int26_6
	ascent  fixed.Int26_6
	descent fixed.Int26_6
}

func (st textStyle) open() (*styledFace, error) {
	// At 72 DPI a point is a pixel. No hinting: advances, kerning and
	// tracking keep their fractions, as the PDF's do.
	f, err := opentype.NewFace(st.font, &opentype.FaceOptions{Size: st.size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	face := &kernedFace{Face: f, font: st.font, ppem: fixed.Int26_6(st.size*64 + 0.5)}
	m := face.Metrics()
	return &styledFace{textStyle: st, face: face, track: fixed.Int26_6(st.tracking * 64), ascent: m.Ascent, descent: m.Descent}, nil
}

// kernedFace corrects the Kern of an opentype face, which scales the
// font's kerning to a fixed size whatever the face's size
// (https://go.dev/issue/46727): at the cover's sizes the pairs would barely
// move. font.Drawer and font.MeasureString call this Kern instead.
type kernedFace struct {
	font.Face
	font *opentype.Font
	ppem fixed.Int26_6
	buf  sfnt.Buffer
}

func (f *kernedFace) Kern(r0, r1 rune) fixed.Int26_6 {
	x0, err0 := f.font.GlyphIndex(&f.buf, r0)
	x1, err1 := f.font.GlyphIndex(&f.buf, r1)
	if err0 != nil || err1 != nil || x0 == 0 || x1 == 0 {
		return 0
	}
	k, err := f.font.Kern(&f.buf, x0, x1, f.ppem, font.HintingNone)
	if err != nil {
		return 0 // no kerning table, or no pair
	}
	return k
}

func (s *styledFace) lineHeight() int { return int(s.size*s.leading + 0.5) }

// glyphs counts the runes of line the face draws (font.Drawer skips the
// ones the font lacks).
func (s *styledFace) glyphs(line string) int {
	n := 0
	for _, r := range line {
		if _, ok := s.face.GlyphAdvance(r); ok {
			n++
		}
	}
	return n
}

// width measures a line, with kerning and tracking.
func (s *styledFace) width(line string) fixed.Int26_6 {
	w := font.MeasureString(s.face, line)
	if s.track != 0 {
		w += s.track * fixed.Int26_6(max(s.glyphs(line)-1, 0))
	}
	return w
}

// draw draws line into dst from dot, adding the tracking between letters:
// font.Drawer's DrawString, glyph by glyph, with the glyphs composited by
// overOpaque (draw.DrawMask has no fast path for an alpha image and took
// most of a cover's text).
func (s *styledFace) draw(dst *image.Alpha, dot fixed.Point26_6, line string) {
	prev := rune(-1)
	for _, r := range line {
		if s.track != 0 {
			// Tracked letters skip what the font lacks, so the tracking
			// falls between drawn glyphs only (glyphs, width).
			if _, ok := s.face.GlyphAdvance(r); !ok {
				continue
			}
		}
		if prev >= 0 {
			dot.X += s.face.Kern(prev, r) + s.track
		}
		dr, mask, mp, advance, _ := s.face.Glyph(dot, r)
		if !dr.Empty() {
			overOpaque(dst, dr, mask, mp)
		}
		dot.X += advance
		prev = r
	}
}

// overOpaque is draw.DrawMask(dst, r, image.Opaque, image.Point{}, mask,
// mp, draw.Over), pixel for pixel, without the per-pixel interface calls
// of draw's general path.
func overOpaque(dst *image.Alpha, r image.Rectangle, mask image.Image, mp image.Point) {
	m, ok := mask.(*image.Alpha)
	if !ok {
		draw.DrawMask(dst, r, image.Opaque, image.Point{}, mask, mp, draw.Over)
		return
	}
	// draw.DrawMask's clipping, the source being unbounded.
	orig := r.Min
	r = r.Intersect(dst.Rect).Intersect(m.Rect.Add(orig.Sub(mp)))
	if r.Empty() {
		return
	}
	mp = mp.Add(r.Min.Sub(orig))
	const full = 0xffff
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d := dst.Pix[dst.PixOffset(r.Min.X, y):][:r.Dx()]
		ms := m.Pix[m.PixOffset(mp.X, mp.Y+y-r.Min.Y):][:len(d)]
		for i, mv := range ms {
			switch {
			case mv == 0:
				continue
			case d[i] == 0:
				// Over nothing (glyphs seldom overlap): the formula
				// below gives the mask itself.
				d[i] = mv
				continue
			}
			// draw's Over in 16 bits with an opaque source: a mask of ma
			// keeps full-ma of the destination and adds ma.
			ma := uint32(mv) * 0x101
			da := uint32(d[i]) * 0x101
			d[i] = uint8((da*(full-ma) + full*ma) / full >> 8)
		}
	}
}

// wrap breaks text into lines no wider than max pixels by the project's
// line breaker (never at a no-break space), inside a word only when the
// word alone is too wide.
func (s *styledFace) wrap(text string, maxPx int) []string {
	if s.upper {
		text = strings.ToUpper(text)
	}
	return linebreak.Wrap(text, float64(maxPx), func(t string) float64 { return float64(s.width(t)) / 64 })
}

// dropEdgeDots removes the "·" separators a break left at a line's end or
// start: the break itself separates there.
func dropEdgeDots(lines []string) []string {
	for i, l := range lines {
		l = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), "·"))
		lines[i] = strings.TrimSpace(strings.TrimPrefix(l, "·"))
	}
	return lines
}

func widestWord(s *styledFace, text string) fixed.Int26_6 {
	var w fixed.Int26_6
	for _, word := range strings.FieldsFunc(text, linebreak.BreakableSpace) {
		w = max(w, s.width(word))
	}
	return w
}

// block draws lines from the canvas's y within [x0, x1), one under the
// other, and moves y below them.
func (c *canvas) block(s *styledFace, lines []string, x0, x1 int) {
	lh := s.lineHeight()
	// Put the text's ascent-to-descent box in the middle of each line box.
	asc := (fixed.I(lh)-s.ascent-s.descent)/2 + s.ascent
	col := color.RGBAModel.Convert(s.colour).(color.RGBA)
	for _, line := range lines {
		x := fixed.I(x0)
		if s.centre {
			x = (fixed.I(x0+x1) - s.width(line)) / 2
		}
		// The baseline on a whole pixel keeps the letters' feet sharp.
		base := fixed.I((fixed.I(c.y) + asc).Round())
		c.text(s, line, fixed.Point26_6{X: x, Y: base}, col)
		c.y += lh
	}
}

// text draws one line with its origin at dot (on a whole pixel
// vertically). The glyphs go into a coverage mask first (lineMasks); the
// mask is then blended onto the cover in col with coverage rounded to 16
// levels, so the cover keeps within a 256-colour palette (a PNG several
// times smaller, the same look).
func (c *canvas) text(s *styledFace, line string, dot fixed.Point26_6, col color.RGBA) {
	mask := c.masks.mask(s, line, dot.X)
	if mask == nil {
		return
	}
	dy := dot.Y.Floor()
	r := mask.Rect.Add(image.Pt(0, dy)).Intersect(c.img.Rect)
	if r.Empty() {
		return
	}
	c.touch(r)
	// The entry of each background entry and level, once worked out: a
	// line has a handful of them and thousands of pixels. 0 is unknown,
	// else the entry plus one.
	var memo [256 * 16]uint16
	w := r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		// A row of the mask and of the cover, indexed alike.
		cov := mask.Pix[mask.PixOffset(r.Min.X, y-dy):][:w]
		row := c.img.Pix[c.img.PixOffset(r.Min.X, y):][:w]
		for x, a := range cov {
			level := coverageLevel[a]
			if level == 0 {
				continue
			}
			m := &memo[uint32(row[x])*16+level]
			if *m == 0 {
				bg := c.img.Palette[row[x]].(color.RGBA)
				*m = uint16(c.colour(color.RGBA{blend(bg.R, col.R, level), blend(bg.G, col.G, level), blend(bg.B, col.B, level), 0xff})) + 1
			}
			row[x] = uint8(*m - 1)
		}
	}
}

// clone is a copy of the canvas to draw on, leaving c as it is; its
// pixels go into pix when it is large enough. The copy of a kept head
// (own) takes its rows from the head as it draws on them (touch).
func (c *canvas) clone(pix []byte) *canvas {
	img := *c.img
	if c.own != nil && cap(pix) >= len(c.img.Pix) {
		img.Pix = pix[:len(c.img.Pix)]
	} else {
		img.Pix = append(pix[:0], c.img.Pix...)
	}
	img.Palette = slices.Clone(c.img.Palette)
	cl := &canvas{img: &img, index: maps.Clone(c.index), y: c.y, masks: c.masks}
	if c.own != nil {
		cl.from, cl.touched = c.own, make([]bool, (c.img.Rect.Dy()+stripRows-1)/stripRows)
	}
	return cl
}

// coverageLevel is a mask's coverage (0..255) rounded to the 16 levels
// text is blended at.
var coverageLevel = func() (t [256]uint32) {
	for a := range t {
		t[a] = (uint32(a)*15 + 127) / 255
	}
	return t
}()

func blend(bg, fg uint8, level uint32) uint8 {
	return uint8((uint32(bg)*(15-level) + uint32(fg)*level + 7) / 15)
}

// rect fills a rectangle (clipped to the cover) with col, made opaque.
func (c *canvas) rect(x0, y0, x1, y1 int, col color.RGBA) {
	r := image.Rect(x0, y0, x1, y1).Intersect(c.img.Rect)
	if r.Empty() {
		return
	}
	n := c.colour(col)
	c.touch(r)
	first := c.img.Pix[c.img.PixOffset(r.Min.X, r.Min.Y):c.img.PixOffset(r.Max.X, r.Min.Y)]
	for i := range first {
		first[i] = n
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		i := c.img.PixOffset(r.Min.X, y)
		copy(c.img.Pix[i:i+len(first)], first)
	}
}

func rgb(c layouts.Colour) color.RGBA {
	return color.RGBA{uint8(c.R), uint8(c.G), uint8(c.B), 0xff}
}

// coverArt is what every cover a Renderer draws shares: the layout's
// faces, parsed once, and the top of the cover (the band with the
// publisher, the title), which is the same on every book of a build: it
// is drawn once for each publisher, title and scale and copied for each
// cover. Safe for concurrent use.
type coverArt struct {
	lay    *layouts.Layout
	faces  func() (*coverFaces, error)
	logo   func() (image.Image, error) // the layout's crest, decoded; nil when none
	mu     sync.Mutex
	heads  map[coverHead]*canvas // drawn canvases, never drawn on again
	strips *pngStrips            // the PNG's pixels, deflated in strips shared by covers
	masks  *lineMasks            // the text lines drawn on more than one cover
	pix    sync.Pool             // *[]byte: pixels of covers drawn and encoded, to draw the next on
}

// coverHead is what the top of a cover depends on, beside the layout.
type coverHead struct {
	publisher, title string
	scale            float64
}

// maxHeads bounds the tops kept (see pngStrips on the caches' life): a
// build has one or two; more are drawn
// afresh each time rather than kept.
const maxHeads = 8

func newCoverArt(lay *layouts.Layout) *coverArt {
	return &coverArt{lay: lay, faces: sync.OnceValues(func() (*coverFaces, error) { return loadCoverFaces(lay) }),
		logo:  sync.OnceValues(func() (image.Image, error) { return decodeLogo(lay) }),
		heads: map[coverHead]*canvas{}, strips: newPNGStrips(), masks: newLineMasks()}
}

// decodeLogo is the layout's crest as a picture to draw, or nil.
func decodeLogo(lay *layouts.Layout) (image.Image, error) {
	m := lay.Masthead()
	if m == nil {
		return nil, nil
	}
	img, _, err := image.Decode(bytes.NewReader(m.Data))
	if err != nil {
		return nil, fmt.Errorf("decode the layout's logo: %w", err)
	}
	return img, nil
}

// coverPNG draws the cover: publisher on a band of the accent colour, the
// title, the period, the publication date and clocks, the counters, and
// the number of items per type — the PDF cover's content, as a picture.
// The drawing is pure Go arithmetic, so the same cover gives the same bytes.
func (a *coverArt) coverPNG(b *book) ([]byte, error) {
	faces, err := a.faces()
	if err != nil {
		return nil, fmt.Errorf("epub: cover image: %w", err)
	}
	// Long counters or many types: shrink everything until it fits.
	for scale := 1.0; ; scale -= 0.05 {
		c, fits, err := a.drawCover(b, faces, scale)
		if err != nil {
			return nil, fmt.Errorf("epub: cover image: %w", err)
		}
		img := c.img
		if fits || scale < 0.55 {
			data, err := a.encode(c)
			a.pix.Put(&img.Pix)
			if err != nil {
				return nil, fmt.Errorf("epub: cover image: %w", err)
			}
			return data, nil
		}
		a.pix.Put(&img.Pix)
	}
}

// encode writes img as a PNG. image/png deflates with a new compress/flate
// writer each time, slowly on the cover's long runs of one colour; the
// pixels are deflated by klauspost/compress in strips that the covers of
// a build share (pngStrips). The rows are unfiltered, as image/png writes
// a palette image's.
func (a *coverArt) encode(c *canvas) ([]byte, error) {
	img := c.img
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		out.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		out.WriteString(kind)
		out.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		out.Write(n[:])
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 3 // 8 bits an index, a palette image
	chunk("IHDR", ihdr)
	plte := make([]byte, 0, 3*len(img.Palette))
	for _, c := range img.Palette {
		r, g, b, _ := c.RGBA()
		plte = append(plte, uint8(r>>8), uint8(g>>8), uint8(b>>8))
	}
	chunk("PLTE", plte)
	idat, err := a.strips.zlibPixels(img, c.from, c.touched)
	if err != nil {
		return nil, err
	}
	chunk("IDAT", idat)
	chunk("IEND", nil)
	return out.Bytes(), nil
}

// head is the top of a cover at scale (the band, the publisher, the rule
// and the title) and the faces it was drawn with, from the shared ones
// when drawn before; the caller draws on a copy.
func (a *coverArt) head(b *book, f *coverFaces, scale float64) (*canvas, error) {
	key := coverHead{publisher: firstNonEmpty(b.ed.Cover.Publisher, b.author), title: b.coverTitle, scale: scale}
	a.mu.Lock()
	c, ok := a.heads[key]
	a.mu.Unlock()
	if ok {
		return c.clone(a.pixels()), nil
	}
	logo, err := a.logo()
	if err != nil {
		return nil, err
	}
	c, err = drawHead(a.lay, key, f, logo)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.heads) < maxHeads {
		c.own = newBaseStrips(c.img)
		a.heads[key] = c
		c = c.clone(a.pixels())
	}
	a.mu.Unlock()
	return c, nil
}

// pixels is a buffer for a cover's pixels: one of a cover drawn before
// (a cover is 4 MB, and a build draws one per book), or none.
func (a *coverArt) pixels() []byte {
	if p, ok := a.pix.Get().(*[]byte); ok {
		return *p
	}
	return nil
}

// Sizes of the cover's text, in pixels at scale 1, and its styles.
func coverStyles(f *coverFaces, lay *layouts.Layout, scale float64) []textStyle {
	accent, text, muted := rgb(lay.Colours.Accent), rgb(lay.Colours.Text), rgb(lay.Colours.Muted)
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	px := func(v float64) float64 { return v * scale }
	return []textStyle{
		{font: f.sansBold, size: px(58), leading: 1.35, colour: white, tracking: px(7), upper: true, centre: true}, // 0 publisher
		{font: f.serifBold, size: px(150), leading: 1.12, colour: accent, centre: true},                            // 1 title
		{font: f.serif, size: px(92), leading: 1.25, colour: text, centre: true},                                   // 2 period
		{font: f.sans, size: px(50), leading: 1.4, colour: muted, centre: true},                                    // 3 published
		{font: f.sans, size: px(42), leading: 1.4, colour: muted, centre: true},                                    // 4 clocks
		{font: f.serifItalic, size: px(54), leading: 1.35, colour: text},                                           // 5 counters
		{font: f.sans, size: px(42), leading: 1.45, colour: muted, centre: true},                                   // 6 tally
		{font: f.sansBold, size: px(40), leading: 1.3, colour: white, tracking: px(5), upper: true, centre: true},  // 7 footer
	}
}

// The crest on the cover image, in pixels at scale 1: a box as high as two
// lines of the title, centred between the band and the title. The band is
// narrower with a crest, so the title moves down less.
const (
	crestHeight   = 340
	crestMaxWidth = 700
	crestBand     = 460 // the band's height with a crest (600 without)
	crestAbove    = 90  // from the band's rule to the crest
	crestBelow    = 110 // from the crest to the title
)

// drawHead draws the top of a cover: the band with the publisher in
// white capitals, the rule under it, the layout's crest if any, and the
// title.
func drawHead(lay *layouts.Layout, key coverHead, f *coverFaces, logo image.Image) (*canvas, error) {
	styles := coverStyles(f, lay, key.scale)
	px := func(v float64) float64 { return v * key.scale }
	accent, rule := rgb(lay.Colours.Accent), rgb(lay.Colours.Rule)
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	left, right := coverMargin, coverWidth-coverMargin
	publisher, err := styles[0].open()
	if err != nil {
		return nil, err
	}
	title, err := styles[1].open()
	if err != nil {
		return nil, err
	}
	// A title word wider than the page shrinks the title rather than break.
	for title.size > px(70) && widestWord(title, key.title) > fixed.I(right-left) {
		st := title.textStyle
		st.size *= 0.92
		if title, err = st.open(); err != nil {
			return nil, err
		}
	}
	c := newCanvas(coverWidth, coverHeight)
	c.rect(0, 0, coverWidth, coverHeight, paper)

	// The band: publisher in white capitals, vertically centred.
	band := int(px(600))
	if logo != nil {
		band = int(px(crestBand))
	}
	pub := publisher.wrap(key.publisher, right-left-40)
	c.rect(0, 0, coverWidth, band, accent)
	c.rect(left, band-int(px(70)), right, band-int(px(70))+3, white)
	c.y = (band - int(px(70)) - len(pub)*publisher.lineHeight()) / 2
	c.block(publisher, pub, left, right)
	c.rect(0, band, coverWidth, band+int(px(10)), rule)

	c.y = band + int(px(230))
	if logo != nil {
		lb := logo.Bounds()
		h := int(px(crestHeight))
		w := max(1, h*lb.Dx()/lb.Dy())
		if maxW := int(px(crestMaxWidth)); w > maxW {
			w, h = maxW, max(1, maxW*lb.Dy()/lb.Dx())
		}
		top := band + int(px(10)) + int(px(crestAbove)) + (int(px(crestHeight))-h)/2
		c.picture(logo, image.Rect(coverWidth/2-w/2, top, coverWidth/2-w/2+w, top+h))
		c.y = band + int(px(10)) + int(px(crestAbove)) + int(px(crestHeight)) + int(px(crestBelow))
	}
	c.block(title, title.wrap(key.title, right-left), left, right)
	return c, nil
}

// crestColours bounds the palette entries a crest takes on the cover,
// leaving the rest of the 256 to the text's blended edges.
const crestColours = 64

// picture draws img scaled into r over the paper. The cover is a palette
// image: the scaled picture is reduced to its crestColours most frequent
// colours (ties broken by value, so the same picture gives the same
// bytes) with Floyd–Steinberg dithering, which keeps a crest's flat
// colours exact and its smooth edges smooth.
func (c *canvas) picture(img image.Image, r image.Rectangle) {
	r = r.Intersect(c.img.Rect)
	if r.Empty() {
		return
	}
	c.touch(r)
	scaled := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	xdraw.Draw(scaled, scaled.Bounds(), image.NewUniform(paper), image.Point{}, xdraw.Src)
	xdraw.CatmullRom.Scale(scaled, scaled.Bounds(), img, img.Bounds(), xdraw.Over, nil)
	counts := map[color.RGBA]int{}
	for i := 0; i < len(scaled.Pix); i += 4 {
		counts[color.RGBA{scaled.Pix[i], scaled.Pix[i+1], scaled.Pix[i+2], 0xff}]++
	}
	cols := slices.SortedFunc(maps.Keys(counts), func(a, b color.RGBA) int {
		if n := counts[b] - counts[a]; n != 0 {
			return n
		}
		return int(uint32(a.R)<<16|uint32(a.G)<<8|uint32(a.B)) - int(uint32(b.R)<<16|uint32(b.G)<<8|uint32(b.B))
	})
	pal := make(color.Palette, 0, crestColours)
	for _, col := range cols[:min(len(cols), crestColours)] {
		pal = append(pal, col)
	}
	dithered := image.NewPaletted(scaled.Bounds(), pal)
	draw.FloydSteinberg.Draw(dithered, dithered.Bounds(), scaled, image.Point{})
	entry := make([]uint8, len(pal))
	for i, col := range pal {
		entry[i] = c.colour(col.(color.RGBA))
	}
	for y := 0; y < r.Dy(); y++ {
		row := c.img.Pix[c.img.PixOffset(r.Min.X, r.Min.Y+y):]
		for x, p := range dithered.Pix[y*dithered.Stride : y*dithered.Stride+r.Dx()] {
			row[x] = entry[p]
		}
	}
}

func (a *coverArt) drawCover(b *book, f *coverFaces, scale float64) (*canvas, bool, error) {
	lay := a.lay
	cv := b.ed.Cover
	accent, rule := rgb(lay.Colours.Accent), rgb(lay.Colours.Rule)
	left, right := coverMargin, coverWidth-coverMargin
	px := func(v float64) float64 { return v * scale }
	c, err := a.head(b, f, scale)
	if err != nil {
		return nil, false, err
	}
	c.masks = a.masks
	var faces [8]*styledFace
	for i, st := range coverStyles(f, lay, scale) {
		if i < 2 {
			continue // drawn in the head
		}
		if faces[i], err = st.open(); err != nil {
			return nil, false, err
		}
	}
	if cv.Period != "" {
		c.y += int(px(20))
		c.block(faces[2], faces[2].wrap(cv.Period, right-left), left, right)
	}
	c.y += int(px(70))
	c.rect(coverWidth/2-int(px(130)), c.y, coverWidth/2+int(px(130)), c.y+int(px(6)), accent)
	c.y += int(px(70))
	if cv.Published != "" {
		label := firstNonEmpty(b.ed.Meta.Labels.Published, "Published")
		c.block(faces[3], faces[3].wrap(label+" "+cv.Published, right-left), left, right)
	}
	if len(cv.Clocks) > 0 {
		parts := make([]string, len(cv.Clocks))
		for i, k := range cv.Clocks {
			parts[i] = strings.ReplaceAll(k.Place, " ", "\u00a0") + "\u00a0" + k.Time
		}
		c.block(faces[4], dropEdgeDots(faces[4].wrap(strings.Join(parts, "  ·  "), right-left)), left, right)
	}

	// Counters: a claret bar beside each sentence.
	c.y += int(px(110))
	bar := int(px(12))
	indent := bar + int(px(40))
	for _, k := range cv.Counters {
		lines := faces[5].wrap(k, right-left-indent)
		top := c.y
		c.block(faces[5], lines, left+indent, right)
		c.rect(left, top+int(px(8)), left+bar, c.y-int(px(8)), accent)
		c.y += int(px(50))
	}

	// The tally and the total, above the footer band.
	footer := int(px(150))
	var tally []string
	for _, t := range cv.Tally {
		tally = append(tally, strings.ReplaceAll(t.Name, " ", "\u00a0")+"\u00a0"+words.Number(t.Count, b.lang))
	}
	var tallyLines []string
	if len(tally) > 0 {
		tallyLines = dropEdgeDots(faces[6].wrap(strings.Join(tally, "   ·   "), right-left))
	}
	tallyTop := coverHeight - footer - int(px(90)) - len(tallyLines)*faces[6].lineHeight()
	fits := c.y <= tallyTop-int(px(60))
	if len(tallyLines) > 0 {
		c.rect(left, tallyTop-int(px(50)), right, tallyTop-int(px(50))+2, rule)
		c.y = tallyTop
		c.block(faces[6], tallyLines, left, right)
	}
	c.rect(0, coverHeight-footer, coverWidth, coverHeight, accent)
	if cv.Total > 0 {
		lines := faces[7].wrap(cv.TotalText, right-left)
		c.y = coverHeight - footer + (footer-len(lines)*faces[7].lineHeight())/2
		c.block(faces[7], lines, left, right)
	}
	return c, fits, nil
}
