package pipeline

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"bulletin/internal/testenv"
	"bulletin/layouts"
	"bulletin/pipeline/config"
)

// realPDFs builds the real data's Markdown and feeds and writes their PDFs
// into a temporary folder, once per test binary.
func realPDFs(t *testing.T) []string {
	t.Helper()
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for _, sub := range []string{"markdown", "feeds"} {
		src := testenv.Shared(t, "realdata", sub)
		opts := Options{Config: config.Default(), Sources: os.DirFS(src), SourcesDir: "realdata/" + sub,
			Published: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
		sink := &memSink{}
		if _, err := Build(context.Background(), opts, lay, sink); err != nil {
			t.Fatalf("build %s: %v", sub, err)
		}
		for name, data := range sink.files {
			if !strings.HasSuffix(name, ".pdf") {
				continue
			}
			p := filepath.Join(dir, sub+"-"+name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		t.Fatal("the real data made no PDF")
	}
	return paths
}

// The real data's PDFs, built once, read as a typesetter would.
func TestRealPDFs(t *testing.T) {
	paths := realPDFs(t)
	t.Run("no escapes printed", func(t *testing.T) { noEscapes(t, paths) })
	t.Run("no heading at a page's foot", func(t *testing.T) { noHeadingAtFoot(t, paths) })
	t.Run("hyphenated words read whole", func(t *testing.T) { hyphenatedWhole(t, paths) })
}

// Words hyphenated at a line end, Russian and English, are Spans that
// poppler's structure reader reads whole: the text of each is the word
// its /ActualText names, with no hyphen and no soft hyphen in it.
// pdfinfo -struct-text draws the pages again for every marked-content
// sequence (seconds for a two-page bulletin), so it reads only the
// smallest bulletin with a Russian Span (its /ActualText in UTF-16) and
// the smallest with any other.
func hyphenatedWhole(t *testing.T, paths []string) {
	pdfinfo := testenv.NeedTool(t, "pdfinfo")
	spanText := regexp.MustCompile(`/S /Span /P \d+ 0 R /ActualText \(`)
	var ruPath, enPath string
	var ruSize, enSize int
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "/S /Span /P ") {
			continue
		}
		// Bytes, not runes: a UTF-16 string starts FE FF.
		var hasRU, hasEN bool
		for _, m := range spanText.FindAllIndex(data, -1) {
			if rest := data[m[1]:]; len(rest) > 1 && rest[0] == 0xfe && rest[1] == 0xff {
				hasRU = true
			} else if len(rest) > 0 && (rest[0]|0x20) >= 'a' && (rest[0]|0x20) <= 'z' {
				hasEN = true
			}
		}
		if hasRU && (ruPath == "" || len(data) < ruSize) {
			ruPath, ruSize = p, len(data)
		}
		if hasEN && (enPath == "" || len(data) < enSize) {
			enPath, enSize = p, len(data)
		}
	}
	if ruPath == "" || enPath == "" {
		t.Fatalf("no bulletin with a Russian (%q) or an English (%q) hyphenated word", ruPath, enPath)
	}
	span := regexp.MustCompile(`Span \(inline\)\n\s+"([^"\n]*)"\n`)
	cyrillic, latin := regexp.MustCompile(`^\p{Cyrillic}{2,}`), regexp.MustCompile(`^\p{Latin}{2,}`)
	var ru, en int
	for _, p := range []string{ruPath, enPath} {
		out, err := exec.Command(pdfinfo, "-struct-text", p).Output()
		if err != nil {
			t.Fatalf("pdfinfo -struct-text %s: %v", p, err)
		}
		for _, m := range span.FindAllSubmatch(out, -1) {
			w := string(m[1])
			if strings.ContainsAny(w, "\u00ad ") || strings.HasSuffix(w, "-") {
				t.Errorf("%s: a hyphenated word read as %q", filepath.Base(p), w)
			}
			switch {
			case cyrillic.MatchString(w):
				ru++
			case latin.MatchString(w):
				en++
			}
		}
	}
	if ru == 0 || en == 0 {
		t.Errorf("%d Russian and %d English hyphenated words read whole; want some of each", ru, en)
	}
	t.Logf("%d Russian and %d English hyphenated words read whole (%s, %s)", ru, en, filepath.Base(ruPath), filepath.Base(enPath))
}

// The PDF prints what a reader of the Markdown sees: `\[1]` is "[1]".
func noEscapes(t *testing.T, paths []string) {
	pdftotext := testenv.NeedTool(t, "pdftotext")
	escape := regexp.MustCompile(`\\[>_\[\]*\-#` + "`" + `]`)
	for _, p := range paths {
		out, err := exec.Command(pdftotext, p, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", p, err)
		}
		for i, l := range strings.Split(string(out), "\n") {
			if m := escape.FindString(l); m != "" && !strings.Contains(l, `\\`) {
				t.Errorf("%s line %d prints the escape %q: %s", filepath.Base(p), i+1, m, l)
			}
		}
	}
}

// stext is what mutool draw -F stext says of a page: its lines, each with
// the fonts its characters are in.
type stext struct {
	Pages []struct {
		Height float64 `xml:"height,attr"`
		Blocks []struct {
			Lines []struct {
				BBox  string `xml:"bbox,attr"`
				Fonts []struct {
					Name  string `xml:"name,attr"`
					Chars []struct {
						C string `xml:"c,attr"`
					} `xml:"char"`
				} `xml:"font"`
			} `xml:"line"`
		} `xml:"block"`
	} `xml:"page"`
}

// No page ends with a heading or an item title whose text starts the next
// page: headings are set in the heading face's bold (item titles, type
// headings, Markdown levels 1–2) or, one line alone in its block, in the
// text face's bold (levels 3–6).
func noHeadingAtFoot(t *testing.T, paths []string) {
	mutool := testenv.NeedTool(t, "mutool")
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	const pt = 72 / 25.4
	for _, p := range paths {
		out, err := exec.Command(mutool, "draw", "-q", "-F", "stext", "-o", "-", p).Output()
		if err != nil {
			t.Fatalf("mutool draw %s: %v", p, err)
		}
		var doc stext
		if err := xml.Unmarshal(out, &doc); err != nil {
			t.Fatalf("stext of %s: %v", p, err)
		}
		for pi, pg := range doc.Pages {
			if pi == 0 || pi == len(doc.Pages)-1 {
				continue // the cover; the last page has nothing after it
			}
			foot := pg.Height - lay.Page.MarginBottom*pt + 2
			lastY, last, heading := 0.0, "", false
			for _, bl := range pg.Blocks {
				for _, ln := range bl.Lines {
					var x0, y0, x1, y1 float64
					if _, err := fmt.Sscan(ln.BBox, &x0, &y0, &x1, &y1); err != nil {
						t.Fatalf("bbox %q: %v", ln.BBox, err)
					}
					if y0 < lay.Page.MarginTop*pt-2 || y1 > foot || y1 < lastY {
						continue
					}
					var text strings.Builder
					head := true
					for _, f := range ln.Fonts {
						hb := strings.HasSuffix(f.Name, "headingB") || (strings.HasSuffix(f.Name, "textB") && len(bl.Lines) == 1)
						for _, c := range f.Chars {
							text.WriteString(c.C)
							if strings.TrimSpace(c.C) != "" && !hb {
								head = false
							}
						}
					}
					if strings.TrimSpace(text.String()) == "" {
						continue
					}
					lastY, last, heading = y1, text.String(), head
				}
			}
			if heading {
				t.Errorf("%s page %d ends with the heading %q", filepath.Base(p), pi+1, last)
			}
		}
	}
}
