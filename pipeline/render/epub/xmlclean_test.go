package epub

import (
	"math/rand"
	"strings"
	"testing"
)

// stripInvalidXMLChars skips its copy when xmlClean says nothing would
// change: that must agree with the copy on every string, bad UTF-8,
// controls, U+FFFE/U+FFFF and their near neighbours included.
func TestXMLCleanAgreesWithStrip(t *testing.T) {
	pieces := []string{"a", "я", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\uFFFD", "\uFFFE", "\uFFFF", "\uFFFC",
		"\xef", "\xef\xbf", "\xef\xbf\xbe", "\xef\xbe\xbf", "\xff", "\xc3", "\xf0\x9f\x98\x80", " ", "<p>"}
	rnd := rand.New(rand.NewSource(4))
	for n := range 20000 {
		var sb strings.Builder
		for k := rnd.Intn(8); k >= 0; k-- {
			sb.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		s := sb.String()
		if n%2 == 0 {
			s = "plain text " + s
		}
		slow := strings.Map(func(r rune) rune {
			switch {
			case r == '\t' || r == '\n' || r == '\r':
				return r
			case r < 0x20, r == 0xFFFE, r == 0xFFFF:
				return -1
			}
			return r
		}, s)
		if got, want := xmlClean(s), slow == s; got != want {
			t.Fatalf("xmlClean(%q) = %v; stripping gives %q", s, got, slow)
		}
		if got := stripInvalidXMLChars(s); got != slow {
			t.Fatalf("stripInvalidXMLChars(%q) = %q, want %q", s, got, slow)
		}
	}
}
