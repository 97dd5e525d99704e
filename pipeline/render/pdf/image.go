package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/gif" // formats fpdf can embed
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/yuin/goldmark/ast"

	"bulletin/pipeline/news"
)

// imageRef is a local image read from the sources folder.
type imageRef struct {
	name   string // registered name in the document
	typ    string // fpdf image type: PNG, JPG, GIF
	data   []byte
	pw, ph int // pixels
}

// size is the image's size in millimetres in a column of the given width:
// its natural size at 96 dpi, shrunk to the column and to most of a page.
func (b *builder) imageSize(ref *imageRef, width float64) (float64, float64) {
	w := float64(ref.pw) * 25.4 / 96
	h := float64(ref.ph) * 25.4 / 96
	if w > width {
		h, w = h*width/w, width
	}
	if maxH := (b.bottom() - b.lay.Page.MarginTop) * 0.75; h > maxH {
		w, h = w*maxH/h, maxH
	}
	return w, h
}

// warn records a warning about the current item once.
func (b *builder) warn(msg string) {
	key := b.where + "\x00" + msg
	if b.seen[key] {
		return
	}
	b.seen[key] = true
	b.warnings = append(b.warnings, news.Problem{Severity: news.Warning, At: b.at, Msg: b.where + ": " + msg})
}

// resolveImage reads the image n names from the item's folder inside the
// sources folder. A remote address, a path leaving the sources folder, a
// missing file or an unknown format gives nil and (when warn) a warning:
// the alt text stands in.
func (b *builder) resolveImage(n *ast.Image, warn bool) *imageRef {
	dest := strings.TrimSpace(string(n.Destination))
	key := b.dir + "\x00" + dest
	if ref, ok := b.images[key]; ok && (ref != nil || !warn) {
		return ref
	}
	ref, why := b.readImage(dest)
	if ref == nil && warn {
		b.warn(fmt.Sprintf("image %q is not shown (%s); its alt text is printed instead", dest, why))
	}
	b.images[key] = ref
	return ref
}

func (b *builder) readImage(dest string) (*imageRef, string) {
	if dest == "" {
		return nil, "no address"
	}
	if i := strings.IndexAny(dest, ":/"); strings.HasPrefix(dest, "//") || (i > 0 && dest[i] == ':') {
		return nil, "a remote address is never fetched; put the file beside the item in the sources folder"
	}
	p := dest
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "\\") {
		return nil, "an absolute path is not read; use a path relative to the item's file inside the sources folder"
	}
	dir := b.dir
	if dir == "" {
		dir = "."
	}
	full := path.Join(dir, p)
	if full == ".." || strings.HasPrefix(full, "../") || !fs.ValidPath(full) {
		return nil, "the path leaves the sources folder; only files inside it are read"
	}
	if b.ed.Files == nil {
		return nil, "there is no sources folder to read it from"
	}
	data, err := fs.ReadFile(b.ed.Files, full)
	if err != nil {
		return nil, fmt.Sprintf("cannot read %s in the sources folder", full)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Sprintf("%s is not a PNG, JPEG or GIF image", full)
	}
	typ := map[string]string{"png": "PNG", "jpeg": "JPG", "gif": "GIF"}[format]
	if typ == "" {
		return nil, fmt.Sprintf("%s is a %s image; use PNG, JPEG or GIF", full, format)
	}
	sum := sha256.Sum256(data)
	return &imageRef{name: "img-" + hex.EncodeToString(sum[:8]), typ: typ, data: data, pw: cfg.Width, ph: cfg.Height}, ""
}

// drawImage places an image on a line of its own, centred in the column.
func (b *builder) drawImage(ref *imageRef, x, width float64) {
	w, h := b.imageSize(ref, width)
	b.needSpace(h + 2)
	opts := fpdf.ImageOptions{ImageType: ref.typ}
	if b.f.GetImageInfo(ref.name) == nil {
		b.f.RegisterImageOptionsReader(ref.name, opts, bytes.NewReader(ref.data))
	}
	y := b.f.GetY() + 1
	b.f.ImageOptions(ref.name, x+(width-w)/2, y, w, h, false, opts, 0, "")
	b.f.SetXY(b.leftMargin(), y+h+1)
}
