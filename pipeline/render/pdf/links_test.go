package pdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bulletin/pipeline/news"
)

// An item's authors are in its meta line; its tags and a "Read online" line
// with its address follow its body, the address a URI link annotation; an
// e-mail address in the text is a mailto: link, as in the EPUB.
func TestItemLinksTagsAuthors(t *testing.T) {
	const url = "https://example.org/news/visas?id=7&lang=en"
	extra := news.Item{ID: "a3", Title: "Answer on visas", Date: news.Date{Year: 2020, Month: 6, Day: 30},
		Body: "Write to press@example.org for details.", URL: url,
		Authors: []string{"Ann Smith", "Борис Иванов"}, Tags: []string{"visas", "consular work"},
		Origins: []news.Origin{{File: "a3.md", Line: 1}}}
	ed := testEdition(extra)
	ed.Meta.Labels.ReadOnline, ed.Meta.Labels.Tags = "Read online", "Tags"
	data, probs := render(t, newRenderer(t), ed)
	if len(probs) != 0 {
		t.Errorf("unexpected warnings: %v", probs)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "links.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	text := collapse(run(t, "pdftotext", "-enc", "UTF-8", path, "-"))
	for _, want := range []string{
		"30 June 2020 · Answers to media questions · Ann Smith, Борис Иванов",
		"Tags: visas, consular work",
		"Read online: " + url,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if n := strings.Count(text, "Read online"); n != 1 {
		t.Errorf("%d Read online lines, want 1 (items without a link have none)", n)
	}

	// The link annotations, in qpdf's uncompressed form.
	qdf := filepath.Join(dir, "links.qdf.pdf")
	run(t, "qpdf", "--qdf", "--object-streams=disable", path, qdf)
	raw, err := os.ReadFile(qdf)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/URI (" + url + ")", "/URI (mailto:press@example.org)"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("no annotation %s", want)
		}
	}
}
