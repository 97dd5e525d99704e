package pdf

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"bulletin/layouts"
)

// inline is the text style while walking Markdown inlines: nested emphasis
// counts up and down, so **a *b* c** restores the right style.
type inline struct {
	src          []byte
	face         string
	size         float64 // points
	lh           float64 // line height, mm
	bold, italic int
	code         bool
	link         string
	colour       layouts.Colour
}

// codeFill is the faint background behind code blocks.
var codeFill = layouts.Colour{R: 244, G: 242, B: 238}

// markdown renders an item body. Text is ragged right: fpdf's Write wraps at
// spaces and continues at the current position, which lets styles change
// mid-line.
func (b *builder) markdown(body string) {
	// Both passes walk the same tree: parse once a document.
	p, ok := b.parsed[body]
	if !ok {
		p.src = []byte(body)
		p.doc = b.r.md.Parse(p.src)
		b.parsed[body] = p
	}
	src, doc := p.src, p.doc
	b.inl = inline{src: src}
	b.resetInline()
	b.noteNodes, b.footnotes, b.noteOrder = bodyNotes(doc), map[int]*footnote{}, nil
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		b.block(n, 0)
	}
	b.placeRemainingNotes()
	b.noteNodes, b.footnotes = nil, nil
}

// resetInline sets the body text style.
func (b *builder) resetInline() {
	s := b.lay.Sizes
	b.inl.face, b.inl.size, b.inl.lh = faceText, s.Body, b.lineH(s.Body)
	b.inl.colour = b.lay.Colours.Text
}

func (b *builder) leftMargin() float64 { l, _, _, _ := b.f.GetMargins(); return l }

// paraSpace is the space after a paragraph, in millimetres.
func (b *builder) paraSpace() float64 {
	ps := b.lay.Text.ParagraphSpace
	if ps == 0 {
		ps = 0.45
	}
	return b.inl.lh * ps
}

// para sets the inline content of n as a paragraph: justified and
// hyphenated as the layout says, with widow and orphan control.
func (b *builder) para(n ast.Node) {
	b.paraRuns(b.collect(n), b.inl.lh, b.lay.Text.Justify, b.lay.Text.Hyphenate)
}

// boldOnly says whether a paragraph is one strong emphasis and nothing
// else (spaces aside).
func boldOnly(p *ast.Paragraph, src []byte) bool {
	e, ok := p.FirstChild().(*ast.Emphasis)
	if !ok || e.Level < 2 {
		return false
	}
	for c := e.NextSibling(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok || len(bytes.TrimSpace(t.Segment.Value(src))) > 0 {
			return false
		}
	}
	return true
}

// block renders one block node starting at the current position and leaves
// the cursor at the left margin below it, spacing included.
func (b *builder) block(n ast.Node, depth int) {
	lh := b.inl.lh
	switch n := n.(type) {
	case *ast.Paragraph:
		if boldOnly(n, b.inl.src) {
			// "**Title**" alone in a paragraph is a heading in all but name
			// (common in HTML converted to Markdown): kept with what follows.
			b.needSpace(2*lh + b.keepHeight(n.NextSibling()))
		}
		b.para(n)
		b.f.Ln(b.paraSpace())
	case *ast.TextBlock: // a tight list item's text
		b.para(n)
		b.f.Ln(lh * 0.1)
	case *ast.Heading:
		b.heading(n)
	case *ast.List:
		b.list(n, depth)
		if depth == 0 {
			b.f.Ln(lh * 0.35)
		}
	case *ast.Blockquote:
		b.blockquote(n, depth)
	case *ast.FencedCodeBlock:
		b.codeBlock(n.Lines())
	case *ast.CodeBlock:
		b.codeBlock(n.Lines())
	case *ast.ThematicBreak:
		b.needSpace(lh)
		b.f.Ln(lh * 0.4)
		b.tag.artifact(func() {
			b.drawColour(b.lay.Colours.Rule)
			b.f.SetLineWidth(0.2)
			y := b.f.GetY()
			b.f.Line(b.leftMargin()+b.textW()/3, y, b.left()+b.textW()*2/3, y)
		})
		b.f.Ln(lh * 0.8)
	case *east.Table:
		b.table(n)
	case *ast.HTMLBlock:
		// Raw HTML is not rendered (it is dropped from the EPUB too).
	case *east.FootnoteList:
		// Set at the feet of the pages where they are referred to.
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Type() == ast.TypeInline {
				b.para(n)
				return
			}
			b.block(c, depth)
		}
	}
}

