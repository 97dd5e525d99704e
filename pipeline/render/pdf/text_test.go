package pdf

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestClean checks clean's table-driven fast path against the rule it
// stands for, written out rune by rune: valid UTF-8 first, whitespace
// controls to spaces, other controls and invisible marks dropped, runes the
// fonts lack replaced (with a warning), everything else kept.
func TestClean(t *testing.T) {
	r := newRenderer(t)
	want := func(s string) string {
		s = strings.ToValidUTF8(s, "\ufffd")
		var sb strings.Builder
		for _, c := range s {
			switch {
			case c == '\t' || c == '\n' || c == '\r':
				sb.WriteByte(' ')
			case unicode.IsControl(c) || invisible(c):
			case r.cover.has(c):
				sb.WriteRune(c)
			default:
				sb.WriteString(r.subst)
			}
		}
		return sb.String()
	}
	cases := []string{
		"", "plain ASCII, with punctuation: (1) & [2]!", "Посольство России", "tab\there\nand\rthere",
		"bell\a and delete\x7f", "next line\u0085 and NBSP\u00a0", "soft\u00adhyphen, zero\u200bwidth",
		"emoji 🙂 and CJK 漢", "bad \xff\xfe bytes", "cut \xe2\x82", "¡\u009f¿", "\ufffd literal",
	}
	// Every ASCII byte and the Latin-1 and C1 ranges, one rune at a time.
	for c := rune(0); c < 0x180; c++ {
		cases = append(cases, "a"+string(c)+"b")
	}
	for _, s := range cases {
		b := newBuilder(r, testEdition(), nil, newCaches())
		got, w := b.clean(s), want(s)
		if got != w {
			t.Errorf("clean(%q) = %q, want %q", s, got, w)
		}
		if clean := got == s && utf8.ValidString(s); b.isClean(s) != clean {
			t.Errorf("isClean(%q) = %v, but clean returns it %s", s, !clean, map[bool]string{true: "as it is", false: "changed"}[clean])
		}
	}
}
