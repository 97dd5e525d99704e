package layouts

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"

	"bulletin/pipeline/asset"
	"bulletin/pipeline/news"
)

// Logo is layout.yaml's optional masthead: a crest or logo drawn above the
// title on the covers.
type Logo struct {
	File string `yaml:"file"` // PNG, JPEG or SVG, relative to the layouts folder
	Alt  string `yaml:"alt"`  // what a screen reader says for it; required with file
}

// Masthead is the logo read and checked once, when the layout is loaded:
// renderers take these bytes and never open the layouts folder for it.
// An SVG is already drawn as a PNG here, since fpdf draws no SVG and one
// raster serves every output alike.
type Masthead struct {
	Alt           string
	MediaType     string // of Data: "image/png" or "image/jpeg"
	Data          []byte
	Width, Height int // pixels
}

// svgSide is the longer side, in pixels, an SVG logo is drawn at: about
// 28 mm at 700 dpi on the PDF cover and more than the EPUB cover's crest
// needs, so neither output scales it up.
const svgSide = 800

// Masthead is the layout's logo, or nil when layout.yaml names none.
func (l *Layout) Masthead() *Masthead { return l.mast }

// loadLogo reads and checks the file logo.file names. dir is the project's
// layouts folder ("" for the built-in layout alone); the file is looked
// for there first, through an os.Root so that neither ".." nor a symbolic
// link can lead out of it, then in the built-in layout.
func (l *Layout) loadLogo(dir string) error {
	name, alt := strings.TrimSpace(l.Logo.File), strings.TrimSpace(l.Logo.Alt)
	if name == "" {
		if alt != "" {
			return errors.New("logo.alt is given without logo.file: name the logo's file or remove logo.alt")
		}
		return nil
	}
	if alt == "" {
		return fmt.Errorf("logo.alt is missing: say in words what the logo %s shows (a screen reader reads it instead of the picture)", name)
	}
	if !fs.ValidPath(name) || strings.Contains(name, `\`) {
		return fmt.Errorf("logo.file %q leaves the layouts folder: name a file inside it, relative to it, without \"..\"", name)
	}
	data, err := readLogo(dir, l.files, name)
	if err != nil {
		return fmt.Errorf("logo.file %q: %w", name, err)
	}
	img, refuse := asset.Check(data)
	if refuse != "" {
		return fmt.Errorf("logo.file %q %s", name, refuse)
	}
	switch img.MediaType {
	case "image/png", "image/jpeg":
	case "image/svg+xml":
		if img, err = rasterise(data); err != nil {
			return fmt.Errorf("logo.file %q: %w", name, err)
		}
	default:
		return fmt.Errorf("logo.file %q is a %s image: use PNG, JPEG or SVG", name, img.MediaType)
	}
	l.mast = &Masthead{Alt: alt, MediaType: img.MediaType, Data: img.Data, Width: img.Width, Height: img.Height}
	return nil
}

// readLogo reads name from dir, or from the built-in layout when dir has
// no such file, refusing what is not a regular file or is over
// asset.MaxBytes before reading it.
func readLogo(dir string, files fs.FS, name string) ([]byte, error) {
	var f fs.File
	if dir != "" {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		rf, err := root.Open(name)
		switch {
		case err == nil:
			f = rf
		case errors.Is(err, fs.ErrNotExist):
		default:
			// os.Root refuses a symbolic link that leads out of the folder.
			return nil, fmt.Errorf("cannot be read inside the layouts folder %s (%w): put the file itself there", dir, err)
		}
	}
	if f == nil {
		var err error
		if f, err = files.Open(name); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				where := "the layouts folder " + dir
				if dir == "" {
					where = "the built-in layout (give --layouts)"
				}
				return nil, fmt.Errorf("no such file in %s: put the logo there or remove logo.file", where)
			}
			return nil, err
		}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("is not a regular file: name an image file")
	}
	tooBig := fmt.Errorf("is larger than %d MB, the limit for one image: make it smaller", asset.MaxBytes>>20)
	if st.Size() > asset.MaxBytes {
		return nil, tooBig
	}
	data, err := io.ReadAll(io.LimitReader(f, asset.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > asset.MaxBytes {
		return nil, tooBig
	}
	return data, nil
}

// rasterise draws an SVG as a PNG whose longer side is svgSide pixels,
// keeping its aspect ratio and transparency. The drawing is pure Go
// arithmetic: the same SVG gives the same bytes.
func rasterise(data []byte) (news.Image, error) {
	icon, err := oksvg.ReadIconStream(bytes.NewReader(data), oksvg.StrictErrorMode)
	if err != nil {
		return news.Image{}, fmt.Errorf("is an SVG drawing bulletin cannot draw (%v): keep to paths, shapes and gradients, or save it as PNG", err)
	}
	vw, vh := icon.ViewBox.W, icon.ViewBox.H
	if !(vw > 0 && vh > 0) || math.IsInf(vw, 0) || math.IsInf(vh, 0) {
		return news.Image{}, errors.New("is an SVG without a size (no viewBox or width and height): give its svg element a viewBox")
	}
	w, h := svgSide, svgSide
	if vw > vh {
		h = max(1, int(math.Round(svgSide*vh/vw)))
	} else {
		w = max(1, int(math.Round(svgSide*vw/vh)))
	}
	icon.SetTarget(0, 0, float64(w), float64(h))
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	scanner := rasterx.NewScannerGV(w, h, rgba, rgba.Bounds())
	icon.Draw(rasterx.NewDasher(w, h, scanner), 1)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, rgba); err != nil {
		return news.Image{}, fmt.Errorf("draw as PNG: %w", err)
	}
	return news.Image{MediaType: "image/png", Data: buf.Bytes(), Width: w, Height: h}, nil
}
