package words

import (
	"reflect"
	"testing"
)

// Every label is worded in every language; a field added to news.Labels
// and forgotten here fails.
func TestLabelsComplete(t *testing.T) {
	for _, lang := range []string{"en", "ru", "ru-RU", "fr"} {
		v := reflect.ValueOf(Labels(lang))
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: Labels.%s is empty", lang, v.Type().Field(i).Name)
			}
		}
	}
}

// The words around an item's link and tags come in the edition's language.
func TestLinkAndTagLabels(t *testing.T) {
	for lang, want := range map[string][2]string{"en": {"Read online", "Tags"}, "ru": {"Читать на сайте", "Метки"}} {
		l := Labels(lang)
		if l.ReadOnline != want[0] || l.Tags != want[1] {
			t.Errorf("%s: ReadOnline %q Tags %q, want %q", lang, l.ReadOnline, l.Tags, want)
		}
	}
}

func TestTypeName(t *testing.T) {
	for _, tt := range []struct{ key, lang, want string }{
		{"statement", "en", "Statements"}, {"statement", "ru", "Заявления"}, {"press-release", "en", "Press releases"}, {"unknown", "en", ""},
	} {
		if got := TypeName(tt.key, tt.lang); got != tt.want {
			t.Errorf("TypeName(%q, %q) = %q, want %q", tt.key, tt.lang, got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		n    int
		lang string
		want string
	}{
		{7, "en", "7"}, {999, "en", "999"}, {1000, "en", "1,000"}, {20000, "en", "20,000"},
		{1234567, "en", "1,234,567"}, {-1500, "en", "-1,500"},
		{1000, "ru", "1\u00a0000"}, {123456, "ru-RU", "123\u00a0456"},
	}
	for _, tc := range tests {
		if got := Number(tc.n, tc.lang); got != tc.want {
			t.Errorf("Number(%d, %q) = %q, want %q", tc.n, tc.lang, got, tc.want)
		}
	}
}
