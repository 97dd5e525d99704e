package pdf

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"bulletin/layouts"
	"bulletin/pipeline/news"
)

const ptToMM = 25.4 / 72

// place names what is being set, for a warning: "cover", "contents",
// `type "Statements"`, `item "Title"`. It is made into words only when a
// warning is given (quoting every title twice a pass was 0.5% of a
// large build).
type place struct {
	kind, name string
	named      bool // the name follows the kind, quoted
}

// itemPlace is where an item's text is set: `item "Title"`.
func itemPlace(title string) place { return place{kind: "item", name: title, named: true} }

func (p place) String() string {
	if !p.named {
		return p.kind
	}
	return p.kind + " " + strconv.Quote(p.name)
}

// pageInfo is what the first layout pass learnt.
type pageInfo struct {
	total     int
	itemPages []int // by item position in the month, 1-based pages
}

// builder lays out one pass of one document.
type builder struct {
	r *Renderer
	f *fpdf.Fpdf
	// registered holds the "face/style" fonts added to f so far.
	registered map[string]bool
	current    currentFont // the font last selected in f
	lay        *layouts.Layout
	ed         news.Edition
	month      news.Month
	known      *pageInfo // nil in the first pass

	itemPages []int // recorded in this pass
	links     []int // internal link per item

	// where/at name the text being cleaned, for warnings.
	where    place
	at       news.Origin
	seen     map[string]bool
	warnings []news.Problem

	inl     inline         // state while writing Markdown inlines
	runs    []textRun      // inline content being collected
	marker  *pendingMarker // list marker waiting for its first line
	linkRun linkRun        // the link annotation being drawn on a line (para.go)
	lang    string         // the current item's language, for hyphenation
	// itemImages are the current item's checked images.
	itemImages []news.Image
	images     map[string]preparedImage // by news.Image.Name, shared by both passes
	hyphens    map[string][]int         // language + word → break points, shared by both passes
	lines      map[int]brokenParagraph
	paraSeq    int // paragraphs set so far in this pass, the key of lines
	parsed     map[string]parsedBody
	entries    map[entryKey][]string // contents entries' lines (shared by both passes)
	id         *[16]byte             // docID, once worked out (shared by both passes)
	tag        *tagger               // the structure, in the second pass (tags.go)

	// Footnotes (notes.go): the body's notes by number, those of the
	// page being set, and pieces waiting for the next page.
	noteNodes map[int]*east.Footnote
	footnotes map[int]*footnote
	noteOrder []*footnote
	notes     pageNotes
	carry     []notePiece
	roomOf    []float64 // by page-1: the room its notes took
	hlevel    int       // the last heading level tagged

	scratch scratch // para.go
}

// parsedBody is a Markdown body and its syntax tree, which refers to it.
type parsedBody struct {
	src []byte
	doc ast.Node
}

// currentFont is a face, style and size selected in the document.
type currentFont struct {
	face, style string
	size        float64
}

// caches are what both passes of one document share: hyphenation points,
// broken lines and parsed bodies, which do not change between passes.
type caches struct {
	hyphens map[string][]int
	lines   map[int]brokenParagraph // by paragraph number in the document
	parsed  map[string]parsedBody   // by body
	entries map[entryKey][]string   // a contents entry's lines
	images  map[string]preparedImage
	// id is the document's ID (docID), a hash of all its text: worked
	// out once, though the metadata, the tidier and the trailer take it.
	id *[16]byte
}

func newCaches() caches {
	return caches{hyphens: map[string][]int{}, lines: map[int]brokenParagraph{},
		parsed: map[string]parsedBody{}, entries: map[entryKey][]string{}, images: map[string]preparedImage{}, id: new([16]byte)}
}

func newBuilder(r *Renderer, ed news.Edition, known *pageInfo, c caches) *builder {
	return &builder{r: r, lay: r.lay, ed: ed, month: ed.Months[0], known: known, seen: map[string]bool{},
		images: c.images, hyphens: c.hyphens, lines: c.lines, parsed: c.parsed, entries: c.entries, id: c.id}
}

