package pdf

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"

	"bulletin/layouts"
	"bulletin/pipeline/dates"
	"bulletin/pipeline/render/linebreak"
	"bulletin/pipeline/render/pdf/hyphen"
)

// The paragraph engine: inline content is first collected as styled runs,
// then cut into words (a word may change style midway: "**bold**,"), broken
// into lines — hyphenating a word that does not fit — and drawn word by
// word at computed positions, so lines can be justified whatever the mix of
// fonts. fpdf's Write and MultiCell can do neither.

// style is everything needed to draw a piece of text.
type style struct {
	face, style string
	size        float64 // points
	colour      layouts.Colour
	link        string
	// A footnote reference: its note's number in the body (lines are
	// kept from the first pass to the second, the notes are not), and the
	// size (mm) of the text it is raised in.
	note int
	sup  float64
}

// textRun is a piece of collected inline content: text in one style, a forced
// line break, or a resolved image.
type textRun struct {
	text string
	st   style
	brk  bool
	img  *imageRef
	alt  string // an image's text alternative
}

// frag is the part of a word in one style. Its style is shared by the
// frags of one run: a style is 96 bytes, and a month of 280 items has
// some 200,000 frags, kept from the first pass to the second.
type frag struct {
	text string
	st   *style
	m    *fontMetrics // st's font, when known (see metricsOf)
	w    float64
}

// word is what lies between two breakable spaces.
type word struct {
	frags []frag
	w     float64
	space float64 // width of the space after it, in the style it was in
	brk   bool    // a forced line break follows
}

// line is one laid-out line.
type line struct {
	words []word
	last  bool // the last line of its paragraph, or before a forced break
	// cut is true when the line ends inside a word (at a hyphenation
	// point, after an explicit hyphen, or where a long token had to be
	// cut): no space is drawn at its end.
	cut bool
	// hard is true when a forced line break ends the line: a space is
	// drawn at its end, as at any other line end inside a paragraph.
	hard bool
	// whole is the text of the word hyphenated at the line's end, when a
	// hyphen was added: the /ActualText of its pieces (see drawLine).
	whole string
}

// breakableSpace: every line breaker in the project agrees on where a
// line may end (never at a no-break space).
var breakableSpace = linebreak.BreakableSpace

func (b *builder) setStyle(st style) { b.font(st.face, st.style, st.size) }

// measure is the width of s in style st, from the renderer's metrics: no
// font need be selected or even registered.
func (b *builder) measure(st style, s string) float64 {
	return b.metricsOf(st).width(s, st.size)
}

// metricsOf is the font of a style.
func (b *builder) metricsOf(st style) *fontMetrics { return b.r.metrics[faceStyle{st.face, st.style}] }

// curStyle is the style of text written now in the inline state.
func (b *builder) curStyle() style {
	st := style{face: b.inl.face, size: b.inl.size, colour: b.inl.colour, link: b.inl.link}
	if b.inl.bold > 0 {
		st.style += "B"
	}
	if b.inl.italic > 0 {
		st.style += "I"
	}
	if b.inl.code {
		st.face, st.size = faceMono, st.size*0.92
	}
	if st.link != "" {
		st.colour = b.lay.Colours.Accent
	}
	return st
}

// words cuts runs into words at breakable spaces, in a slice of the
// caller's own.
func (b *builder) words(runs []textRun) []word { return b.appendWords(nil, runs) }

// tempWords is words in the builder's scratch slice, for a caller that
// is done with them before the next call (breakLines copies what it keeps).
func (b *builder) tempWords(runs []textRun) []word {
	b.scratch.words = b.appendWords(b.scratch.words[:0], runs)
	return b.scratch.words
}

// scratch is working memory reused from paragraph to paragraph of one
// document: none of it outlives the call that fills it. Allocating it
// afresh for each paragraph was a tenth of a large build's allocation.
type scratch struct {
	words   []word
	items   []linebreak.Item
	refs    []itemRef
	rw      []float64
	cut     cutter
	breaker linebreak.Breaker
	key     []byte // a word's hyphenation key (breakPoints)
	rs      []rune // the current word's runes (breakLines)
}