// keepHeight is how much of block n must fit below a heading or a title
// for them to stay together: two lines of text, or an image, or a table's
// first rows.
func (b *builder) keepHeight(n ast.Node) float64 {
	lh := b.inl.lh
	// Headings in a row stay together and with what follows the last of
	// them ("# H1" then "## H2": H1 must not end a page alone), up to half
	// a page of them.
	heads := 0.0
	for n != nil {
		switch m := n.(type) {
		case *ast.Paragraph:
			if img, ok := m.FirstChild().(*ast.Image); ok {
				if ref := b.resolveImage(img, false); ref != nil {
					_, h := b.imageSize(ref, b.left()+b.textW()-b.leftMargin())
					return heads + h + 2
				}
			}
			return heads + 3*lh
		case *ast.Heading:
			heads += b.lineH(b.lay.Sizes.H3) + 0.5*lh
			if heads > (b.bottom()-b.lay.Page.MarginTop)/2 {
				return heads
			}
			n = n.NextSibling()
			continue
		case *east.Table:
			return heads + 4*lh + 4
		case *ast.List, *ast.Blockquote:
			n = n.FirstChild()
			continue
		}
		break
	}
	return heads + 3*lh
}

// heading renders a Markdown heading inside an item, smaller than the
// item's title: level 1–2 at h3 size, deeper levels in bold body size. It
// starts a new page unless it fits with the start of what follows.
func (b *builder) heading(h *ast.Heading) {
	s := b.lay.Sizes
	saved := b.inl
	b.inl.face, b.inl.size = faceHeading, s.H3
	if h.Level > 2 {
		b.inl.face, b.inl.size = faceText, s.Body
	}
	b.inl.lh = b.lineH(b.inl.size)
	b.inl.bold++
	runs := b.collect(h)
	x := b.leftMargin()
	width := b.left() + b.textW() - x
	lines := b.breakLines(b.tempWords(runs), width, false, false)
	lh := b.inl.lh
	b.inl = saved
	next := b.keepHeight(h.NextSibling())
	b.needSpace(saved.lh*0.3 + float64(len(lines))*lh + saved.lh*0.2 + next)
	b.f.Ln(saved.lh * 0.3)
	b.tag.begin(b.headingRole(3 + h.Level))
	b.placeLines(lines, x, width, lh, false, false)
	b.endInline()
	b.tag.end()
	b.f.Ln(saved.lh * 0.2)
}

// list renders bullets ("•", then "–" when nested) or numbers, hanging.
func (b *builder) list(l *ast.List, depth int) {
	const indent = 6.0
	lm := b.leftMargin()
	num := l.Start
	if num == 0 {
		num = 1
	}
	b.tag.begin("L")
	defer b.tag.end()
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		marker := "•"
		switch {
		case l.IsOrdered():
			marker = strconv.Itoa(num) + "."
			num++
		case depth%2 == 1:
			marker = "–"
		}
		b.needSpace(b.inl.lh)
		li := b.tag.begin("LI")
		b.marker = &pendingMarker{text: marker, x: lm, w: indent, size: b.inl.size, li: li}
		if first := it.FirstChild(); first == nil || (first.Kind() != ast.KindParagraph && first.Kind() != ast.KindTextBlock) {
			// Nothing to carry the marker: print it now.
			m := b.marker
			b.marker = nil
			b.font(faceText, "", m.size)
			b.colour(b.lay.Colours.Accent)
			b.f.SetX(lm)
			b.tag.begin("Lbl")
			b.tag.mark()
			b.f.CellFormat(indent, b.inl.lh, b.clean(marker), "", 0, "L", false, 0, "")
			b.tag.end()
		}
		b.f.SetLeftMargin(lm + indent)
		b.f.SetX(lm + indent)
		b.tag.begin("LBody")
		for c := it.FirstChild(); c != nil; c = c.NextSibling() {
			b.block(c, depth+1)
		}
		b.tag.end()
		b.tag.end()
		b.marker = nil
		b.f.SetLeftMargin(lm)
		b.f.SetX(lm)
	}
}

// blockquote indents its blocks in italic, muted, with an accent bar at the
// left on every page it spans.
func (b *builder) blockquote(q *ast.Blockquote, depth int) {
	const indent = 6.0
	lm := b.leftMargin()
	saved := b.inl
	b.inl.italic++
	b.inl.colour = b.lay.Colours.Muted
	b.needSpace(b.inl.lh)
	startPage, startY := b.f.PageNo(), b.f.GetY()
	b.f.SetLeftMargin(lm + indent)
	b.f.SetX(lm + indent)
	b.tag.begin("BlockQuote")
	for c := q.FirstChild(); c != nil; c = c.NextSibling() {
		b.block(c, depth)
	}
	b.tag.end()
	b.f.SetLeftMargin(lm)
	b.f.SetX(lm)
	// The last block left paragraph spacing below; the bar stops above it.
	endPage, endY := b.f.PageNo(), b.f.GetY()-saved.lh*0.45
	b.inl = saved
	b.bar(lm+1, startPage, startY+0.8, endPage, endY)
}

