package news

import "testing"

func TestWeigh(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int64
	}{
		{"", 0},
		{"plain words", 11},
		{"a\nb", 3 + 63},
		{"# h", 3 + 9},
		{"_*_*", 4 + 4*9},
		{"[a](b)", 6 + 2*9},
		{"Привет", int64(len("Привет"))}, // bytes, not letters
	} {
		if got := weigh(tc.text); got != tc.want {
			t.Errorf("weigh(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}
