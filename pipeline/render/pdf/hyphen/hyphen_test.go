package hyphen

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func load(t *testing.T, name string) *Patterns {
	t.Helper()
	data, err := os.ReadFile("../../../../layouts/default/hyphenation/" + name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEnglish(t *testing.T) {
	p := load(t, "hyph_en_US.dic")
	for _, c := range []struct{ word, want string }{
		{"hyphenation", "hy-phen-ation"},
		{"Hyphenation", "Hy-phen-ation"},
		{"embassy", "em-bassy"},
		{"investigation", "in-ves-ti-ga-tion"},
		{"information", "in-for-ma-tion"},
		{"the", "the"},   // too short
		{"a", "a"},       // too short
		{"abc1", "abc1"}, // not all letters
		{"Министерство", "Министерство"},
	} {
		if got := p.Hyphenate(c.word, "-"); got != c.want {
			t.Errorf("%s: got %s, want %s", c.word, got, c.want)
		}
	}
}

func TestRussian(t *testing.T) {
	p := load(t, "hyph_ru_RU.dic")
	for _, c := range []struct{ word, want string }{
		{"министерство", "ми-ни-стер-ство"},
		{"Посольство", "По-соль-ство"},
		{"информация", "ин-фор-ма-ция"},
		{"да", "да"},
		{"embassy", "embassy"},
	} {
		if got := p.Hyphenate(c.word, "-"); got != c.want {
			t.Errorf("%s: got %s, want %s", c.word, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "UTF-8\n", "EBCDIC\nab1c\n"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
	p, err := Parse([]byte("UTF-8\nLEFTHYPHENMIN 1\nRIGHTHYPHENMIN 1\na1b\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Hyphenate("ab", "-"); got != "a-b" {
		t.Errorf("got %s", got)
	}
}

// TestParseKeepsEveryPattern writes each parsed pattern back in the file's
// notation and compares the set with the shipped files' pattern lines
// (lower-cased, zero values dropped; a letter sequence given twice keeps
// its last values, as the map does), and the alphabet with their letters.
func TestParseKeepsEveryPattern(t *testing.T) {
	for _, name := range []string{"hyph_en_US.dic", "hyph_ru_RU.dic"} {
		t.Run(name, func(t *testing.T) {
			p := load(t, name)
			data, err := os.ReadFile("../../../../layouts/default/hyphenation/" + name)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(data), "\n")
			if strings.TrimSpace(lines[0]) == "KOI8-R" {
				utf, err := charmap.KOI8R.NewDecoder().String(string(data))
				if err != nil {
					t.Fatal(err)
				}
				lines = strings.Split(utf, "\n")
			}
			want := map[string]string{} // letters -> pattern
			alphabet := map[rune]bool{}
			for _, l := range lines[1:] {
				l = strings.TrimSpace(l)
				if l == "" || strings.ContainsAny(l, " %#/=") || l == "NEXTLEVEL" {
					continue
				}
				l = strings.ReplaceAll(strings.ToLower(l), "0", "")
				letters := strings.Map(func(r rune) rune {
					if r >= '1' && r <= '9' {
						return -1
					}
					if r != '.' {
						alphabet[r] = true
					}
					return r
				}, l)
				want[letters] = l
			}
			if len(p.values) != len(want) {
				t.Errorf("%d patterns parsed, the file has %d", len(p.values), len(want))
			}
			maxLen := 0
			for letters, vals := range p.values {
				rs := []rune(letters)
				maxLen = max(maxLen, len(rs))
				if len(vals) != len(rs)+1 {
					t.Fatalf("%q: %d values for %d letters", letters, len(vals), len(rs))
				}
				var sb strings.Builder
				for i, v := range vals {
					if v != 0 {
						sb.WriteByte('0' + v)
					}
					if i < len(rs) {
						sb.WriteRune(rs[i])
					}
				}
				if got := sb.String(); got != want[letters] {
					t.Errorf("pattern %q, the file has %q", got, want[letters])
				}
			}
			if p.maxLen != maxLen {
				t.Errorf("maxLen %d, want %d", p.maxLen, maxLen)
			}
			if len(p.alphabetSeen) != len(alphabet) {
				t.Errorf("%d letters seen, the file has %d", len(p.alphabetSeen), len(alphabet))
			}
			for r := range alphabet {
				if !p.alphabetSeen[r] {
					t.Errorf("letter %q not seen", r)
				}
			}
		})
	}
}
