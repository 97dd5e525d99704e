package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"bulletin/internal/testenv"
	"bulletin/layouts"
	"bulletin/pipeline/config"
)

// buildFiles builds opts with the default layout and returns every file.
func buildFiles(t *testing.T, opts Options) map[string][]byte {
	t.Helper()
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	if _, err := Build(context.Background(), opts, lay, sink); err != nil {
		t.Fatal(err)
	}
	return sink.files
}

// aceViolations runs Ace by DAISY on an EPUB and returns its violations as
// "rule (impact)" lines.
func aceViolations(t *testing.T, epub []byte) []string {
	t.Helper()
	ace, chromium := testenv.Ace(t)
	dir := t.TempDir()
	book := filepath.Join(dir, "book.epub")
	if err := os.WriteFile(book, epub, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ace, "-f", "-s", "-o", filepath.Join(dir, "report"), book)
	cmd.Env = append(os.Environ(), "PUPPETEER_EXECUTABLE_PATH="+chromium)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ace-puppeteer: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "report", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Assertions []struct {
			Assertions []struct {
				Test struct {
					Title  string `json:"dct:title"`
					Impact string `json:"earl:impact"`
				} `json:"earl:test"`
				Result struct {
					Description string `json:"dct:description"`
				} `json:"earl:result"`
			} `json:"assertions"`
			Subject struct {
				URL string `json:"url"`
			} `json:"earl:testSubject"`
		} `json:"assertions"`
	}
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatalf("ace report: %v", err)
	}
	var v []string
	for _, doc := range report.Assertions {
		for _, a := range doc.Assertions {
			v = append(v, doc.Subject.URL+": "+a.Test.Title+" ("+a.Test.Impact+"): "+a.Result.Description)
		}
	}
	return v
}

