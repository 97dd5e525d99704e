// Package imagetest builds the image files tests of the asset stage and
// of whole builds need: good ones, and the bad kinds the stage refuses.
// They are built in code rather than kept as files, so each says what it
// is.
package imagetest

import (
	"bytes"
	"compress/zlib"
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
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA; compression, filter, interlace 0
	return pngFile(chunk{"IHDR", ihdr}, chunk{"IEND", nil})
}

// InterlacedPNG is a 2×2 8-bit RGB PNG stored interlaced (Adam7), which
// Go's encoder never writes and fpdf refuses ("interlacing not
// supported"): the PDF renderer must convert it.
func InterlacedPNG(t testing.TB) []byte {
	t.Helper()
	// Of Adam7's seven passes a 2×2 image has pixels in three: pass 1
	// (0,0), pass 6 (1,0) and pass 7 (0,1), (1,1); each row starts with
	// filter type 0.
	raw := []byte{
		0, 200, 30, 40, // pass 1
		0, 30, 200, 40, // pass 6
		0, 30, 40, 200, 250, 250, 250, // pass 7
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 2)
	binary.BigEndian.PutUint32(ihdr[4:], 2)
	ihdr[8], ihdr[9], ihdr[12] = 8, 2, 1 // 8-bit RGB, interlaced
	return pngFile(chunk{"IHDR", ihdr}, chunk{"IDAT", z.Bytes()}, chunk{"IEND", nil})
}

// chunk is a PNG chunk: its type and data.
type chunk struct {
	typ  string
	data []byte
}

// pngFile joins the signature and chunks, each with its length and CRC.
func pngFile(chunks ...chunk) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	for _, c := range chunks {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(c.data)))
		body := append([]byte(c.typ), c.data...)
		b.Write(body)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(body))
	}
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
