package pdf

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Words drawn in runs (one text operator for the words of a line between
// the pieces that must be drawn alone: a hyphenated word's Span, a link,
// another style) land where word-by-word drawing puts them: every visible
// glyph within 0.05 pt, as MuPDF reads them, with far fewer operators.
func TestRunsPlaceWordsAsWordByWord(t *testing.T) {
	ed, _ := featuresEdition(t)
	// Justified paragraphs with hyphenated line ends and a bold word in
	// the middle of lines, in English and in Russian.
	long := strings.Repeat("The representatives of the Embassy repeatedly underlined the **unacceptable** character of the internationally coordinated measures. ", 6)
	longRU := strings.Repeat("Представители посольства неоднократно подчёркивали **неприемлемый** характер скоординированных международных мер. ", 6)
	items := ed.Months[0].Types[0].Items
	// Three words before a long unbreakable token make a very loose line:
	// its end space drawn after a justified space would be off the page,
	// and the words either side of the line end read as one (from a real
	// post, realdata/markdown).
	loose := "See **also** [this]({{ “/2024/10/08/18f-year-of-launches/#::text=%F0%9F%9A%80%20IRS%20Direct%20File%20Pilot%20launch%20with%20the%20Internal%20Revenue%20Service” | url }}), to more."
	// The same line in one style is drawn whole (fpdf's TJ).
	items[0].Body = long + "\n\n" + loose + "\n\n" + strings.Replace(loose, "**also**", "too", 1) + "\n\n" + items[0].Body
	items[1].Body = longRU + "\n\n" + items[1].Body

	runs, words := newRenderer(t), newRenderer(t)
	words.wordByWord = true
	byRuns, _ := render(t, runs, ed)
	byWords, _ := render(t, words, ed)
	a, b := glyphs(t, byWords), glyphs(t, byRuns)
	if len(a) < 1000 || len(a) != len(b) {
		t.Fatalf("%d visible glyphs drawn word by word, %d in runs", len(a), len(b))
	}
	worst, at := 0.0, 0
	for i := range a {
		if a[i].c != b[i].c {
			t.Fatalf("glyph %d: %q word by word, %q in runs", i, a[i].c, b[i].c)
		}
		for k := range a[i].quad {
			if d := math.Abs(a[i].quad[k] - b[i].quad[k]); d > worst {
				worst, at = d, i
			}
		}
	}
	if worst > 0.05 {
		t.Errorf("glyph %d %q moved by %.3f pt when drawn in runs: %v, word by word %v", at, a[at].c, worst, b[at].quad, a[at].quad)
	}
	ops := func(data []byte) int {
		q := run(t, "qpdf", "--qdf", "--object-streams=disable", writeFile(t, "d.pdf", data), "-")
		return strings.Count(q, "Tj ET") + strings.Count(q, "TJ ET")
	}
	if n, m := ops(byWords), ops(byRuns); m*2 > n {
		t.Errorf("%d text operators word by word, %d in runs: want less than half", n, m)
	}
	for _, cmd := range [][]string{{"pdftotext", "-enc", "UTF-8"}, {"pdfinfo", "-struct-text"}} {
		read := func(data []byte) string {
			return run(t, cmd[0], append(cmd[1:], writeFile(t, "r.pdf", data), "-")...)
		}
		if cmd[0] == "pdfinfo" {
			read = func(data []byte) string { return run(t, cmd[0], cmd[1], writeFile(t, "r.pdf", data)) }
		}
		x, y := read(byWords), read(byRuns)
		if x != y {
			t.Errorf("%s reads the runs differently from the words", cmd[0])
		}
		if cmd[0] == "pdfinfo" && (!strings.Contains(collapse(y), "See also [this]({{ “/2024/") || !strings.Contains(collapse(y), "See too [this]({{ “/2024/")) {
			t.Errorf("%s does not read the loose line's end space:\n%s", cmd[0], y)
		}
	}
}

type glyph struct {
	c    string
	quad [8]float64
}

var stextChar = regexp.MustCompile(`<char quad="([^"]+)"[^>]*? c="([^"]*)"`)

// glyphs are the visible characters of a PDF and their quads, as
// mutool draw -F stext reads them (spaces left out: where a run's spaces
// go is not where the words go).
func glyphs(t *testing.T, data []byte) []glyph {
	t.Helper()
	out := run(t, "mutool", "draw", "-q", "-F", "stext", "-o", "-", writeFile(t, "g.pdf", data))
	var gs []glyph
	for _, m := range stextChar.FindAllStringSubmatch(out, -1) {
		if strings.TrimSpace(m[2]) == "" {
			continue
		}
		g := glyph{c: m[2]}
		for k, f := range strings.Fields(m[1]) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || k >= len(g.quad) {
				t.Fatalf("stext quad %q", m[1])
			}
			g.quad[k] = v
		}
		gs = append(gs, g)
	}
	return gs
}
