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
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

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
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	if !sc.Scan() {
		return nil, errors.New("hyphen: empty pattern file")
	}
	var dec *encoding.Decoder
	switch enc := strings.ToUpper(strings.TrimSpace(sc.Text())); enc {
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
	p := &Patterns{values: map[string][]byte{}, left: 2, right: 2, alphabetSeen: map[rune]bool{}}
	line := 1
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		if dec != nil {
			b, err := dec.Bytes(raw)
			if err != nil {
				return nil, fmt.Errorf("hyphen: line %d: %w", line, err)
			}
			raw = b
		}
		s := strings.TrimSpace(string(raw))
		if s == "" || strings.HasPrefix(s, "%") || strings.HasPrefix(s, "#") {
			continue
		}
		if k, v, ok := strings.Cut(s, " "); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			switch {
			case k == "LEFTHYPHENMIN" && err == nil:
				p.left = max(1, n)
			case k == "RIGHTHYPHENMIN" && err == nil:
				p.right = max(1, n)
			}
			continue // other keywords (COMPOUND…, NOHYPHEN) are not used
		}
		if strings.ContainsAny(s, "/=") || s == "NEXTLEVEL" {
			// Non-standard patterns (hyphen's "c1k/k=k") and compound
			// levels are not supported; the shipped files have none.
			continue
		}
		p.add(s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("hyphen: %w", err)
	}
	if len(p.values) == 0 {
		return nil, errors.New("hyphen: no patterns")
	}
	return p, nil
}

// add stores one pattern such as ".ach4" or "hy3ph".
func (p *Patterns) add(pat string) {
	var letters []rune
	vals := []byte{0}
	for _, r := range pat {
		if r >= '0' && r <= '9' {
			vals[len(vals)-1] = byte(r - '0')
			continue
		}
		r = unicode.ToLower(r)
		letters = append(letters, r)
		vals = append(vals, 0)
		if r != '.' {
			p.alphabetSeen[r] = true
		}
	}
	if len(letters) == 0 {
		return
	}
	p.values[string(letters)] = vals
	p.maxLen = max(p.maxLen, len(letters))
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