// build lays out the whole document.
func (b *builder) build(ctx context.Context) error {
	b.setup()
	b.where = place{kind: "cover"}
	b.cover()
	b.contents()
	n := 0
	for gi, g := range b.month.Types {
		b.where, b.at = place{kind: "type", name: g.Name, named: true}, news.Origin{}
		b.tag.begin("Sect")
		b.typeHeading(g, gi == 0)
		for i, it := range g.Items {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("pdf: render: %w", err)
			}
			b.item(n, it, g, i == 0)
			n++
		}
		b.tag.end()
	}
	b.flushNotes()
	if err := b.f.Error(); err != nil {
		return fmt.Errorf("pdf: layout: %w", err)
	}
	return nil
}

// setup creates the document, fonts, metadata and page furniture.
func (b *builder) setup() {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: b.r.pageSize})
	b.f = f
	b.tag = newTagger(f, b.known != nil)
	b.registered = map[string]bool{}
	p := b.lay.Page
	f.SetMargins(p.MarginLeft, p.MarginTop, p.MarginRight)
	f.SetAutoPageBreak(true, p.MarginBottom)
	f.SetCellMargin(0)

	m := b.ed.Meta
	f.SetTitle(m.Title, true)
	f.SetAuthor(m.Author, true)
	f.SetSubject(m.Subject, true)
	f.SetKeywords(strings.Join(m.Keywords, ", "), true)
	f.SetCreator("bulletin", true)
	f.SetLang(m.Lang)
	// Fixed dates and sorted catalogue: the same edition gives the same bytes.
	f.SetCreationDate(m.Published)
	f.SetModificationDate(m.Published)
	f.SetCatalogSort(true)
	f.SetCompression(false) // done by Renderer.deflate: see deflate.go
	b.archival()

	// fpdf restores the body's font after the page furniture is drawn;
	// the builder's idea of the current font must follow it.
	f.SetHeaderFuncMode(func() {
		saved := b.current
		b.startPageNotes()
		b.tag.pageStart(b.header)
		b.current = saved
	}, true)
	f.SetFooterFunc(func() { saved := b.current; b.drawNotes(); b.tag.pageEnd(b.footer); b.current = saved })

	for range b.month.Count() {
		b.links = append(b.links, f.AddLink())
	}
	b.itemPages = make([]int, b.month.Count())
}

// Geometry helpers, all in millimetres.

func (b *builder) pageW() float64 { w, _ := b.f.GetPageSize(); return w }
func (b *builder) pageH() float64 { _, h := b.f.GetPageSize(); return h }
func (b *builder) left() float64  { return b.lay.Page.MarginLeft }
func (b *builder) textW() float64 {
	return b.pageW() - b.lay.Page.MarginLeft - b.lay.Page.MarginRight
}

// bottom is the foot of the text block: above the page's footnotes.
func (b *builder) bottom() float64 { return b.pageBottom() - b.notes.room }

// lineH is the line height for a font size in points.
func (b *builder) lineH(sizePt float64) float64 { return sizePt * b.lay.Sizes.Leading * ptToMM }

// stand is the key in builder.registered of the first pass's font.
const stand = "stand-in"

// font selects a face, registering it with the document on first use:
// registering a TrueType font costs fpdf milliseconds (it hashes the whole
// width table), and a month rarely uses every style of both faces.
func (b *builder) font(face, style string, sizePt float64) {
	cur := currentFont{face, style, sizePt}
	if b.current == cur {
		return // fpdf would redo the lookups and write the operator again
	}
	b.current = cur
	if b.known == nil {
		// The first pass only measures (with the renderer's metrics) and
		// throws its drawing away: it draws in a built-in font, so that no
		// TrueType font is parsed for it.
		if !b.registered[stand] {
			b.f.SetFont("Helvetica", "", 10)
			b.registered[stand] = true
		}
		return
	}
	key := face + "/" + style
	if !b.registered[key] {
		for _, ff := range b.r.fonts {
			if ff.family == face && ff.style == style {
				b.f.AddUTF8FontFromBytes(ff.family, ff.style, ff.data)
			}
		}
		b.registered[key] = true
	}
	b.f.SetFont(face, style, sizePt)
}

// width is the width of s in the current font, in millimetres.
func (b *builder) width(s string) float64 {
	c := b.current
	return b.r.metrics[faceStyle{c.face, c.style}].width(s, c.size)
}

