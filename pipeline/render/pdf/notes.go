package pdf

import (
	"strconv"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// Footnotes are set at the foot of the page where their reference falls,
// as a book sets them: a short rule, then the notes in the small size,
// each numbered as its reference (a raised number in the text). Room for
// them is taken from the page's text block while the lines are placed
// (placeLines): a line is placed on a page only if it and its notes fit
// there. A note too long for what is left goes on at the foot of the next
// page, under a rule across the whole text width marked "continued".
//
// Numbers restart with every item, as goldmark numbers each body: the PDF,
// the EPUB and the web edition show the same number for the same note, and
// an item reads the same in every bulletin it is part of.

// footnote is one note of the body being set.
type footnote struct {
	index int
	node  *east.Footnote
	lines []line // broken for the note column, on first use
	lh    float64
	set   bool // its lines were computed
	// placed is true once the note has a page (it is drawn at that
	// page's end, or later when it continues).
	placed bool
	link   int      // fpdf link to the note, set when it is drawn
	back   int      // fpdf link to its first reference, set when that is drawn
	parent *element // where the Note goes in the structure: the reference's element
	el, p  *element // the Note and its paragraph, once begun
	refSet bool
}

// notePiece is lines [from, to) of a note on one page.
type notePiece struct {
	n        *footnote
	from, to int
}

// pageNotes are the notes of the page being set.
type pageNotes struct {
	pieces []notePiece
	room   float64 // height taken from the text block, rule included
	cont   bool    // the first piece goes on from the page before
	full   bool    // a note was split here: no more lines fit
}

// Geometry of the note area, in millimetres.
const (
	noteRuleSpace = 4.0 // from the text block's foot to the first note, the rule between
	noteGap       = 0.6 // between two notes
	noteIndent    = 5.0 // the number's column
)

// pageBottom is the foot of the page's text area, notes included.
func (b *builder) pageBottom() float64 { return b.pageH() - b.lay.Page.MarginBottom }

// breakMargin is fpdf's page-break margin: the page's margin and its notes.
func (b *builder) breakMargin() float64 { return b.lay.Page.MarginBottom + b.notes.room }

// setNoteRoom takes room from the text block for the page's notes.
func (b *builder) setNoteRoom(room float64) {
	b.notes.room = room
	b.f.SetAutoPageBreak(true, b.breakMargin())
	p := b.f.PageNo()
	for len(b.roomOf) < p {
		b.roomOf = append(b.roomOf, 0)
	}
	if p > 0 {
		b.roomOf[p-1] = room
	}
}

// bodyNotes indexes the notes of a body's syntax tree by number.
func bodyNotes(doc ast.Node) map[int]*east.Footnote {
	var out map[int]*east.Footnote
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		list, ok := c.(*east.FootnoteList)
		if !ok {
			continue
		}
		for n := list.FirstChild(); n != nil; n = n.NextSibling() {
			if fn, ok := n.(*east.Footnote); ok && fn.Index > 0 {
				if out == nil {
					out = map[int]*east.Footnote{}
				}
				out[fn.Index] = fn
			}
		}
	}
	return out
}

// note is the body's note number index, made on first use.
func (b *builder) note(index int) *footnote {
	if n, ok := b.footnotes[index]; ok {
		return n
	}
	node := b.noteNodes[index]
	if node == nil {
		return nil
	}
	n := &footnote{index: index, node: node, link: b.f.AddLink(), back: b.f.AddLink()}
	b.footnotes[index] = n
	b.noteOrder = append(b.noteOrder, n)
	return n
}

// noteLines breaks a note's paragraphs for the note column, by total fit
// as the body is, in the small size.
func (b *builder) noteLines(n *footnote) []line {
	if n.set {
		return n.lines
	}
	n.set = true
	s := b.lay.Sizes
	saved := b.inl
	b.inl.face, b.inl.size = faceText, s.Small
	b.inl.lh = b.lineH(s.Small) * 0.9
	b.inl.bold, b.inl.italic, b.inl.code, b.inl.link = 0, 0, false, ""
	b.inl.colour = b.lay.Colours.Text
	n.lh = b.inl.lh
	width := b.textW() - noteIndent
	for c := n.node.FirstChild(); c != nil; c = c.NextSibling() {
		if ws := b.tempWords(b.collect(c)); len(ws) > 0 {
			n.lines = append(n.lines, b.breakLines(ws, width, b.lay.Text.Hyphenate, b.lay.Text.Justify)...)
		}
	}
	b.inl = saved
	if len(n.lines) == 0 {
		// An empty note still shows its number.
		n.lines = []line{{last: true}}
	}
	return n.lines
}

