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

// With allow_html: true, the dangerous parts of raw HTML are removed and
// named; blocks are made well-formed; HTML that cannot be is an error at
// the item.
func TestSanitise(t *testing.T) {
	cfg := config.Default()
	cfg.AllowHTML = true
	tests := []struct {
		name, body string
		want       []string // in the body
		gone       []string // not in the body
		removed    []string // in the warning
		err        bool
	}{
		{"script block", "<script>alert(1)</script>\n\nText.", []string{"Text."}, []string{"<script", "alert"}, []string{"<script>"}, false},
		{"event handler", "<p onclick=\"evil()\">Hi <b onmouseover=\"x()\">there</b></p>", []string{"<p>Hi <b>there</b></p>"}, []string{"onclick", "onmouseover"}, []string{"onclick on <p>", "onmouseover on <b>"}, false},
		{"remote iframe, link, object", "<div><iframe src=\"http://evil.org/\"></iframe><link rel=\"stylesheet\" href=\"http://evil.org/a.css\"/><object data=\"x.swf\"></object>Kept.</div>", []string{"Kept."}, []string{"iframe", "evil.org", "object"}, []string{"<iframe>", "<link>", "<object>"}, false},
		{"css url", "<p style=\"background: url(http://evil.org/t.png)\">Styled.</p>", []string{"<p>Styled.</p>"}, []string{"url("}, []string{"style on <p>"}, false},
		{"inline script tag", "A <span onclick=\"x()\">word</span>.", []string{"<span>word</span>"}, []string{"onclick"}, []string{"onclick on <span>"}, false},
		{"unclosed block tags made well-formed", "<p>One<br>two", []string{"<br/>"}, nil, nil, false},
		{"safe html kept", "<table><tr><td>Cell</td></tr></table>", []string{"<td>Cell</td>"}, nil, nil, false},
		{"unbalanced inline html", "A <b>bold word.", nil, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := []news.Item{{Title: "T", Body: tt.body, Origins: []news.Origin{{File: "a.md", Line: 1}}}}
			out, problems := New(cfg).Items(items)
			body := out[0].Body
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body %q lacks %q", body, w)
				}
			}
			for _, g := range tt.gone {
				if strings.Contains(body, g) {
					t.Errorf("body %q still has %q", body, g)
				}
			}
			var warn, errs string
			for _, p := range problems {
				if p.At.File != "a.md" {
					t.Errorf("problem at %v, want a.md", p.At)
				}
				if p.Severity == news.Error {
					errs += p.Msg
				} else {
					warn += p.Msg
				}
			}
			for _, r := range tt.removed {
				if !strings.Contains(warn, r) {
					t.Errorf("warning %q does not name %q", warn, r)
				}
			}
			if len(tt.removed) == 0 && warn != "" {
				t.Errorf("unexpected warning %q", warn)
			}
			if (errs != "") != tt.err {
				t.Errorf("error %q, want one: %v", errs, tt.err)
			}
		})
	}
}