func (b *builder) colour(c layouts.Colour) { b.f.SetTextColor(c.R, c.G, c.B) }
func (b *builder) drawColour(c layouts.Colour) {
	b.f.SetDrawColor(c.R, c.G, c.B)
}
func (b *builder) fillColour(c layouts.Colour) { b.f.SetFillColor(c.R, c.G, c.B) }

// needSpace starts a new page unless h millimetres are left on this one.
func (b *builder) needSpace(h float64) {
	if b.f.GetY()+h > b.bottom() {
		b.f.AddPage()
	}
}

// rule draws a horizontal line across the text width at the current y.
func (b *builder) rule(c layouts.Colour, widthMM float64) {
	b.tag.artifact(func() {
		b.drawColour(c)
		b.f.SetLineWidth(widthMM)
		y := b.f.GetY()
		b.f.Line(b.left(), y, b.left()+b.textW(), y)
	})
}

// header is the running head: publisher · period over a hairline.
func (b *builder) header() {
	if b.f.PageNo() == 1 {
		return
	}
	top := b.lay.Page.MarginTop
	b.font(faceHeading, "", b.lay.Sizes.Small)
	b.colour(b.lay.Colours.Muted)
	parts := []string{}
	for _, s := range []string{b.ed.Cover.Publisher, b.period()} {
		if s = strings.TrimSpace(b.clean(s)); s != "" {
			parts = append(parts, s)
		}
	}
	b.f.SetXY(b.left(), top-13)
	b.tag.mark()
	b.f.CellFormat(b.textW(), 5, strings.Join(parts, "  ·  "), "", 0, "L", false, 0, "")
	b.f.SetY(top - 7)
	b.rule(b.lay.Colours.Rule, 0.15)
}

// footer prints "Page N of M"; the first pass does not know M yet, and
// prints a placeholder of the same kind (the footer never moves text).
func (b *builder) footer() {
	if b.f.PageNo() == 1 {
		return
	}
	total := b.f.PageNo()
	if b.known != nil {
		total = b.known.total
	}
	format := b.ed.Meta.Labels.Page
	if !strings.Contains(format, "%d") {
		format = "Page %d of %d"
	}
	b.font(faceHeading, "", b.lay.Sizes.Small)
	b.colour(b.lay.Colours.Muted)
	b.f.SetXY(b.left(), b.pageBottom()+8)
	b.f.CellFormat(b.textW(), 5, b.clean(fmt.Sprintf(format, b.f.PageNo(), total)), "", 0, "C", false, 0, "")
}

func (b *builder) period() string {
	if b.ed.Cover.Period != "" {
		return b.ed.Cover.Period
	}
	return b.month.Title
}

// contents lists the items by type with dot leaders and linked page numbers.
// Entries never depend on the numbers' values (their column has a fixed
// width), so the contents fill the same pages in both passes.
func (b *builder) contents() {
	b.where, b.at = place{kind: "contents"}, news.Origin{}
	s := b.lay.Sizes
	// A short bulletin's contents go on the cover, below the tally, when
	// they fit there whole: a page for one entry is waste.
	h := b.contentsHeight()
	b.where, b.at = place{kind: "contents"}, news.Origin{}
	if b.f.GetY()+10+h <= b.bottom() {
		b.f.Ln(10)
	} else {
		b.f.AddPage()
	}
	b.font(faceHeading, "B", s.H1)
	b.colour(b.lay.Colours.Accent)
	label := b.ed.Meta.Labels.Contents
	if label == "" {
		label = "Contents"
	}
	b.tag.begin(b.headingRole(2))
	b.tag.mark()
	b.f.CellFormat(b.textW(), b.lineH(s.H1), b.clean(label), "", 1, "L", false, 0, "")
	b.tag.end()
	b.f.Ln(2)
	b.rule(b.lay.Colours.Accent, 0.4)
	b.f.Ln(6)

	n := 0
	b.tag.begin("TOC")
	for _, g := range b.month.Types {
		b.needSpace(b.lineH(s.H3) + 2 + b.lineH(s.Body))
		b.font(faceHeading, "B", s.H3)
		b.colour(b.lay.Colours.Accent)
		b.tag.begin("TOCI")
		b.tag.begin("P")
		b.tag.mark()
		b.f.CellFormat(b.textW(), b.lineH(s.H3), b.clean(g.Name), "", 1, "L", false, 0, "")
		b.tag.end()
		b.f.Ln(1)
		b.tag.begin("TOC")
		for _, it := range g.Items {
			b.where, b.at = itemPlace(it.Title), it.Origin()
			b.contentsEntry(n, it)
			n++
		}
		b.tag.end()
		b.tag.end()
		b.f.Ln(4)
	}
	b.tag.end()
}

