// Package pdf renders one month of news items as a PDF bulletin: a cover,
// a linked table of contents, the items under type headings, a running
// header, "Page N of M" footers, an outline and document metadata.
//
// The document is laid out twice: the first pass learns the page count and
// each item's page, the second prints them. fpdf's {nb} alias is not used
// because its digits can be missing from a subset UTF-8 font.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"bulletin/pipeline/render/pdf/hyphen"

	"bulletin/layouts"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

// Font families as registered in every fpdf document.
const (
	faceText    = "text"
	faceHeading = "heading"
	faceMono    = "mono"
)

// Renderer holds what every document shares: the layout, the Markdown
// converter and the font bytes. It is read-only after New, so several
// goroutines may call Render at once.
type Renderer struct {
	lay      *layouts.Layout
	md       *markup.Converter
	pageSize string // fpdf size name: "A4" or "Letter"
	fonts    []fontFile
	cover    *coverage // runes every registered font can draw
	// cleanASCII says which ASCII bytes clean keeps as they are.
	cleanASCII [utf8.RuneSelf]bool
	metrics    map[faceStyle]*fontMetrics
	subst      string // what a missing rune is printed as

	hyph       map[string]*hyphen.Patterns // by language
	hyphLangs  []string                    // hyph's keys, sorted
	hyphenated hyphenCache                 // words' break points, for every document
	icc        []byte                      // output intent profile, if any
	deflate    deflaters                   // page compression (fpdf's is off)
	bufs       sync.Pool                   // *bytes.Buffer for a document's bytes (Render)
	mast       *imageRef                   // the layout's crest for the cover, if any
	mastAlt    string
	// wordByWord draws every word with a text operator of its own (no
	// whole lines, no runs): tests compare the two drawings.
	wordByWord bool
}

// faceStyle names a font: a family ("text", "heading") and a style ("", "B", "I", "BI").
type faceStyle struct{ face, style string }

// fontFile is one style of one family, ready for AddUTF8FontFromBytes.
type fontFile struct {
	family, style string
	name          string // in the layout
	data          []byte
}

// New loads the layout's fonts once. pageSize "A4" or "Letter" ("" = layout's).
func New(lay *layouts.Layout, md *markup.Converter, pageSize string) (*Renderer, error) {
	if lay == nil || md == nil {
		return nil, errors.New("pdf: new: layout and markup converter are required")
	}
	if pageSize == "" {
		pageSize = lay.Page.Size
	}
	var size string
	switch strings.ToUpper(pageSize) {
	case "A4":
		size = "A4"
	case "LETTER":
		size = "Letter"
	default:
		return nil, fmt.Errorf("pdf: new: page size %q: use A4 or Letter", pageSize)
	}
	r := &Renderer{lay: lay, md: md, pageSize: size}
	parsed := map[string][]byte{} // file name -> bytes, each read once
	for _, fc := range []struct {
		family string
		face   layouts.Face
	}{{faceText, lay.Fonts.Text}, {faceHeading, lay.Fonts.Heading}, {faceMono, monoFace(lay)}} {
		files, err := r.loadFace(fc.family, fc.face, parsed)
		if err != nil {
			return nil, err
		}
		r.fonts = append(r.fonts, files...)
	}
	// The hyphenation patterns (an English file of 100 KB: about 10 ms)
	// are parsed while the fonts' facts are read.
	r.hyphLangs = slices.Sorted(maps.Keys(lay.Hyphenation))
	patterns := make([]*hyphen.Patterns, len(r.hyphLangs))
	hyphErrs := make([]error, len(r.hyphLangs))
	var hwg sync.WaitGroup
	for i, lang := range r.hyphLangs {
		hwg.Add(1)
		go func() {
			defer hwg.Done()
			patterns[i], hyphErrs[i] = parseHyphenation(lay, lay.Hyphenation[lang])
		}()
	}
	// Each file's facts are read on a core of their own (a look-up of
	// every rune in each), then the coverages are intersected.
	names := slices.Sorted(maps.Keys(parsed))
	metrics := make([]*fontMetrics, len(names))
	covers := make([]*coverage, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			covers[i] = newCoverage()
			metrics[i], errs[i] = fontFacts(name, parsed[name], covers[i])
		}()
	}
	wg.Wait()
	hwg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cov := newCoverage()
	byFile := map[string]*fontMetrics{}
	for i, name := range names {
		cov.intersect(covers[i])
		byFile[name] = metrics[i]
	}
	r.cover = cov
	for c := range r.cleanASCII {
		r.cleanASCII[c] = c >= 0x20 && c != 0x7f && cov.has(rune(c))
	}
	r.metrics = map[faceStyle]*fontMetrics{}
	for i := range r.fonts {
		r.metrics[faceStyle{r.fonts[i].family, r.fonts[i].style}] = byFile[r.fonts[i].name]
	}
	if err := errors.Join(hyphErrs...); err != nil {
		return nil, err
	}
	r.hyph = map[string]*hyphen.Patterns{}
	for i, lang := range r.hyphLangs {
		r.hyph[lang] = patterns[i]
	}
	if lay.OutputIntent != "" {
		icc, err := lay.ReadFile(lay.OutputIntent)
		if err != nil {
			return nil, fmt.Errorf("pdf: output intent: %w", err)
		}
		r.icc = icc
	}
	if m := lay.Masthead(); m != nil {
		p := prepareImage(news.Image{MediaType: m.MediaType, Data: m.Data, Width: m.Width, Height: m.Height})
		if p.ref == nil {
			return nil, fmt.Errorf("pdf: layout.yaml logo.file: it %s", p.why)
		}
		r.mast, r.mastAlt = p.ref, m.Alt
	}
	// A white square or the replacement character shows plainly that
	// something is missing; PT Serif and PT Sans have neither, hence "?".
	r.subst = "?"
	for _, c := range []rune{'□', '\ufffd'} {
		if cov.has(c) {
			r.subst = string(c)
			break
		}
	}
	return r, nil
}

