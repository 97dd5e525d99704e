package epub

import (
	"bytes"
	"hash/adler32"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"
)

func TestAdler32Combine(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ a, b int }{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {100, 65521}, {65520, 65522}, {200000, 131042}, {7, 300001}} {
		a, b := make([]byte, tc.a), make([]byte, tc.b)
		for i := range a {
			a[i] = byte(rnd.Uint32())
		}
		for i := range b {
			b[i] = 0xff // the largest sums
		}
		got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), len(b))
		if want := adler32.Checksum(append(a, b...)); got != want {
			t.Errorf("%d+%d bytes: got %08x, want %08x", tc.a, tc.b, got, want)
		}
	}
}

// TestPNGStrips encodes pictures that share rows, partly from kept strips,
// and decodes each back with image/png (which checks the checksum).
func TestPNGStrips(t *testing.T) {
	p := newPNGStrips()
	pal := color.Palette{color.RGBA{0xfb, 0xf9, 0xf4, 0xff}, color.RGBA{0x80, 0, 0x20, 0xff}, color.RGBA{0, 0, 0, 0xff}}
	for _, tc := range []struct {
		name string
		w, h int
		band int // rows of colour 1 at the top, then a row of 2 at band+k
		k    int
	}{
		{"first", 300, 100, 40, 10},
		{"same top, other line", 300, 100, 40, 33},
		{"again", 300, 100, 40, 33},
		{"not a whole strip", 300, stripRows*3 + 5, 9, 2},
		{"one row", 17, 1, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewPaletted(image.Rect(0, 0, tc.w, tc.h), pal)
			for y := range tc.band {
				for x := range tc.w {
					img.SetColorIndex(x, y, 1)
				}
			}
			if y := tc.band + tc.k; y < tc.h {
				for x := range tc.w / 2 {
					img.SetColorIndex(x, y, 2)
				}
			}
			data, err := (&coverArt{strips: p}).encode(&canvas{img: img})
			if err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			gp, ok := got.(*image.Paletted)
			if !ok || !bytes.Equal(gp.Pix, img.Pix) {
				t.Errorf("decoded pixels differ from the encoded ones")
			}
		})
	}
	if len(p.kept) == 0 {
		t.Error("no strip kept")
	}
}
