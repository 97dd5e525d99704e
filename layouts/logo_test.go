package layouts

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crestSVG is the test crest in testdata.
func crestSVG(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "crest.svg"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// crestRaster is the test crest drawn and encoded as "png" or "jpeg".
func crestRaster(t *testing.T, format string) []byte {
	t.Helper()
	img, err := rasterise(crestSVG(t))
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if format == "jpeg" {
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: 85})
	} else {
		err = png.Encode(&buf, m)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// logoLayout writes a layouts folder whose layout.yaml is the default plus
// extra, and files; it returns the folder.
func logoLayout(t *testing.T, extra string, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "layout.yaml"), []byte(defaultYAML(t)+extra), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLogo(t *testing.T) {
	tests := []struct {
		name, file string
		data       []byte
		wantType   string
	}{
		{"svg", "crest.svg", crestSVG(t), "image/png"},
		{"png", "art/crest.png", crestRaster(t, "png"), "image/png"},
		{"jpeg", "crest.jpg", crestRaster(t, "jpeg"), "image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := logoLayout(t, "logo:\n  file: "+tt.file+"\n  alt: Crest of the Embassy\n", map[string][]byte{tt.file: tt.data})
			l, err := Load(dir)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			m := l.Masthead()
			if m == nil {
				t.Fatal("Masthead() = nil, want the logo")
			}
			if m.Alt != "Crest of the Embassy" || m.MediaType != tt.wantType {
				t.Errorf("masthead = %q %s, want the alt text and %s", m.Alt, m.MediaType, tt.wantType)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatalf("masthead data: %v", err)
			}
			if "image/"+format != m.MediaType || cfg.Width != m.Width || cfg.Height != m.Height {
				t.Errorf("masthead says %s %d×%d, data is %s %d×%d", m.MediaType, m.Width, m.Height, format, cfg.Width, cfg.Height)
			}
			// The crest is 200×240: taller than wide, drawn svgSide high.
			if want := svgSide * 200 / 240; m.Height != svgSide || m.Width < want-1 || m.Width > want+1 {
				t.Errorf("masthead is %d×%d, want %d×%d", m.Width, m.Height, want, svgSide)
			}
		})
	}
}

func TestLogoSVGDrawn(t *testing.T) {
	img, err := rasterise(crestSVG(t))
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatal(err)
	}
	// The shield's claret at its middle, under the star; transparent
	// outside the shield at the bottom corners.
	at := func(x, y float64) (uint32, uint32, uint32, uint32) {
		return m.At(int(x*float64(img.Width)/200), int(y*float64(img.Height)/240)).RGBA()
	}
	if r, g, b, a := at(100, 195); a>>8 != 0xff || r>>8 != 0x7a || g>>8 != 0x1f || b>>8 != 0x2b {
		t.Errorf("shield pixel = %02x%02x%02x alpha %02x, want opaque #7a1f2b", r>>8, g>>8, b>>8, a>>8)
	}
	if _, _, _, a := at(5, 235); a != 0 {
		t.Errorf("corner alpha = %d, want transparent", a)
	}
	again, err := rasterise(crestSVG(t))
	if err != nil || !bytes.Equal(again.Data, img.Data) {
		t.Errorf("drawing the SVG twice gave different bytes (%v)", err)
	}
}

func TestBuiltInHasNoLogo(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if l.Masthead() != nil || l.Logo.File != "" {
		t.Errorf("the built-in layout has a logo: %+v", l.Logo)
	}
}

func TestLogoChangesFingerprint(t *testing.T) {
	extra := "logo:\n  file: crest.svg\n  alt: Crest\n"
	a, err := Load(logoLayout(t, extra, map[string][]byte{"crest.svg": crestSVG(t)}))
	if err != nil {
		t.Fatal(err)
	}
	other := bytes.Replace(crestSVG(t), []byte("#7a1f2b"), []byte("#1f2b7a"), 1)
	b, err := Load(logoLayout(t, extra, map[string][]byte{"crest.svg": other}))
	if err != nil {
		t.Fatal(err)
	}
	fa, err := a.Fingerprint()
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.Fingerprint()
	if err != nil {
		t.Fatal(err)
	}
	if fa == fb {
		t.Error("two different logos give the same fingerprint: an incremental build would keep the old covers")
	}
}

