package epub

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The cover's glyphs are rasterised here from the fonts' outlines (sfnt)
// rather than with x/image/font/opentype: that package draws through
// x/image/vector, which needs golang.org/x/sys, a module bulletin does not
// otherwise require. The algorithm is the signed-area accumulation of
// font-rs (also vector's floating-point path): exact coverage for lines,
// curves flattened to short lines.

// rasterizer accumulates signed area per pixel for one glyph.
type rasterizer struct {
	w, h int
	a    []float32
}

func (z *rasterizer) reset(w, h int) {
	z.w, z.h = w, h
	n := w*h + 2
	if cap(z.a) < n {
		z.a = make([]float32, n)
	}
	z.a = z.a[:n]
	clear(z.a)
}

func (z *rasterizer) add(i int, v float32) {
	if i >= 0 && i < len(z.a) {
		z.a[i] += v
	}
}

// line adds the edge (x0,y0)–(x1,y1), in pixels of the glyph's box.
func (z *rasterizer) line(x0, y0, x1, y1 float32) {
	if y0 == y1 {
		return
	}
	dir := float32(1)
	if y0 > y1 {
		dir = -1
		x0, y0, x1, y1 = x1, y1, x0, y0
	}
	dxdy := (x1 - x0) / (y1 - y0)
	x := x0
	if y0 < 0 {
		x -= y0 * dxdy
	}
	yStart := max(int(y0), 0)
	yEnd := min(z.h, int(math.Ceil(float64(y1))))
	for y := yStart; y < yEnd; y++ {
		row := y * z.w
		dy := min(float32(y+1), y1) - max(float32(y), y0)
		xNext := x + dxdy*dy
		d := dy * dir
		xa, xb := x, xNext
		if xa > xb {
			xa, xb = xb, xa
		}
		xaFloor := float32(math.Floor(float64(xa)))
		xai := int(xaFloor)
		xbCeil := float32(math.Ceil(float64(xb)))
		xbi := int(xbCeil)
		if xbi <= xai+1 {
			xmf := 0.5*(x+xNext) - xaFloor
			z.add(row+xai, d-d*xmf)
			z.add(row+xai+1, d*xmf)
		} else {
			s := 1 / (xb - xa)
			xaf := xa - xaFloor
			a0 := 0.5 * s * (1 - xaf) * (1 - xaf)
			xbf := xb - xbCeil + 1
			am := 0.5 * s * xbf * xbf
			z.add(row+xai, d*a0)
			if xbi == xai+2 {
				z.add(row+xai+1, d*(1-a0-am))
			} else {
				a1 := s * (1.5 - xaf)
				z.add(row+xai+1, d*(a1-a0))
				for xi := xai + 2; xi < xbi-1; xi++ {
					z.add(row+xi, d*s)
				}
				a2 := a1 + float32(xbi-xai-3)*s
				z.add(row+xbi-1, d*(1-a2-am))
			}
			z.add(row+xbi, d*am)
		}
		x = xNext
	}
}

type pt struct{ x, y float32 }

func toPt(p fixed.Point26_6, off pt) pt {
	return pt{float32(p.X)/64 - off.x, float32(p.Y)/64 - off.y}
}

// pieces is how many lines approximate a curve with this control polygon.
func pieces(ps ...pt) int {
	l := float32(0)
	for i := 1; i < len(ps); i++ {
		l += float32(math.Hypot(float64(ps[i].x-ps[i-1].x), float64(ps[i].y-ps[i-1].y)))
	}
	return min(max(int(l/2)+1, 1), 100)
}

// drawGlyph fills the outline segs, placed with its origin at dot, onto
// dst in col. Coverage is rounded to 16 levels so the cover keeps within a
// 256-colour palette (a PNG several times smaller, the same look).
func drawGlyph(dst *image.RGBA, z *rasterizer, segs sfnt.Segments, dot fixed.Point26_6, col color.RGBA) {
	if len(segs) == 0 {
		return
	}
	b := segs.Bounds().Add(dot)
	x0, y0 := b.Min.X.Floor()-1, b.Min.Y.Floor()-1
	x1, y1 := b.Max.X.Ceil()+1, b.Max.Y.Ceil()+1
	off := pt{float32(x0) - float32(dot.X)/64, float32(y0) - float32(dot.Y)/64}
	z.reset(x1-x0, y1-y0)
	var start, cur pt
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			z.line(cur.x, cur.y, start.x, start.y)
			start = toPt(s.Args[0], off)
			cur = start
		case sfnt.SegmentOpLineTo:
			p := toPt(s.Args[0], off)
			z.line(cur.x, cur.y, p.x, p.y)
			cur = p
		case sfnt.SegmentOpQuadTo:
			c, p := toPt(s.Args[0], off), toPt(s.Args[1], off)
			n := pieces(cur, c, p)
			prev := cur
			for i := 1; i <= n; i++ {
				t := float32(i) / float32(n)
				u := 1 - t
				q := pt{u*u*cur.x + 2*u*t*c.x + t*t*p.x, u*u*cur.y + 2*u*t*c.y + t*t*p.y}
				z.line(prev.x, prev.y, q.x, q.y)
				prev = q
			}
			cur = p
		case sfnt.SegmentOpCubeTo:
			c1, c2, p := toPt(s.Args[0], off), toPt(s.Args[1], off), toPt(s.Args[2], off)
			n := pieces(cur, c1, c2, p)
			prev := cur
			for i := 1; i <= n; i++ {
				t := float32(i) / float32(n)
				u := 1 - t
				q := pt{
					u*u*u*cur.x + 3*u*u*t*c1.x + 3*u*t*t*c2.x + t*t*t*p.x,
					u*u*u*cur.y + 3*u*u*t*c1.y + 3*u*t*t*c2.y + t*t*t*p.y,
				}
				z.line(prev.x, prev.y, q.x, q.y)
				prev = q
			}
			cur = p
		}
	}
	z.line(cur.x, cur.y, start.x, start.y)

	bounds := dst.Rect
	for y := 0; y < z.h; y++ {
		acc := float32(0)
		for x := 0; x < z.w; x++ {
			acc += z.a[y*z.w+x]
			cov := min(float32(math.Abs(float64(acc))), 1)
			level := uint32(cov*15 + 0.5) // 0..15
			px, py := x0+x, y0+y
			if level == 0 || !image.Pt(px, py).In(bounds) {
				continue
			}
			i := dst.PixOffset(px, py)
			p := dst.Pix[i : i+3 : i+3]
			p[0] = blend(p[0], col.R, level)
			p[1] = blend(p[1], col.G, level)
			p[2] = blend(p[2], col.B, level)
		}
	}
}

func blend(bg, fg uint8, level uint32) uint8 {
	return uint8((uint32(bg)*(15-level) + uint32(fg)*level + 7) / 15)
}