// contentsHeight is the height contents() takes, measured as it sets it.
func (b *builder) contentsHeight() float64 {
	s := b.lay.Sizes
	h := b.lineH(s.H1) + 2 + 6
	lh := b.lineH(s.Body) * 0.92
	b.font(faceText, "", s.Body)
	room := b.textW() - 4 - b.width("0000") - 3
	for _, g := range b.month.Types {
		h += b.lineH(s.H3) + 1 + 4
		for _, it := range g.Items {
			// Cleaning warns against the item, as the entry itself does.
			b.where, b.at = itemPlace(it.Title), it.Origin()
			h += float64(len(b.entryLines(b.clean(it.Title), room)))*lh + 1.5
		}
	}
	return h
}

// entryLines are a contents entry's title wrapped to width in the body
// font: the same in contentsHeight and contentsEntry, in both passes, so
// wrapped once a document. The title is cleaned by the caller, which
// warns for each pass.
func (b *builder) entryLines(title string, width float64) []string {
	k := entryKey{title, width}
	if lines, ok := b.entries[k]; ok {
		return lines
	}
	lines := slices.Clone(b.wrap(title, width))
	b.entries[k] = lines
	return lines
}

// entryKey is a contents entry's cleaned title and the width it is set in.
type entryKey struct {
	title string
	width float64
}

// contentsEntry prints one wrapped title, leaders and the page number.
func (b *builder) contentsEntry(n int, it news.Item) {
	s := b.lay.Sizes
	lh := b.lineH(s.Body) * 0.92
	b.font(faceText, "", s.Body)
	numW := b.width("0000")
	gap := 3.0
	indent := 4.0
	lines := spaced(slices.Clone(b.entryLines(b.clean(it.Title), b.textW()-indent-numW-gap)))
	h := float64(len(lines)) * lh
	b.needSpace(h + 1.5)
	y0 := b.f.GetY()
	b.colour(b.lay.Colours.Text)
	b.tag.begin("TOCI")
	b.tag.begin("Link")
	for i, line := range lines {
		b.f.SetX(b.left() + indent)
		b.tag.mark()
		b.f.CellFormat(b.width(line), lh, line, "", 0, "L", false, 0, "")
		if i < len(lines)-1 {
			b.f.Ln(lh)
		}
	}
	// Dot leaders from the end of the last line to the number column.
	x := b.f.GetX() + 1.5
	end := b.left() + b.textW() - numW - 1.5
	b.colour(b.lay.Colours.Rule)
	dot := ". "
	if dw := b.width(dot); dw > 0 && end > x {
		k := int((end - x) / dw)
		if k > 0 {
			b.f.SetX(end - float64(k)*dw)
			b.tag.artifact(func() {
				b.f.CellFormat(float64(k)*dw, lh, strings.Repeat(dot, k), "", 0, "L", false, 0, "")
			})
		}
	}
	page := ""
	if b.known != nil {
		page = strconv.Itoa(b.known.itemPages[n])
	}
	b.colour(b.lay.Colours.Text)
	b.f.SetX(b.left() + b.textW() - numW)
	b.tag.mark()
	b.f.CellFormat(numW, lh, page, "", 1, "R", false, 0, "")
	b.f.Link(b.left(), y0, b.textW(), h, b.links[n])
	b.tag.annot()
	b.tag.end()
	b.tag.end()
	b.f.Ln(1.5)
}

