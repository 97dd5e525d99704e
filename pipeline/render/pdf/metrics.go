package pdf

import (
	"fmt"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fontMetrics are one font file's advance widths, in the units and with
// the rounding fpdf uses (thousandths of an em), so that the layout can be
// measured without registering the font with an fpdf document: the first
// layout pass never does, and the second measures without asking fpdf.
type fontMetrics struct {
	widths  [0x10000]uint16 // by rune; 0 = no glyph, zeroWidth = a glyph of no width
	missing int             // what fpdf adds for a rune without a glyph
}

// zeroWidth marks a glyph whose width rounds to 0, as fpdf marks it.
const zeroWidth = 65535

// ptPerMM is fpdf's scale for millimetre documents, as fpdf computes it.
const ptPerMM = 72.0 / 25.4

// symbols is the width of s in thousandths of an em: fpdf's
// GetStringSymbolWidth for a UTF-8 font.
func (m *fontMetrics) symbols(s string) int {
	w := 0
	for _, r := range s {
		w += m.symbol(r)
	}
	return w
}

// symbol is the width of r in thousandths of an em, as symbols counts it.
func (m *fontMetrics) symbol(r rune) int {
	if r >= 0 && r < 0x10000 && m.widths[r] > 0 {
		if m.widths[r] != zeroWidth {
			return int(m.widths[r])
		}
		return 0
	}
	return m.missing
}

// width is the width of s at sizePt points, in millimetres, computed as
// fpdf's GetStringWidth computes it.
func (m *fontMetrics) width(s string, sizePt float64) float64 {
	return m.fromSymbols(m.symbols(s), sizePt)
}

// fromSymbols is a width of sym thousandths of an em at sizePt points, in
// millimetres.
func (m *fontMetrics) fromSymbols(sym int, sizePt float64) float64 {
	return float64(sym) * (sizePt / ptPerMM) / 1000
}

// fontFacts reads what the renderer needs of a font file: its widths, and
// which runes it has a glyph for (marked in cov, which starts full).
func fontFacts(name string, data []byte, cov *coverage) (*fontMetrics, error) {
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("pdf: parse font %s: %w", name, err)
	}
	var buf sfnt.Buffer
	upem := f.UnitsPerEm()
	ppem := fixed.Int26_6(upem) << 6 // one pixel a font unit: advances come out unscaled
	scale := 1000 / float64(upem)
	round := func(adv fixed.Int26_6) int { return int(math.Round(scale * float64(adv>>6))) }

	m := &fontMetrics{}
	adv, err := f.GlyphAdvance(&buf, 0, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("pdf: font %s: advance of the missing glyph: %w", name, err)
	}
	m.missing = round(adv)
	if m.missing == 0 {
		m.missing = 500 // fpdf's default when the font gives none
	}
	for r := rune(1); r < 0x10000; r++ {
		if r == zeroWidth || (r >= 0xd800 && r < 0xe000) {
			cov.clear(r)
			continue
		}
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			cov.clear(r)
			continue
		}
		adv, err := f.GlyphAdvance(&buf, gi, ppem, font.HintingNone)
		if err != nil {
			return nil, fmt.Errorf("pdf: font %s: advance of U+%04X: %w", name, r, err)
		}
		w := round(adv)
		if w == 0 {
			w = zeroWidth
		}
		m.widths[r] = uint16(w)
	}
	cov.clear(0)
	return m, nil
}

// runeWidth is the width of one rune at sizePt points, in millimetres.
func (m *fontMetrics) runeWidth(r rune, sizePt float64) float64 {
	w := m.missing
	if r >= 0 && r < 0x10000 && m.widths[r] > 0 {
		w = int(m.widths[r])
		if w == zeroWidth {
			w = 0
		}
	}
	return float64(w) * (sizePt / ptPerMM) / 1000
}
