package normalise

import (
	"math/rand"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestNFCInert: every rune nfcInert passes is its own NFC and starts a
// segment that combines with nothing before it, so a text of such runes
// is in NFC; nfc gives what norm.NFC gives for texts of them, mixed with
// runes that compose (И and a breve make Й) or are no NFC (U+2000), and
// for bytes that are no UTF-8.
func TestNFCInert(t *testing.T) {
	var inert []rune
	for r := rune(0); r <= 0x10ffff; r++ {
		if !nfcInert(r) {
			continue
		}
		inert = append(inert, r)
		s := string(r)
		if p := norm.NFC.PropertiesString(s); !p.BoundaryBefore() || p.CCC() != 0 || !norm.NFC.IsNormalString(s) {
			t.Errorf("U+%04X: BoundaryBefore %v, CCC %d, NFC %v: not inert", r, p.BoundaryBefore(), p.CCC(), norm.NFC.IsNormalString(s))
		}
	}
	others := []string{"\u0306", "\u0301", "\u2000", "\u0483", "\u0300", "\xff", "\u00a0", "가", "\u1161"}
	rnd := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for range 1 + rnd.Intn(12) {
			if rnd.Intn(8) == 0 {
				b.WriteString(others[rnd.Intn(len(others))])
			} else {
				b.WriteRune(inert[rnd.Intn(len(inert))])
			}
		}
		s := b.String()
		if got, want := nfc(s), norm.NFC.String(s); got != want {
			t.Fatalf("nfc(%+q) = %+q, norm.NFC gives %+q", s, got, want)
		}
	}
	if got := nfc("И\u0306"); got != "Й" {
		t.Errorf("nfc(И + breve) = %+q, want Й", got)
	}
}