// typeHeading opens a type group: the first on a new page after the
// contents, the others below the previous group when the heading and the
// start of an item fit, so a month of short items does not waste paper.
func (b *builder) typeHeading(g news.TypeGroup, first bool) {
	s := b.lay.Sizes
	if first {
		b.f.AddPage()
	} else {
		b.f.Ln(10)
		b.needSpace(b.lineH(s.H1) + 10 + 3*b.lineH(s.H2) + 5*b.lineH(s.Body))
	}
	b.font(faceHeading, "B", s.H1)
	b.colour(b.lay.Colours.Accent)
	name := b.clean(g.Name)
	b.f.Bookmark(name, 0, -1)
	b.tag.begin(b.headingRole(2))
	for _, line := range b.wrapSpaced(name, b.textW()) {
		b.tag.mark()
		b.f.CellFormat(b.textW(), b.lineH(s.H1), line, "", 1, "L", false, 0, "")
	}
	b.tag.end()
	b.f.Ln(2)
	b.rule(b.lay.Colours.Accent, 0.4)
	b.f.Ln(8)
}

// item prints one news item: title, meta line, summary and body; first
// is true for the first item under its type heading.
func (b *builder) item(n int, it news.Item, g news.TypeGroup, first bool) {
	b.where, b.at = itemPlace(it.Title), it.Origin()
	b.lang, b.itemImages = it.Lang, it.Images
	if b.lang == "" {
		b.lang = b.ed.Meta.Lang
	}
	s := b.lay.Sizes
	titleLH := b.lineH(s.H2) * 0.9
	b.font(faceHeading, "B", s.H2)
	title := b.clean(it.Title)
	lines := b.wrapSpaced(title, b.textW())
	// Keep the title with its meta line and the first lines of the body;
	// items after the first of a page are set off by a short hairline.
	const sepSpace = 12.0
	need := float64(len(lines))*titleLH + b.lineH(s.Small) + 3*b.lineH(s.Body) + 4
	if !first && b.f.GetY()+sepSpace+need <= b.bottom() {
		b.f.Ln(2)
		b.tag.artifact(func() {
			b.drawColour(b.lay.Colours.Rule)
			b.f.SetLineWidth(0.2)
			y := b.f.GetY()
			b.f.Line(b.left(), y, b.left()+20, y)
		})
		b.f.Ln(sepSpace - 2)
	} else {
		b.needSpace(need)
	}

	b.f.SetLink(b.links[n], b.f.GetY(), b.f.PageNo())
	b.itemPages[n] = b.f.PageNo()
	b.f.Bookmark(title, 1, -1)
	b.colour(b.lay.Colours.Text)
	b.tag.beginItem(it.LangOrGuess(), b.ed.Meta.Lang)
	b.tag.begin(b.headingRole(3))
	for _, line := range lines {
		b.f.SetX(b.left())
		b.tag.mark()
		b.f.CellFormat(b.textW(), titleLH, line, "", 1, "L", false, 0, "")
	}
	b.tag.end()
	b.f.Ln(1)
	b.metaLine(it, g)
	b.f.Ln(3)

	if sum := strings.TrimSpace(it.Summary); sum != "" && !strings.HasPrefix(collapse(it.Body), collapse(sum)) {
		b.summary(sum)
	}
	b.markdown(it.Body)
	b.itemLinks(it)
	b.tag.end()
}

// itemLinks prints, under the body, the item's tags and its link on the
// web. The address is printed in full, since a printed bulletin cannot be
// clicked, and the line is a link annotation for those who read on screen.
func (b *builder) itemLinks(it news.Item) {
	s := b.lay.Sizes
	lh := b.lineH(s.Small)
	muted := style{face: faceHeading, size: s.Small, colour: b.lay.Colours.Muted}
	l := b.ed.Meta.Labels
	if len(it.Tags) > 0 {
		b.f.SetX(b.leftMargin())
		label := labelOr(l.Tags, "Tags")
		b.paraRuns([]textRun{{text: b.clean(label + ": " + strings.Join(it.Tags, ", ")), st: muted}}, lh, false, false)
	}
	if it.URL != "" {
		linked := muted
		linked.link, linked.colour = it.URL, b.lay.Colours.Accent
		label := b.clean(labelOr(l.ReadOnline, "Read online") + ": ")
		width := b.left() + b.textW() - b.leftMargin()
		runs := []textRun{{text: label, st: linked}}
		for i, piece := range cutURL(b.clean(it.URL), width-b.measure(linked, label), width, b.metricsOf(linked), linked.size) {
			if i > 0 {
				runs = append(runs, textRun{brk: true})
			}
			if piece != "" {
				runs = append(runs, textRun{text: piece, st: linked})
			}
		}
		// The label and its address are one block: moved whole to the
		// next page rather than split, unless longer than a page.
		lines := 1
		for _, r := range runs {
			if r.brk {
				lines++
			}
		}
		if h := float64(lines) * lh; h <= b.bottom()-b.lay.Page.MarginTop {
			b.needSpace(h)
		}
		b.f.SetX(b.leftMargin())
		b.paraRuns(runs, lh, false, false)
	}
}

