package asset

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"bulletin/pipeline/news"
)

// format is a raster format the stage accepts.
type format struct {
	mediaType string
	config    func(io.Reader) (image.Config, error)
	decode    func(io.Reader) (image.Image, error)
}

// Check tells data's type from its content, never from its name, and
// proves a raster image whole: its declared size within MaxPixels before
// anything is decoded, then a full decode, so a truncated or damaged file
// never reaches a renderer. WebP is not a core media type of EPUB 3.2 and
// fpdf cannot draw it: it becomes a PNG.
func Check(data []byte) (news.Image, string) {
	var f format
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		f = format{"image/png", png.DecodeConfig, png.Decode}
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		f = format{"image/jpeg", jpeg.DecodeConfig, jpeg.Decode}
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		// gif.Decode reads the first frame, the one a PDF shows.
		f = format{"image/gif", gif.DecodeConfig, gif.Decode}
	case len(data) > 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		f = format{"image/webp", webp.DecodeConfig, webp.Decode}
	case isSafeSVG(data):
		return news.Image{MediaType: "image/svg+xml", Data: data}, ""
	case looksLikeSVG(data):
		return news.Image{}, "is an SVG drawing that runs scripts or refers to other files; save it as a plain SVG or PNG"
	default:
		return news.Image{}, "is not a PNG, JPEG, GIF, WebP or SVG image, whatever its name says; save it in one of those formats"
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return news.Image{}, fmt.Sprintf("is a damaged %s (%v); save or export it again", f.mediaType, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return news.Image{}, fmt.Sprintf("is a %s with no size; save or export it again", f.mediaType)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return news.Image{}, fmt.Sprintf("declares %d×%d pixels, over the limit of %d megapixels; scale the image down",
			cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return news.Image{}, fmt.Sprintf("is a damaged or truncated %s (%v); save or export it again", f.mediaType, err)
	}
	if f.mediaType == "image/webp" {
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			return news.Image{}, fmt.Sprintf("is a WebP image that could not be converted to PNG (%v); save it as PNG", err)
		}
		data, f.mediaType = buf.Bytes(), "image/png"
	}
	return news.Image{MediaType: f.mediaType, Data: data, Width: cfg.Width, Height: cfg.Height}, ""
}
