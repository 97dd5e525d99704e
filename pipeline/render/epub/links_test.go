package epub

import (
	"fmt"
	"strings"
	"testing"
)

// An item's authors are in its meta line, its tags and its link under its
// body (the link a real <a href>), an e-mail address in its text a mailto:
// link; a few tags are the book's subjects. EPUBCheck passes on this book in
// TestEPUBCheck (sample.epub).
func TestItemLinksTagsAuthors(t *testing.T) {
	files, _ := entries(t, render(t, richEdition()))
	june, july, opf := files["EPUB/xhtml/m2020-06.xhtml"], files["EPUB/xhtml/m2020-07.xhtml"], files["EPUB/package.opf"]
	for _, want := range []string{
		`<p class="meta"><time datetime="2020-06-24">24 June 2020</time> · Speeches · Ann Smith, Борис Иванов</p>`,
		`<p class="meta tags">Tags: remembrance, Victory</p>`,
		`<p class="meta online"><a href="https://example.org/speech?id=24&amp;lang=en">Read online</a></p>`,
	} {
		if !strings.Contains(june, want) {
			t.Errorf("June document lacks %s", want)
		}
	}
	// Items without them get no empty lines.
	if n := strings.Count(june, "Read online"); n != 1 {
		t.Errorf("June has %d Read online links, want 1", n)
	}
	if !strings.Contains(july, `<a href="mailto:press@example.org">press@example.org</a>`) {
		t.Errorf("the e-mail address is not a mailto: link:\n%s", july)
	}
	for _, want := range []string{"<dc:subject>remembrance</dc:subject>", "<dc:subject>Victory</dc:subject>", "<dc:subject>talks</dc:subject>"} {
		if !strings.Contains(opf, want) {
			t.Errorf("package.opf lacks %s", want)
		}
	}

	// Russian words when the edition's labels are Russian.
	ed := richEdition()
	ed.Meta.Labels.ReadOnline, ed.Meta.Labels.Tags = "Читать на сайте", "Метки"
	files, _ = entries(t, render(t, ed))
	for _, want := range []string{">Читать на сайте</a>", "Метки: remembrance, Victory"} {
		if !strings.Contains(files["EPUB/xhtml/m2020-06.xhtml"], want) {
			t.Errorf("Russian labels: June document lacks %s", want)
		}
	}
}

// Eleven distinct tags are too many to describe a book: none is a subject,
// though each item still shows its own.
func TestManyTagsAreNoSubjects(t *testing.T) {
	ed := richEdition()
	items := ed.Months[1].Types[0].Items
	for i := range 11 {
		items[0].Tags = append(items[0].Tags, fmt.Sprintf("tag%02d", i))
	}
	files, _ := entries(t, render(t, ed))
	if strings.Contains(files["EPUB/package.opf"], "<dc:subject>tag") || strings.Contains(files["EPUB/package.opf"], "<dc:subject>talks") {
		t.Errorf("package.opf has tag subjects with 12 distinct tags:\n%s", files["EPUB/package.opf"])
	}
	if !strings.Contains(files["EPUB/package.opf"], "<dc:subject>Statements</dc:subject>") {
		t.Errorf("the type subjects went too")
	}
	if !strings.Contains(files["EPUB/xhtml/m2020-07.xhtml"], "tag10</p>") {
		t.Errorf("the item lost its tags")
	}
}
