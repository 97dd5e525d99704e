package pdf

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The test edition's Russian item is tagged as Russian; the English ones
// carry no /Lang of their own (the document's is English).
func TestTaggedItemLanguage(t *testing.T) {
	data, _ := render(t, newRenderer(t), testEdition())
	sects := regexp.MustCompile(`/S /Sect /P \d+ 0 R( /Lang \([^)]*\))?`).FindAllSubmatch(data, -1)
	var ru, other int
	for _, s := range sects {
		switch string(s[1]) {
		case " /Lang (ru)":
			ru++
		case "":
		default:
			other++
		}
	}
	if ru == 0 || other != 0 {
		t.Errorf("%d sections tagged Russian, %d in another language; want some and none", ru, other)
	}
}

func TestHeadingRoleSkipsNoLevel(t *testing.T) {
	b := &builder{}
	var got []string
	for _, want := range []int{1, 2, 3, 6, 6, 3, 5, 2, 4} {
		got = append(got, b.headingRole(want))
	}
	want := []string{"H1", "H2", "H3", "H4", "H5", "H3", "H4", "H2", "H3"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("heading roles %v, want %v", got, want)
		}
	}
}

func TestDictEnd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`<</A <</S /URI /URI (a>>b)>>>> rest`, 30},
		{`<</Contents (x\) >> y)>>`, 24},
		{`<</Contents (a (b) >>)>>`, 24},
		{`<</A 1`, -1},
	} {
		if got := dictEnd([]byte(tc.in)); got != tc.want {
			t.Errorf("dictEnd(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// The XMP claims PDF/UA-1, declares the pdfuaid schema as PDF/A asks,
// and is well-formed XML.
func TestXMPClaimsPDFUA(t *testing.T) {
	data, _ := render(t, newRenderer(t), testEdition())
	i, j := bytes.Index(data, []byte("<x:xmpmeta")), bytes.Index(data, []byte("</x:xmpmeta>"))
	if i < 0 || j < i {
		t.Fatal("no XMP packet")
	}
	packet := data[i : j+len("</x:xmpmeta>")]
	d := xml.NewDecoder(bytes.NewReader(packet))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("XMP: %v", err)
		}
	}
	for _, want := range []string{"<pdfuaid:part>1</pdfuaid:part>", "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"} {
		if !bytes.Contains(packet, []byte(want)) {
			t.Errorf("XMP lacks %s", want)
		}
	}
}

// An image with alt text is a Figure with that text as /Alt, inside the
// structure tree poppler reads.
func TestTaggedFigure(t *testing.T) {
	ed, _ := featuresEdition(t)
	data, _ := render(t, newRenderer(t), ed)
	if !bytes.Contains(data, []byte("/S /Figure /P ")) || !bytes.Contains(data, []byte("/Alt (A chart of the replies)")) {
		t.Errorf("no Figure with /Alt (A chart of the replies)")
	}
	path := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if st := run(t, "pdfinfo", "-struct-text", path); !strings.Contains(st, "Figure") || !strings.Contains(st, "Table") {
		t.Errorf("pdfinfo -struct-text shows no Figure or no Table:\n%s", st)
	}
}

// A word hyphenated at a line end is a Span whose /ActualText is the whole
// word (a PDF text string: PDFDocEncoding, or UTF-16BE with a byte-order
// mark for Russian), in the structure and in the marked content; poppler's
// structure reader and pdftotext both read the word whole, once.
func TestHyphenatedWordsAreWhole(t *testing.T) {
	ed, _ := featuresEdition(t)
	data, _ := render(t, newRenderer(t), ed)
	if ru := textString("колонки;"); !strings.HasPrefix(ru, "(\xfe\xff") {
		t.Fatalf("a Russian text string is not UTF-16BE with a byte-order mark: %q", ru)
	}
	for _, tc := range []struct{ word, encoded string }{
		{"repeated", "(repeated)"},
		{"колонки;", textString("колонки;")},
	} {
		if !bytes.Contains(data, []byte("/S /Span /P ")) || !bytes.Contains(data, []byte(" /ActualText "+tc.encoded)) {
			t.Errorf("no Span with /ActualText of %q in the structure", tc.word)
		}
	}
	path := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	st := run(t, "pdfinfo", "-struct-text", path)
	for _, want := range []string{"Span (inline)\n          \"repeated\"", "\"колонки;\""} {
		if !strings.Contains(st, want) {
			t.Errorf("pdfinfo -struct-text does not read %q whole:\n%s", want, st)
		}
	}
	if strings.Contains(st, "re-") || strings.Contains(st, "\u00ad") {
		t.Errorf("pdfinfo -struct-text reads a hyphen of a broken word:\n%s", st)
	}
	text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	for _, w := range []string{"repeated", "колонки;"} {
		if n := strings.Count(text, w); n != 1 {
			t.Errorf("pdftotext reads %q %d times, want once", w, n)
		}
	}
	if strings.Contains(text, "re\u00ad") || strings.Contains(text, "ко\u00ad") || strings.Contains(text, "re-\n") {
		t.Errorf("pdftotext reads a piece of a hyphenated word:\n%s", text)
	}
}

// A link of several words is one Link element (not one a word) holding its
// words and its annotations, every annotation is in the tree, and no
// empty marked-content sequence is left before a list item's label.
func TestOneLinkPerLink(t *testing.T) {
	ed, _ := featuresEdition(t)
	data, _ := render(t, newRenderer(t), ed)
	path := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	st := run(t, "pdfinfo", "-struct-text", path)
	if !strings.Contains(st, "Link (inline)\n          \"link to the statement \"") {
		t.Errorf("the link \"link to the statement\" is not one Link:\n%s", st)
	}
	lines := strings.Split(st, "\n")
	for i, l := range lines {
		// A Figure's sequence has an image and no text.
		if strings.TrimSpace(l) == `""` && (i == 0 || strings.TrimSpace(lines[i-1]) != "Figure") {
			t.Errorf("an empty marked-content sequence (a \"\" line) after %q", lines[i-1])
		}
	}
	annots := bytes.Count(data, []byte("/Type /Annot /Subtype /Link "))
	objrs := bytes.Count(data, []byte("<</Type /OBJR "))
	if annots == 0 || objrs != annots {
		t.Errorf("%d link annotations, %d OBJRs in the tree", annots, objrs)
	}
}

// A word drawn in pieces (styles change inside it) gets its space after
// its last piece only, even when an earlier piece has the same text and
// style as the last. mutool reads every drawn space (pdftotext drops one
// that the next glyph overlaps, so it would not see the fault).
func TestWordSpaceAfterItsLastPiece(t *testing.T) {
	it := itemWithBody("Pieces", "Before **ab**c**ab** after, and *de*f*de* too.")
	data, _ := render(t, newRenderer(t), testEdition(it))
	path := filepath.Join(t.TempDir(), "w.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	text := collapse(run(t, "mutool", "draw", "-q", "-F", "text", "-o", "-", path))
	for _, want := range []string{"Before abcab after,", "and defde too."} {
		if !strings.Contains(text, want) {
			at := max(0, strings.Index(text, "Before")-10)
			t.Errorf("mutool does not read %q: %q", want, text[at:min(len(text), at+60)])
		}
	}
}