// bar draws a vertical accent line from (startPage, y0) to (endPage, y1),
// going back to earlier pages when the quote crossed a page break.
func (b *builder) bar(x float64, startPage int, y0 float64, endPage int, y1 float64) {
	top := b.lay.Page.MarginTop
	for p := startPage; p <= endPage; p++ {
		from, to := top, b.bottom()
		if p < endPage && p <= len(b.roomOf) {
			to = b.pageBottom() - b.roomOf[p-1]
		}
		if p == startPage {
			from = y0
		}
		if p == endPage {
			to = y1
		}
		if to <= from {
			continue
		}
		b.f.SetPage(p)
		b.tag.decoration(func() {
			b.drawColour(b.lay.Colours.Accent)
			b.f.SetLineWidth(0.6)
			b.f.Line(x, from, x, to)
		})
	}
	b.f.SetPage(endPage)
}

// codeBlock prints each source line in the mono face on a faint band,
// spaces and indentation as written; a line wider than the column goes on
// under a continuation mark at the column's right edge, indented as it was.
func (b *builder) codeBlock(lines *text.Segments) {
	size := b.inl.size * 0.9
	lh := b.lineH(size) * 0.9
	lm := b.leftMargin()
	width := b.left() + b.textW() - lm
	st := style{face: faceMono, size: size, colour: b.lay.Colours.Text}
	mark := b.continuationMark()
	room := width - 4 - b.measure(st, mark) - 1
	b.font(faceMono, "", size)
	b.colour(b.lay.Colours.Text)
	b.fillColour(codeFill)
	b.tag.begin("Code")
	defer b.tag.end()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		raw := strings.TrimRight(string(seg.Value(b.inl.src)), "\r\n")
		raw = b.clean(expandTabs(raw))
		parts := b.codeLine(st, raw, room)
		for k, part := range parts {
			b.needSpace(lh)
			b.f.SetX(lm)
			b.tag.mark()
			b.f.CellFormat(2, lh, "", "", 0, "L", true, 0, "")
			b.f.CellFormat(width-2, lh, part, "", 0, "L", true, 0, "")
			if k < len(parts)-1 {
				b.colour(b.lay.Colours.Muted)
				b.f.SetX(lm + width - b.measure(st, mark) - 1)
				b.tag.mark()
				b.f.CellFormat(b.measure(st, mark), lh, mark, "", 0, "L", false, 0, "")
				b.colour(b.lay.Colours.Text)
			}
			b.f.Ln(lh)
		}
	}
	b.f.Ln(b.inl.lh * 0.45)
}

// codeLine cuts a code line into pieces no wider than room, at the last
// space that fits when there is one, otherwise between characters; every
// piece after the first keeps the line's indentation.
func (b *builder) codeLine(st style, s string, room float64) []string {
	if b.measure(st, s) <= room || s == "" {
		return []string{s}
	}
	m := b.metricsOf(st)
	indent := s[:len(s)-len(strings.TrimLeft(s, " "))]
	if b.measure(st, indent) > room/2 {
		indent = ""
	}
	var out []string
	for first := true; s != ""; first = false {
		if !first {
			s = indent + strings.TrimLeft(s, " ")
		}
		w, cut, space := 0.0, len(s), -1
		for i, r := range s {
			w += m.runeWidth(r, st.size)
			if w > room {
				cut = i
				break
			}
			if r == ' ' && i > len(indent) {
				space = i
			}
		}
		if cut == len(s) {
			out = append(out, s)
			break
		}
		if space > 0 && cut-space < 20 {
			cut = space + 1
		}
		if cut <= len(indent) { // nothing but indentation fits: cut anyway
			_, size := utf8.DecodeRuneInString(s[len(indent):])
			cut = len(indent) + size
		}
		out = append(out, strings.TrimRight(s[:cut], " "))
		s = s[cut:]
	}
	return out
}

// continuationMark is the sign at the end of a code line that goes on:
// the first of a few the fonts can all draw.
func (b *builder) continuationMark() string {
	for _, m := range []rune{'↩', '→', '»'} {
		if b.r.cover.has(m) {
			return string(m)
		}
	}
	return "\\"
}

// expandTabs replaces tabs by spaces to the next multiple of four columns.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var sb strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 4 - col%4
			sb.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		sb.WriteRune(r)
		col++
	}
	return sb.String()
}