// parseHyphenation reads and parses the layout's pattern file name.
func parseHyphenation(lay *layouts.Layout, name string) (*hyphen.Patterns, error) {
	data, err := lay.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("pdf: hyphenation: %w", err)
	}
	p, err := hyphen.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("pdf: hyphenation %s: %w", name, err)
	}
	return p, nil
}

// loadFace reads the four styles of a family; a missing style falls back to
// the nearest one given (bold italic to bold, then italic, then regular).
// monoFace is the layout's face for code: its mono face, or for a layout
// that names none, its heading face.
func monoFace(lay *layouts.Layout) layouts.Face {
	if lay.Fonts.Mono.Regular != "" {
		return lay.Fonts.Mono
	}
	return lay.Fonts.Heading
}

func (r *Renderer) loadFace(family string, face layouts.Face, cache map[string][]byte) ([]fontFile, error) {
	read := func(name string) ([]byte, error) {
		if b, ok := cache[name]; ok {
			return b, nil
		}
		b, err := r.lay.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("pdf: load font %s: %w", name, err)
		}
		cache[name] = b
		return b, nil
	}
	pick := func(names ...string) string {
		for _, n := range names {
			if n != "" {
				return n
			}
		}
		return ""
	}
	styles := []struct{ style, name string }{
		{"", face.Regular},
		{"B", pick(face.Bold, face.Regular)},
		{"I", pick(face.Italic, face.Regular)},
		{"BI", pick(face.BoldItalic, face.Bold, face.Italic, face.Regular)},
	}
	var out []fontFile
	for _, s := range styles {
		if s.name == "" {
			return nil, fmt.Errorf("pdf: load font: family %s has no regular face", family)
		}
		b, err := read(s.name)
		if err != nil {
			return nil, err
		}
		out = append(out, fontFile{family: family, style: s.style, name: s.name, data: b})
	}
	return out, nil
}

// coverage is a bit set of the runes in the Basic Multilingual Plane that
// every font has a glyph for. It is computed once so that Render needs no
// font parser (and no lock).
type coverage struct{ bits [0x10000 / 64]uint64 }

func (c *coverage) has(r rune) bool {
	return r >= 0 && r < 0x10000 && c.bits[r/64]&(1<<(uint(r)%64)) != 0
}

// newCoverage is a full set: fontFacts clears what each font lacks.
func newCoverage() *coverage {
	c := &coverage{}
	for i := range c.bits {
		c.bits[i] = ^uint64(0)
	}
	return c
}

func (c *coverage) clear(r rune) { c.bits[r/64] &^= 1 << (uint(r) % 64) }

func (c *coverage) intersect(o *coverage) {
	for i := range c.bits {
		c.bits[i] &= o.bits[i]
	}
}

