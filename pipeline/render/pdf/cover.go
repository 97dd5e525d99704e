package pdf

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"bulletin/pipeline/words"
)

// cover lays out page 1: publisher, title, period, publication line,
// clocks, contact, the counter sentences in barred boxes, and the tally.
func (b *builder) cover() {
	f := b.f
	s := b.lay.Sizes
	c := b.ed.Cover
	f.AddPage()
	f.SetY(b.lay.Page.MarginTop + 18)
	b.masthead()

	if c.Publisher != "" {
		b.font(faceHeading, "", s.Small+0.5)
		b.colour(b.lay.Colours.Muted)
		b.tag.begin("P")
		b.spaced(strings.ToUpper(b.clean(c.Publisher)), 0.6, b.lineH(s.Small))
		b.tag.end()
		f.Ln(6)
	}

	title := c.Title
	if title == "" {
		title = b.ed.Meta.Title
	}
	b.font(faceHeading, "B", s.Title)
	b.colour(b.lay.Colours.Text)
	b.tag.begin(b.headingRole(1))
	for _, line := range b.wrapSpaced(b.clean(title), b.textW()) {
		b.tag.mark()
		f.CellFormat(b.textW(), s.Title*1.15*ptToMM, line, "", 1, "L", false, 0, "")
	}
	b.tag.end()
	f.Ln(1)
	if p := b.period(); p != "" {
		b.font(faceHeading, "", s.H1)
		b.colour(b.lay.Colours.Accent)
		b.tag.begin("P")
		b.tag.mark()
		f.CellFormat(b.textW(), b.lineH(s.H1), b.clean(p), "", 1, "L", false, 0, "")
		b.tag.end()
	}
	f.Ln(4)
	b.tag.artifact(func() {
		b.drawColour(b.lay.Colours.Accent)
		f.SetLineWidth(0.6)
		f.Line(b.left(), f.GetY(), b.left()+36, f.GetY())
	})
	f.Ln(6)

	b.coverFacts()
	f.Ln(8)
	for _, sentence := range c.Counters {
		b.counterBox(sentence)
	}
	f.Ln(4)
	b.tally()
}

// The crest's box on the cover, in millimetres: as tall as three lines of
// the title, narrower than the text, as an embassy's letterhead has it.
const (
	mastHeight   = 26.0
	mastMaxWidth = 70.0
	mastGap      = 7.0 // between the crest and the publisher's line
)

// masthead draws the layout's crest centred at the top of the cover, a
// Figure with the layout's alt text, and moves below it. The cover's text
// then starts where it would without one, less the space the crest takes
// from the top margin's extra room.
func (b *builder) masthead() {
	ref := b.r.mast
	if ref == nil {
		return
	}
	f := b.f
	w, h := mastMaxWidth, mastHeight
	if r := float64(ref.pw) / float64(ref.ph); h*r <= w {
		w = h * r
	} else {
		h = w / r
	}
	y := b.lay.Page.MarginTop
	opts := fpdf.ImageOptions{ImageType: ref.typ}
	b.tag.figure(b.r.mastAlt, func() {
		if f.GetImageInfo(ref.name) == nil {
			b.registerImage(ref, opts)
		}
		f.ImageOptions(ref.name, b.left()+(b.textW()-w)/2, y, w, h, false, opts, 0, "")
	})
	f.SetXY(b.left(), y+mastHeight+mastGap)
}

// spaced writes a line letter by letter with extra tracking, the nearest
// fpdf gets to small capitals.
func (b *builder) spaced(text string, tracking, h float64) {
	x := b.left()
	y := b.f.GetY()
	for _, r := range text {
		ch := string(r)
		w := b.width(ch)
		if x+w > b.left()+b.textW() {
			break
		}
		b.f.SetXY(x, y)
		b.tag.mark()
		b.f.CellFormat(w, h, ch, "", 0, "L", false, 0, "")
		x += w + tracking
	}
	b.f.SetXY(b.left(), y+h)
}