// Ace by DAISY finds no violation in the example's collection nor in the
// real feeds' and Markdown files'.
func TestAceEPUB(t *testing.T) {
	testenv.Ace(t)
	cases := []struct {
		name string
		opts func(t *testing.T) Options
	}{
		{"example", func(t *testing.T) Options { return exampleOptions(t) }},
		{"realdata", func(t *testing.T) Options {
			dir := testenv.Shared(t, "realdata")
			return Options{Config: config.Default(), Sources: os.DirFS(dir), SourcesDir: "realdata",
				Published: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := buildFiles(t, tc.opts(t))
			v := aceViolations(t, files["collection.epub"])
			for _, s := range v {
				t.Error(s)
			}
			t.Logf("Ace: %d violations in collection.epub", len(v))
			// With 0 violations the book claims EPUB Accessibility 1.1
			// (WCAG 2.1 AA), and says who certifies it.
			opf := zipEntry(t, files["collection.epub"], "EPUB/package.opf")
			for _, want := range []string{
				`<meta property="dcterms:conformsTo" id="conformance">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>`,
				`<meta property="a11y:certifiedBy" refines="#conformance">`,
			} {
				if !bytes.Contains(opf, []byte(want)) {
					t.Errorf("package.opf lacks %s", want)
				}
			}
		})
	}
}

// The archival repairs hold in the file, and Ghostscript reads it without
// repairing anything and keeps the links and document information when it
// converts to PDF/A-2.
func TestArchivalPDF(t *testing.T) {
	files := buildFiles(t, exampleOptions(t))
	pdf := files["bulletin-2020-06.pdf"]
	for _, r := range pdfRules {
		if err := r.check(pdf); err != "" {
			t.Errorf("%s: %s", r.name, err)
		}
	}

	gs := testenv.NeedTool(t, "gs")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	// Without -q: that is what hides the "repaired" report.
	out, err := exec.Command(gs, "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-o", filepath.Join(dir, "x.pdf"), in).CombinedOutput()
	if err != nil || bytes.Contains(bytes.ToLower(out), []byte("repaired")) || bytes.Contains(out, []byte("****")) {
		t.Errorf("gs pdfwrite: %v\n%s", err, out)
	}
	pdfa := filepath.Join(dir, "a.pdf")
	out, err = exec.Command(gs, "-dPDFA=2", "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB",
		"-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-o", pdfa, in).CombinedOutput()
	if err != nil {
		t.Fatalf("gs -dPDFA=2: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("non-printing")) || bytes.Contains(bytes.ToLower(out), []byte("repaired")) {
		t.Errorf("gs -dPDFA=2 changed the file:\n%s", out)
	}
	qpdf := testenv.NeedTool(t, "qpdf")
	plain, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", pdfa, "-").Output()
	if err != nil {
		t.Fatalf("qpdf: %v", err)
	}
	if got, want := bytes.Count(plain, []byte("/Subtype /Link")), bytes.Count(pdf, []byte("/Subtype /Link")); got != want || want == 0 {
		t.Errorf("gs -dPDFA=2 kept %d of %d links", got, want)
	}
	info, err := exec.Command(testenv.NeedTool(t, "pdfinfo"), pdfa).Output()
	if err != nil {
		t.Fatal(err)
	}
	// Ghostscript before 10.02 drops every Info string that is not plain
	// ASCII under -dPDFA, whatever its encoding: pdfmark_DOCINFO
	// (devices/vector/gdevpdfm.c) discards a /Title, /Author, /Subject,
	// /Keywords, /Creator or /Producer whose bytes include one above 0x7F
	// ("Text string detected in DOCINFO cannot be represented in XMP"),
	// and its PDF reader (pdfi_obj_string_str, pdf/pdf_obj.c) hands the
	// string on as its raw bytes, PDFDocEncoding or UTF-16BE alike; it
	// builds its own XMP from what is left, ignoring the file's. Fixed in
	// 10.02.0 (commit 28ed63e2c, bug 706781). So a title with an em dash
	// is lost by 10.00 and must be kept by any later Ghostscript.
	title := pdfInfoField(t, in, "Title")
	for _, field := range []string{"Author", "Subject", "Keywords"} {
		if want := pdfInfoField(t, in, field); isASCII(want) && pdfInfoField(t, pdfa, field) != want {
			t.Errorf("gs -dPDFA=2 lost the %s %q:\n%s\n%s", field, want, info, out)
		}
	}
	version, err := exec.Command(gs, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	fixed := gsAtLeast(strings.TrimSpace(string(version)), 10, 2)
	switch got := pdfInfoField(t, pdfa, "Title"); {
	case isASCII(title) || fixed:
		if got != title {
			t.Errorf("gs %s -dPDFA=2 lost the title %q:\n%s", version, title, info)
		}
	case !bytes.Contains(out, []byte("Text string detected in DOCINFO cannot be represented in XMP")):
		t.Errorf("gs %s -dPDFA=2 dropped the title %q without the known report:\n%s", version, title, out)
	default:
		t.Logf("gs %s -dPDFA=2 drops the non-ASCII title %q, as every Ghostscript before 10.02 does (see the README)", strings.TrimSpace(string(version)), title)
	}
}

// gsAtLeast is true when a Ghostscript version "10.00.0" is at least
// major.minor.
func gsAtLeast(v string, major, minor int) bool {
	f := strings.SplitN(v, ".", 3)
	if len(f) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(f[0])
	mi, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}

// zipEntry is the named file of a zip archive.
func zipEntry(t *testing.T, archive []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func isASCII(s string) bool {
	for _, c := range []byte(s) {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func pdfInfoField(t *testing.T, file, field string) string {
	t.Helper()
	out, err := exec.Command(testenv.NeedTool(t, "pdfinfo"), file).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// pdfRules are the machine-checkable rules of PDF/A-2 and PDF/UA that the
// post-processing (pipeline/render/pdf/tidy.go) makes hold, read off the
// file's uncompressed objects. Each returns "" when it holds.
var pdfRules = []struct {
	name  string
	check func(pdf []byte) string
}{
	{"catalogue without an empty /Names tree", func(p []byte) string {
		if bytes.Contains(p, []byte("/EmbeddedFiles")) {
			return "an /EmbeddedFiles name tree is left"
		}
		return ""
	}},
	{"DisplayDocTitle", func(p []byte) string {
		if !bytes.Contains(p, []byte("/ViewerPreferences << /DisplayDocTitle true >>")) {
			return "no /ViewerPreferences << /DisplayDocTitle true >>"
		}
		return ""
	}},
	{"document /Lang", func(p []byte) string {
		if !regexp.MustCompile(`\n/Lang \([a-z]{2}`).Match(p) {
			return "no /Lang in the catalogue"
		}
		return ""
	}},
	{"trailer /ID", func(p []byte) string {
		if !regexp.MustCompile(`trailer\n<<\n/ID \[<[0-9A-F]{32}> <[0-9A-F]{32}>\]`).Match(p) {
			return "no /ID in the trailer"
		}
		return ""
	}},
	{"printable link annotations with /Contents", func(p []byte) string {
		links := regexp.MustCompile(`<</Type /Annot /Subtype /Link [^>]*`).FindAll(p, -1)
		if len(links) == 0 {
			return "no link annotations at all (the contents has some)"
		}
		for _, l := range links {
			if !bytes.Contains(l, []byte("/F 4 ")) || !bytes.Contains(l, []byte("/Contents (")) {
				return "link without /F 4 or /Contents: " + string(l)
			}
		}
		return ""
	}},
	{"subset tags on embedded fonts", func(p []byte) string {
		for _, m := range regexp.MustCompile(`/(?:FontName|BaseFont) /([^\s/>]+)`).FindAllSubmatch(p, -1) {
			if !regexp.MustCompile(`^[A-Z]{6}\+`).Match(m[1]) {
				return "font name without a subset tag: " + string(m[1])
			}
		}
		return ""
	}},
	{"outline counts", func(p []byte) string {
		for _, m := range regexp.MustCompile(`(?s)/First \d+ 0 R\n/Last \d+ 0 R\n(?:/Dest \[[^\]]*\]\n)?/Count (-?\d+)`).FindAllSubmatch(p, -1) {
			if string(m[1]) == "0" {
				return "an outline entry with children has /Count 0"
			}
		}
		return ""
	}},
	{"Info dates with a zone, as the XMP's", func(p []byte) string {
		info := regexp.MustCompile(`/CreationDate \(D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)'\)`).FindSubmatch(p)
		if info == nil {
			return "no /CreationDate with a zone"
		}
		want := string(info[1]) + "-" + string(info[2]) + "-" + string(info[3]) + "T" + string(info[4]) + ":" + string(info[5]) + ":" + string(info[6]) + string(info[7]) + string(info[8]) + ":" + string(info[9])
		if !bytes.Contains(p, []byte("<xmp:CreateDate>"+want+"</xmp:CreateDate>")) {
			return "XMP CreateDate is not " + want
		}
		return ""
	}},
}

// Calibre reads the collection as the press office means it: the creator
// sorted as written (an organisation, not "Kingdom, Embassy of …"), the
// publication day, a short description, and one cover (the book's own
// cover page found, no cover page of Calibre's own added).
func TestCalibreReadsTheCollection(t *testing.T) {
	meta := testenv.NeedTool(t, "ebook-meta")
	convert := testenv.NeedTool(t, "ebook-convert")
	files := buildFiles(t, exampleOptions(t))
	dir := t.TempDir()
	book := filepath.Join(dir, "collection.epub")
	if err := os.WriteFile(book, files["collection.epub"], 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(meta, book).CombinedOutput()
	if err != nil {
		t.Fatalf("ebook-meta: %v\n%s", err, out)
	}
	fields := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	author, sort, _ := strings.Cut(fields["Author(s)"], " [")
	if author == "" || strings.TrimSuffix(sort, "]") != author {
		t.Errorf("Calibre's author and author sort: %q, want the name sorted as written", fields["Author(s)"])
	}
	if !strings.HasPrefix(fields["Published"], "2020-07-06") {
		t.Errorf("Calibre's published date %q, want the publication day 2020-07-06", fields["Published"])
	}
	if c := fields["Comments"]; c == "" || len(c) > 400 {
		t.Errorf("Calibre's comments (the description) are %d bytes: %q", len(c), c)
	}
	conv := exec.Command(convert, book, filepath.Join(dir, "x.epub"))
	conv.Env = append(os.Environ(), "HOME="+dir) // Calibre writes its settings there
	out, err = conv.CombinedOutput()
	if err != nil {
		t.Fatalf("ebook-convert: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("Found HTML cover EPUB/xhtml/cover.xhtml")) {
		t.Errorf("ebook-convert did not find the book's cover page, and makes one of its own:\n%s", out)
	}
}
