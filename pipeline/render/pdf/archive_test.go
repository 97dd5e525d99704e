package pdf

import (
	"regexp"
	"testing"
)

// TestInfoObject compares infoObject with the regular expression it
// replaced, on the cases that could tell them apart.
func TestInfoObject(t *testing.T) {
	re := regexp.MustCompile(`\n(\d+) 0 obj\n<<\n/Producer `)
	for _, tc := range []struct{ name, pdf, want string }{
		{"usual", "%PDF-1.4\n12 0 obj\n<<\n/Producer (x)\n>>\nendobj\n", "12"},
		{"first of two", "\n7 0 obj\n<<\n/Producer a\n9 0 obj\n<<\n/Producer b", "7"},
		{"no number", "\n 0 obj\n<<\n/Producer a\n3 0 obj\n<<\n/Producer b", "3"},
		{"not after a line break", "x5 0 obj\n<<\n/Producer a\n44 0 obj\n<<\n/Producer b", "44"},
		{"at the very start", "5 0 obj\n<<\n/Producer a", ""},
		{"none", "\n5 0 obj\n<<\n/Title (x)\n", ""},
		{"other opening", "\n5 0 obj\n<<\n/Producer", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := infoObject([]byte(tc.pdf))
			var old string
			if m := re.FindStringSubmatch(tc.pdf); m != nil {
				old = m[1]
			}
			if got != tc.want || got != old {
				t.Errorf("got %q, want %q (the regular expression: %q)", got, tc.want, old)
			}
		})
	}
}
