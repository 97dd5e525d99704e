package pipeline

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"bulletin/internal/testenv"
	"bulletin/layouts"
)

// mastheadAlt is the alt text the test layouts give their crest.
const mastheadAlt = "Crest of the Embassy of Testland"

// crestLayout writes a layouts folder naming file (with data) as its logo
// and loads it.
func crestLayout(t *testing.T, file string, data []byte) *layouts.Layout {
	t.Helper()
	def, err := os.ReadFile("../layouts/default/layout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	y := string(def) + "logo:\n  file: " + file + "\n  alt: " + mastheadAlt + "\n"
	if err := os.WriteFile(filepath.Join(dir, "layout.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
		t.Fatal(err)
	}
	lay, err := layouts.Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return lay
}

// buildWith builds the example with lay and returns every file.
func buildWith(t *testing.T, lay *layouts.Layout) map[string][]byte {
	t.Helper()
	sink := &memSink{}
	if _, err := Build(context.Background(), exampleOptions(t), lay, sink); err != nil {
		t.Fatal(err)
	}
	return sink.files
}

// A layout's crest, given as SVG, PNG or JPEG, is on the PDF's cover as a
// Figure with the layout's alt text, on the EPUB's cover image, and on
// the title page and the web edition's index as an img with that alt.
func TestMasthead(t *testing.T) {
	svg, err := os.ReadFile("../layouts/testdata/crest.svg")
	if err != nil {
		t.Fatal(err)
	}
	svgLay := crestLayout(t, "crest.svg", svg)
	png := svgLay.Masthead().Data
	m, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, m, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	plain, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	without := buildWith(t, plain)
	plainCover := unzip(t, without["bulletin-2020-06.epub"])["EPUB/images/cover.png"]
	if len(plainCover) == 0 {
		t.Fatal("the EPUB without a crest has no cover image")
	}
	pdfimages := testenv.NeedTool(t, "pdfimages")
	coverImages := func(t *testing.T, pdf []byte) int {
		t.Helper()
		p := filepath.Join(t.TempDir(), "b.pdf")
		if err := os.WriteFile(p, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdfimages, "-list", "-f", "1", "-l", "1", p).Output()
		if err != nil {
			t.Fatalf("pdfimages: %v", err)
		}
		return len(regexp.MustCompile(`(?m)^\s+1\s+\d+\s+image\s`).FindAll(out, -1))
	}
	if n := coverImages(t, without["bulletin-2020-06.pdf"]); n != 0 {
		t.Fatalf("the PDF cover without a crest has %d images", n)
	}

	tests := []struct {
		name   string
		lay    *layouts.Layout
		suffix string
	}{
		{"svg", svgLay, ".png"},
		{"png", crestLayout(t, "crest.png", png), ".png"},
		{"jpeg", crestLayout(t, "crest.jpeg", jpg.Bytes()), ".jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := buildWith(t, tt.lay)
			pdf := files["bulletin-2020-06.pdf"]
			if n := coverImages(t, pdf); n != 1 {
				t.Errorf("the PDF cover has %d images, want the crest", n)
			}
			qdf := qdfOf(t, pdf)
			if !bytes.Contains(qdf, []byte("/Alt ("+mastheadAlt+")")) {
				t.Errorf("no Figure with /Alt (%s) in the PDF", mastheadAlt)
			}
			for _, r := range taggedRules {
				if err := r.check(pdf, qdf); err != "" {
					t.Errorf("%s: %s", r.name, err)
				}
			}
			book := unzip(t, files["bulletin-2020-06.epub"])
			if cover := book["EPUB/images/cover.png"]; len(cover) == 0 || bytes.Equal(cover, plainCover) {
				t.Errorf("the EPUB cover image (%d bytes) is the one without a crest", len(cover))
			}
			href := "images/masthead" + tt.suffix
			img := `<img src="../` + href + `" alt="` + mastheadAlt + `" />`
			if title := string(book["EPUB/xhtml/title.xhtml"]); !strings.Contains(title, img) {
				t.Errorf("the title page has no %s:\n%s", img, title)
			}
			if !bytes.Contains(book["EPUB/package.opf"], []byte(`href="`+href+`"`)) || len(book["EPUB/"+href]) == 0 {
				t.Errorf("the book does not carry %s", href)
			}
			index := string(files[SiteName+"index.html"])
			if !strings.Contains(index, `<img src="`+href+`" alt="`+mastheadAlt+`" />`) || len(files[SiteName+href]) == 0 {
				t.Errorf("the web edition's index does not show %s", href)
			}
			if tt.name == "svg" {
				java, jar := testenv.EPUBCheck(t)
				p := filepath.Join(t.TempDir(), "b.epub")
				if err := os.WriteFile(p, files["bulletin-2020-06.epub"], 0o644); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command(java, "-jar", jar, p).CombinedOutput(); err != nil || !strings.Contains(string(out), "0 fatals / 0 errors / 0 warnings") {
					t.Errorf("EPUBCheck: %v\n%s", err, out)
				}
				again := buildWith(t, tt.lay)
				for name, data := range files {
					if !bytes.Equal(again[name], data) {
						t.Errorf("%s differs between two builds", name)
					}
				}
			}
		})
	}
}

// qdfOf is the PDF rewritten by qpdf with its streams uncompressed.
func qdfOf(t *testing.T, pdf []byte) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testenv.NeedTool(t, "qpdf"), "--qdf", "--object-streams=disable", p, "-").Output()
	if err != nil {
		t.Fatalf("qpdf --qdf: %v", err)
	}
	return out
}