func (b *builder) appendWords(out []word, runs []textRun) []word {
	// Every word's fragments are a stretch of one slice (see breakLines).
	n := 0
	for _, r := range runs {
		n += len(r.text)/6 + 1
	}
	frags := make([]frag, 0, n)
	start := 0
	flush := func(space float64) {
		if len(frags) > start {
			out = append(out, word{frags: frags[start:len(frags):len(frags)], space: space})
			start = len(frags)
		}
	}
	for _, r := range runs {
		if r.brk {
			flush(0)
			if len(out) > 0 {
				out[len(out)-1].brk = true
			}
			continue
		}
		// One look-up of the run's font, not one a word; each rune is
		// decoded once, to find the spaces and to measure the words.
		m := b.metricsOf(r.st)
		st := &style{}
		*st = r.st
		size := r.st.size
		space := m.width(" ", size)
		s := r.text
		from, sym := 0, 0 // the word being read: its start, its width in symbols
		for i := 0; i < len(s); {
			c, n := rune(s[i]), 1
			var brk bool
			if c < utf8.RuneSelf {
				brk = c == ' ' || (c >= '\t' && c <= '\r') // breakableSpace, for ASCII
			} else {
				c, n = utf8.DecodeRuneInString(s[i:])
				brk = breakableSpace(c)
			}
			if brk {
				if i > from {
					frags = append(frags, frag{text: s[from:i], st: st, m: m, w: m.fromSymbols(sym, size)})
				}
				flush(space)
				from, sym = i+n, 0
			} else {
				sym += m.symbol(c)
			}
			i += n
		}
		if from < len(s) {
			frags = append(frags, frag{text: s[from:], st: st, m: m, w: m.fromSymbols(sym, size)})
		}
	}
	flush(0)
	for i := range out {
		out[i].sumFrags() // the frags are measured
	}
	return out
}

func (b *builder) measureWord(w *word) {
	for i := range w.frags {
		f := &w.frags[i]
		if f.m == nil {
			f.m = b.metricsOf(*f.st)
		}
		f.w = f.m.width(f.text, f.st.size)
	}
	w.sumFrags()
}

// sumFrags sets the word's width to its fragments' widths added in order.
func (w *word) sumFrags() {
	w.w = 0
	for _, f := range w.frags {
		w.w += f.w
	}
}

// itemRef ties a line-breaking item back to the words: a box is runes
// [from, to) of word w; a penalty inside a word breaks it at rune from
// (with a hyphen drawn when hyphen is set).
type itemRef struct {
	w, from, to int
	hyphen      bool
	end         bool // a box that ends its word (to is the word's length)
}

// breakLines breaks words into lines of at most width by total fit (see
// package linebreak): justified lines stretch and shrink their spaces,
// ragged ones do not; with hyph, words may break at their hyphenation
// points. A word wider than a line is cut between letters wherever it must.
func (b *builder) breakLines(ws []word, width float64, hyph, justify bool) []line {
	items, refs := b.scratch.items[:0], b.scratch.refs[:0]
	add := func(it linebreak.Item, r itemRef) {
		items = append(items, it)
		refs = append(refs, r)
	}
	rw := b.scratch.rw[:0] // the current word's rune widths, when it is cut
	for wi := range ws {
		w := &ws[wi]
		var pts []int
		var rs []rune
		if hyph || w.w > width {
			rs = wordRunes(w, b.scratch.rs[:0])
			b.scratch.rs = rs
		}
		// No word of any language is longer than this: a longer token (a
		// link, a hash) is only cut where it must be, and the patterns'
		// work stays bounded.
		if hyph && len(rs) > 4 && len(rs) <= maxHyphenated {
			pts = b.breakPoints(rs)
		}
		if len(pts) == 0 && w.w <= width {
			add(linebreak.Item{Kind: linebreak.Box, Width: w.w}, itemRef{w: wi, from: 0, to: -1})
		} else {
			rw = runeWidths(w, rw[:0])
			from := 0
			for k := 0; k <= len(pts); k++ {
				to := len(rs)
				if k < len(pts) {
					to = pts[k]
				}
				seg := sumWidths(rw[from:to])
				if seg > width {
					// Emergency: no hyphenation point makes the piece fit.
					cuts := linebreak.Emergency(rw[from:to], width)
					at := from
					for _, c := range cuts {
						add(linebreak.Item{Kind: linebreak.Box, Width: sumWidths(rw[at : from+c])}, itemRef{w: wi, from: at, to: from + c})
						add(linebreak.Item{Kind: linebreak.Penalty}, itemRef{w: wi, from: from + c})
						at = from + c
					}
					add(linebreak.Item{Kind: linebreak.Box, Width: sumWidths(rw[at:to])}, itemRef{w: wi, from: at, to: to, end: to == len(rs)})
				} else {
					add(linebreak.Item{Kind: linebreak.Box, Width: seg}, itemRef{w: wi, from: from, to: to, end: to == len(rs)})
				}
				if k < len(pts) {
					hw, explicit := 0.0, rs[to-1] == '-' || rs[to-1] == '‐'
					if !explicit {
						hw = hyphenWidth(w, to)
					}
					add(linebreak.Item{Kind: linebreak.Penalty, Width: hw, Penalty: hyphenPenalty, Flagged: true}, itemRef{w: wi, from: to, hyphen: !explicit})
				}
				from = to
			}
		}
		switch {
		case w.brk:
			add(linebreak.Item{Kind: linebreak.Glue, InfStretch: true}, itemRef{w: wi})
			add(linebreak.Item{Kind: linebreak.Penalty, Penalty: linebreak.Forced}, itemRef{w: wi, from: -1})
		case wi < len(ws)-1:
			g := linebreak.Item{Kind: linebreak.Glue, Width: w.space}
			if justify {
				g.Stretch, g.Shrink = w.space/2, w.space/3
			}
			add(g, itemRef{w: wi})
		}
	}
	o := linebreak.Options{Width: width}
	if !justify {
		o.Ragged = width / 4
	}
	brks := b.scratch.breaker.Break(items, o)
	b.scratch.items, b.scratch.refs, b.scratch.rw = items, refs, rw
	return b.linesOf(ws, items, refs, brks)
}