// cutURL cuts an address into lines: the first as wide as first (what the
// label leaves of the line), the others as wide as rest, each cut after
// the last '/', '.', '-', '_', '?', '&', '=' or '#' that fits, or between
// any two letters when none does. The line breaker would cut a word too
// wide for a line only at fixed places, after putting the label alone on
// a line of its own. A first piece "" means not one letter fits beside
// the label.
func cutURL(url string, first, rest float64, m *fontMetrics, size float64) []string {
	rs := []rune(url)
	var pieces []string
	avail := first
	for start := 0; start < len(rs); avail = rest {
		sum, i, cut := 0.0, start, -1
		for i < len(rs) {
			w := m.width(string(rs[i]), size)
			if sum+w > avail+1e-9 {
				break
			}
			sum += w
			i++
			if strings.ContainsRune("/.-_?&=#", rs[i-1]) {
				cut = i
			}
		}
		switch {
		case i == len(rs):
			cut = i
		case cut < 0 && i == start && len(pieces) == 0 && first < rest:
			cut = start // the label alone; the address from the next line
		case cut < 0:
			cut = max(i, start+1)
		}
		pieces = append(pieces, string(rs[start:cut]))
		start = cut
	}
	return pieces
}

// labelOr is the label, or its English default when the edition has none.
func labelOr(label, def string) string {
	if strings.TrimSpace(label) == "" {
		return def
	}
	return label
}

// metaLine prints "6 July 2020 · Statements · Author" and the date note in
// italic.
func (b *builder) metaLine(it news.Item, g news.TypeGroup) {
	s := b.lay.Sizes
	lh := b.lineH(s.Small)
	b.f.SetX(b.left())
	b.colour(b.lay.Colours.Muted)
	b.font(faceHeading, "", s.Small)
	undated := b.ed.Meta.Labels.Undated
	if undated == "" {
		undated = "Undated"
	}
	meta := formatDate(it.Date, b.ed.Meta.Lang, undated)
	if g.Name != "" {
		meta += "  ·  " + g.Name
	}
	if len(it.Authors) > 0 {
		meta += "  ·  " + strings.Join(it.Authors, ", ")
	}
	metaSt := style{face: faceHeading, size: s.Small, colour: b.lay.Colours.Muted}
	runs := []textRun{{text: b.clean(meta), st: metaSt}}
	if note := b.ed.Meta.Labels.DateNote(it, formatDate(it.Date, b.ed.Meta.Lang, undated)); note != "" {
		noteSt := style{face: faceText, style: "I", size: s.Small, colour: b.lay.Colours.Muted}
		runs = append(runs, textRun{text: b.clean("  (" + note + ")"), st: noteSt})
	}
	total := 0.0
	for _, r := range runs {
		total += b.measure(r.st, r.text)
	}
	if total > b.textW() {
		// A long note: set as a paragraph (fpdf's Write would wrap it by
		// fpdf's own measure, which the first pass does not have).
		b.paraRuns(runs, lh, false, false)
		return
	}
	b.tag.begin("P")
	for _, r := range runs {
		b.setStyle(r.st)
		b.tag.mark()
		b.f.CellFormat(b.measure(r.st, r.text), lh, r.text, "", 0, "L", false, 0, "")
	}
	b.tag.end()
	b.f.Ln(lh)
}

// summary is the item's lead, in italic.
func (b *builder) summary(sum string) {
	s := b.lay.Sizes
	lh := b.lineH(s.Body)
	st := style{face: faceText, style: "I", size: s.Body, colour: b.lay.Colours.Text}
	b.f.SetX(b.left())
	b.paraRuns([]textRun{{text: b.clean(collapse(sum)), st: st}}, lh, b.lay.Text.Justify, b.lay.Text.Hyphenate)
	b.f.Ln(lh * 0.5)
}
