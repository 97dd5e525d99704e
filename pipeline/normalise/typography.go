package normalise

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"bulletin/pipeline/dates"
)

// Typography gives a plain text (a title, a lead, a counter's sentence) the
// finish its language expects, as goldmark's typographer gives Markdown
// bodies: a hyphen with a space on each side becomes a dash (an en dash in
// English, an em dash in Russian), joined to the word before it by a
// no-break space so that no line starts with it; straight quotes become
// curly (“ ” and ‘ ’ in English, « » and „ “ in Russian); an apostrophe
// becomes ’. Curly quotes and dashes already there are kept.
func Typography(s, lang string) string {
	if !strings.ContainsAny(s, "-\"'") {
		return s
	}
	ru := dates.IsRussian(lang)
	open2, close2, open1, close1 := "“", "”", "‘", "’"
	if ru {
		open2, close2, open1, close1 = "«", "»", "„", "“"
	}
	dash := "–"
	if ru {
		dash = "—"
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	prev := rune(' ') // what precedes: the start counts as a space
	depth := 0        // double quotes open (Russian nests „ “ inside « »)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		switch {
		case (r == '-' || strings.HasPrefix(s[i:], "--")) && prev == ' ' && isDashRun(s[i:]):
			n := dashRun(s[i:])
			if after := s[i+n:]; strings.HasPrefix(after, " ") {
				// "word - word": the space before becomes a no-break one.
				str := b.String()
				if strings.HasSuffix(str, " ") {
					b.Reset()
					b.WriteString(str[:len(str)-1])
					b.WriteString("\u00a0")
				}
				b.WriteString(dash)
				i += n
				prev = '-'
				continue
			}
			b.WriteRune(r)
		case r == '"':
			if opening(prev) {
				if ru && depth > 0 {
					b.WriteString(open1)
				} else {
					b.WriteString(open2)
				}
				depth++
			} else {
				if depth > 0 {
					depth--
				}
				if ru && depth > 0 {
					b.WriteString(close1)
				} else {
					b.WriteString(close2)
				}
			}
		case r == '\'':
			switch {
			case unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '.' || prev == ',':
				b.WriteString("’") // an apostrophe, or a closing quote
			case opening(prev) && unicode.IsLetter(next) && !ru:
				b.WriteString(open1)
			default:
				b.WriteString("’")
			}
		default:
			b.WriteRune(r)
		}
		prev = r
		if unicode.IsSpace(r) {
			prev = ' '
		}
		i += size
	}
	return b.String()
}

// opening says whether a quote after r opens.
func opening(r rune) bool {
	return r == ' ' || strings.ContainsRune("([{«„“‘—–-/", r)
}

// dashRun is the length of a run of one or two hyphens at s's start.
func dashRun(s string) int {
	if strings.HasPrefix(s, "--") {
		return 2
	}
	return 1
}

// isDashRun says whether s starts with one or two hyphens and then a space
// (not "-5", "--flag" or "---").
func isDashRun(s string) bool {
	n := dashRun(s)
	return len(s) > n && s[n] == ' '
}

// TextLang is the language whose quotes a text without a language of its
// own takes: Russian when most of its letters are Cyrillic, else fallback.
func TextLang(s, fallback string) string {
	cyr, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.IsLetter(r):
			other++
		}
	}
	if cyr > other {
		return "ru"
	}
	return fallback
}
