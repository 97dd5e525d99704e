// Package imagetest builds the image files tests of the asset stage and
// of whole builds need: good ones, and the bad kinds the stage refuses.
// They are built in code rather than kept as files, so each says what it
// is.
package imagetest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// PNG is an opaque 8-bit RGB picture.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 9), uint8(y * 7), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// PNG16 is a 16-bit RGBA picture with transparency: fpdf refuses
// 16-bit PNGs, the PDF renderer must convert it.
func PNG16(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA64(image.Rect(0, 0, 12, 10))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 13)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// JPEG is a w×h baseline JPEG.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 5)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// HugePNG is a 45-byte PNG whose header claims 100000×100000 RGBA pixels
// (40 GB once decoded) and has no pixel data at all: only the declared
// size can refuse it before a decoder allocates.
func HugePNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		body := append([]byte(typ), data...)
		b.Write(body)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(body))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA; compression, filter, interlace 0
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

// TruncatedPNG is the first 74 bytes of an RGBA PNG with varying alpha:
// a whole header and a cut-off IDAT chunk, the kind of file that made
// fpdf's PNG reader index out of range.
func TruncatedPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*31 + i/4)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if buf.Len() <= 100 {
		t.Fatalf("fixture PNG is only %d bytes: cutting it to 74 would not truncate its pixels", buf.Len())
	}
	return buf.Bytes()[:74]
}

const webp1x1 = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="

// WebP is a 1×1 lossless WebP image.
func WebP(t testing.TB) []byte {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(webp1x1)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// An SVG drawing EPUBs may carry, and one with a script they must not.
const (
	SafeSVG   = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#7a1f2b"/></svg>`
	UnsafeSVG = `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
)
