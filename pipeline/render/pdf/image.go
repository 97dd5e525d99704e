package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	"github.com/yuin/goldmark/ast"

	"bulletin/pipeline/news"
)

// imageRef is an image ready for fpdf.
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
	where := b.where.String()
	key := where + "\x00" + msg
	if b.seen[key] {
		return
	}
	b.seen[key] = true
	b.warnings = append(b.warnings, news.Problem{Severity: news.Warning, At: b.at, Msg: where + ": " + msg})
}

// resolveImage is the image n names, from the current item's images that
// the asset stage read and checked; nil when there is none (the stage
// refused it and said why, or it is remote) or the PDF cannot show it
// (then, when warn, a warning): the alt text stands in.
func (b *builder) resolveImage(n *ast.Image, warn bool) *imageRef {
	src := string(n.Destination)
	var img news.Image
	found := false
	for _, im := range b.itemImages {
		if im.Src == src {
			img, found = im, true
			break
		}
	}
	if !found {
		return nil
	}
	p, ok := b.images[img.Name]
	if !ok {
		p = prepareImage(img)
		b.images[img.Name] = p
	}
	if p.ref == nil && warn {
		b.warn(fmt.Sprintf("image %s is not shown: it %s; its alt text is printed instead", strconv.Quote(src), p.why))
	}
	return p.ref
}

// preparedImage is a checked image made ready for fpdf, or why it cannot be.
type preparedImage struct {
	ref *imageRef
	why string
}

// prepareImage turns a checked image into one fpdf takes. fpdf's own PNG
// reader refuses 16-bit and interlaced files and indexes past the end of
// an alpha channel it does not find whole, so only the plain PNGs it reads
// reliably (8-bit grey, RGB or palette, not interlaced) go to it as they
// are; any other PNG is decoded and encoded again as 8-bit, which Go's
// encoder writes plainly (RGB when opaque, RGBA otherwise).
func prepareImage(img news.Image) preparedImage {
	data, typ := img.Data, ""
	switch img.MediaType {
	case "image/jpeg":
		typ = "JPG"
	case "image/gif":
		typ = "GIF"
	case "image/png":
		typ = "PNG"
		if !plainPNG(data) {
			var err error
			if data, err = reencodePNG(data); err != nil {
				return preparedImage{why: fmt.Sprintf("could not be prepared for the PDF (%v); save it as an 8-bit PNG or a JPEG", err)}
			}
		}
	case "image/svg+xml":
		return preparedImage{why: "is an SVG drawing, which the PDF cannot show (the EPUB does); add a PNG or JPEG copy for the PDF"}
	default:
		return preparedImage{why: "is a " + img.MediaType + " image, which the PDF cannot show; use PNG, JPEG or GIF"}
	}
	sum := sha256.Sum256(data)
	return preparedImage{ref: &imageRef{name: "img-" + hex.EncodeToString(sum[:8]), typ: typ, data: data, pw: img.Width, ph: img.Height}}
}

// plainPNG reports whether the PNG's header (IHDR, always first) says
// 8-bit greyscale, truecolour or palette, not interlaced.
func plainPNG(data []byte) bool {
	// signature 8, length 4, "IHDR" 4, width 4, height 4, depth, colour
	// type, compression, filter, interlace.
	if len(data) < 29 || string(data[12:16]) != "IHDR" || binary.BigEndian.Uint32(data[8:12]) != 13 {
		return false
	}
	depth, colour, interlace := data[24], data[25], data[28]
	return depth == 8 && (colour == 0 || colour == 2 || colour == 3) && interlace == 0
}

// reencodePNG decodes a PNG and encodes it again at 8 bits a channel.
func reencodePNG(data []byte) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode PNG: %w", err)
	}
	dst := image.NewNRGBA(src.Bounds())
	draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, dst); err != nil {
		return nil, fmt.Errorf("encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// drawImage places an image on a line of its own, centred in the column.
func (b *builder) drawImage(ref *imageRef, x, width float64) {
	w, h := b.imageSize(ref, width)
	b.needSpace(h + 2)
	opts := fpdf.ImageOptions{ImageType: ref.typ}
	if b.f.GetImageInfo(ref.name) == nil {
		b.registerImage(ref, opts)
	}
	y := b.f.GetY() + 1
	b.tag.mark()
	b.f.ImageOptions(ref.name, x+(width-w)/2, y, w, h, false, opts, 0, "")
	b.f.SetXY(b.leftMargin(), y+h+1)
}

// registerImage hands ref to fpdf. Every image was decoded in full by the
// asset stage and PNGs were made plain above, so fpdf's readers should not
// fail; if one still panics, the document fails with an error instead of
// taking the whole build down.
func (b *builder) registerImage(ref *imageRef, opts fpdf.ImageOptions) {
	defer func() {
		if v := recover(); v != nil {
			b.f.SetError(fmt.Errorf("pdf: read image %s: %v", ref.name, v))
		}
	}()
	b.f.RegisterImageOptionsReader(ref.name, opts, bytes.NewReader(ref.data))
}