// hyphenPenalty is the cost of a hyphenated line end: twice TeX's default,
// which on the benchmark corpus gave a tenth fewer hyphens at the same
// evenness of spacing.
const hyphenPenalty = 100

// linesOf turns breaks into lines of words, cutting the words broken.
func (b *builder) linesOf(ws []word, items []linebreak.Item, refs []itemRef, brks []linebreak.Line) []line {
	lines := make([]line, 0, len(brks))
	buf := make([]word, 0, len(ws)+len(brks)+2)
	cw := &b.scratch.cut
	// ws may sit where the last paragraph's words did: the cutter's
	// index of a word is found by its address.
	cw.w = nil
	for _, l := range brks {
		start := len(buf)
		// Consecutive boxes of one word (between them only the penalties
		// not chosen) make one piece.
		pw, from, to, end := -1, 0, 0, false
		lastW := -1
		flush := func() {
			if pw < 0 {
				return
			}
			lastW = pw
			w := &ws[pw]
			if to < 0 || from == 0 && end {
				// The whole word, uncut: also a word that could break but
				// did not (most of them), not sliced and measured again.
				buf = append(buf, *w)
			} else {
				pc := cw.slice(w, from, to)
				if to < cw.runes(w) {
					pc.space, pc.brk = 0, false
				}
				b.measureWord(&pc)
				buf = append(buf, pc)
			}
			pw = -1
		}
		for i := l.Start; i < l.End; i++ {
			switch items[i].Kind {
			case linebreak.Box:
				r := refs[i]
				if r.w == pw {
					to, end = r.to, r.end
					continue
				}
				flush()
				pw, from, to, end = r.w, r.from, r.to, r.end
			case linebreak.Glue:
				flush()
			}
		}
		flush()
		var whole string
		cut := l.End < len(items) && items[l.End].Kind == linebreak.Penalty && refs[l.End].from > 0
		if cut && refs[l.End].hyphen && len(buf) > start {
			// The hyphen goes after the line's last piece, in its style.
			pc := &buf[len(buf)-1]
			fr := append([]frag(nil), pc.frags...)
			fr[len(fr)-1].text += "-"
			pc.frags = fr
			b.measureWord(pc)
			if lastW >= 0 {
				whole = actualWord(&ws[lastW])
			}
		}
		last := l.End >= len(items) || (items[l.End].Kind == linebreak.Penalty && items[l.End].Penalty <= linebreak.Forced)
		hard := l.End < len(items) && items[l.End].Kind == linebreak.Penalty && items[l.End].Penalty <= linebreak.Forced
		lines = append(lines, line{words: buf[start:len(buf):len(buf)], last: last, cut: cut && !last, hard: hard, whole: whole})
	}
	return lines
}