// coverFacts prints the publication date, the clocks and the contact block.
func (b *builder) coverFacts() {
	f := b.f
	s := b.lay.Sizes
	c := b.ed.Cover
	lh := b.lineH(s.Body)
	if c.Published != "" {
		label := b.ed.Meta.Labels.Published
		if label == "" {
			label = "Published"
		}
		b.font(faceText, "", s.Body)
		b.colour(b.lay.Colours.Text)
		b.writeLines(label+" "+c.Published, lh)
	}
	if len(c.Clocks) > 0 {
		parts := make([]string, 0, len(c.Clocks))
		for _, k := range c.Clocks {
			parts = append(parts, k.Place+" "+k.Time)
		}
		b.font(faceText, "", s.Body)
		b.colour(b.lay.Colours.Muted)
		b.writeLines(strings.Join(parts, "  ·  "), lh)
	}
	if len(c.Contact) > 0 {
		f.Ln(3)
		b.font(faceHeading, "", s.Small)
		b.colour(b.lay.Colours.Muted)
		for _, line := range c.Contact {
			b.writeLines(line, b.lineH(s.Small))
		}
	}
}

// writeLines prints text wrapped to the text width in the current font.
func (b *builder) writeLines(text string, lh float64) {
	b.tag.begin("P")
	defer b.tag.end()
	for _, line := range b.wrapSpaced(b.clean(text), b.textW()) {
		b.f.SetX(b.left())
		b.tag.mark()
		b.f.CellFormat(b.textW(), lh, line, "", 1, "L", false, 0, "")
	}
}

// counterBox shows one counter sentence in a thin frame with an accent bar.
func (b *builder) counterBox(sentence string) {
	f := b.f
	s := b.lay.Sizes
	const pad, bar = 4.0, 1.6
	size := s.Body + 1.5
	lh := b.lineH(size) * 0.95
	b.font(faceText, "", size)
	inner := b.textW() - bar - 2*pad
	lines := b.wrapSpaced(b.clean(sentence), inner)
	h := float64(len(lines))*lh + 2*pad
	b.needSpace(h + 4)
	x, y := b.left(), f.GetY()

	b.tag.artifact(func() {
		b.drawColour(b.lay.Colours.Rule)
		f.SetLineWidth(0.2)
		f.Rect(x, y, b.textW(), h, "D")
		b.fillColour(b.lay.Colours.Accent)
		f.Rect(x, y, bar, h, "F")
	})

	b.colour(b.lay.Colours.Text)
	f.SetY(y + pad)
	b.tag.begin("P")
	for _, line := range lines {
		f.SetX(x + bar + pad)
		b.tag.mark()
		f.CellFormat(inner, lh, line, "", 1, "L", false, 0, "")
	}
	b.tag.end()
	f.SetY(y + h + 4)
}

// tally lists the number of items of each type and the total.
func (b *builder) tally() {
	c := b.ed.Cover
	if len(c.Tally) == 0 && c.Total == 0 {
		return
	}
	f := b.f
	s := b.lay.Sizes
	lh := b.lineH(s.Body)
	width := min(100.0, b.textW())
	b.needSpace(float64(len(c.Tally)+1)*lh + 4)
	b.font(faceText, "", s.Body)
	for _, tc := range c.Tally {
		b.colour(b.lay.Colours.Text)
		f.SetX(b.left())
		b.tag.begin("P")
		b.tag.mark()
		f.CellFormat(width-15, lh, b.clean(tc.Name)+" ", "", 0, "L", false, 0, "")
		f.CellFormat(15, lh, b.clean(words.Number(tc.Count, b.ed.Meta.Lang)), "", 1, "R", false, 0, "")
		b.tag.end()
	}
	f.Ln(1)
	b.tag.artifact(func() {
		b.drawColour(b.lay.Colours.Rule)
		f.SetLineWidth(0.2)
		f.Line(b.left(), f.GetY(), b.left()+width, f.GetY())
	})
	f.Ln(1)
	b.font(faceText, "B", s.Body)
	f.SetX(b.left())
	b.tag.begin("P")
	b.tag.mark()
	f.CellFormat(width, lh, b.clean(c.TotalText), "", 1, "R", false, 0, "")
	b.tag.end()
}
