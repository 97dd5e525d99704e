// Package hyphen finds the places where a word may be broken at the end of
// a line, by Frank Liang's algorithm (the one TeX uses) over pattern files
// in the format of the hyphen library (LibreOffice's .dic files): a first
// line naming the encoding (UTF-8, KOI8-R, ISO8859-1), optional
// LEFTHYPHENMIN/RIGHTHYPHENMIN lines, then one pattern per line ("hy3ph",
// ".ach4"; "." marks a word boundary, digits are the break values).
//
// A Patterns is read-only once parsed, so goroutines may share it.
package hyphen

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// Patterns is one language's set of hyphenation patterns.
type Patterns struct {
	values       map[string][]byte // letters of a pattern -> its values (len = letters+1)
	maxLen       int               // longest pattern, in runes
	left, right  int               // fewest letters before / after a break
	alphabetSeen map[rune]bool     // letters the patterns use
}

// Parse reads a pattern file.
func Parse(data []byte) (*Patterns, error) {
	if len(data) == 0 {
		return nil, errors.New("hyphen: empty pattern file")
	}
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	var dec *encoding.Decoder
	switch enc := strings.ToUpper(strings.TrimSpace(string(first))); enc {
	case "UTF-8", "UTF8":
	case "KOI8-R":
		dec = charmap.KOI8R.NewDecoder()
	case "ISO8859-1", "ISO-8859-1":
		dec = charmap.ISO8859_1.NewDecoder()
	case "CP1251", "WINDOWS-1251", "MICROSOFT-CP1251":
		dec = charmap.Windows1251.NewDecoder()
	default:
		return nil, fmt.Errorf("hyphen: unsupported encoding %q on the first line", enc)
	}
	if dec != nil {
		// Single-byte encodings: decoded at once, line ends and all.
		var err error
		if rest, err = dec.Bytes(rest); err != nil {
			return nil, fmt.Errorf("hyphen: %w", err)
		}
	}
	n := bytes.Count(rest, []byte("\n")) + 1
	p := &Patterns{values: make(map[string][]byte, n), left: 2, right: 2, alphabetSeen: map[rune]bool{}}
	// The patterns' values share one array, and their letters one buffer
	// (the map's key is the one copy): two allocations a pattern fewer.
	b := builder{vals: make([]byte, 0, len(rest)), p: p}
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		s := bytes.TrimSpace(line)
		if len(s) == 0 || s[0] == '%' || s[0] == '#' {
			continue
		}
		if k, v, ok := bytes.Cut(s, []byte(" ")); ok {
			n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			switch {
			case string(k) == "LEFTHYPHENMIN" && err == nil:
				p.left = max(1, n)
			case string(k) == "RIGHTHYPHENMIN" && err == nil:
				p.right = max(1, n)
			}
			continue // other keywords (COMPOUND…, NOHYPHEN) are not used
		}
		if bytes.ContainsAny(s, "/=") || string(s) == "NEXTLEVEL" {
			// Non-standard patterns (hyphen's "c1k/k=k") and compound
			// levels are not supported; the shipped files have none.
			continue
		}
		b.add(s)
	}
	if len(p.values) == 0 {
		return nil, errors.New("hyphen: no patterns")
	}
	return p, nil
}

// builder adds patterns to p.
type builder struct {
	p      *Patterns
	key    []byte      // the pattern's letters, in UTF-8
	vals   []byte      // every pattern's values, one after another
	common [0x500]bool // letters below U+0500 (Latin, Cyrillic) seen already
}

// add stores one pattern such as ".ach4" or "hy3ph".
func (b *builder) add(pat []byte) {
	b.key = b.key[:0]
	start := len(b.vals)
	b.vals = append(b.vals, 0)
	letters := 0
	for len(pat) > 0 {
		r, size := utf8.DecodeRune(pat)
		pat = pat[size:]
		if r >= '0' && r <= '9' {
			b.vals[len(b.vals)-1] = byte(r - '0')
			continue
		}
		r = unicode.ToLower(r)
		b.key = utf8.AppendRune(b.key, r)
		b.vals = append(b.vals, 0)
		letters++
		if r == '.' {
			continue
		}
		if r < rune(len(b.common)) {
			if b.common[r] {
				continue
			}
			b.common[r] = true
		}
		b.p.alphabetSeen[r] = true
	}
	if letters == 0 {
		b.vals = b.vals[:start]
		return
	}
	b.p.values[string(b.key)] = b.vals[start:len(b.vals):len(b.vals)]
	b.p.maxLen = max(b.p.maxLen, letters)
}

// Knows reports whether every letter of word is in the patterns' alphabet
// (an English pattern set does not hyphenate a Russian word).
func (p *Patterns) Knows(word string) bool {
	n := 0
	for _, r := range word {
		if !p.alphabetSeen[unicode.ToLower(r)] {
			return false
		}
		n++
	}
	return n > 0
}

// Points returns the rune offsets in word where a hyphen may go: a point k
// means word[:k runes] + "-" ends a line. Words with anything but letters
// the patterns know get none, as do words too short for the minima.
func (p *Patterns) Points(word string) []int {
	rs := []rune(strings.ToLower(word))
	n := len(rs)
	if n < p.left+p.right || !p.Knows(word) {
		return nil
	}
	w := make([]rune, 0, n+2)
	w = append(w, '.')
	w = append(w, rs...)
	w = append(w, '.')
	// score[i] is the value between w[i-1] and w[i].
	score := make([]byte, len(w)+1)
	for i := range w {
		for j := i + 1; j <= len(w) && j-i <= p.maxLen; j++ {
			vals, ok := p.values[string(w[i:j])]
			if !ok {
				continue
			}
			for k, v := range vals {
				if v > score[i+k] {
					score[i+k] = v
				}
			}
		}
	}
	var pts []int
	// A break before letter k of the word (0-based) sits between w[k] and
	// w[k+1], which is score[k+1].
	for k := p.left; k <= n-p.right; k++ {
		if score[k+1]%2 == 1 {
			pts = append(pts, k)
		}
	}
	return pts
}

// Hyphenate returns word with sep at every break point, for tests and
// debugging: Hyphenate("hyphenation", "-") is "hy-phen-ation".
func (p *Patterns) Hyphenate(word, sep string) string {
	rs := []rune(word)
	var sb strings.Builder
	last := 0
	for _, k := range p.Points(word) {
		sb.WriteString(string(rs[last:k]))
		sb.WriteString(sep)
		last = k
	}
	sb.WriteString(string(rs[last:]))
	return sb.String()
}
