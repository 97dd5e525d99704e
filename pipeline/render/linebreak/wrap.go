package linebreak

import (
	"unicode"
	"unicode/utf8"
)

// BreakableSpace says whether a line may end at r: any Unicode space but
// the ones that join words (no-break, narrow no-break, figure space, word
// joiner).
func BreakableSpace(r rune) bool {
	switch r {
	case '\u00a0', '\u202f', '\u2007', '\u2060':
		return false
	}
	return unicode.IsSpace(r)
}

// Emergency returns where to cut a run of glyphs of the given widths so
// that no piece is wider than width (a piece has at least one glyph): the
// offsets (into widths) where each piece after the first starts. It is
// linear in the run's length, for a token of any length.
func Emergency(widths []float64, width float64) []int {
	var cuts []int
	cur := 0.0
	for i, w := range widths {
		if cur+w > width && i > 0 && (len(cuts) == 0 || cuts[len(cuts)-1] < i) && cur > 0 {
			cuts = append(cuts, i)
			cur = 0
		}
		cur += w
	}
	return cuts
}

// Wrap breaks text ragged right into lines no wider than width, measured
// with measure, at breakable spaces only; a word wider than a line is cut
// between glyphs. The spaces between words on a line are kept as written
// ("A  ·  B" keeps its wide gaps); those at a break go.
func Wrap(text string, width float64, measure func(string) float64) []string {
	var b Breaker
	return b.Wrap(text, width, measure)
}

// Wrap is the package's Wrap, reusing b's memory for the breaking (a
// document wraps every title and contents line, twice).
func (b *Breaker) Wrap(text string, width float64, measure func(string) float64) []string {
	type span struct{ from, to int } // byte ranges in text
	var words, gaps []span           // gaps[i] is the space before words[i]
	gap := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if BreakableSpace(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if BreakableSpace(r) {
				break
			}
			j += size
		}
		gaps = append(gaps, span{gap, i})
		words = append(words, span{i, j})
		gap, i = j, j
	}
	if len(words) == 0 {
		return []string{""}
	}
	type piece struct{ word, from, to int } // byte range of a word
	pieces := make([]piece, 0, len(words))
	items := make([]Item, 0, 2*len(words))
	for wi, w := range words {
		if wi > 0 {
			items = append(items, Item{Kind: Glue, Width: measure(text[gaps[wi].from:gaps[wi].to])})
		}
		ww := measure(text[w.from:w.to])
		if ww <= width {
			pieces = append(pieces, piece{wi, w.from, w.to})
			items = append(items, Item{Kind: Box, Width: ww})
			continue
		}
		var rw []float64
		var at []int
		for i, r := range text[w.from:w.to] {
			rw = append(rw, measure(string(r)))
			at = append(at, w.from+i)
		}
		from := 0
		cuts := append(Emergency(rw, width), len(rw))
		for k, c := range cuts {
			if k > 0 {
				items = append(items, Item{Kind: Penalty})
			}
			end := w.to
			if c < len(at) {
				end = at[c]
			}
			pieces = append(pieces, piece{wi, at[from], end})
			items = append(items, Item{Kind: Box, Width: sum(rw[from:c])})
			from = c
		}
	}
	lines := b.Break(items, Options{Width: width, Ragged: width / 4})
	out := make([]string, 0, len(lines))
	k := 0 // the piece of the next box
	for _, l := range lines {
		// A line's pieces, with the spaces written between its words,
		// are one stretch of text: the line is a slice of it.
		from, to := -1, -1
		for i := l.Start; i < l.End; i++ {
			if items[i].Kind != Box {
				continue
			}
			p := pieces[k]
			k++
			if from < 0 {
				from = p.from
			}
			to = p.to
		}
		if from < 0 {
			out = append(out, "")
			continue
		}
		out = append(out, text[from:to])
	}
	return out
}

func sum(ws []float64) float64 {
	s := 0.0
	for _, w := range ws {
		s += w
	}
	return s
}