// actualWord is the text a word hyphenated at a line end stands for, or ""
// when it is part of a link: a link's words are tagged Link, and a Span
// inside it is not worth the nesting for a rare case.
func actualWord(w *word) string {
	var sb strings.Builder
	for _, f := range w.frags {
		if f.st.link != "" {
			return ""
		}
		sb.WriteString(f.text)
	}
	return sb.String()
}

// wordRunes appends a word's text as runes to rs.
func wordRunes(w *word, rs []rune) []rune {
	for _, f := range w.frags {
		for _, r := range f.text {
			rs = append(rs, r)
		}
	}
	return rs
}

// runeWidths appends the width of each rune of w to ws, as fpdf measures.
func runeWidths(w *word, ws []float64) []float64 {
	for _, f := range w.frags {
		for _, r := range f.text {
			ws = append(ws, f.m.runeWidth(r, f.st.size))
		}
	}
	return ws
}

func sumWidths(ws []float64) float64 {
	s := 0.0
	for _, w := range ws {
		s += w
	}
	return s
}

// maxHyphenated is the longest word (in runes) given hyphenation points.
const maxHyphenated = 64

// hyphenWidth is the width of a hyphen in the style of rune k-1 of w (w is
// at most maxHyphenated runes long).
func hyphenWidth(w *word, k int) float64 {
	n := 0
	for _, f := range w.frags {
		l := utf8.RuneCountInString(f.text)
		if n+l >= k {
			return f.m.width("-", f.st.size)
		}
		n += l
	}
	f := w.frags[len(w.frags)-1]
	return f.m.width("-", f.st.size)
}

// cutter slices one word at a time by rune offsets in time proportional to
// the piece, not the word: a 100,000-letter token is cut a thousand times.
type cutter struct {
	w    *word
	frag []int32 // by rune: its fragment
	off  []int32 // by rune: its byte offset in the fragment
}

func (c *cutter) index(w *word) {
	if c.w == w {
		return
	}
	c.w, c.frag, c.off = w, c.frag[:0], c.off[:0]
	for fi, f := range w.frags {
		for o := range f.text {
			c.frag = append(c.frag, int32(fi))
			c.off = append(c.off, int32(o))
		}
	}
}

func (c *cutter) runes(w *word) int { c.index(w); return len(c.frag) }

// slice is runes [from, to) of w as a word of its own.
func (c *cutter) slice(w *word, from, to int) word {
	c.index(w)
	out := word{space: w.space, brk: w.brk}
	if from >= to {
		return out
	}
	f0, f1 := int(c.frag[from]), int(c.frag[to-1])
	for fi := f0; fi <= f1; fi++ {
		f := w.frags[fi]
		lo, hi := 0, len(f.text)
		if fi == f0 {
			lo = int(c.off[from])
		}
		if fi == f1 && to < len(c.frag) && int(c.frag[to]) == fi {
			hi = int(c.off[to])
		}
		out.frags = append(out.frags, frag{text: f.text[lo:hi], st: f.st, m: f.m})
	}
	return out
}

// breakPoints are the rune offsets where a word may break: after an
// explicit hyphen, and inside its letter stretches by the patterns of the
// item's language (or of the language whose alphabet the stretch is in).
func (b *builder) breakPoints(rs []rune) []int {
	// Both passes break the same words, and the months of an archive
	// mostly the same ones; the patterns are the slow part. The key is
	// made in a scratch buffer: looked up, it is not allocated.
	key := append(append(b.scratch.key[:0], b.lang...), 0)
	for _, r := range rs {
		key = utf8.AppendRune(key, r)
	}
	b.scratch.key = key
	if pts, ok := b.hyphens[string(key)]; ok {
		return pts
	}
	pts, ok := b.r.hyphenated.get(key)
	if !ok {
		pts = b.computeBreakPoints(rs)
		b.r.hyphenated.put(string(key), pts)
	}
	b.hyphens[string(key)] = pts
	return pts
}

