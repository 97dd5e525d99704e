package epub

import (
	"image"
	"image/draw"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"bulletin/layouts"
)

// TestLineMasks checks that a line's mask, drawn with its baseline at 0
// and kept, has the pixels of the same line rasterised where the cover
// puts it: at other heights, at the cover's edges (clipped), with and
// without tracking, on the first, second and later covers.
func TestLineMasks(t *testing.T) {
	lay, err := layouts.Default()
	if err != nil {
		t.Fatalf("layouts.Default: %v", err)
	}
	faces, err := loadCoverFaces(lay)
	if err != nil {
		t.Fatal(err)
	}
	styles := coverStyles(faces, lay, 1)
	cover := image.Rect(0, 0, coverWidth, coverHeight)
	m := newLineMasks()
	for _, tc := range []struct {
		name  string
		style int
		line  string
		x     fixed.Int26_6
		y     int
	}{
		{"counter", 5, "855 days have passed since the first day — «Ёж»", fixed.I(202), 1500},
		{"fractional x", 3, "Published 1 July 2020", fixed.I(400) + 37, 1300},
		{"tracking", 7, "THREE ITEMS", fixed.I(600) + 5, 2500},
		{"clipped at the top", 2, "July 2020", fixed.I(500) + 11, 20},
		{"clipped at the bottom", 6, "Statements 3 · News 2", fixed.I(300), coverHeight + 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := styles[tc.style].open()
			if err != nil {
				t.Fatal(err)
			}
			dot := fixed.Point26_6{X: tc.x, Y: fixed.I(tc.y)}
			want := image.NewAlpha(cover)
			drawWithDrawer(s, &font.Drawer{Dst: want, Src: image.Opaque, Face: s.face, Dot: dot}, tc.line)
			for round := range 3 { // noted, then kept, then from the kept
				got := m.mask(s, tc.line, tc.x)
				if got == nil {
					t.Fatalf("round %d: no mask", round)
				}
				for y := cover.Min.Y; y < cover.Max.Y; y++ {
					for x := cover.Min.X; x < cover.Max.X; x++ {
						var g uint8
						if p := image.Pt(x, y-tc.y); p.In(got.Rect) {
							g = got.Pix[got.PixOffset(p.X, p.Y)]
						}
						if w := want.Pix[want.PixOffset(x, y)]; g != w {
							t.Fatalf("round %d: pixel (%d, %d) is %d, want %d", round, x, y, g, w)
						}
					}
				}
			}
		})
	}
	if len(m.kept) != 5 {
		t.Errorf("%d masks kept, want the 5 lines drawn more than once", len(m.kept))
	}
}

// drawWithDrawer is styledFace.draw as x/image's font.Drawer and
// draw.DrawMask do it: the reference its pixels must equal.
func drawWithDrawer(s *styledFace, d *font.Drawer, line string) {
	if s.track == 0 {
		d.DrawString(line)
		return
	}
	prev := rune(-1)
	for _, r := range line {
		if _, ok := s.face.GlyphAdvance(r); !ok {
			continue
		}
		if prev >= 0 {
			d.Dot.X += s.face.Kern(prev, r) + s.track
		}
		d.DrawString(string(r))
		prev = r
	}
}

// TestOverOpaque checks overOpaque against draw.DrawMask, pixel for pixel:
// every pair of destination and mask values, and rectangles reaching past
// the destination and the mask on each side.
func TestOverOpaque(t *testing.T) {
	mask := image.NewAlpha(image.Rect(-3, 5, 253, 261))
	for i := range mask.Pix {
		mask.Pix[i] = uint8(i % 256)
	}
	base := image.NewAlpha(image.Rect(10, 0, 266, 256))
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			base.Pix[base.PixOffset(10+x, y)] = uint8(y)
		}
	}
	for _, tc := range []struct {
		name string
		r    image.Rectangle
		mp   image.Point
	}{
		{"every pair", image.Rect(10, 0, 266, 256), image.Pt(-3, 5)},
		{"past the destination", image.Rect(-20, -7, 300, 270), image.Pt(-30, -2)},
		{"past the mask", image.Rect(40, 30, 200, 250), image.Pt(100, 150)},
		{"mask offset", image.Rect(12, 3, 60, 40), image.Pt(7, 9)},
		{"outside", image.Rect(400, 400, 410, 410), image.Pt(0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := image.NewAlpha(base.Rect)
			copy(want.Pix, base.Pix)
			draw.DrawMask(want, tc.r, image.Opaque, image.Point{}, mask, tc.mp, draw.Over)
			got := image.NewAlpha(base.Rect)
			copy(got.Pix, base.Pix)
			overOpaque(got, tc.r, mask, tc.mp)
			for i := range want.Pix {
				if got.Pix[i] != want.Pix[i] {
					x, y := i%want.Stride, i/want.Stride
					t.Fatalf("pixel (%d, %d) is %d, want %d", x+want.Rect.Min.X, y, got.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

// TestCoverFromHead encodes copies of a kept head, drawn on in some rows,
// and checks that each PNG is the one made without the head's strips.
func TestCoverFromHead(t *testing.T) {
	head := newCanvas(400, stripRows*6+3)
	head.rect(0, 0, 400, head.img.Rect.Dy(), paper)
	head.rect(0, 0, 400, stripRows+4, rgb(layouts.Colour{R: 0x80, B: 0x20}))
	head.own = newBaseStrips(head.img)
	shared, alone := &coverArt{strips: newPNGStrips()}, &coverArt{strips: newPNGStrips()}
	// A used buffer: a copy takes only the rows it draws on from the head.
	used := make([]byte, len(head.img.Pix))
	for i := range used {
		used[i] = byte(i % 7)
	}
	for i, drawn := range []int{stripRows * 2, stripRows*3 + 7, stripRows * 6, stripRows * 2} {
		pix := used
		if i == 0 {
			pix = nil // no buffer: the copy is whole
		}
		c := head.clone(pix)
		c.rect(10, drawn, 200, drawn+3, rgb(layouts.Colour{G: 0x40}))
		got, err := shared.encode(c)
		if err != nil {
			t.Fatal(err)
		}
		whole := head.clone(nil)
		whole.own, whole.touched = nil, nil
		whole.rect(10, drawn, 200, drawn+3, rgb(layouts.Colour{G: 0x40}))
		want, err := alone.encode(&canvas{img: whole.img})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("copy %d (drawn at row %d): the PNG differs from one made without the head's strips", i, drawn)
		}
	}
	if len(head.own.s) == 0 {
		t.Error("no strip of the head kept")
	}
}