// Render writes one monthly bulletin: ed.Months has exactly one month (error otherwise).
// It returns warnings (news.Problem with Severity news.Warning, At = the item's first Origin) e.g. for characters the fonts lack.
func (r *Renderer) Render(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error) {
	if len(ed.Months) != 1 {
		return nil, fmt.Errorf("pdf: render: edition has %d months, want exactly one", len(ed.Months))
	}
	// The compressed file is hundreds of kilobytes (four font subsets) to
	// megabytes: its buffer is reused by the next document rather than
	// allocated and cleared anew.
	outBuf := r.buffer()
	defer r.bufs.Put(outBuf)
	second, err := r.layout(ctx, ed)
	if err != nil {
		return nil, err
	}
	raw := &wholeWriter{rewrite: func(pdf []byte) error {
		return r.deflate.rewriteTo(outBuf, pdf, second.tidier())
	}}
	if err := second.f.Output(raw); err != nil {
		return nil, fmt.Errorf("pdf: write: %w", err)
	}
	// The document (megabytes a month at 280 items) is let go before a
	// file that came in pieces is rewritten.
	second.f = nil
	if err := raw.close(); err != nil {
		return nil, err
	}
	head, tail := withTrailerID(outBuf.Bytes(), second.docID())
	if _, err := w.Write(head); err != nil {
		return nil, fmt.Errorf("pdf: write: %w", err)
	}
	if _, err := w.Write(tail); err != nil {
		return nil, fmt.Errorf("pdf: write: %w", err)
	}
	return second.warnings, nil
}

// buffer is an empty buffer from r.bufs, or a new one.
func (r *Renderer) buffer() *bytes.Buffer {
	if b, ok := r.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

// layout sets the document twice and returns the builder of the second
// pass, its document ready for Output.
func (r *Renderer) layout(ctx context.Context, ed news.Edition) (*builder, error) {
	// First pass: learn the page count and where each item starts. Only
	// those are kept: the first document is let go before the second.
	shared := newCaches()
	known, err := r.firstPass(ctx, ed, shared)
	if err != nil {
		return nil, err
	}
	// Second pass: same layout, now printing the real numbers.
	second := newBuilder(r, ed, known, shared)
	if err := second.build(ctx); err != nil {
		return nil, err
	}
	if second.f.PageNo() != known.total || !slices.Equal(second.itemPages, known.itemPages) {
		// The contents and footers print the first pass's numbers: they
		// must be the second pass's too.
		return nil, fmt.Errorf("pdf: render: layout passes disagree (%d and %d pages, items on %v and %v)",
			known.total, second.f.PageNo(), known.itemPages, second.itemPages)
	}
	return second, nil
}

// wholeWriter takes fpdf's uncompressed file and rewrites it (compressed,
// tidied). fpdf's Output hands its buffer over in one Write: the file is
// rewritten from there, during that Write, rather than copied first (4 MB
// a month at 280 items, two months at once). Should the file come in
// pieces, they are gathered and rewritten by close.
type wholeWriter struct {
	rewrite func(pdf []byte) error
	done    bool         // rewritten from a single Write
	pieces  bytes.Buffer // the file so far, when it came in pieces
}

func (w *wholeWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("pdf: write: more after the end of the file")
	}
	if w.pieces.Len() == 0 && bytes.HasPrefix(p, []byte("%PDF-")) && bytes.HasSuffix(bytes.TrimRight(p, "\r\n"), []byte("%%EOF")) {
		w.done = true
		return len(p), w.rewrite(p)
	}
	return w.pieces.Write(p)
}

// close rewrites the file when it came in pieces.
func (w *wholeWriter) close() error {
	if w.done {
		return nil
	}
	return w.rewrite(w.pieces.Bytes())
}

// firstPass lays the document out without drawing its lines.
func (r *Renderer) firstPass(ctx context.Context, ed news.Edition, shared caches) (*pageInfo, error) {
	first := newBuilder(r, ed, nil, shared)
	if err := first.build(ctx); err != nil {
		return nil, err
	}
	return &pageInfo{total: first.f.PageNo(), itemPages: first.itemPages}, nil
}

// tidier is the post-processing of this document (tidy.go).
func (b *builder) tidier() *tidier {
	var titles []string
	for _, g := range b.month.Types {
		for _, it := range g.Items {
			titles = append(titles, b.clean(it.Title))
		}
	}
	return newTidier(b.ed.Meta.Published, b.docID(), titles).withTags(b.tag)
}
