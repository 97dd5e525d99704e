package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// plainPDF is a three-page fpdf document written without compression.
func plainPDF(t *testing.T) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetCatalogSort(true)
	f.SetFont("Helvetica", "", 12)
	for i := range 3 {
		f.AddPage()
		f.Text(20, 20, strings.Repeat("page text ", 20+i))
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var plainStreamRE = regexp.MustCompile(`(?s)<</Length (\d+)>>\nstream\n(.*?)\nendstream`)
var flateStreamRE = regexp.MustCompile(`(?s)<</Filter /FlateDecode /Length (\d+)>>\nstream\n`)

func TestDeflatePagesKeepsContentAndOffsets(t *testing.T) {
	in := plainPDF(t)
	plain := plainStreamRE.FindAllSubmatch(in, -1)
	if len(plain) != 3 {
		t.Fatalf("fixture has %d plain streams, want 3 pages", len(plain))
	}
	var d deflaters
	out, err := d.deflatePages(in)
	if err != nil {
		t.Fatal(err)
	}
	if plainStreamRE.Match(out) {
		t.Error("a plain stream is left in the output")
	}
	locs := flateStreamRE.FindAllSubmatchIndex(out, -1)
	if len(locs) != 3 {
		t.Fatalf("output has %d compressed page streams, want 3", len(locs))
	}
	for i, loc := range locs {
		zr, err := zlib.NewReader(bytes.NewReader(out[loc[1]:]))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain[i][2]) {
			t.Errorf("page %d: inflated stream differs from fpdf's", i+1)
		}
	}
	// Every cross-reference entry must point at its object in the new file.
	objs, _, err := objectSpans(out)
	if err != nil {
		t.Fatalf("output's cross-reference table: %v", err)
	}
	if want, _, _ := objectSpans(in); len(objs) != len(want) {
		t.Errorf("%d objects, want %d", len(objs), len(want))
	}
	again, err := d.deflatePages(in)
	if err != nil || !bytes.Equal(again, out) {
		t.Error("a second run gave other bytes")
	}
}

