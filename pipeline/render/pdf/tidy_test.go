package pdf

import (
	"bytes"
	"context"
	"testing"
	"time"
)

func TestTextString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Press Bulletin", "(Press Bulletin)"},
		{"a (b) \\c", `(a \(b\) \\c)`},
		{"June — 2020", "(June \x84 2020)"},
		{"Café", "(Caf\xe9)"},
		{"Июнь", "(\xfe\xff\x04\x18\x04\x4e\x04\x3d\x04\x4c)"},
		{"", "()"},
	}
	for _, tt := range tests {
		if got := textString(tt.in); got != tt.want {
			t.Errorf("textString(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.in == "" {
			continue
		}
		// What textString writes as UTF-16 or ASCII reads back the same.
		if back, ok := decodeLiteral([]byte(textString(tt.in))); ok && back != tt.in {
			t.Errorf("decodeLiteral(textString(%q)) = %q", tt.in, back)
		}
	}
}

func TestDecodeLiteral(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{`(plain \(text\))`, "plain (text)", true},
		{"(\xfe\xff\x00A\x20\x14)", "A—", true},
		{`(\376\377\000B)`, "B", true},
		{"(\xe9)", "", false}, // a byte PDFDocEncoding and UTF-8 read differently
		{"no parens", "", false},
	}
	for _, tt := range tests {
		got, ok := decodeLiteral([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("decodeLiteral(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPDFDate(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2020, 7, 6, 0, 18, 5, 0, london), "D:20200706001805+01'00'"},
		{time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC), "D:20200106000000+00'00'"},
		{time.Date(2020, 1, 6, 0, 0, 0, 0, time.FixedZone("", -(3*3600+30*60))), "D:20200106000000-03'30'"},
	}
	for _, tt := range tests {
		if got := pdfDate(tt.t); got != tt.want {
			t.Errorf("pdfDate(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

// BenchmarkPostProcess compares the rewrite that compresses the pages
// alone with the same rewrite carrying the repairs of tidy.go, over one
// month's fpdf output: the cost of tidying is their difference.
func BenchmarkPostProcess(b *testing.B) {
	r := newRenderer(b)
	bld, raw := layoutFile(b, r)
	b.Run("layout", func(b *testing.B) {
		for b.Loop() {
			layoutFile(b, r)
		}
	})
	b.Run("deflate", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.deflate.rewrite(raw, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("deflate+tidy", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.deflate.rewrite(raw, bld.tidier()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// layoutFile lays the test edition out and returns fpdf's file, uncompressed.
func layoutFile(tb testing.TB, r *Renderer) (*builder, []byte) {
	tb.Helper()
	bld, err := r.layout(context.Background(), testEdition())
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := bld.f.Output(&buf); err != nil {
		tb.Fatal(err)
	}
	return bld, buf.Bytes()
}
