package pdf

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The test edition's Russian item is tagged as Russian; the English ones
// carry no /Lang of their own (the document's is English).
func TestTaggedItemLanguage(t *testing.T) {
	data, _ := render(t, newRenderer(t), testEdition())
	sects := regexp.MustCompile(`/S /Sect /P \d+ 0 R( /Lang \([^)]*\))?`).FindAllSubmatch(data, -1)
	var ru, other int
	for _, s := range sects {
		switch string(s[1]) {
		case " /Lang (ru)":
			ru++
		case "":
		default:
			other++
		}
	}
	if ru == 0 || other != 0 {
		t.Errorf("%d sections tagged Russian, %d in another language; want some and none", ru, other)
	}
}

func TestHeadingRoleSkipsNoLevel(t *testing.T) {
	b := &builder{}
	var got []string
	for _, want := range []int{1, 2, 3, 6, 6, 3, 5, 2, 4} {
		got = append(got, b.headingRole(want))
	}
	want := []string{"H1", "H2", "H3", "H4", "H5", "H3", "H4", "H2", "H3"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("heading roles %v, want %v", got, want)
		}
	}
}

func TestDictEnd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`<</A <</S /URI /URI (a>>b)>>>> rest`, 30},
		{`<</Contents (x\) >> y)>>`, 24},
		{`<</Contents (a (b) >>)>>`, 24},
		{`<</A 1`, -1},
	} {
		if got := dictEnd([]byte(tc.in)); got != tc.want {
			t.Errorf("dictEnd(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// The XMP claims PDF/UA-1, declares the pdfuaid schema as PDF/A asks,
// and is well-formed XML.
func TestXMPClaimsPDFUA(t *testing.T) {
	data, _ := render(t, newRenderer(t), testEdition())
	i, j := bytes.Index(data, []byte("<x:xmpmeta")), bytes.Index(data, []byte("</x:xmpmeta>"))
	if i < 0 || j < i {
		t.Fatal("no XMP packet")
	}
	packet := data[i : j+len("</x:xmpmeta>")]
	d := xml.NewDecoder(bytes.NewReader(packet))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("XMP: %v", err)
		}
	}
	for _, want := range []string{"<pdfuaid:part>1</pdfuaid:part>", "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"} {
		if !bytes.Contains(packet, []byte(want)) {
			t.Errorf("XMP lacks %s", want)
		}
	}
}

// An image with alt text is a Figure with that text as /Alt, inside the
// structure tree poppler reads.
func TestTaggedFigure(t *testing.T) {
	ed, _ := featuresEdition(t)
	data, _ := render(t, newRenderer(t), ed)
	if !bytes.Contains(data, []byte("/S /Figure /P ")) || !bytes.Contains(data, []byte("/Alt (A chart of the replies)")) {
		t.Errorf("no Figure with /Alt (A chart of the replies)")
	}
	path := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if st := run(t, "pdfinfo", "-struct-text", path); !strings.Contains(st, "Figure") || !strings.Contains(st, "Table") {
		t.Errorf("pdfinfo -struct-text shows no Figure or no Table:\n%s", st)
	}
}
