package pdf

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// The patched fpdf writes Text's and justified CellFormat's operators
// without fmt (third_party/fpdf/README.md): the bytes must be what fmt's
// %.2f and the escaped UTF-16 gave, for any coordinate (negative, halves
// that round either way, -0) and any text (characters PDF strings escape,
// and UTF-16 bytes that happen to be '(' or '\'). This holds for upstream
// fpdf too (make test-upstream-fpdf), which writes them with fmt.
func TestTextOperatorsAsFmtWritesThem(t *testing.T) {
	r := newRenderer(t)
	ff := r.fonts[0]
	texts := []string{"plain", "a(b)c\\d", "Привет (мир)", "ĨĜĩč", "x\u00a0y—z…", "tab\there"}
	rnd := rand.New(rand.NewSource(1))
	coords := []float64{0, math.Copysign(0, -1), 0.005, -0.005, 1.125, -1.125, 2.675, 100.005, -0.004, 1e-9}
	for range 300 {
		coords = append(coords, (rnd.Float64()-0.5)*600, float64(rnd.Intn(60000)-30000)/200)
	}
	// The patched fpdf works two decimals out in integers unless the
	// rounding is in doubt: values at and about the decimal halves
	// (x.xx5 is no exact half in binary), beyond its range, and tiny ones.
	for range 2000 {
		half := float64(rnd.Intn(2_000_000)-1_000_000)/100 + 0.005
		coords = append(coords, half, math.Nextafter(half, 0), math.Nextafter(half, 1e9), half+1e-9, half-1e-9,
			float64(rnd.Intn(2_000_000_000)-1_000_000_000)/1000)
	}
	// Where v*100 lands on a half though v is above it: found by search.
	coords = append(coords, -728681.525, 399840.595, 119020.815, -250586.815, 409544.255,
		999999.995, -999999.995, 1e6, -1e6, 1e6+0.125, 123456789.125, 5e-7, -5e-7)
	// In points a coordinate is written as it is (k = 1): the values
	// above reach the formatting unchanged.
	for _, tt := range []struct {
		unit   string
		colour bool
	}{{"mm", false}, {"mm", true}, {"pt", false}} {
		colour := tt.colour
		f := fpdf.New("P", tt.unit, "A4", "")
		f.SetCompression(false)
		f.AddUTF8FontFromBytes("x", "", ff.data)
		f.SetFont("x", "", 10)
		if colour {
			f.SetTextColor(200, 10, 10)
		}
		f.AddPage()
		f.SetAutoPageBreak(false, 0)
		f.SetCellMargin(0) // as the renderer draws
		k := f.GetConversionRatio()
		_, pageH := f.GetPageSize()
		var want []string
		q := func(s string) string {
			if colour {
				return "q 0.784 0.039 0.039 rg " + s + " Q"
			}
			return s
		}
		for i, x := range coords {
			y := coords[len(coords)-1-i]
			s := texts[i%len(texts)]
			f.Text(x, y, s)
			want = append(want, q(fmt.Sprintf("BT %.2f %.2f Td (%s) Tj ET", x*k, (pageH-y)*k, pdfString(s))))
			line := s + " and " + texts[(i+1)%len(texts)]
			// SetXY counts a negative coordinate from the far edge.
			x, y = math.Abs(x), math.Abs(y)
			f.SetXY(x, y)
			f.CellFormat(150, 5, line, "", 0, "J", false, 0, "")
			_, size := f.GetFontSize()
			var tj strings.Builder
			words := strings.Split(line, " ")
			wmax := int(math.Ceil(150 * 1000 / size))
			shift := float64(wmax-f.GetStringSymbolWidth(line)) / float64(len(words)-1)
			for j, w := range words {
				fmt.Fprintf(&tj, "(%s) ", pdfString(w))
				if j < len(words)-1 {
					fmt.Fprintf(&tj, "%.3f(%s) ", -shift, pdfString(" "))
				}
			}
			want = append(want, q(fmt.Sprintf("BT 0 Tw %.2f %.2f Td [%s] TJ ET", x*k, (pageH-(y+.5*5+.3*size))*k, tj.String())))
		}
		var out bytes.Buffer
		if err := f.Output(&out); err != nil {
			t.Fatal(err)
		}
		lines := map[string]bool{}
		for _, l := range bytes.Split(out.Bytes(), []byte("\n")) {
			lines[string(l)] = true
		}
		for _, w := range want {
			if !lines[w] {
				t.Fatalf("%s, colour %v: the page has no line\n%q", tt.unit, colour, w)
			}
		}
	}
}

// pdfString is s as fpdf writes it in a UTF-8 font's text operator:
// UTF-16BE with '\', '(', ')' and CR escaped byte by byte.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		for _, c := range []byte{byte(r >> 8), byte(r)} {
			switch c {
			case '\\', '(', ')':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\r':
				b.WriteString(`\r`)
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}
