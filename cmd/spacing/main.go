// Command spacing measures how evenly a PDF's justified text is set, to
// compare bulletin's line breaking with another typesetter's on the same
// text. It reads each page's words and positions from `mutool draw -F
// stext` and, for justified lines that are not a paragraph's last (lines
// in the body text face whose right edge meets the column's), prints the
// word spaces' width relative to the font's natural space — median, 95th
// percentile, share of lines whose widest space is above 1.5× — and the
// hyphenated line ends per 100 lines and the longest run of them.
//
//	go run ./cmd/spacing -font layouts/default/fonts/PTSerif-Regular.ttf out/*.pdf
package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

func main() {
	fontFile := flag.String("font", "layouts/default/fonts/PTSerif-Regular.ttf", "the body text's font file: its space is the natural width")
	size := flag.Float64("size", 10.5, "the body text's size in points: lines in other sizes are not measured")
	label := flag.String("label", "", "the row's name (default: the first file's name)")
	header := flag.Bool("header", true, "print the table's header")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: spacing [-font TTF] [-size PT] [-label NAME] FILE.pdf...")
		os.Exit(2)
	}
	em, err := spaceEm(*fontFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spacing:", err)
		os.Exit(1)
	}
	var st stats
	for _, f := range flag.Args() {
		out, err := exec.Command("mutool", "draw", "-q", "-F", "stext", "-o", "-", f).Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "spacing: mutool draw %s: %v\n", f, err)
			os.Exit(1)
		}
		if err := st.add(bytes.NewReader(out), *size, em); err != nil {
			fmt.Fprintf(os.Stderr, "spacing: %s: %v\n", f, err)
			os.Exit(1)
		}
	}
	name := *label
	if name == "" {
		name = flag.Arg(0)
	}
	st.print(os.Stdout, name, *header)
}

// spaceEm is the advance of a font's space in ems.
func spaceEm(file string) (float64, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, fmt.Errorf("read font: %w", err)
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return 0, fmt.Errorf("parse font %s: %w", file, err)
	}
	var buf sfnt.Buffer
	gi, err := f.GlyphIndex(&buf, ' ')
	if err != nil {
		return 0, fmt.Errorf("font %s: space: %w", file, err)
	}
	upem := f.UnitsPerEm()
	adv, err := f.GlyphAdvance(&buf, gi, fixed.Int26_6(upem)<<6, font.HintingNone)
	if err != nil {
		return 0, fmt.Errorf("font %s: space advance: %w", file, err)
	}
	return float64(adv>>6) / float64(upem), nil
}

type page struct {
	Blocks []struct {
		Lines []struct {
			Fonts []struct {
				Name  string  `xml:"name,attr"`
				Size  float64 `xml:"size,attr"`
				Chars []struct {
					Quad string `xml:"quad,attr"`
					C    string `xml:"c,attr"`
				} `xml:"char"`
			} `xml:"font"`
		} `xml:"line"`
	} `xml:"block"`
}

// glyph is one character on a line: its left and right edges.
type glyph struct {
	x0, x1 float64
	c      string
}

type line struct {
	glyphs []glyph
	left   float64
	right  float64
}

type stats struct {
	spaces    []float64 // every word space, over the natural space
	lines     int
	loose     int // lines whose widest space is above 1.5×
	hyphens   int
	longest   int
	run       int
	pagesSeen int
}

func (s *stats) add(r io.Reader, size, em float64) error {
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "page" {
			continue
		}
		var p page
		if err := dec.DecodeElement(&p, &se); err != nil {
			return err
		}
		s.page(p, size, em)
	}
}

// page measures the lines of one page set wholly in the body size.
func (s *stats) page(p page, size, em float64) {
	s.pagesSeen++
	var lines []line
	for _, b := range p.Blocks {
		for _, l := range b.Lines {
			var ln line
			body := true
			for _, f := range l.Fonts {
				if f.Size < size-0.05 || f.Size > size+0.05 {
					body = false
				}
				for _, c := range f.Chars {
					q := strings.Fields(c.Quad)
					if len(q) < 8 {
						continue
					}
					x0, _ := strconv.ParseFloat(q[0], 64)
					x1, _ := strconv.ParseFloat(q[2], 64)
					ln.glyphs = append(ln.glyphs, glyph{x0, x1, c.C})
				}
			}
			if !body || len(ln.glyphs) == 0 {
				continue
			}
			ln.left, ln.right = ln.glyphs[0].x0, ln.glyphs[len(ln.glyphs)-1].x1
			lines = append(lines, ln)
		}
	}
	// The column's right edge: where most lines end.
	edges := map[int]int{}
	for _, l := range lines {
		edges[int(l.right+0.5)]++
	}
	right, most := 0, 0
	for e, n := range edges {
		if n > most || (n == most && e > right) {
			right, most = e, n
		}
	}
	nat := size * em
	for _, l := range lines {
		if abs(l.right-float64(right)) > 1.5 {
			s.run = 0 // a paragraph's last line, or a line of another kind
			continue
		}
		gaps := wordGaps(l.glyphs, size)
		if len(gaps) < 2 {
			continue
		}
		s.lines++
		widest := 0.0
		for _, g := range gaps {
			s.spaces = append(s.spaces, g/nat)
			widest = max(widest, g/nat)
		}
		if widest > 1.5 {
			s.loose++
		}
		if last := l.glyphs[len(l.glyphs)-1].c; last == "-" || last == "\u2010" || last == "\u00ad" {
			s.hyphens++
			s.run++
			s.longest = max(s.longest, s.run)
		} else {
			s.run = 0
		}
	}
}

// wordGaps are the widths between words: from the right edge of a word's
// last glyph to the left edge of the next word's first, words being split
// at space characters or, where a typesetter draws no space, at gaps wider
// than a tenth of the size.
func wordGaps(gs []glyph, size float64) []float64 {
	var gaps []float64
	prevEnd := -1.0
	spaced := false
	for _, g := range gs {
		if strings.TrimSpace(g.c) == "" {
			spaced = true
			continue
		}
		if prevEnd >= 0 && (spaced || g.x0-prevEnd > size/10) {
			gaps = append(gaps, g.x0-prevEnd)
		}
		spaced = false
		prevEnd = g.x1
	}
	return gaps
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func (s *stats) print(w io.Writer, name string, header bool) {
	sort.Float64s(s.spaces)
	q := func(p float64) float64 {
		if len(s.spaces) == 0 {
			return 0
		}
		return s.spaces[min(len(s.spaces)-1, int(p*float64(len(s.spaces))))]
	}
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	if header {
		fmt.Fprintf(w, "| %-28s | %7s | %6s | %6s | %6s | %10s | %9s |\n", "PDF", "lines", "median", "p95", ">1.5×", "hyph/100", "hyph run")
		fmt.Fprintf(w, "|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 30), strings.Repeat("-", 9), strings.Repeat("-", 8), strings.Repeat("-", 8), strings.Repeat("-", 8), strings.Repeat("-", 12), strings.Repeat("-", 11))
	}
	fmt.Fprintf(w, "| %-28s | %7d | %5.2f× | %5.2f× | %5.1f%% | %10.1f | %9d |\n", name, s.lines, q(0.5), q(0.95), pct(s.loose, s.lines), pct(s.hyphens, s.lines), s.longest)
}
