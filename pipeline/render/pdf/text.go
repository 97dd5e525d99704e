package pdf

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// invisible are format characters fpdf would print as glyphs (it has no
// soft hyphenation, no joiners): they are dropped rather than substituted.
func invisible(c rune) bool {
	switch c {
	case '\u00ad', // soft hyphen
		'\u200b', '\u200c', '\u200d', // zero width space, joiners
		'\u2060', '\ufeff', // word joiner, byte order mark
		'\ufe0e', '\ufe0f': // variation selectors (emoji style)
		return true
	}
	return false
}

// clean makes s safe to measure and draw: fpdf panics on runes above
// U+FFFF and draws nothing for runes its font lacks. Whitespace controls
// become spaces, other controls are dropped, and runes the fonts cannot draw
// become r.subst with a warning against the current item.
func (b *builder) clean(s string) string {
	if b.isClean(s) {
		return s // the usual case: nothing to copy
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\ufffd")
		if b.isClean(s) {
			return s
		}
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for _, c := range s {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			sb.WriteByte(' ')
		case unicode.IsControl(c) || invisible(c):
			// dropped
		case b.r.cover.has(c):
			sb.WriteRune(c)
		default:
			b.missing(c)
			sb.WriteString(b.r.subst)
		}
	}
	return sb.String()
}

// isClean says whether clean would return s as it is: valid UTF-8 with
// nothing to drop or replace. Most text is ASCII, looked up in a table.
func (b *builder) isClean(s string) bool {
	ascii := &b.r.cleanASCII
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !ascii[c] {
				return false
			}
			i++
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			return false // not UTF-8: clean repairs it first
		}
		if c < 0xa0 || invisible(c) || !b.r.cover.has(c) {
			return false
		}
		i += size
	}
	return true
}

// missing records one warning per item and character.
func (b *builder) missing(c rune) {
	key := fmt.Sprintf("%s\x00%d", b.where, c)
	if b.seen[key] {
		return
	}
	b.seen[key] = true
	b.warnings = append(b.warnings, news.Problem{
		Severity: news.Warning,
		At:       b.at,
		Msg: fmt.Sprintf("%s: character U+%04X %q is not in the PDF fonts; printed as %q (use another character or a layout font that has it)",
			b.where, c, string(c), b.r.subst),
	})
}

// wrap breaks s ragged right into lines no wider than width in the current
// font, by the same breaker as the body (never at a no-break space); a word
// wider than a line is cut between runes.
func (b *builder) wrap(s string, width float64) []string {
	return b.scratch.breaker.Wrap(s, width, b.width)
}

// formatDate writes d as "6 July 2020" (or "6 июля 2020" for Russian); the
// zero date is the edition's word for undated.
func formatDate(d news.Date, lang string, undated string) string {
	if d.IsZero() {
		return undated
	}
	return dates.Format(d, lang)
}

// collapse joins runs of whitespace into single spaces, for comparing texts.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
