package pdf

import (
	east "github.com/yuin/goldmark/extension/ast"
)

// tableCell is one laid-out cell.
type tableCell struct {
	words []word
	lines []line
	align east.Alignment
}

// table renders a GFM table with ruled cells: column widths from the
// cells' natural and narrowest widths, cells wrapped (and hyphenated), the
// header row bold on a faint band and repeated after a page break.
func (b *builder) table(t *east.Table) {
	const hpad, vpad = 1.8, 1.0
	lh := b.inl.lh * 0.92
	x0 := b.leftMargin()
	avail := b.left() + b.textW() - x0

	var rows [][]tableCell
	headerRows := 0
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		_, header := row.(*east.TableHeader)
		if header {
			b.inl.bold++
			headerRows++
		}
		var cells []tableCell
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			tc := tableCell{words: b.words(b.collect(c))}
			if cell, ok := c.(*east.TableCell); ok {
				tc.align = cell.Alignment
			}
			cells = append(cells, tc)
		}
		if header {
			b.inl.bold--
		}
		rows = append(rows, cells)
	}
	ncol := 0
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return
	}
	nat := make([]float64, ncol)
	narrow := make([]float64, ncol)
	for _, r := range rows {
		for i, c := range r {
			w := lineWidth(line{words: c.words})
			nat[i] = max(nat[i], w+2*hpad)
			for _, wd := range c.words {
				narrow[i] = max(narrow[i], min(wd.w, avail/float64(ncol)*1.5)+2*hpad)
			}
		}
	}
	widths := make([]float64, ncol)
	sumNat, sumNarrow := 0.0, 0.0
	for i := range ncol {
		narrow[i] = max(narrow[i], 2*hpad+2)
		nat[i] = max(nat[i], narrow[i])
		sumNat += nat[i]
		sumNarrow += narrow[i]
	}
	switch {
	case sumNat <= avail: // everything on one line: spread what is left evenly
		for i := range ncol {
			widths[i] = nat[i] + (avail-sumNat)/float64(ncol)
		}
	case sumNarrow <= avail:
		// Each column gets up to a fair share (short columns all they
		// need), then what is left goes to the columns that want more.
		fair := avail / float64(ncol)
		sum, want := 0.0, 0.0
		for i := range ncol {
			widths[i] = min(nat[i], max(narrow[i], fair))
			sum += widths[i]
			want += nat[i] - widths[i]
		}
		for i := range ncol {
			if want > 0 {
				widths[i] += (avail - sum) * (nat[i] - widths[i]) / want
			}
		}
	default: // too many columns: words are cut
		for i := range ncol {
			widths[i] = avail * narrow[i] / sumNarrow
		}
	}
	heights := make([]float64, len(rows))
	for ri, r := range rows {
		n := 1
		for i := range r {
			r[i].lines = b.breakLines(r[i].words, widths[i]-2*hpad, b.lay.Text.Hyphenate, false)
			n = max(n, len(r[i].lines))
		}
		heights[ri] = float64(n)*lh + 2*vpad
	}

	drawRow := func(ri int) {
		y := b.f.GetY()
		x := x0
		header := ri < headerRows
		b.tag.begin("TR")
		defer b.tag.end()
		b.drawColour(b.lay.Colours.Rule)
		b.f.SetLineWidth(0.2)
		b.fillColour(codeFill)
		for i := range ncol {
			style := "D"
			if header {
				style = "FD"
			}
			b.tag.artifact(func() { b.f.Rect(x, y, widths[i], heights[ri], style) })
			if i < len(rows[ri]) {
				c := rows[ri][i]
				b.tag.beginCell(header)
				ly := y + vpad
				for _, l := range c.lines {
					off := 0.0
					switch c.align {
					case east.AlignRight:
						off = widths[i] - 2*hpad - lineWidth(l)
					case east.AlignCenter:
						off = (widths[i] - 2*hpad - lineWidth(l)) / 2
					}
					b.drawLine(l, x+hpad+off, ly, widths[i]-2*hpad, lh, false)
					ly += lh
				}
				b.endInline()
				b.tag.end()
			}
			x += widths[i]
		}
		if header {
			b.tag.artifact(func() {
				b.drawColour(b.lay.Colours.Accent)
				b.f.SetLineWidth(0.4)
				b.f.Line(x0, y+heights[ri], x0+avail, y+heights[ri])
			})
		}
		b.f.SetXY(x0, y+heights[ri])
	}

	// Keep the header with the first row.
	first := 0.0
	for ri := 0; ri < len(rows) && ri <= headerRows; ri++ {
		first += heights[ri]
	}
	b.needSpace(first + 1)
	b.tag.begin("Table")
	defer b.tag.end()
	for ri := range rows {
		if b.f.GetY()+heights[ri] > b.bottom() && ri >= headerRows {
			b.f.AddPage()
			for h := range headerRows {
				b.tag.artifact(func() { drawRow(h) }) // read once, at the top
			}
		}
		drawRow(ri)
	}
	b.f.SetXY(x0, b.f.GetY())
	b.f.Ln(b.paraSpace())
}