func (b *builder) computeBreakPoints(rs []rune) []int {
	var pts []int
	i := 0
	for i < len(rs) {
		if !unicode.IsLetter(rs[i]) {
			if (rs[i] == '-' || rs[i] == '‐') && i >= 2 && i < len(rs)-2 {
				pts = append(pts, i+1)
			}
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.IsLetter(rs[j]) {
			j++
		}
		// Only a stretch that is a whole word between punctuation, not
		// glued to digits or other symbols ("COVID19", "x2y").
		if (i == 0 || !unicode.IsDigit(rs[i-1])) && (j == len(rs) || !unicode.IsDigit(rs[j])) {
			if p := b.patternsFor(string(rs[i:j])); p != nil {
				for _, k := range p.Points(string(rs[i:j])) {
					pts = append(pts, i+k)
				}
			}
		}
		i = j
	}
	sort.Ints(pts)
	return pts
}

// patternsFor picks the patterns of the item's language when they know the
// word's letters, otherwise any that do.
func (b *builder) patternsFor(w string) *hyphen.Patterns {
	lang := "en"
	if dates.IsRussian(b.lang) {
		lang = "ru"
	}
	if p := b.r.hyph[lang]; p != nil && p.Knows(w) {
		return p
	}
	for _, k := range b.r.hyphLangs {
		if p := b.r.hyph[k]; p.Knows(w) {
			return p
		}
	}
	return nil
}

// lineWidth is the natural width of a line.
func lineWidth(l line) float64 {
	w := 0.0
	for i, wd := range l.words {
		w += wd.w
		if i < len(l.words)-1 {
			w += wd.space
		}
	}
	return w
}

// drawLine draws one line with its top at y, from x, justified to width
// unless it is a last line.
func (b *builder) drawLine(l line, x, y, width, lh float64, justify bool) {
	if b.known == nil {
		// The first pass only learns where lines and pages fall: the
		// lines' positions are set by the caller, so nothing is drawn.
		b.marker = nil
		return
	}
	if m := b.marker; m != nil {
		b.marker = nil
		b.font(faceText, "", m.size)
		b.colour(b.lay.Colours.Accent)
		b.f.SetXY(m.x, y)
		b.tag.beginUnder(m.li, "Lbl")
		b.tag.mark()
		b.f.CellFormat(m.w, lh, b.clean(m.text), "", 0, "L", false, 0, "")
		b.tag.end()
	}
	extra := 0.0
	if justify && !l.last && len(l.words) > 1 {
		// Negative when the breaker shrank the line's spaces.
		extra = (width - lineWidth(l)) / float64(len(l.words)-1)
	}
	if text, st, ok := plainLine(l); ok && l.whole == "" && !b.tag.inSpan() && !b.r.wordByWord {
		// Most lines are in one style: one text operator for the line
		// rather than one per word (files a fifth smaller, drawing faster).
		b.startPlain(st)
		if extra == 0 {
			b.textAt(x, y, lh, text+lineEnd(l))
			return
		}
		b.justified(x, y, width, lh, text)
		b.spaceAt(l, x+width, y+0.5*lh)
		return
	}
	ended := false // the line's end space is drawn
	end := x       // where the last word drawn ends
	for i := 0; i < len(l.words); i++ {
		if j := b.plainRun(l, i); j-i > 1 {
			// Words in one style between the pieces that must be drawn
			// alone (a hyphenated word's Span, a link, another style):
			// one text operator for them, as for a plain line.
			x, ended = b.drawRun(l, i, j, x, y, lh, extra)
			end = x - l.words[j-1].space - extra
			i = j - 1
			continue
		}
		wd := l.words[i]
		hyphenated := l.whole != "" && i == len(l.words)-1
		if hyphenated {
			b.endLink()
			b.tag.beginSpan(l.whole)
		}
		for k, f := range wd.frags {
			b.setStyle(*f.st)
			b.colour(f.st.colour)
			if n := b.noteOf(f); n != nil {
				b.endLink()
				b.noteRef(n, f, x, y, lh)
				x += f.w
				continue
			}
			text := f.text + wordEnd(l, i, k)
			if hyphenated && k == len(wd.frags)-1 {
				text = b.softHyphen(text)
			}
			if f.st.link != "" {
				// The link covers the space after it when the next word is
				// in the same link, so the target has no holes.
				lw := f.w
				if i < len(l.words)-1 && k == len(wd.frags)-1 && l.words[i+1].frags[0].st.link == f.st.link {
					lw += wd.space + extra
				}
				b.linkTo(f.st.link, x, y, lw, lh)
			} else {
				b.endLink()
			}
			b.tag.mark()
			if i == 0 && !hyphenated && b.tag.inSpan() && k == len(wd.frags)-1 && text != f.text {
				// The space after the word is outside the Span that
				// stands for the word.
				b.textAt(x, y, lh, f.text)
				b.tag.endSpan()
				b.tag.mark()
				b.textAt(x+f.w, y, lh, " ")
			} else {
				b.textAt(x, y, lh, text)
			}
			x += f.w
		}
		if i == 0 && !hyphenated {
			// The rest of a word hyphenated on the line before ends here.
			b.tag.endSpan()
		}
		end = x
		x += wd.space + extra
	}
	b.flushLink()
	if !ended {
		// At the end of the last word, not a justified space after it:
		// that could be off the page on a loose line.
		b.spaceAt(l, end, y+0.5*lh)
	}
}

// plainRun is the end (exclusive) of the run of words from i that can be
// drawn by one text operator: one fragment each, in the style of the
// first, without a link or a note, spaced by a space, and neither the
// hyphenated word at the line's end nor the end of one hyphenated on the
// line before (each has its own Span).
func (b *builder) plainRun(l line, i int) int {
	if (i == 0 && b.tag.inSpan()) || b.r.wordByWord {
		return i
	}
	f := l.words[i].frags[0]
	if f.st.link != "" {
		return i
	}
	last := len(l.words)
	if l.whole != "" {
		last--
	}
	sp := spaceOf(f)
	j := i
	for j < last {
		wd := l.words[j]
		if len(wd.frags) != 1 || *wd.frags[0].st != *f.st || b.noteOf(wd.frags[0]) != nil {
			break
		}
		j++
		if wd.space != sp {
			// A space in another style ("**a** **b**"), or none: the
			// words after it are not where the run's spaces put them.
			break
		}
	}
	return j
}

// spaceOf is the width of a space in f's style: what fpdf moves a space
// by before justifying it.
func spaceOf(f frag) float64 { return f.m.width(" ", f.st.size) }

// drawRun draws words [i, j) of l from x, each space widened by extra, as
// the per-word drawing would place them, and returns where the next word
// starts and whether the line's end space was drawn with them.
func (b *builder) drawRun(l line, i, j int, x, y, lh, extra float64) (float64, bool) {
	st := *l.words[i].frags[0].st
	sp := spaceOf(l.words[i].frags[0])
	b.startPlain(st)
	var sb strings.Builder
	n := 1 // the line's end space, perhaps
	for k := i; k < j; k++ {
		n += len(l.words[k].frags[0].text) + len(wordEnd(l, k, 0))
	}
	sb.Grow(n)
	start, width, gaps := x, 0.0, 0
	for k := i; k < j; k++ {
		wd := l.words[k]
		sb.WriteString(wd.frags[0].text)
		width += wd.frags[0].w
		if end := wordEnd(l, k, 0); end != "" {
			// The space glyph drawn is the run's, whatever the style of
			// the space: the next word is placed on its own if they differ.
			sb.WriteString(end)
			width += sp + extra
			gaps++
		}
		x += wd.frags[0].w + wd.space + extra
	}
	if extra == 0 || gaps == 0 {
		// Unjustified, the line's end space can go with the run, where
		// word-by-word drawing would put it. (Justified, fpdf would move
		// it by the extra: off the page on a line of few words.)
		ended := false
		if end := lineEnd(l); j == len(l.words) && end != "" && l.words[j-1].space > 0 {
			sb.WriteString(end)
			ended = true
		}
		b.textAt(start, y, lh, sb.String())
		return x, ended
	}
	b.justified(start, y, width, lh, sb.String())
	return x, false
}

// startPlain sets st for words drawn by one text operator, a line's or a
// run's, ending any link before them.
func (b *builder) startPlain(st style) {
	b.endLink()
	b.setStyle(st)
	b.colour(st.colour)
	b.tag.mark()
}

// textAt draws s from x on the line with its top at y, at the baseline
// CellFormat would use (cell margins are 0): the same output at a
// fraction of the cost.
func (b *builder) textAt(x, y, lh float64, s string) {
	_, size := b.f.GetFontSize()
	b.f.Text(x, y+0.5*lh+0.3*size, s)
}

// justified draws text from x on the line with its top at y, its spaces
// widened to fill width: fpdf justifies a UTF-8 line by moving each space
// (TJ), to the positions word-by-word drawing gives. It must not break the
// page on its own when the line's foot meets the margin within rounding.
func (b *builder) justified(x, y, width, lh float64, text string) {
	b.f.SetXY(x, y)
	b.f.SetAutoPageBreak(false, 0)
	b.f.CellFormat(width, lh, text, "", 0, "J", false, 0, "")
	b.f.SetAutoPageBreak(true, b.breakMargin())
}

// softHyphen draws the hyphen added at a line end as U+00AD, the soft
// hyphen (the same glyph in our fonts), when the font has it. The word's
// pieces are in a Span whose /ActualText is the whole word, in the
// structure and in the marked content: pdftotext (poppler's TextOutputDev)
// and MuPDF give the /ActualText of a marked-content sequence instead of
// its glyphs. poppler's structure reader (pdfinfo -struct-text, and
// poppler-based screen readers) ignores /ActualText and reads the glyphs,
// skipping a soft hyphen as invisible: with U+00AD, and no space drawn at
// the line's end, it reads the word whole; with "-" it would read
// "inter-national". A nested /Span BDC inside the paragraph's sequence
// would have been simpler, but poppler 22.12 pops the paragraph's MCID at
// the inner EMC and loses the rest of its text, so the Span is a sequence
// of its own, between two of the paragraph's.
func (b *builder) softHyphen(s string) string {
	if cut, ok := strings.CutSuffix(s, "-"); ok && b.r.cover.has('\u00ad') {
		return cut + "\u00ad"
	}
	return s
}

// linkTo extends the link annotation being drawn on this line, or starts
// one (and its Link element, unless the same link goes on from the line
// before): one annotation per line of a link, one Link per link.
func (b *builder) linkTo(url string, x, y, w, h float64) {
	r := &b.linkRun
	if r.on && r.url == url && r.y == y {
		r.x1 = x + w
		return
	}
	b.flushLink()
	if r.url != url {
		b.tag.beginLink()
	}
	*r = linkRun{on: true, url: url, x0: x, x1: x + w, y: y, h: h}
}

// flushLink writes the annotation of the link drawn on this line, keeping
// its Link open for the next line.
func (b *builder) flushLink() {
	r := &b.linkRun
	if !r.on {
		return
	}
	r.on = false
	b.f.LinkString(r.x0, r.y, r.x1-r.x0, r.h, r.url)
	b.tag.annot()
}

// endLink writes the open link's last annotation and closes its Link.
func (b *builder) endLink() {
	b.flushLink()
	if b.linkRun.url != "" {
		b.tag.endLink()
		b.linkRun.url = ""
	}
}

// endInline closes what drawLine leaves open for the next line, when the
// lines' element ends.
func (b *builder) endInline() {
	b.endLink()
	b.tag.endSpan()
}

// linkRun is the link annotation being drawn on a line.
type linkRun struct {
	on        bool
	url       string
	x0, x1, y float64
	h         float64
}

// noteRef draws a footnote reference: a raised number, a link to the note
// (tagged as a Link in the paragraph, whose Note it is the reference of).
func (b *builder) noteRef(n *footnote, f frag, x, y, lh float64) {
	if !n.refSet {
		n.refSet = true
		n.parent = b.tag.current()
		b.f.SetLink(n.back, y, b.f.PageNo())
	}
	b.tag.begin("Link")
	b.tag.mark()
	b.f.Text(x, y+0.5*lh+0.3*f.st.sup-0.36*f.st.sup, f.text)
	b.f.Link(x, y, f.w, lh, n.link)
	b.tag.annot()
	b.tag.end()
}

// plainLine is the text of a line whose words are all in one style, without
// a link, with its words joined by single spaces of that style.
func plainLine(l line) (string, style, bool) {
	if len(l.words) == 0 || len(l.words[0].frags) == 0 {
		return "", style{}, false
	}
	st := *l.words[0].frags[0].st
	if st.link != "" {
		return "", style{}, false
	}
	sp := spaceOf(l.words[0].frags[0])
	n := len(l.words) - 1 // the spaces
	for i, wd := range l.words {
		if i < len(l.words)-1 && wd.space != sp {
			// fpdf's spaces are all one width: drawn in runs instead.
			return "", style{}, false
		}
		for _, f := range wd.frags {
			if *f.st != st {
				return "", style{}, false
			}
			n += len(f.text)
		}
	}
	// The text, in one allocation of its size (growing it was 1% of a
	// large build).
	var sb strings.Builder
	sb.Grow(n)
	for i, wd := range l.words {
		if i > 0 {
			sb.WriteByte(' ')
		}
		for _, f := range wd.frags {
			sb.WriteString(f.text)
		}
	}
	return sb.String(), st, true
}

// placeLines draws lines from the current position downwards, splitting
// them over pages so that no page starts or ends with a single line of the
// paragraph (when keep is true): a page that would end with one line gives
// it to the next; one that would leave one line for the next page gives it
// one more.
func (b *builder) placeLines(lines []line, x, width, lh float64, justify, keep bool) {
	top := b.lay.Page.MarginTop
	var ns []*footnote
	for i := 0; i < len(lines); {
		y := b.f.GetY()
		// How many lines fit, each with the notes first referred to in
		// it (notes.go), and what that costs the page.
		avail, room := 0, b.notes.room
		var plans []notePlan
		if len(b.noteNodes) == 0 {
			// A body without notes (nearly all): as many lines as fit.
			avail = int((b.bottom() - y + 1e-6) / lh)
		}
		for j := i; j < len(lines) && len(b.noteNodes) > 0; j++ {
			ns = b.notesOf(lines[j], ns)
			p := b.fitLine(ns, y+float64(j-i)*lh, lh, room)
			if !p.fits {
				break
			}
			plans = append(plans, p)
			room = p.room
			avail++
			if p.split > 0 {
				break
			}
		}
		rem := len(lines) - i
		k := min(avail, rem)
		if keep && k < rem {
			if rem-k < 2 {
				k = rem - 2
			}
			if k < 2 {
				k = 0
			}
		}
		if k <= 0 && y <= top+1e-6 {
			k = max(1, min(avail, rem)) // a page too short for the rules
		}
		for j := 0; j < k; j++ {
			if ns = b.notesOf(lines[i+j], ns); len(ns) > 0 {
				p := notePlan{fits: true, room: b.notes.room + b.notesHeight(b.notes.room, ns)}
				if j < len(plans) {
					p = plans[j]
				}
				b.placeNotes(ns, p)
			}
			b.drawLine(lines[i+j], x, y, width, lh, justify)
			y += lh
		}
		i += k
		b.f.SetXY(b.leftMargin(), y)
		if i < len(lines) {
			b.f.AddPage()
		}
	}
}

// paraRuns lays out and draws runs as one paragraph in the current column;
// images among them stand on lines of their own.
func (b *builder) paraRuns(runs []textRun, lh float64, justify, hyph bool) {
	x := b.leftMargin()
	width := b.left() + b.textW() - x
	b.tag.begin("P")
	defer b.tag.end()
	defer b.endInline()
	start := 0
	flushText := func(end int) {
		if lines := b.paragraphLines(runs[start:end], width, hyph, justify); len(lines) > 0 {
			b.placeLines(lines, x, width, lh, justify, true)
		}
	}
	for i, r := range runs {
		if r.img != nil {
			flushText(i)
			b.tag.figure(r.alt, func() { b.drawImage(r.img, x, width) })
			start = i + 1
		}
	}
	flushText(len(runs))
}

// paragraphLines breaks runs into lines. Both passes set the same
// paragraphs in the same order and width, so the second pass takes the
// first one's lines instead of breaking them again.
func (b *builder) paragraphLines(runs []textRun, width float64, hyph, justify bool) []line {
	b.paraSeq++
	if c, ok := b.lines[b.paraSeq]; ok && c.width == width {
		return c.lines
	}
	var lines []line
	if ws := b.tempWords(runs); len(ws) > 0 {
		lines = b.breakLines(ws, width, hyph, justify)
	}
	b.lines[b.paraSeq] = brokenParagraph{width, lines}
	return lines
}

// brokenParagraph is a paragraph's lines at the width they were broken for.
type brokenParagraph struct {
	width float64
	lines []line
}

// collect gathers the inline content of n as runs.
func (b *builder) collect(n ast.Node) []textRun {
	saved := b.runs
	b.runs = nil
	b.inlines(n)
	out := b.runs
	b.runs = saved
	return out
}

// pendingMarker is a list marker drawn with the first line of the item,
// so that a line moved to the next page takes its marker along.
type pendingMarker struct {
	text string
	x, w float64
	size float64
	li   *element // the list item it labels
}
