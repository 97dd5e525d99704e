package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// mimeBase64 encodes data as a MIME attachment carries it: base64 in lines
// of at most 76 characters, each ended by CRLF.
func mimeBase64(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(enc) > 0 {
		n := min(76, len(enc))
		b.WriteString(enc[:n])
		b.WriteString("\r\n")
		enc = enc[n:]
	}
	return b.String()
}

func TestMailSize(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 56, 57, 58, 114, 115, 1000, 1 << 20} {
		data := bytes.Repeat([]byte{0xA5}, n)
		want := len(mimeBase64(data))
		if got := MailSize(n); got != want {
			t.Errorf("MailSize(%d) = %d, want %d", n, got, want)
		}
	}
	// A few values worked by hand, so the helper itself is checked too.
	for _, tt := range []struct{ n, want int }{
		{0, 0}, {1, 6}, {3, 6}, {57, 78}, {58, 84}, {1000, 1336 + 2*18},
	} {
		if got := MailSize(tt.n); got != tt.want {
			t.Errorf("MailSize(%d) = %d, want %d (by hand)", tt.n, got, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	data := []byte("%PDF-1.7 some bytes\n")
	sum := sha256.Sum256(data)
	wantSum := hex.EncodeToString(sum[:])
	mail := len(mimeBase64(data))
	tests := []struct {
		name   string
		budget int
		over   bool
	}{
		{"well under", 1 << 20, false},
		{"exactly at budget", mail, false},
		{"one byte over", mail - 1, true},
		{"zero budget", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := File{Path: "bulletin.pdf", MediaType: "application/pdf", Items: 3}
			got := Describe(in, data, tt.budget)
			if got.SHA256 != wantSum {
				t.Errorf("SHA256 = %s, want %s", got.SHA256, wantSum)
			}
			if got.Bytes != len(data) {
				t.Errorf("Bytes = %d, want %d", got.Bytes, len(data))
			}
			if got.MailBytes != mail {
				t.Errorf("MailBytes = %d, want %d", got.MailBytes, mail)
			}
			if got.OverBudget != tt.over {
				t.Errorf("OverBudget = %v with budget %d and %d mail bytes, want %v", got.OverBudget, tt.budget, mail, tt.over)
			}
			if got.Path != in.Path || got.MediaType != in.MediaType || got.Items != in.Items {
				t.Errorf("Describe changed the given fields: %+v", got)
			}
			if got.Months == nil || got.ItemsByType == nil {
				t.Errorf("Months/ItemsByType left nil (encode as null): %+v", got)
			}
		})
	}
	// Known digest of the empty input.
	if got := Describe(File{}, nil, 0).SHA256; got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("SHA256 of nothing = %s", got)
	}
}

func TestWarn(t *testing.T) {
	tests := []struct {
		name  string
		files []File
		want  []string // paths warned about, in order
	}{
		{"none", nil, nil},
		{"all within", []File{{Path: "a.pdf"}, {Path: "b.epub"}}, nil},
		{"one over", []File{{Path: "a.pdf"}, {Path: "b.epub", OverBudget: true, MailBytes: 12345}}, []string{"b.epub"}},
		{"two over", []File{{Path: "a.pdf", OverBudget: true}, {Path: "b.epub"}, {Path: "c.epub", OverBudget: true}}, []string{"a.pdf", "c.epub"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Manifest{MailBudget: 1000, Files: tt.files}
			m.Warn()
			if m.Warnings == nil {
				t.Fatal("Warnings is nil; want an empty list so the JSON says []")
			}
			if len(m.Warnings) != len(tt.want) {
				t.Fatalf("got %d warnings %q, want %d", len(m.Warnings), m.Warnings, len(tt.want))
			}
			for i, p := range tt.want {
				if !strings.HasPrefix(m.Warnings[i], p+" ") || !strings.Contains(m.Warnings[i], "1000") {
					t.Errorf("warning %d = %q, want one about %s and the budget 1000", i, m.Warnings[i], p)
				}
			}
		})
	}
	// A warning already present is kept.
	m := Manifest{Warnings: []string{"earlier"}, Files: []File{{Path: "x", OverBudget: true}}}
	m.Warn()
	if len(m.Warnings) != 2 || m.Warnings[0] != "earlier" {
		t.Errorf("Warnings = %q", m.Warnings)
	}
}

func TestEncode(t *testing.T) {
	m := Manifest{
		Generator:  "bulletin <dev> & co",
		Published:  "June–July 2020",
		MailBudget: 10,
		Files: []File{Describe(File{
			Path:        "Bulletin – June 2020.pdf",
			MediaType:   "application/pdf",
			Months:      []string{"2020-06"},
			ItemsByType: []Count{{Type: "news", Items: 2}},
		}, []byte("<pdf>"), 9)}, // 5 bytes are 10 in mail: over
	}
	m.Warn()
	var buf bytes.Buffer
	if err := Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("not valid JSON:\n%s", out)
	}
	for _, lit := range []string{"<dev>", "&", "–", "Bulletin – June 2020.pdf"} {
		if !strings.Contains(out, lit) {
			t.Errorf("output lacks literal %q:\n%s", lit, out)
		}
	}
	for _, esc := range []string{`\u003c`, `\u003e`, `\u0026`, `\u2013`} {
		if strings.Contains(out, esc) {
			t.Errorf("output escapes %s:\n%s", esc, out)
		}
	}
	var back Manifest
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Generator != m.Generator || back.Published != m.Published || len(back.Files) != 1 ||
		back.Files[0].SHA256 != m.Files[0].SHA256 || !back.Files[0].OverBudget || len(back.Warnings) != 1 {
		t.Errorf("round trip = %+v, want %+v", back, m)
	}
	// Empty lists are [] rather than null for programs reading the manifest.
	buf.Reset()
	empty := Manifest{}
	empty.Warn()
	if err := Encode(&buf, empty); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"warnings": []`) {
		t.Errorf("empty manifest warnings not []:\n%s", buf.String())
	}
}
