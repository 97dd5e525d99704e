package asset

import (
	"bytes"
	"context"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/webp"

	"bulletin/internal/imagetest"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
	"bulletin/pipeline/source"
)

// sourcesDir lays out a sources folder with one file per case, beside a
// folder outside it that symbolic links point into. It returns the
// sources folder and whether a FIFO could be made.
func sourcesDir(t *testing.T) (string, bool) {
	t.Helper()
	top := t.TempDir()
	outside := filepath.Join(top, "outside")
	src := filepath.Join(top, "sources")
	for _, d := range []string{outside, src, filepath.Join(src, "img"), filepath.Join(src, "folder.png")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret.png"), imagetest.PNG(t, 4, 4))
	for name, data := range map[string][]byte{
		"img/chart.png":  imagetest.PNG(t, 30, 20),
		"photo.jpg":      imagetest.JPEG(t, 24, 16),
		"deep.png":       imagetest.PNG16(t),
		"interlaced.png": imagetest.InterlacedPNG(t),
		"huge.png":       imagetest.HugePNG(),
		"truncated.png":  imagetest.TruncatedPNG(t),
		"text.png":       []byte("not an image at all, whatever the name says"),
		"bad.gif":        []byte("GIF89a\x02\x00\x02\x00\x80\x00\x00garbage"),
		"pic.webp":       imagetest.WebP(t),
		"safe.svg":       []byte(imagetest.SafeSVG),
		"unsafe.svg":     []byte(imagetest.UnsafeSVG),
	} {
		write(filepath.Join(src, filepath.FromSlash(name)), data)
	}
	// A file over MaxBytes, sparse: its size alone must refuse it.
	big := filepath.Join(src, "big.png")
	write(big, imagetest.PNG(t, 2, 2))
	if err := os.Truncate(big, MaxBytes+1); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"abs-link.png":    filepath.Join(outside, "secret.png"),
		"rel-link.png":    "../outside/secret.png",
		"img/climb.png":   "../../outside/secret.png",
		"inside-link.png": "img/chart.png",
		"dangling.png":    "nothing-here.png",
	} {
		if err := os.Symlink(target, filepath.Join(src, filepath.FromSlash(link))); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	fifo := imagetest.Mkfifo(filepath.Join(src, "pipe.png")) == nil
	return src, fifo
}

// resolveCase is one image reference and what the stage must make of it.
type resolveCase struct {
	name, src string
	// mediaType is the accepted image's type; "" when it is refused, and
	// then why is part of the warning.
	mediaType string
	w, h      int
	why       string
	fifo      bool // needs a FIFO
}

func resolveCases(outsideAbs string) []resolveCase {
	return []resolveCase{
		{name: "good PNG", src: "img/chart.png", mediaType: "image/png", w: 30, h: 20},
		{name: "good JPEG", src: "photo.jpg", mediaType: "image/jpeg", w: 24, h: 16},
		{name: "16-bit PNG", src: "deep.png", mediaType: "image/png", w: 12, h: 10},
		{name: "interlaced PNG", src: "interlaced.png", mediaType: "image/png", w: 2, h: 2},
		{name: "WebP becomes PNG", src: "pic.webp", mediaType: "image/png", w: 1, h: 1},
		{name: "safe SVG", src: "safe.svg", mediaType: "image/svg+xml"},
		{name: "escaped name", src: "img/chart%2Epng", mediaType: "image/png", w: 30, h: 20},
		{name: "symlink inside", src: "inside-link.png", mediaType: "image/png", w: 30, h: 20},
		{name: "symlink out, absolute", src: "abs-link.png", why: "src/abs-link.png is a symbolic link that leads outside the sources folder; copy the image into the sources folder"},
		{name: "symlink out, relative", src: "rel-link.png", why: "src/rel-link.png is a symbolic link that leads outside the sources folder"},
		{name: "symlink out from a subfolder", src: "img/climb.png", why: "src/img/climb.png is a symbolic link that leads outside the sources folder"},
		{name: "dangling symlink", src: "dangling.png", why: "src/dangling.png is a symbolic link that leads outside the sources folder or to nothing"},
		{name: "../ path", src: "../outside/secret.png", why: "leads out of the sources folder (..)"},
		{name: "absolute path", src: outsideAbs, why: "absolute path"},
		{name: "oversized header", src: "huge.png", why: "src/huge.png declares 100000×100000 pixels, over the limit of 40 megapixels; scale the image down"},
		{name: "truncated RGBA PNG", src: "truncated.png", why: "src/truncated.png is a damaged or truncated image/png"},
		{name: "over the byte cap", src: "big.png", why: "src/big.png is larger than 20 MB"},
		{name: "FIFO", src: "pipe.png", why: "src/pipe.png is a named pipe (FIFO), not a file", fifo: true},
		{name: "folder", src: "folder.png", why: "src/folder.png is a folder"},
		{name: "damaged GIF", src: "bad.gif", why: "src/bad.gif is a damaged or truncated image/gif"},
		{name: "not an image", src: "text.png", why: "src/text.png is not a PNG, JPEG, GIF, WebP or SVG image"},
		{name: "unsafe SVG", src: "unsafe.svg", why: "src/unsafe.svg is an SVG drawing that runs scripts"},
		{name: "missing", src: "nothere.png", why: "src/nothere.png does not exist in the sources folder"},
		{name: "remote", src: "https://example.org/a.png", why: "a remote address is never fetched"},
		{name: "data address", src: "data:image/png;base64,iVBORw0KGgo=", why: "a data: address is never read"},
	}
}

// TestResolve runs every case through the kinds of sources folder the
// stage may be given: the CLI's source.Files over an os.Root, a bare
// os.Root, and os.DirFS, which follows symbolic links out and so relies
// on the stage's own walk.
func TestResolve(t *testing.T) {
	dir, fifo := sourcesDir(t)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	outsideAbs := filepath.ToSlash(filepath.Join(filepath.Dir(dir), "outside", "secret.png"))
	md := markup.New(false)
	for _, folder := range []struct {
		name  string
		files fs.FS
	}{{"source.Files", source.Files(root)}, {"os.Root", root.FS()}, {"os.DirFS", os.DirFS(dir)}} {
		for _, tc := range resolveCases(outsideAbs) {
			t.Run(folder.name+"/"+tc.name, func(t *testing.T) {
				if tc.fifo && !fifo {
					t.Skip("no FIFOs on this system")
				}
				items := []news.Item{{Title: "Item", Dir: ".", Body: "Before ![the alt](" + tc.src + ") after.",
					Origins: []news.Origin{{File: "item.md", Line: 3}}}}
				problems := resolveWithin(t, folder.files, md, items)
				if tc.mediaType == "" {
					if len(items[0].Images) != 0 {
						t.Errorf("refused image handed on: %+v", items[0].Images[0].Name)
					}
					if len(problems) != 1 {
						t.Fatalf("%d problems, want one warning: %v", len(problems), problems)
					}
					p := problems[0]
					if p.Severity != news.Warning || !strings.HasPrefix(p.String(), "item.md:3: warning: ") ||
						!strings.Contains(p.Msg, `"`+tc.src+`"`) || !strings.Contains(p.Msg, tc.why) {
						t.Errorf("warning is %q; want at item.md:3, naming %q and %q", p, tc.src, tc.why)
					}
					return
				}
				if len(problems) != 0 {
					t.Errorf("problems for a good image: %v", problems)
				}
				if len(items[0].Images) != 1 {
					t.Fatalf("%d images, want 1", len(items[0].Images))
				}
				img := items[0].Images[0]
				if img.Src != tc.src || img.MediaType != tc.mediaType || img.Width != tc.w || img.Height != tc.h || len(img.Data) == 0 {
					t.Errorf("image = {Src %q Name %q %s %d×%d}, want {%q %s %d×%d}", img.Src, img.Name, img.MediaType, img.Width, img.Height,
						tc.src, tc.mediaType, tc.w, tc.h)
				}
				if tc.mediaType != "image/svg+xml" {
					if _, _, err := image.Decode(bytes.NewReader(img.Data)); err != nil {
						t.Errorf("handed-on data does not decode: %v", err)
					}
				}
			})
		}
	}
}

// resolveWithin fails the test instead of hanging when Resolve blocks
// (opening a FIFO would).
func resolveWithin(t *testing.T, files fs.FS, md *markup.Converter, items []news.Item) []news.Problem {
	t.Helper()
	type out struct {
		problems []news.Problem
		err      error
	}
	done := make(chan out, 1)
	go func() {
		ps, err := Resolve(context.Background(), files, "src", md, items)
		done <- out{ps, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			t.Fatal(o.err)
		}
		return o.problems
	case <-time.After(20 * time.Second):
		t.Fatal("Resolve blocked for 20 s")
	}
	return nil
}

// TestResolveOrderAndReuse: images come in body order, once per src,
// whatever their repetition; a file shown by two items is read once and
// each item gets its own warning for what is refused.
func TestResolveOrderAndReuse(t *testing.T) {
	dir, _ := sourcesDir(t)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	items := []news.Item{
		{Title: "One", Dir: "img", Origins: []news.Origin{{File: "img/one.md", Line: 1}},
			Body: "![b](../photo.jpg)\n\n- ![a](chart.png) and ![b again](../photo.jpg)\n\n> ![bad](../text.png)"},
		{Title: "Two", Dir: ".", Origins: []news.Origin{{File: "two.md", Line: 1}},
			Body: "[![linked](img/chart.png)](https://example.org/) ![bad](text.png)"},
		{Title: "No images", Dir: ".", Body: "Just text."},
	}
	problems, err := Resolve(context.Background(), root.FS(), "src", markup.New(false), items)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, it := range items {
		var names []string
		for _, img := range it.Images {
			names = append(names, img.Src+"="+img.Name)
		}
		got = append(got, names)
	}
	want := [][]string{{"../photo.jpg=photo.jpg", "chart.png=img/chart.png"}, {"img/chart.png=img/chart.png"}, nil}
	if len(got) != len(want) || strings.Join(got[0], " ") != strings.Join(want[0], " ") ||
		strings.Join(got[1], " ") != strings.Join(want[1], " ") || len(got[2]) != 0 {
		t.Errorf("images = %q, want %q", got, want)
	}
	if &items[0].Images[1].Data[0] != &items[1].Images[0].Data[0] {
		t.Error("img/chart.png was read twice")
	}
	if len(problems) != 2 || problems[0].At.File != "img/one.md" || problems[1].At.File != "two.md" {
		t.Errorf("problems = %v, want one for each item's text.png", problems)
	}
}

// TestResolveNoFolder: without a sources folder every local image is
// refused, with a warning; a cancelled context stops the stage.
func TestResolveNoFolder(t *testing.T) {
	items := []news.Item{{Title: "T", Body: "![x](a.png)", Origins: []news.Origin{{File: "t.md", Line: 1}}}}
	problems, err := Resolve(context.Background(), nil, "src", markup.New(false), items)
	if err != nil || len(problems) != 1 || len(items[0].Images) != 0 || !strings.Contains(problems[0].Msg, "no sources folder") {
		t.Errorf("Resolve(nil folder) = %v, %v, images %d", problems, err, len(items[0].Images))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Resolve(ctx, nil, "src", markup.New(false), items); err == nil {
		t.Error("Resolve with a cancelled context: no error")
	}
}

// TestWebPIsConverted: the WebP fixture really is WebP, and the stage
// hands on a PNG of the same size.
func TestWebPIsConverted(t *testing.T) {
	cfg, err := webp.DecodeConfig(bytes.NewReader(imagetest.WebP(t)))
	if err != nil {
		t.Fatal(err)
	}
	img, why := Check(imagetest.WebP(t))
	if why != "" || img.MediaType != "image/png" || img.Width != cfg.Width || !bytes.HasPrefix(img.Data, []byte("\x89PNG")) {
		t.Errorf("Check(WebP) = %s %d×%d (%q)", img.MediaType, img.Width, img.Height, why)
	}
}
