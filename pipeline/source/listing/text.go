package listing

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"bulletin/pipeline/news"
)

// line is one line of the capture.
type line struct {
	n    int    // 1-based line number
	raw  string // as written, without the line end
	text string // raw without surrounding whitespace (no-break spaces included)
}

// indent is the number of whitespace characters before the text. No-break
// spaces count: the sample marks list items with a leading one.
func (l line) indent() int {
	n := 0
	for _, r := range l.raw {
		if !unicode.IsSpace(r) {
			break
		}
		n++
	}
	return n
}

var bom = []byte("\uFEFF")

// decode checks that data is UTF-8 text with something in it and returns it
// without a byte order mark.
func decode(file string, data []byte) (string, *news.Problem) {
	data = bytes.TrimPrefix(data, bom)
	if off := firstInvalid(data); off >= 0 {
		n := len(splitLines(string(data[:off])))
		return "", &news.Problem{Severity: news.Error, At: news.Origin{File: file, Line: n},
			Msg: fmt.Sprintf("the file is not valid UTF-8 (byte 0x%02X on this line): save it as UTF-8 text and run again", data[off])}
	}
	s := string(data)
	if strings.TrimFunc(s, unicode.IsSpace) == "" {
		return "", &news.Problem{Severity: news.Error, At: news.Origin{File: file},
			Msg: "the file is empty: add items or remove the file"}
	}
	return s, nil
}

// firstInvalid is the offset of the first byte that is not part of valid
// UTF-8, or -1.
func firstInvalid(b []byte) int {
	for off := 0; off < len(b); {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			return off
		}
		off += size
	}
	return -1
}

// splitLines splits s at \n, \r\n or a lone \r, so captures saved on
// Windows or old Macs give the same lines and line numbers.
func splitLines(s string) []line {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	parts := strings.Split(s, "\n")
	lines := make([]line, len(parts))
	for i, p := range parts {
		lines[i] = line{n: i + 1, raw: p, text: trim(p)}
	}
	return lines
}

// trim removes surrounding whitespace, no-break spaces included: captures
// pad lines with them.
func trim(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// isNoBreak reports whether r is a no-break space, which the text keeps.
func isNoBreak(r rune) bool { return r == '\u00A0' || r == '\u202F' || r == '\u2007' }

// collapse trims s and turns each run of whitespace into one space, or into
// one no-break space when the run holds one: the no-break spaces a press
// office typed (before a number, inside "10 000") must survive.
func collapse(s string) string {
	if collapsed(s) {
		return s // most lines: nothing to copy
	}
	return collapseRuns(s)
}

// collapseRuns is collapse without the shortcut.
func collapseRuns(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		sep := ' '
		for _, r := range run {
			if isNoBreak(r) {
				sep = r
				break
			}
		}
		b.WriteRune(sep)
		run = run[:0]
	}
	for _, r := range trim(s) {
		if unicode.IsSpace(r) {
			run = append(run, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	return b.String()
}

// collapsed says whether collapse would return s as it is: no space at
// either end, and every run of whitespace one space or no-break space.
func collapsed(s string) bool {
	prevSpace := true // a space first is a space to trim
	for _, r := range s {
		if !unicode.IsSpace(r) {
			prevSpace = false
			continue
		}
		if prevSpace || (r != ' ' && !isNoBreak(r)) {
			return false
		}
		prevSpace = true
	}
	return !prevSpace || s == ""
}

// runeLen is the length of s in characters, the unit the short-line rules use.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
