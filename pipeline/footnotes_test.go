package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/internal/testenv"
	"bulletin/layouts"
	"bulletin/pipeline/config"
)

// footnoteSources are two items of one month with footnotes: the first
// with four notes, one too long for the foot of the page where its
// reference falls; the second with its own [^1]. Marker words (REFONE,
// NOTEONE…) are found on the pages; the filler never contains them.
func footnoteSources() fstest.MapFS {
	filler := strings.Repeat("The consular section keeps its usual hours through the summer, and visitors are asked to book "+
		"an appointment in advance so that the queue at the gate stays short and nobody waits in the heat. ", 3)
	var paras []string
	for i := 1; i <= 14; i++ {
		p := filler
		switch i {
		case 2:
			p = "Alpha reference REFONE[^1] in the second paragraph. " + p
		case 4:
			p += "Beta reference REFTWO[^2] closes it."
		case 10:
			p += "Gamma reference REFLONG[^long] ends this paragraph."
		case 11:
			p += "Delta REFTHREE[^3] again."
		}
		paras = append(paras, p)
	}
	long := strings.Repeat("This note is long on purpose: it quotes the regulation at length, clause after clause, "+
		"so that it cannot fit at the foot of the page where its reference falls. ", 24)
	notes := "[^1]: NOTEONE The first note, short: a date and a place.\n" +
		"[^2]: NOTETWO The second note names the treaty in full, with its date of signature and the place where it was signed.\n" +
		"[^long]: NOTELONG " + long + "LONGEND.\n" +
		"[^3]: NOTETHREE The third note.\n"
	first := "---\ntitle: Consular hours with notes\ndate: 2020-06-10\ntype: statement\n---\n\n" +
		strings.Join(paras, "\n\n") + "\n\n" + notes
	second := "---\ntitle: Another item with its own first note\ndate: 2020-06-12\ntype: statement\n---\n\n" +
		"A second item refers to OTHERREF[^1] too.\n\n[^1]: OTHERNOTE Its own first note.\n"
	return fstest.MapFS{"notes.md": {Data: []byte(first)}, "other.md": {Data: []byte(second)}}
}

func footnoteOptions() Options {
	return Options{Config: config.Default(), Sources: footnoteSources(), SourcesDir: "sources",
		Published: time.Date(2020, 7, 1, 12, 0, 0, 0, time.UTC)}
}

// pdfWord is a word on a page, as pdftotext -bbox places it (points,
// y downwards).
type pdfWord struct {
	text       string
	page       int
	yMin, yMax float64
}

var bboxWord = regexp.MustCompile(`<word xMin="[^"]*" yMin="([^"]*)" xMax="[^"]*" yMax="([^"]*)">([^<]*)</word>`)

func bboxWords(t *testing.T, pdf []byte) []pdfWord {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testenv.NeedTool(t, "pdftotext"), "-bbox", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	var words []pdfWord
	for p, page := range strings.Split(string(out), "<page ")[1:] {
		for _, m := range bboxWord.FindAllStringSubmatch(page, -1) {
			y0, _ := strconv.ParseFloat(m[1], 64)
			y1, _ := strconv.ParseFloat(m[2], 64)
			words = append(words, pdfWord{text: html.UnescapeString(m[3]), page: p + 1, yMin: y0, yMax: y1})
		}
	}
	return words
}

// find is the first word that starts with prefix.
func find(t *testing.T, words []pdfWord, prefix string) pdfWord {
	t.Helper()
	for _, w := range words {
		if strings.HasPrefix(w.text, prefix) {
			return w
		}
	}
	t.Fatalf("%q is on no page", prefix)
	return pdfWord{}
}

// lowestBody is the foot of the body text on a page: the lowest word of
// the filler ("consular", "heat.") or of a reference line.
func lowestBody(words []pdfWord, page int) float64 {
	y := 0.0
	for _, w := range words {
		if w.page == page && (w.text == "consular" || w.text == "heat." || strings.HasPrefix(w.text, "REF") || strings.HasPrefix(w.text, "OTHERREF")) {
			y = max(y, w.yMax)
		}
	}
	return y
}

