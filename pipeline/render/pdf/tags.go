package pdf

import (
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/yuin/goldmark/ast"
)

// Tagged PDF. fpdf (v0.12.0) knows nothing of structure, so the document
// keeps two records while it is drawn: the page streams get marked content
// (BDC/EMC with an MCID, or /Artifact BMC/EMC for page furniture and
// decorations) through fpdf's raw output, and the tagger builds the
// structure tree those MCIDs belong to. The post-processing pass
// (structtree.go) writes the tree as new objects.
//
// Only elements of a content role (P, H1…, Lbl, TD, Link…) own marked
// content; group elements (Document, Sect, L, LI, Table…) only hold
// elements. Content is drawn into the marked-content sequence of the
// innermost open element, which is suspended while a child element is open
// and while an artifact is drawn, and reopened with a new MCID after.

// element is one structure element.
type element struct {
	role   string
	alt    string // Figure: the text alternative
	actual string // Span: the text it stands for (/ActualText)
	lang   string // when it differs from the document's
	scope  string // TH: Row or Column
	parent *element
	kids   []tagKid
}

// tagKid is a child element, a marked-content sequence (page, mcid) or a
// link annotation (page, the annotation's index on that page).
type tagKid struct {
	el         *element
	page, mcid int
	annot      int // -1 unless an annotation
}

// tagger records the structure while the second layout pass draws. A nil
// tagger (the first pass, which draws nothing that is kept) does nothing.
type tagger struct {
	f    *fpdf.Fpdf
	root *element
	open []*element
	mc   bool // a marked-content sequence of the top element is open
	// pending is true when the top element owns content but its
	// sequence is not opened yet: it opens at the first thing drawn
	// (mark), so an element that draws nothing before a child opens or
	// before it ends leaves no empty sequence behind.
	pending bool
	// skip counts begin calls inside an artifact (a repeated table head):
	// they make no elements.
	skip int
	// artifact is true while page furniture or a decoration is drawn.
	inArtifact bool

	// A Link stays open while one link's words are drawn, over lines
	// and pages: one Link element per link, with one OBJR per line.
	link bool
	// A Span stays open from the piece of a word hyphenated at a line
	// end to the end of the word on the next line.
	span bool

	pageMCs    [][]*element // by page-1: the element of each MCID
	pageAnnots [][]*element // by page-1: the element of each link annotation
}

// newTagger is the tagger of a pass that keeps its drawing (on), else nil.
func newTagger(f *fpdf.Fpdf, on bool) *tagger {
	if !on {
		return nil
	}
	root := &element{role: "Document"}
	return &tagger{f: f, root: root, open: []*element{root}}
}

// contentRole is true for elements that own marked content.
func contentRole(role string) bool {
	switch role {
	case "P", "H1", "H2", "H3", "H4", "H5", "H6", "Lbl", "TH", "TD", "Figure", "Link", "Code", "Span":
		return true
	}
	return false
}

func (t *tagger) top() *element { return t.open[len(t.open)-1] }

// begin opens an element under the innermost open one.
func (t *tagger) begin(role string) *element {
	if t == nil {
		return nil
	}
	if t.skip > 0 || t.inArtifact {
		t.skip++
		return nil
	}
	t.suspend()
	el := &element{role: role, parent: t.top()}
	el.parent.kids = append(el.parent.kids, tagKid{el: el, annot: -1})
	t.open = append(t.open, el)
	t.resume()
	return el
}

// beginUnder opens an element as the first child of p (an LI's Lbl, drawn
// with the first line of its body).
func (t *tagger) beginUnder(p *element, role string) {
	if t == nil || p == nil || t.skip > 0 || t.inArtifact {
		t.begin(role) // counted as skipped, or a no-op
		return
	}
	t.suspend()
	el := &element{role: role, parent: p}
	p.kids = append([]tagKid{{el: el, annot: -1}}, p.kids...)
	t.open = append(t.open, el)
	t.resume()
}

// child makes an element under parent (the open element when nil)
// without opening it: a footnote's Note, drawn later at the page's foot,
// belongs where its reference is.
func (t *tagger) child(parent *element, role string) *element {
	if t == nil || t.skip > 0 || t.inArtifact {
		return nil
	}
	if parent == nil {
		parent = t.top()
	}
	el := &element{role: role, parent: parent}
	parent.kids = append(parent.kids, tagKid{el: el, annot: -1})
	return el
}

