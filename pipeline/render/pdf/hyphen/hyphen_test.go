package hyphen

import (
	"os"
	"testing"
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