func TestDeflatePagesRefusesDamagedFiles(t *testing.T) {
	in := plainPDF(t)
	xref := bytes.LastIndex(in, []byte("\nxref\n")) + 1
	tests := []struct {
		name string
		pdf  []byte
		want string
	}{
		{"empty", nil, "no startxref"},
		{"no table at startxref", bytes.Replace(in, []byte("\nxref\n0 "), []byte("\nxreg\n0 "), 1), "no cross-reference table"},
		{"cut short", append(append([]byte{}, in[:xref+40]...), []byte("\nstartxref\n"+strconv.Itoa(xref)+"\n%%EOF\n")...), "cut short"},
		{"offset moved", bytes.Replace(in, []byte("\n1 0 obj\n"), []byte("\n9 0 obj\n"), 1), "not at offset"},
	}
	var d deflaters
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.deflatePages(tc.pdf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestPlainStreamExtra: a font file left plain keeps its /Length1, and
// what is not a plain stream is left alone.
func TestPlainStreamExtra(t *testing.T) {
	for _, tc := range []struct {
		name, obj, content, extra string
		ok                        bool
	}{
		{"page", "3 0 obj\n<</Length 5>>\nstream\nhello\nendstream\nendobj\n", "hello", "", true},
		{"font file", "9 0 obj\n<</Length 4 /Length1 4>>\nstream\n\x00\x01\x00\x00\nendstream\nendobj\n", "\x00\x01\x00\x00", " /Length1 4", true},
		{"bad Length1", "9 0 obj\n<</Length 4 /Length1 x>>\nstream\nabcd\nendstream\nendobj\n", "", "", false},
		{"compressed", "9 0 obj\n<</Length 4/Filter /FlateDecode>>\nstream\nabcd\nendstream\nendobj\n", "", "", false},
		{"length too long", "3 0 obj\n<</Length 9>>\nstream\nhello\nendstream\nendobj\n", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			content, _, extra, ok := plainStreamExtra([]byte(tc.obj))
			if ok != tc.ok || string(content) != tc.content || string(extra) != tc.extra {
				t.Errorf("got %q, %q, %v; want %q, %q, %v", content, extra, ok, tc.content, tc.extra, tc.ok)
			}
		})
	}
}

// TestCIDToGIDMapsTrimmed reads each font's CIDToGIDMap in a rendered
// bulletin: ending at the highest code the text uses (the patched fpdf),
// not 128 KB for every code, and giving a glyph for the characters the
// text uses, Latin and Cyrillic.
func TestCIDToGIDMapsTrimmed(t *testing.T) {
	pdf, _ := render(t, newRenderer(t), testEdition())
	refs := regexp.MustCompile(`/CIDToGIDMap (\d+) 0 R`).FindAllSubmatch(pdf, -1)
	if len(refs) == 0 {
		t.Fatal("no font has a CIDToGIDMap")
	}
	mapped := map[rune]bool{}
	for _, ref := range refs {
		head := regexp.MustCompile(`\n` + string(ref[1]) + ` 0 obj\n<<(/Filter /FlateDecode /Length \d+|/Length \d+/Filter /FlateDecode)>>\nstream\n`).FindSubmatchIndex(pdf)
		if head == nil {
			t.Fatalf("CIDToGIDMap %s is not a deflated stream", ref[1])
		}
		// Upstream fpdf (make test-upstream-fpdf) deflates the map itself,
		// whole; the patched copy writes it as far as the highest code
		// used, plain, and the rewrite deflates it.
		upstream := pdf[head[2]+1] == 'L'
		start := head[1]
		zr, err := zlib.NewReader(bytes.NewReader(pdf[start:]))
		if err != nil {
			t.Fatal(err)
		}
		m, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if upstream {
			if len(m) != 1<<17 {
				t.Errorf("CIDToGIDMap %s from upstream fpdf is %d bytes, want fpdf's whole 128 KB", ref[1], len(m))
			}
		} else if len(m) >= 1<<17 || len(m)%2 != 0 || (m[len(m)-2] == 0 && m[len(m)-1] == 0) {
			t.Errorf("CIDToGIDMap %s is %d bytes ending % x: want it to end at the highest code used", ref[1], len(m), m[max(len(m)-2, 0):])
		}
		for cid := 0; cid+1 < len(m); cid += 2 {
			if m[cid] != 0 || m[cid+1] != 0 {
				mapped[rune(cid/2)] = true
			}
		}
	}
	for _, r := range "StatementЗаявление" {
		if !mapped[r] {
			t.Errorf("no font maps %q (U+%04X) to a glyph", r, r)
		}
	}
}

// TestWholeWriter: fpdf's file is rewritten once, from the one Write that
// hands it over whole or at close from the pieces it came in; nothing may
// follow a whole file.
func TestWholeWriter(t *testing.T) {
	file := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	for _, tt := range []struct {
		name   string
		pieces [][]byte
	}{
		{"whole", [][]byte{file}},
		{"in two", [][]byte{file[:10], file[10:]}},
		{"header apart", [][]byte{file[:5], file[5:]}},
		{"end apart", [][]byte{file[:len(file)-6], file[len(file)-6:]}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]byte
			w := &wholeWriter{rewrite: func(pdf []byte) error { got = append(got, bytes.Clone(pdf)); return nil }}
			for _, p := range tt.pieces {
				if n, err := w.Write(p); n != len(p) || err != nil {
					t.Fatalf("Write: %d, %v", n, err)
				}
			}
			if err := w.close(); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !bytes.Equal(got[0], file) {
				t.Fatalf("rewritten %d times, %q; want once, the whole file", len(got), got)
			}
		})
	}
	w := &wholeWriter{rewrite: func([]byte) error { return nil }}
	w.Write(file)
	if _, err := w.Write([]byte("more")); err == nil {
		t.Error("a Write after the whole file was taken")
	}
}

// TestOutputInOneWrite: fpdf's Output hands its file over in one Write,
// which wholeWriter rewrites in place (else the file is copied first:
// still right, but the saving is gone).
func TestOutputInOneWrite(t *testing.T) {
	r := newRenderer(t)
	bld, err := r.layout(context.Background(), testEdition())
	if err != nil {
		t.Fatal(err)
	}
	writes := 0
	w := &wholeWriter{rewrite: func([]byte) error { writes++; return nil }}
	if err := bld.f.Output(w); err != nil {
		t.Fatal(err)
	}
	if !w.done || writes != 1 {
		t.Errorf("fpdf's file came in pieces (%d bytes gathered): wholeWriter copies it", w.pieces.Len())
	}
}