// within draws into el, an element made before (a note going on at the
// foot of a later page), and leaves no marked content open after.
func (t *tagger) within(el *element, draw func()) {
	if t == nil || el == nil || t.skip > 0 || t.inArtifact {
		draw()
		return
	}
	t.suspend()
	t.open = append(t.open, el)
	t.resume()
	draw()
	t.suspend()
	t.open = t.open[:len(t.open)-1]
}

// current is the innermost open element (nil in the first pass).
func (t *tagger) current() *element {
	if t == nil {
		return nil
	}
	return t.top()
}

// end closes the innermost open element and reopens its parent's content.
func (t *tagger) end() {
	if t == nil {
		return
	}
	if t.skip > 0 {
		t.skip--
		return
	}
	if len(t.open) < 2 {
		return
	}
	t.suspend()
	t.open = t.open[:len(t.open)-1]
	t.resume()
}

// suspend closes the open marked-content sequence, if any.
func (t *tagger) suspend() {
	if t == nil {
		return
	}
	t.pending = false
	if t.mc {
		t.f.RawWriteStr("EMC")
		t.mc = false
	}
}

// resume makes the top element's content open at the next drawing, when
// it owns content.
func (t *tagger) resume() {
	t.pending = contentRole(t.top().role)
}

// mark opens the top element's marked-content sequence, if one is
// pending: called before anything is drawn as content.
func (t *tagger) mark() {
	if t == nil || !t.pending || t.inArtifact {
		return
	}
	t.pending = false
	el := t.top()
	page := t.f.PageNo()
	if page < 1 {
		return
	}
	for len(t.pageMCs) < page {
		t.pageMCs = append(t.pageMCs, nil)
	}
	mcid := len(t.pageMCs[page-1])
	t.pageMCs[page-1] = append(t.pageMCs[page-1], el)
	el.kids = append(el.kids, tagKid{page: page, mcid: mcid, annot: -1})
	props := "/" + el.role + " <</MCID " + strconv.Itoa(mcid)
	if el.actual != "" {
		props += " /ActualText " + textString(el.actual)
	}
	t.f.RawWriteStr(props + ">> BDC")
	t.mc = true
}

// artifact draws what draw draws as an artifact: page furniture, rules,
// frames, leaders.
func (t *tagger) artifact(draw func()) {
	if t == nil || t.inArtifact {
		draw()
		return
	}
	t.suspend()
	t.artifactSeq(draw)
	t.resume()
}

// pageEnd draws the footer as an artifact, the open content closed before
// the page ends; pageStart draws the header and reopens it on the new page.
func (t *tagger) pageEnd(draw func()) {
	if t == nil {
		draw()
		return
	}
	t.suspend()
	t.artifactSeq(draw)
}

func (t *tagger) pageStart(draw func()) {
	if t == nil {
		draw()
		return
	}
	t.artifactSeq(draw)
	t.resume()
}

// decoration marks a drawing on another page than the current one (a
// quote's bar drawn back on the pages it spans) as an artifact; no marked
// content is open on that page at the time.
func (t *tagger) decoration(draw func()) {
	if t == nil || t.inArtifact {
		draw()
		return
	}
	t.artifactSeq(draw)
}

// artifactSeq draws what draw draws in one /Artifact sequence; nothing in
// it is marked as content.
func (t *tagger) artifactSeq(draw func()) {
	t.inArtifact = true
	t.f.RawWriteStr("/Artifact BMC")
	draw()
	t.f.RawWriteStr("EMC")
	t.inArtifact = false
}

// annot records the link annotation just added to the current page as a
// child of the open element (a Link).
func (t *tagger) annot() {
	if t == nil {
		return
	}
	page := t.f.PageNo()
	for len(t.pageAnnots) < page {
		t.pageAnnots = append(t.pageAnnots, nil)
	}
	if t.skip > 0 || t.inArtifact {
		// A link in a repeated table head: it keeps its place in the
		// page's list, and stays out of the tree.
		t.pageAnnots[page-1] = append(t.pageAnnots[page-1], nil)
		return
	}
	el := t.top()
	idx := len(t.pageAnnots[page-1])
	t.pageAnnots[page-1] = append(t.pageAnnots[page-1], el)
	el.kids = append(el.kids, tagKid{page: page, annot: idx})
}