// inlines writes the inline children of n in the current style. Runs of
// plain text are written in one piece: goldmark splits text at characters
// that may start markup (linkify splits at "."; the typographer makes quotes
// separate nodes), and fpdf's Write may break the line between two calls,
// which would leave a full stop or a quote alone at the start of a line.
func (b *builder) inlines(n ast.Node) {
	var run strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			if !c.HardLineBreak() {
				run.Write(b.textValue(c))
				if c.SoftLineBreak() {
					run.WriteByte(' ')
				}
				continue
			}
		case *ast.String:
			run.Write(c.Value)
			continue
		}
		b.text(run.String())
		run.Reset()
		b.inlineNode(c)
	}
	b.text(run.String())
}

// textValue is what a text node reads as: its source with backslash
// escapes and character references resolved, as goldmark's HTML writer
// does (the source bytes of `\[1]` are not what the reader sees); code
// spans are literal.
func (b *builder) textValue(t *ast.Text) []byte {
	v := t.Segment.Value(b.inl.src)
	if b.inl.code || t.IsRaw() {
		return v
	}
	if bytes.IndexByte(v, '\\') >= 0 {
		v = util.UnescapePunctuations(v)
	}
	if bytes.IndexByte(v, '&') >= 0 {
		v = util.ResolveEntityNames(util.ResolveNumericReferences(v))
	}
	return v
}

func (b *builder) inlineNode(n ast.Node) {
	src := b.inl.src
	switch n := n.(type) {
	case *ast.Text:
		b.text(string(b.textValue(n)))
		switch {
		case n.HardLineBreak():
			b.runs = append(b.runs, textRun{brk: true})
		case n.SoftLineBreak():
			b.text(" ")
		}
	case *ast.String:
		b.text(string(n.Value))
	case *ast.CodeSpan:
		saved := b.inl.code
		b.inl.code = true
		b.inlines(n)
		b.inl.code = saved
	case *ast.Emphasis:
		if n.Level >= 2 {
			b.inl.bold++
			defer func() { b.inl.bold-- }()
		} else {
			b.inl.italic++
			defer func() { b.inl.italic-- }()
		}
		b.inlines(n)
	case *ast.Link:
		b.withLink(string(n.Destination), func() { b.inlines(n) })
	case *ast.AutoLink:
		b.withLink(autoLinkURL(n, src), func() { b.text(string(n.Label(src))) })
	case *ast.Image:
		// A local image is drawn on a line of its own; otherwise its alt
		// text stands in, in italic (resolveImage warns).
		if ref := b.resolveImage(n, true); ref != nil {
			b.runs = append(b.runs, textRun{img: ref, alt: plainText(n, src)})
			return
		}
		b.inl.italic++
		b.inlines(n)
		b.inl.italic--
	case *east.TaskCheckBox:
		// Ballot boxes when the fonts have them (PT Serif has not).
		box := map[bool]string{true: "☑ ", false: "☐ "}[n.IsChecked]
		if !b.r.cover.has([]rune(box)[0]) {
			box = map[bool]string{true: "[x] ", false: "[ ] "}[n.IsChecked]
		}
		b.text(box)
	case *ast.RawHTML:
		// dropped, as in the EPUB
	case *east.FootnoteLink:
		// A raised number, linked to the note.
		if b.note(n.Index) == nil {
			b.text("[" + strconv.Itoa(n.Index) + "]")
			return
		}
		st := b.curStyle()
		st.sup, st.link, st.note = st.size*ptToMM, "", n.Index
		st.size *= 0.62
		st.colour = b.lay.Colours.Accent
		b.runs = append(b.runs, textRun{text: strconv.Itoa(n.Index), st: st})
	case *east.FootnoteBacklink:
		// The note's number links back (notes.go).
	default:
		b.inlines(n)
	}
}

// autoLinkURL is where an autolink goes. An e-mail address (linkified
// press@example.org, or <press@example.org>) is a mailto: link, as
// goldmark's HTML renderer makes it for the EPUB: the same in both outputs.
func autoLinkURL(n *ast.AutoLink, src []byte) string {
	u := string(n.URL(src))
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
		return "mailto:" + u
	}
	return u
}

func (b *builder) withLink(dest string, write func()) {
	saved := b.inl.link
	b.inl.link = dest
	write()
	b.inl.link = saved
}

// text adds s in the current inline style to the runs being collected;
// links are in the accent colour.
func (b *builder) text(s string) {
	s = b.clean(s)
	if s == "" {
		return
	}
	b.runs = append(b.runs, textRun{text: s, st: b.curStyle()})
}
