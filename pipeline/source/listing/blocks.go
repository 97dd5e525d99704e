package listing

import (
	"strings"
	"unicode"
)

// baseIndent is the indentation of body text in this file: the indent most
// body lines share, when more than half do and it is 2 or more. Some
// captures indent every paragraph by 8 spaces; that is layout, not a list.
// Judged file-wide because one short entry says little on its own.
func baseIndent(drafts []*draft) int {
	counts := map[int]int{}
	total := 0
	for _, d := range drafts {
		for _, l := range d.body {
			if l.text != "" {
				counts[l.indent()]++
				total++
			}
		}
	}
	best, bestCount := 0, 0
	for ind, n := range counts {
		if n > bestCount || (n == bestCount && ind < best) {
			best, bestCount = ind, n
		}
	}
	if best < 2 || 2*bestCount <= total {
		return 0
	}
	return best
}

// bulletMarkers start list items written out as characters.
var bulletMarkers = []string{"•", "·", "▪", "◦", "‣", "*", "-", "–"}

// bulletText reports whether l is a list item, and its text without the
// marker. A line indented differently from the body text is one: the
// sample's list items start with a no-break space.
func bulletText(l line, base int) (string, bool) {
	for _, m := range bulletMarkers {
		if rest, ok := strings.CutPrefix(l.text, m); ok && rest != "" && unicode.IsSpace(firstRune(rest)) {
			return collapse(rest), true
		}
	}
	if ind := l.indent(); ind > 0 && ind != base {
		return collapse(l.text), true
	}
	return "", false
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// joinsLines reports whether the body separates paragraphs by blank lines,
// so that consecutive lines are one paragraph wrapped. Otherwise each line is
// a paragraph, as in captures with single newlines between paragraphs.
func joinsLines(body []line) bool {
	blankGaps, singleBreaks := 0, 0
	prev := -1 // index of the last non-blank line
	for i, l := range body {
		if l.text == "" {
			continue
		}
		switch {
		case prev < 0:
		case prev == i-1:
			singleBreaks++
		default:
			blankGaps++
		}
		prev = i
	}
	return blankGaps > 0 && blankGaps >= singleBreaks
}

// para is a block being built, with the number of lines it joins.
type para struct {
	Block
	lines int
}

// blocks cuts an entry's body into paragraphs, list items and sub-headings.
func blocks(body []line, base int) []Block {
	join := joinsLines(body)
	var out []para
	open := false // the last paragraph may take the next line
	for _, l := range body {
		if l.text == "" {
			open = false
			continue
		}
		if text, ok := bulletText(l, base); ok {
			out = append(out, para{Block{Kind: Bullet, Text: text, Line: l.n}, 1})
			open = false
			continue
		}
		text := collapse(l.text)
		if join && open {
			last := &out[len(out)-1]
			last.Text += " " + text
			last.lines++
			continue
		}
		out = append(out, para{Block{Kind: Paragraph, Text: text, Line: l.n}, 1})
		open = true
	}
	return headings(out)
}

// headings marks sub-headings: one-line paragraphs that are short, have no
// closing punctuation and have text after them ("Main points").
func headings(ps []para) []Block {
	if len(ps) == 0 {
		return nil // an entry with no text has no blocks, not an empty list
	}
	out := make([]Block, len(ps))
	for i, p := range ps {
		if p.Kind == Paragraph && p.lines == 1 && i+1 < len(ps) && isHeadingText(p.Text) {
			p.Kind = Heading
		}
		out[i] = p.Block
	}
	return out
}

// maxHeading is the longest line taken for a sub-heading; longer lines
// without a full stop are sentences the writer did not finish.
const maxHeading = 60

func isHeadingText(s string) bool {
	if runeLen(s) >= maxHeading {
		return false
	}
	first := firstRune(s)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	// Look past closing quotes and brackets: `He said “no.”` ends a sentence.
	end := strings.TrimRightFunc(s, func(r rune) bool { return strings.ContainsRune(`"'”’»)]`, r) })
	if end == "" {
		return false
	}
	last := []rune(end)[len([]rune(end))-1]
	return !strings.ContainsRune(".!?:;,…", last)
}
