package normalise

import "testing"

func TestTypography(t *testing.T) {
	tests := []struct{ in, lang, want string }{
		{"855 days have passed since the poisoning - no credible information", "en", "855 days have passed since the poisoning\u00a0– no credible information"},
		{"Москва - столица", "ru", "Москва\u00a0— столица"},
		{"a -- b", "en", "a\u00a0– b"},
		{"well-known, -5 and x-y", "en", "well-known, -5 and x-y"},
		{`The "Skripal case" isn't closed`, "en", "The “Skripal case” isn’t closed"},
		{`Заявление "о ситуации "вокруг" посольства"`, "ru", "Заявление «о ситуации „вокруг“ посольства»"},
		{"the '90s and 'quoted'", "en", "the ’90s and ‘quoted’"},
		{"Already “curly” – kept", "en", "Already “curly” – kept"},
		{"", "en", ""},
	}
	for _, tc := range tests {
		if got := Typography(tc.in, tc.lang); got != tc.want {
			t.Errorf("Typography(%q, %q) = %q, want %q", tc.in, tc.lang, got, tc.want)
		}
	}
}