// beginLink opens the Link of a link's words (closing the one open).
func (t *tagger) beginLink() {
	if t == nil {
		return
	}
	t.endLink()
	t.begin("Link")
	t.link = true
}

// endLink closes the open Link, if any.
func (t *tagger) endLink() {
	if t == nil || !t.link {
		return
	}
	t.end()
	t.link = false
}

// beginSpan opens the Span of a word hyphenated at a line end, which
// stands for the whole word (see drawLine).
func (t *tagger) beginSpan(whole string) {
	if t == nil || t.span {
		return
	}
	t.endLink()
	if el := t.begin("Span"); el != nil {
		el.actual = whole
	}
	t.span = true
}

// endSpan closes the open Span, if any.
func (t *tagger) endSpan() {
	if t == nil || !t.span {
		return
	}
	t.end()
	t.span = false
}

func (t *tagger) inSpan() bool { return t != nil && t.span }

// set gives the element just opened its attributes.
func (el *element) set(alt, lang, scope string) {
	if el == nil {
		return
	}
	el.alt, el.lang, el.scope = alt, lang, scope
}

// beginItem opens an item's Sect, with its language when it differs from
// the document's.
func (t *tagger) beginItem(lang, docLang string) {
	el := t.begin("Sect")
	if lang != "" && !strings.EqualFold(lang, docLang) {
		el.set("", lang, "")
	}
}

// headingRole is the role of a heading that wants level want: never more
// than one below the last heading, so no level is skipped (an item body
// that starts at "###" continues at the level under the item's title).
func (b *builder) headingRole(want int) string {
	level := min(want, b.hlevel+1, 6)
	b.hlevel = level
	return "H" + strconv.Itoa(level)
}

// beginCell opens a table cell: a header cell heads its column.
func (t *tagger) beginCell(header bool) {
	if !header {
		t.begin("TD")
		return
	}
	t.begin("TH").set("", "", "Column")
}

// plainText is the text of n's inline children: an image's alt text.
func plainText(n ast.Node, src []byte) string {
	var sb strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			sb.Write(c.Segment.Value(src))
		case *ast.String:
			sb.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(sb.String())
}

// wrapSpaced is wrap with a space kept at the end of every line but the
// last: text extraction (copy, search, a screen reader following the tags)
// joins a tagged element's lines as they are drawn, and without it the
// last word of a line runs into the first of the next. The space is
// invisible at the end of a left-aligned line.
func (b *builder) wrapSpaced(s string, width float64) []string {
	return spaced(b.wrap(s, width))
}

// spaced adds the space wrapSpaced keeps to every line but the last, in
// place, and returns lines.
func spaced(lines []string) []string {
	for i := 0; i+1 < len(lines); i++ {
		lines[i] += " "
	}
	return lines
}

// lineEnd is the space drawn (invisibly) at the end of a line that is not
// its paragraph's last, for text extraction (see wrapSpaced).
func lineEnd(l line) string {
	if (l.last && !l.hard) || l.cut {
		return ""
	}
	return " "
}

// wordEnd is the space drawn after a word's last fragment when a space
// follows it on the line: words drawn one by one would run together.
func wordEnd(l line, i, k int) string {
	wd := l.words[i]
	if i+1 < len(l.words) && wd.space > 0 && k == len(wd.frags)-1 {
		return " "
	}
	return ""
}

// spaceAt draws the line-end space of l at (x, middle of the line) when
// the line was drawn by pieces.
func (b *builder) spaceAt(l line, x, mid float64) {
	if (l.last && !l.hard) || l.cut || b.tag == nil {
		return
	}
	_, size := b.f.GetFontSize()
	b.tag.mark()
	b.f.Text(x, mid+0.3*size, " ")
}

// figure draws an image as a Figure with its text alternative; an image
// with none (alt="" says decorative) is an artifact, as the EPUB leaves it
// out of what a screen reader says.
func (t *tagger) figure(alt string, draw func()) {
	if alt == "" {
		t.artifact(draw)
		return
	}
	t.begin("Figure").set(alt, "", "")
	t.mark() // the image is the Figure's content: open it before drawing
	draw()
	t.end()
}
