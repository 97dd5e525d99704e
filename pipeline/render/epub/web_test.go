package epub

import (
	"regexp"
	"testing"
)

// stripEpubType removes what the regular expression it replaced removed.
func TestStripEpubType(t *testing.T) {
	re := regexp.MustCompile(` epub:type="[^"]*"`)
	for _, body := range []string{
		"",
		"<p>no attribute</p>",
		`<section epub:type="chapter" id="a"><a epub:type="noteref" role="doc-noteref" href="#n1">1</a></section>`,
		`<aside epub:type="footnote"></aside><p epub:type="">x</p>`,
		`<p>text about epub:type="x" in prose</p> trailing epub:type="`,
		`<p epub:type="unclosed>`,
	} {
		if got, want := stripEpubType(body), re.ReplaceAllString(body, ""); got != want {
			t.Errorf("stripEpubType(%q) = %q, want %q", body, got, want)
		}
	}
}
