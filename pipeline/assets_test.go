package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"bulletin/internal/imagetest"
	"bulletin/internal/testenv"
	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

// imageCase is one image of the end-to-end item: good ones must be in the
// PDF and the EPUB, bad ones in neither, with one warning each.
type imageCase struct {
	alt, src string
	data     []byte // the file as written, for good images
	w, h     int    // its pixels, for good images
	why      string // part of the warning, for bad ones
}

// TestImagesEndToEnd builds a Markdown item with good and bad images
// through the sources folder the CLI opens (os.Root), the asset stage and
// the real PDF and EPUB renderers.
func TestImagesEndToEnd(t *testing.T) {
	top := t.TempDir()
	src := filepath.Join(top, "sources")
	outside := filepath.Join(top, "outside")
	for _, d := range []string{filepath.Join(src, "2020"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The secret is a good PNG of its own size: if any way round the
	// rules reads it, a 7×7 image shows up in an output.
	secret := imagetest.PNG(t, 7, 7)
	chart, photo := imagetest.PNG(t, 40, 30), imagetest.JPEG(t, 48, 32)
	// fpdf cannot take these two as they are: the PDF renderer converts them.
	deep, interlaced := imagetest.PNG16(t), imagetest.InterlacedPNG(t)
	files := map[string][]byte{
		"outside/secret.png":          secret,
		"sources/2020/chart.png":      chart,
		"sources/2020/photo.jpg":      photo,
		"sources/2020/deep.png":       deep,
		"sources/2020/interlaced.png": interlaced,
		"sources/2020/huge.png":       imagetest.HugePNG(),
		"sources/2020/truncated.png":  imagetest.TruncatedPNG(t),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(top, filepath.FromSlash(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(outside, "secret.png"), filepath.Join(src, "2020", "link.png")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	cases := []imageCase{
		{alt: "good png", src: "chart.png", data: chart, w: 40, h: 30},
		{alt: "good jpeg", src: "photo.jpg", data: photo, w: 48, h: 32},
		{alt: "sixteen-bit png", src: "deep.png", data: deep, w: 12, h: 10},
		{alt: "interlaced png", src: "interlaced.png", data: interlaced, w: 2, h: 2},
		{alt: "symlink out", src: "link.png", why: "sources/2020/link.png is a symbolic link that leads outside the sources folder; copy the image into the sources folder"},
		{alt: "climbing out", src: "../../outside/secret.png", why: "leads out of the sources folder (..)"},
		{alt: "absolute path", src: filepath.ToSlash(filepath.Join(outside, "secret.png")), why: "is an absolute path"},
		{alt: "forged size", src: "huge.png", why: "sources/2020/huge.png declares 100000×100000 pixels"},
		{alt: "truncated png", src: "truncated.png", why: "sources/2020/truncated.png is a damaged or truncated image/png"},
	}
	if err := imagetest.Mkfifo(filepath.Join(src, "2020", "pipe.png")); err == nil {
		cases = append(cases, imageCase{alt: "named pipe", src: "pipe.png", why: "sources/2020/pipe.png is a named pipe (FIFO), not a file"})
	} else {
		t.Logf("no FIFO case: %v", err)
	}
	var body strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&body, "Image %s: ![%s](%s)\n\n", c.alt, c.alt, c.src)
	}
	md := "---\ntitle: Images of every kind\ndate: 2020-06-01\ntype: statement\n---\n\n" + body.String()
	if err := os.WriteFile(filepath.Join(src, "2020", "images.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}

	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Config: config.Default(), Sources: root.FS(), SourcesDir: "sources",
		Published: time.Date(2020, 7, 6, 12, 0, 0, 0, time.UTC)}
	sink := &memSink{files: map[string][]byte{}}
	done := make(chan struct{})
	var res *Result
	go func() {
		defer close(done)
		res, err = Build(context.Background(), opts, lay, sink)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the build blocked (on the FIFO?)")
	}
	if err != nil {
		t.Fatal(err)
	}

	t.Run("warnings", func(t *testing.T) {
		var warnings []string
		for _, p := range res.Catalogue.Problems {
			if p.Severity != news.Warning || p.At.File != "sources/2020/images.md" {
				t.Errorf("unexpected problem: %v", p)
				continue
			}
			warnings = append(warnings, p.String())
		}
		for _, c := range cases {
			n := 0
			for _, w := range warnings {
				if strings.Contains(w, `"`+c.src+`"`) {
					n++
					if c.why == "" || !strings.Contains(w, c.why) || !strings.HasPrefix(w, "sources/2020/images.md:1: warning: ") {
						t.Errorf("%s: warning %q, want one at sources/2020/images.md:1 saying %q", c.alt, w, c.why)
					}
				}
			}
			if want := map[bool]int{true: 0, false: 1}[c.why == ""]; n != want {
				t.Errorf("%s: %d warnings, want %d", c.alt, n, want)
			}
		}
	})

	t.Run("pdf", func(t *testing.T) {
		pdf := sink.files["bulletin-2020-06.pdf"]
		if len(pdf) == 0 {
			t.Fatalf("no PDF for June 2020 among %d files", len(res.Made))
		}
		var want []string
		for _, c := range cases {
			if c.why == "" {
				want = append(want, fmt.Sprintf("%dx%d", c.w, c.h))
			}
		}
		if got := pdfImageSizes(pdf); strings.Join(got, " ") != strings.Join(sorted(want), " ") {
			t.Errorf("PDF images %v, want exactly the good ones %v", got, sorted(want))
		}
		path := filepath.Join(t.TempDir(), "june.pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(testenv.NeedTool(t, "pdftotext"), "-enc", "UTF-8", path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, c := range cases {
			// A refused image's alt text stands in; a drawn one has none.
			if has := strings.Contains(text, c.alt+": "+c.alt); has != (c.why != "") {
				t.Errorf("%s: alt text printed = %v, want %v", c.alt, has, c.why != "")
			}
		}
	})

	t.Run("epub", func(t *testing.T) {
		book := unzip(t, sink.files["collection.epub"])
		var images [][]byte
		for name, data := range book {
			if strings.HasPrefix(name, "EPUB/images/") && name != "EPUB/images/cover.png" {
				images = append(images, data)
			}
		}
		var all strings.Builder
		for _, data := range book {
			all.Write(data)
		}
		if bytes.Contains([]byte(all.String()), secret) {
			t.Error("the file outside the sources folder is in the EPUB")
		}
		xhtml := book["EPUB/xhtml/m2020-06.xhtml"]
		for _, c := range cases {
			if c.why != "" {
				if !strings.Contains(string(xhtml), `<span class="image-alt">`+c.alt+`</span>`) {
					t.Errorf("%s: alt text not shown in the EPUB", c.alt)
				}
				continue
			}
			found := false
			for _, data := range images {
				found = found || bytes.Equal(data, c.data)
			}
			if !found || !regexp.MustCompile(`<img src="\.\./images/[0-9a-f]{16}\.(png|jpg)" alt="`+c.alt+`" />`).Match(xhtml) {
				t.Errorf("%s: not copied into the EPUB as it is (copied %v) or not shown", c.alt, found)
			}
		}
		if n := len(cases) - len(images); len(images) != 4 {
			t.Errorf("%d images in the EPUB besides the cover, want the 4 good ones (%d refused)", len(images), n)
		}
	})
}

// pdfImageSizes lists the sizes of the pictures in a PDF, sorted: image
// XObjects that are not another's soft mask (fpdf draws a PNG's alpha
// channel as one). fpdf writes their dictionaries uncompressed.
func pdfImageSizes(pdf []byte) []string {
	masks := map[string]bool{}
	for _, m := range regexp.MustCompile(`/SMask (\d+) 0 R`).FindAllSubmatch(pdf, -1) {
		masks[string(m[1])] = true
	}
	var out []string
	re := regexp.MustCompile(`(\d+) 0 obj\s*<<\s*/Type\s*/XObject\s*/Subtype\s*/Image\s*/Width\s+(\d+)\s*/Height\s+(\d+)`)
	for _, m := range re.FindAllSubmatch(pdf, -1) {
		if !masks[string(m[1])] {
			out = append(out, string(m[2])+"x"+string(m[3]))
		}
	}
	return sorted(out)
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}