// noteOf is the footnote f refers to, or nil; nearly every frag refers to
// none, and is answered without a map look-up.
func (b *builder) noteOf(f frag) *footnote {
	if f.st.note <= 0 {
		return nil
	}
	return b.footnotes[f.st.note]
}

// notesOf are the notes first referred to in l that have no page yet.
func (b *builder) notesOf(l line, out []*footnote) []*footnote {
	out = out[:0]
	if len(b.footnotes) == 0 {
		return out // an item without notes (nearly all): no frag to look at
	}
	for _, w := range l.words {
		for _, f := range w.frags {
			if n := b.noteOf(f); n != nil && !n.placed {
				seen := false
				for _, o := range out {
					seen = seen || o == n
				}
				if !seen {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// notesHeight is the room notes take below room already taken.
func (b *builder) notesHeight(room float64, ns []*footnote) float64 {
	h := 0.0
	for _, n := range ns {
		if room+h == 0 {
			h += noteRuleSpace
		} else {
			h += noteGap
		}
		h += float64(len(b.noteLines(n))) * n.lh
	}
	return h
}

// notePlan is what fitting a line with its notes at y decides.
type notePlan struct {
	fits  bool
	room  float64 // the page's note room after it
	split int     // > 0: only this many lines of the last note fit here
}

// fitLine says whether a line of height lh at y fits on the page with
// the notes first referred to in it, given the room taken so far. When the
// last note does not fit whole, at least two of its lines must (or all of
// a shorter one), and the rest goes on the next page.
func (b *builder) fitLine(ns []*footnote, y, lh, room float64) notePlan {
	if b.notes.full {
		return notePlan{}
	}
	bottom := b.pageBottom()
	all := room + b.notesHeight(room, ns)
	if y+lh <= bottom-all+1e-6 {
		return notePlan{fits: true, room: all}
	}
	if len(ns) == 0 {
		return notePlan{}
	}
	last := ns[len(ns)-1]
	before := room + b.notesHeight(room, ns[:len(ns)-1])
	lead := noteGap
	if before == 0 {
		lead = noteRuleSpace
	}
	free := bottom - before - lead - (y + lh)
	k := int((free + 1e-6) / last.lh)
	if total := len(b.noteLines(last)); k >= total || k < min(2, total) {
		return notePlan{}
	}
	return notePlan{fits: true, room: before + lead + float64(k)*last.lh, split: k}
}

// placeNotes gives the notes their page: the current one, the last one's
// first split lines only when split > 0 (the rest waits for the next page).
func (b *builder) placeNotes(ns []*footnote, plan notePlan) {
	for i, n := range ns {
		n.placed = true
		to := len(b.noteLines(n))
		if i == len(ns)-1 && plan.split > 0 {
			b.carry = append(b.carry, notePiece{n: n, from: plan.split, to: to})
			to = plan.split
			b.notes.full = true
		}
		b.notes.pieces = append(b.notes.pieces, notePiece{n: n, to: to})
	}
	b.setNoteRoom(plan.room)
}

// startPageNotes begins a page's notes with what the page before could not
// hold. A remainder taller than most of the page is split again.
func (b *builder) startPageNotes() {
	b.notes = pageNotes{}
	carry := b.carry
	b.carry = nil
	room := 0.0
	limit := (b.pageBottom() - b.lay.Page.MarginTop) * 0.6
	for i, pc := range carry {
		if i == 0 {
			b.notes.cont = true
			room += noteRuleSpace
		} else {
			room += noteGap
		}
		if h := float64(pc.to-pc.from) * pc.n.lh; room+h > limit {
			k := max(1, int((limit-room)/pc.n.lh))
			if k < pc.to-pc.from {
				b.carry = append(b.carry, notePiece{n: pc.n, from: pc.from + k, to: pc.to})
				b.carry = append(b.carry, carry[i+1:]...)
				pc.to = pc.from + k
				b.notes.full = true
				b.notes.pieces = append(b.notes.pieces, pc)
				room += float64(k) * pc.n.lh
				break
			}
		}
		b.notes.pieces = append(b.notes.pieces, pc)
		room += float64(pc.to-pc.from) * pc.n.lh
	}
	b.setNoteRoom(room)
}

// placeRemainingNotes gives a page to the body's notes that none has yet:
// a note nothing refers to, or one referred to from where lines are not
// placed one by one (a table cell). They go at the foot of the page where
// the body ends, or on the next.
func (b *builder) placeRemainingNotes() {
	var rest []*footnote
	for i := 1; i <= len(b.noteNodes); i++ {
		if n := b.note(i); n != nil && !n.placed {
			rest = append(rest, n)
		}
	}
	for _, n := range rest {
		plan := b.fitLine([]*footnote{n}, b.f.GetY(), 0, b.notes.room)
		if !plan.fits {
			b.f.AddPage()
			plan = b.fitLine([]*footnote{n}, b.f.GetY(), 0, b.notes.room)
			if !plan.fits { // taller than a page: split wherever it must
				plan = notePlan{fits: true, room: b.notes.room + b.notesHeight(b.notes.room, []*footnote{n})}
			}
		}
		b.placeNotes([]*footnote{n}, plan)
	}
}

// flushNotes adds pages until no note waits: the document's last page
// must not end with a note still to come.
func (b *builder) flushNotes() {
	for len(b.carry) > 0 {
		b.f.AddPage()
	}
}

// drawNotes draws the page's notes at its foot; it runs as the page ends,
// before the footer, in the structure under each note's reference.
func (b *builder) drawNotes() {
	pn := b.notes
	if len(pn.pieces) == 0 {
		return
	}
	marker := b.marker
	b.marker = nil
	defer func() { b.marker = marker }()
	b.tag.suspend()
	top := b.pageBottom() - pn.room
	y := top + noteRuleSpace/2
	b.tag.artifact(func() {
		b.drawColour(b.lay.Colours.Rule)
		b.f.SetLineWidth(0.2)
		if !pn.cont {
			b.f.Line(b.left(), y, b.left()+b.textW()/4, y)
			return
		}
		// A note going on from the page before: a rule across the text
		// width, with the word saying so at its end.
		label := labelOr(b.ed.Meta.Labels.NoteContinued, "continued")
		st := style{face: faceText, style: "I", size: b.lay.Sizes.Small * 0.9, colour: b.lay.Colours.Muted}
		w := b.measure(st, label)
		b.f.Line(b.left(), y, b.left()+b.textW()-w-2, y)
		b.setStyle(st)
		b.colour(st.colour)
		_, size := b.f.GetFontSize()
		b.f.Text(b.left()+b.textW()-w, y+0.35*size, b.clean(label))
	})
	y = top + noteRuleSpace
	for i, pc := range pn.pieces {
		if i > 0 {
			y += noteGap
		}
		b.drawNotePiece(pc, y)
		y += float64(pc.to-pc.from) * pc.n.lh
	}
}

// drawNotePiece draws lines of a note from y: the note's number, linked
// back to its reference, hangs in the margin of its first line.
func (b *builder) drawNotePiece(pc notePiece, y float64) {
	n := pc.n
	lines := b.noteLines(n)
	x := b.left() + noteIndent
	width := b.textW() - noteIndent
	if pc.from == 0 {
		b.f.SetLink(n.link, y, b.f.PageNo())
		if n.el == nil {
			n.el = b.tag.child(n.parent, "Note")
		}
		b.tag.within(n.el, func() {
			b.tag.begin("Lbl")
			st := style{face: faceText, size: b.lay.Sizes.Small, colour: b.lay.Colours.Accent}
			num := strconv.Itoa(n.index)
			if b.known != nil {
				b.setStyle(st)
				b.colour(st.colour)
				_, size := b.f.GetFontSize()
				if n.refSet {
					b.tag.begin("Link")
				}
				b.tag.mark()
				b.f.Text(b.left(), y+0.5*n.lh+0.3*size, num)
				if n.refSet {
					b.f.Link(b.left(), y, b.measure(st, num), n.lh, n.back)
					b.tag.annot()
					b.tag.end()
				}
			}
			b.tag.end()
			n.p = b.tag.begin("P")
			b.tag.end()
		})
	}
	b.tag.within(n.p, func() {
		for j := pc.from; j < pc.to; j++ {
			b.drawLine(lines[j], x, y, width, n.lh, b.lay.Text.Justify)
			y += n.lh
		}
	})
}