func TestLogoErrors(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.png")
	if err := os.WriteFile(secret, crestRaster(t, "png"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A PNG whose header claims 50,000 × 50,000 pixels.
	huge := crestRaster(t, "png")
	huge = append([]byte{}, huge...)
	copy(huge[16:24], []byte{0, 0, 0xc3, 0x50, 0, 0, 0xc3, 0x50})
	binary.BigEndian.PutUint32(huge[29:33], crc32.ChecksumIEEE(huge[12:29]))
	tests := []struct {
		name  string
		extra string
		files map[string][]byte
		link  string // a symbolic link "link.png" to this path
		want  []string
	}{
		{"missing file", "logo:\n  file: nope.png\n  alt: Crest\n", nil, "", []string{"logo.file", "nope.png", "no such file"}},
		{"no alt", "logo:\n  file: crest.svg\n", map[string][]byte{"crest.svg": crestSVG(t)}, "", []string{"logo.alt", "missing"}},
		{"blank alt", "logo:\n  file: crest.svg\n  alt: \"  \"\n", map[string][]byte{"crest.svg": crestSVG(t)}, "", []string{"logo.alt"}},
		{"alt without file", "logo:\n  alt: Crest\n", nil, "", []string{"logo.alt", "logo.file"}},
		{"not an image", "logo:\n  file: crest.png\n  alt: Crest\n", map[string][]byte{"crest.png": []byte("not a picture at all")}, "", []string{"logo.file", "crest.png", "not a PNG"}},
		{"gif", "logo:\n  file: crest.gif\n  alt: Crest\n", map[string][]byte{"crest.gif": gifBytes(t)}, "", []string{"logo.file", "image/gif", "PNG, JPEG or SVG"}},
		{"too many pixels", "logo:\n  file: crest.png\n  alt: Crest\n", map[string][]byte{"crest.png": huge}, "", []string{"logo.file", "megapixels"}},
		{"too many bytes", "logo:\n  file: crest.png\n  alt: Crest\n", map[string][]byte{"crest.png": make([]byte, 20<<20+1)}, "", []string{"logo.file", "larger than 20 MB"}},
		{"parent path", "logo:\n  file: ../secret.png\n  alt: Crest\n", nil, "", []string{"logo.file", "leaves the layouts folder"}},
		{"absolute path", "logo:\n  file: " + secret + "\n  alt: Crest\n", nil, "", []string{"logo.file", "leaves the layouts folder"}},
		{"link out", "logo:\n  file: link.png\n  alt: Crest\n", nil, secret, []string{"logo.file", "link.png", "inside the layouts folder"}},
		{"folder", "logo:\n  file: art\n  alt: Crest\n", map[string][]byte{"art/x.txt": []byte("x")}, "", []string{"logo.file", "not a regular file"}},
		{"unsafe svg", "logo:\n  file: crest.svg\n  alt: Crest\n", map[string][]byte{"crest.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script>alert(1)</script></svg>`)}, "", []string{"logo.file", "scripts"}},
		{"svg without size", "logo:\n  file: crest.svg\n  alt: Crest\n", map[string][]byte{"crest.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>`)}, "", []string{"logo.file", "viewBox"}},
		{"unknown logo key", "logo:\n  file: crest.svg\n  alt: Crest\n  size: 3\n", map[string][]byte{"crest.svg": crestSVG(t)}, "", []string{"size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := logoLayout(t, tt.extra, tt.files)
			if tt.link != "" {
				if err := os.Symlink(tt.link, filepath.Join(dir, "link.png")); err != nil {
					t.Fatal(err)
				}
			}
			l, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded (masthead %v), want an error", l.Masthead() != nil)
			}
			msg := err.Error()
			for _, w := range append([]string{"layout.yaml"}, tt.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
		})
	}
}

// gifBytes is a one-pixel GIF.
func gifBytes(t *testing.T) []byte {
	t.Helper()
	return []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
}
