package pdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"bulletin/pipeline/news"
)

// The layout measures with fontMetrics and fpdf draws with its own tables:
// they must agree on every rune of every shipped font, or justified lines
// would not fill their width.
func TestMetricsAgreeWithFpdf(t *testing.T) {
	r := newRenderer(t)
	for _, ff := range r.fonts {
		m := r.metrics[faceStyle{ff.family, ff.style}]
		if m == nil {
			t.Fatalf("%s %q: no metrics", ff.family, ff.style)
		}
		f := fpdf.New("P", "mm", "A4", "")
		f.AddUTF8FontFromBytes("x", "", ff.data)
		f.SetFont("x", "", 10)
		if err := f.Error(); err != nil {
			t.Fatal(err)
		}
		bad := 0
		// From U+0001: fpdf keeps its count of characters in the width of
		// U+0000, which clean drops as a control character anyway.
		for c := rune(1); c < 0x10000; c++ {
			if !utf8.ValidRune(c) {
				continue
			}
			s := string(c)
			if got, want := m.symbols(s), f.GetStringSymbolWidth(s); got != want && bad < 5 {
				bad++
				t.Errorf("%s: U+%04X: width %d, fpdf %d", ff.name, c, got, want)
			}
		}
		for _, s := range []string{"Hyphenation", "Министерство", "Page 12 of 345", "emoji 😀"} {
			for _, size := range []float64{7.5, 10, 11.5, 24} {
				f.SetFontSize(size)
				if got, want := m.width(s, size), f.GetStringWidth(s); got != want {
					t.Errorf("%s: width of %q at %gpt = %v mm, fpdf %v", ff.name, s, size, got, want)
				}
			}
		}
	}
}

// A date note too long for one line is set as a paragraph, measured the
// same way in both passes: all of it is printed, nothing overlaps.
func TestLongDateNote(t *testing.T) {
	long := "dated by the capture date of a page that listed it among " + strings.Repeat("many other statements and comments ", 6) + "without a date of its own, %s"
	note := strings.Replace(long, "%s", "30 June 2020", 1)
	it := news.Item{ID: "n1", Title: "Item with a long date note", Date: news.Date{Year: 2020, Month: 6, Day: 30},
		DatedBy: news.DatedByCapture, Body: "The text after the note.", Origins: []news.Origin{{File: "n1.md", Line: 1}}}
	ed := testEdition(it)
	ed.Meta.Labels.DatedByCapture = long
	data, _ := render(t, newRenderer(t), ed)
	path := filepath.Join(t.TempDir(), "note.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	text := collapse(run(t, "pdftotext", "-enc", "UTF-8", path, "-"))
	want := collapse("30 June 2020 · Answers to media questions (" + note + ") The text after the note.")
	if !strings.Contains(text, want) {
		t.Errorf("the meta line and its note are not printed whole; want %q in\n%s", want, text)
	}
}
