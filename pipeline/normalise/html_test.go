package normalise

import (
	"os"
	"strings"
	"testing"

	"bulletin/internal/testenv"
	"bulletin/pipeline/config"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
	"bulletin/pipeline/source/markdown"
)

func TestConvertHTMLBlocks(t *testing.T) {
	md := markup.New(false)
	tests := []struct {
		name, body string
		want       string
		lost       []string // elements named in the warning
	}{
		{"no html", "Plain *text*.", "Plain *text*.", nil},
		{"paragraphs", "<p>One <strong>two</strong>.</p>\n\n<p>Three <a href=\"https://x.org/\">four</a>.</p>\n\nAfter.",
			"One **two**.\n\nThree [four](https://x.org/).\n\nAfter.", nil},
		{"blocks in a row", "<p>One</p>\n<p>Two</p>", "One\n\nTwo", nil},
		{"quotation", "<blockquote>\n<p>Said.</p>\n</blockquote>", "> Said.", nil},
		{"inside a quotation", "> <p>One</p>\n> <p>Two</p>", "> One\n> \n> Two", nil},
		{"script left out", "<script>alert(1)</script>\n\nText.", "Text.", []string{"script"}},
		{"iframe and text kept", "<div>Watch <iframe src=\"https://v.org/\"></iframe>here.</div>", "Watch here.", []string{"iframe"}},
		{"comment dropped silently", "<!-- more -->\n\nText.", "Text.", nil},
		{"inline html untouched", "A <b>bold</b> word.", "A <b>bold</b> word.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, lost := convertHTMLBlocks(md, tt.body)
			if strings.TrimSpace(got) != tt.want {
				t.Errorf("body:\n got %q\nwant %q", got, tt.want)
			}
			var names []string
			for _, l := range lost {
				names = append(names, l.elements...)
			}
			if strings.Join(names, ",") != strings.Join(tt.lost, ",") {
				t.Errorf("lost %v, want %v", names, tt.lost)
			}
		})
	}
}

// The real WordPress export is written in <p> blocks: every paragraph must
// reach the body as Markdown, with no warning (nothing is lost).
func TestHTMLBlocksRealFile(t *testing.T) {
	path := testenv.Shared(t, "realdata", "markdown", "cds-snc__en__building-trust-and-understanding-privacy-notices_NBSP.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	items, problems := markdown.Parse("privacy.md", data, nil)
	if news.HasErrors(problems) || len(items) != 1 {
		t.Fatalf("parse: %v", problems)
	}
	out, problems := New(config.Default()).Items(items)
	for _, p := range problems {
		if strings.Contains(p.Msg, "HTML") {
			t.Errorf("unexpected warning: %s", p.Msg)
		}
	}
	body := out[0].Body
	for _, want := range []string{
		"Usability testing is critical to better digital services",
		"**Start with trust: Creating privacy and consent notices for usability testing",
		"> “As government employees",
		"[Government of Canada Digital Standards](https://www.canada.ca/",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if strings.Contains(body, "<p>") {
		t.Errorf("body still has raw <p> blocks")
	}
	// What the renderers see: no HTML block is left to drop.
	xhtml, err := markup.New(false).XHTML([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Count(string(xhtml), "<p>")
	if raw := strings.Count(string(data), "<p>"); paras < raw {
		t.Errorf("%d paragraphs rendered, the file has %d", paras, raw)
	}
}