// A Markdown item's footnotes through a real build: in the PDF each note
// is at the foot of the page where its reference is, below all the body
// text of that page; the long one starts there and ends on the next page,
// under the "continued" rule. In the EPUB they are EPUB 3 notes with
// back-links and ids unique in the book, which EPUBCheck accepts.
func TestFootnotes(t *testing.T) {
	files := buildFiles(t, footnoteOptions())
	words := bboxWords(t, files["bulletin-2020-06.pdf"])

	for _, c := range []struct{ ref, note string }{
		{"REFONE", "NOTEONE"}, {"REFTWO", "NOTETWO"}, {"REFLONG", "NOTELONG"}, {"REFTHREE", "NOTETHREE"}, {"OTHERREF", "OTHERNOTE"},
	} {
		ref, note := find(t, words, c.ref), find(t, words, c.note)
		if note.page != ref.page {
			t.Errorf("%s is on page %d, its reference %s on page %d", c.note, note.page, c.ref, ref.page)
			continue
		}
		if foot := lowestBody(words, ref.page); note.yMin <= foot {
			t.Errorf("%s (y %.1f) is not below the body text of page %d (its foot at y %.1f)", c.note, note.yMin, ref.page, foot)
		}
		if note.yMin < 842*0.5 {
			t.Errorf("%s is at y %.1f: not at the foot of the page", c.note, note.yMin)
		}
	}
	// The reference is a raised number after its word.
	for i, w := range words[:len(words)-1] {
		if w.text == "REFONE" {
			if sup := words[i+1]; sup.text != "1" || sup.yMax > w.yMax-3 {
				t.Errorf("after REFONE comes %q with its foot at y %.1f, want a raised 1 (the word's foot at %.1f)", sup.text, sup.yMax, w.yMax)
			}
		}
	}
	// The long note goes on at the foot of the next page.
	start, end := find(t, words, "NOTELONG"), find(t, words, "LONGEND")
	if end.page != start.page+1 {
		t.Errorf("the long note starts on page %d and ends on page %d, want the next", start.page, end.page)
	}
	cont := find(t, words, "continued")
	if cont.page != end.page || end.yMin <= cont.yMax || cont.yMin <= lowestBody(words, end.page) {
		t.Errorf("the continued rule (page %d, y %.1f) is not between the body text and the note's end (page %d, y %.1f)",
			cont.page, cont.yMin, end.page, end.yMin)
	}
	// Every note's words are printed once: nothing lost, nothing twice.
	for _, marker := range []string{"NOTEONE", "NOTETWO", "NOTELONG", "LONGEND.", "NOTETHREE", "OTHERNOTE"} {
		n := 0
		for _, w := range words {
			if w.text == marker {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is printed %d times", marker, n)
		}
	}

	checkNotesTagged(t, files["bulletin-2020-06.pdf"])
	for _, name := range []string{"collection.epub", "bulletin-2020-06.epub"} {
		checkEPUBNotes(t, name, files[name])
	}
	epubCheck(t, files["collection.epub"])
}

var (
	idRe      = regexp.MustCompile(` id="([^"]*)"`)
	noteRefRe = regexp.MustCompile(`<a id="([^"]*)" href="#([^"]*)" class="noteref" epub:type="noteref" role="doc-noteref">`)
	asideRe   = regexp.MustCompile(`<aside id="([^"]*)" class="footnote" epub:type="footnote" role="doc-footnote">`)
	backRe    = regexp.MustCompile(`<a href="#([^"]*)" class="note-number" role="doc-backlink">`)
)

// checkEPUBNotes reads every XHTML file of an EPUB: ids are unique in it,
// every noteref points at a footnote aside and every back-link at a
// noteref, and both items' notes are there.
func checkEPUBNotes(t *testing.T, name string, data []byte) {
	t.Helper()
	book := unzip(t, data)
	var pages []string
	for n := range book {
		if strings.HasSuffix(n, ".xhtml") {
			pages = append(pages, n)
		}
	}
	refs, asides, backs := 0, 0, 0
	for _, page := range sorted(pages) {
		doc := string(book[page])
		ids := map[string]bool{}
		for _, m := range idRe.FindAllStringSubmatch(doc, -1) {
			if ids[m[1]] {
				t.Errorf("%s: %s: id %q twice", name, page, m[1])
			}
			ids[m[1]] = true
		}
		notes := map[string]bool{}
		for _, m := range asideRe.FindAllStringSubmatch(doc, -1) {
			notes[m[1]] = true
			asides++
		}
		noterefs := map[string]bool{}
		for _, m := range noteRefRe.FindAllStringSubmatch(doc, -1) {
			noterefs[m[1]] = true
			refs++
			if !notes[m[2]] {
				t.Errorf("%s: %s: noteref %s points at %q, which is no footnote", name, page, m[1], m[2])
			}
		}
		for _, m := range backRe.FindAllStringSubmatch(doc, -1) {
			backs++
			if !noterefs[m[1]] {
				t.Errorf("%s: %s: back-link to %q, which is no noteref", name, page, m[1])
			}
		}
	}
	if refs != 5 || asides != 5 || backs != 5 {
		t.Errorf("%s: %d noterefs, %d footnotes, %d back-links; want 5 of each", name, refs, asides, backs)
	}
}

// epubCheck runs EPUBCheck on a book and fails on any message.
func epubCheck(t *testing.T, data []byte) {
	t.Helper()
	java, jar := testenv.EPUBCheck(t)
	dir := t.TempDir()
	book, report := filepath.Join(dir, "book.epub"), filepath.Join(dir, "report.json")
	if err := os.WriteFile(book, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, runErr := exec.Command(java, "-jar", jar, book, "--json", report).CombinedOutput()
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("EPUBCheck wrote no report (%v): %s", runErr, out)
	}
	var rep struct {
		Messages []struct {
			ID, Severity, Message string
		} `json:"messages"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for _, m := range rep.Messages {
		t.Errorf("EPUBCheck: %s %s: %s", m.Severity, m.ID, m.Message)
	}
}

// checkNotesTagged holds the footnote PDF to the tagged-PDF rules (every
// operator marked, every link in the tree), and finds each note in the
// structure as a Note with an ID, its number a Lbl and its text a P, in
// the reading order right after the paragraph of its reference.
func checkNotesTagged(t *testing.T, pdf []byte) {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	plain, err := exec.Command(testenv.NeedTool(t, "qpdf"), "--qdf", "--object-streams=disable", in, "-").Output()
	if err != nil {
		t.Fatalf("qpdf --qdf: %v", err)
	}
	for _, r := range taggedRules {
		if err := r.check(pdf, plain); err != "" {
			t.Errorf("%s: %s", r.name, err)
		}
	}
	// The notes' links come after the contents' entries, which keep
	// their titles as their descriptions.
	if !bytes.Contains(plain, []byte("/Contents (Consular hours with notes)")) {
		t.Errorf("the contents entry's link is not described by its title")
	}
	notes := regexp.MustCompile(`<</Type /StructElem /S /Note [^\n]*`).FindAll(pdf, -1)
	if len(notes) != 5 {
		t.Errorf("%d Note elements, want 5", len(notes))
	}
	for _, n := range notes {
		if !bytes.Contains(n, []byte("/ID (")) && !bytes.Contains(n, []byte("/ID <")) {
			t.Errorf("a Note without /ID: %s", n)
		}
	}
	st, err := exec.Command(testenv.NeedTool(t, "pdfinfo"), "-struct-text", in).Output()
	if err != nil {
		t.Fatalf("pdfinfo -struct-text: %v", err)
	}
	flat := strings.Join(strings.Fields(string(st)), " ")
	for _, c := range []struct{ ref, note string }{{"REFONE", "NOTEONE"}, {"REFLONG", "NOTELONG"}, {"OTHERREF", "OTHERNOTE"}} {
		i, j := strings.Index(flat, c.ref), strings.Index(flat, c.note)
		// The rest of the reference's paragraph (three sentences of
		// filler, 600 characters) may come between, not the next one.
		if i < 0 || j < i || j-i > 900 {
			t.Errorf("in the structure, %s does not follow its reference %s's paragraph closely", c.note, c.ref)
		}
	}
	if !strings.Contains(flat, "LONGEND") {
		t.Errorf("the long note's end is not in the structure")
	}
	if t.Failed() {
		t.Logf("pdfinfo -struct-text:\n%s", st)
	}
}

// BenchmarkFootnotes sets the footnote fixture's month as it is and with
// its notes taken out (references and notes deleted): the ratio of the
// two is what placing notes line by line costs.
func BenchmarkFootnotes(b *testing.B) {
	lay, err := layouts.Default()
	if err != nil {
		b.Fatal(err)
	}
	ref := regexp.MustCompile(`\[\^[^\]]+\]`)
	def := regexp.MustCompile(`(?m)^\[\^[^\]]+\]:.*\n`)
	without := fstest.MapFS{}
	for name, f := range footnoteSources() {
		without[name] = &fstest.MapFile{Data: ref.ReplaceAll(def.ReplaceAll(f.Data, nil), nil)}
	}
	for _, c := range []struct {
		name string
		src  fstest.MapFS
	}{{"without", without}, {"with", footnoteSources()}} {
		b.Run(c.name, func(b *testing.B) {
			opts := footnoteOptions()
			opts.Sources = c.src
			opts.NoCache = true
			for b.Loop() {
				if _, err := Build(context.Background(), opts, lay, &memSink{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Notes referred to from a list item, a table cell and a quote sit at the
// foot of their page in number order; a note nothing refers to is printed
// after them, and a reference to no note stays as its text.
func TestFootnotesEdgeCases(t *testing.T) {
	body := "---\ntitle: Edge cases of notes\ndate: 2020-06-10\n---\n\n" +
		"A reference to a missing note[^zz] stays as written.\n\n" +
		"- A list item with a note[^li].\n- Another item.\n\n" +
		"| Column | Other |\n|---|---|\n| Cell with note[^tab] | plain |\n\n" +
		"> A quote with a note[^q].\n\n" +
		"[^li]: LISTNOTE In a list.\n[^tab]: TABLENOTE In a table.\n[^q]: QUOTENOTE In a quote.\n" +
		"[^orphan]: ORPHANNOTE Nothing refers to me.\n"
	opts := footnoteOptions()
	opts.Sources = fstest.MapFS{"a.md": {Data: []byte(body)}}
	words := bboxWords(t, buildFiles(t, opts)["bulletin-2020-06.pdf"])
	order := []string{"LISTNOTE", "TABLENOTE", "QUOTENOTE", "ORPHANNOTE"}
	prev := pdfWord{}
	for i, marker := range order {
		w := find(t, words, marker)
		if i > 0 && (w.page != prev.page || w.yMin <= prev.yMin) {
			t.Errorf("%s (page %d, y %.1f) does not follow %s (page %d, y %.1f)", marker, w.page, w.yMin, order[i-1], prev.page, prev.yMin)
		}
		if w.page != find(t, words, "missing").page {
			t.Errorf("%s is not on the page of the references", marker)
		}
		prev = w
	}
	find(t, words, "note[^zz]")
}
