package markup

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// namedEntity matches a named character reference; only XML's five are
// allowed in an EPUB's XHTML.
var namedEntity = regexp.MustCompile(`&([a-zA-Z][a-zA-Z0-9]*);`)

var xmlEntities = map[string]bool{"amp": true, "lt": true, "gt": true, "quot": true, "apos": true}

func checkNoNamedEntities(t *testing.T, out []byte) {
	t.Helper()
	for _, m := range namedEntity.FindAllSubmatch(out, -1) {
		if !xmlEntities[string(m[1])] {
			t.Errorf("output has the named entity %s:\n%s", m[0], out)
		}
	}
}

// checkWellFormed reads every token of out wrapped in a <div>.
func checkWellFormed(t *testing.T, out []byte) {
	t.Helper()
	doc := "<div>" + string(out) + "</div>"
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Errorf("not well-formed XML: %v\n%s", err, doc)
			return
		}
	}
}

func TestTypography(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // literal substrings of the output
	}{
		{"double quotes", `He said "quotes" here.`, []string{"“quotes”"}},
		{"single quotes", `It was 'single' then.`, []string{"‘single’"}},
		{"apostrophe", `It's here.`, []string{"It’s"}},
		{"en dash", `pages 1 -- 2`, []string{"1 – 2"}},
		{"em dash", `yes --- no`, []string{"yes — no"}},
		{"ellipsis", `and so on...`, []string{"on…"}},
		{"guillemets", `<<guillemets>>`, []string{"«guillemets»"}},
		{"all together", `"a" 'b' -- --- ... <<c>>`, []string{"“a”", "‘b’", "–", "—", "…", "«c»"}},
		{"entity references", `a &copy; b &mdash; c &nbsp; d`, []string{"©", "—", "\u00a0"}},
	}
	for _, tt := range tests {
		for _, allow := range []bool{false, true} {
			out, err := New(allow).XHTML([]byte(tt.src))
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			for _, w := range tt.want {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("%s (allowHTML=%v): output lacks %q:\n%s", tt.name, allow, w, out)
				}
			}
			checkNoNamedEntities(t, out)
			checkWellFormed(t, out)
		}
	}
}

func TestRawHTML(t *testing.T) {
	tests := []struct {
		name string
		src  string
		raw  []string // present with New(true), absent with New(false)
		keep []string // present either way
	}{
		{"script block", "<script>alert(1)</script>\n\nAfter.", []string{"<script>", "alert(1)"}, []string{"After."}},
		{"inline tag", "Text <b>x</b> end.", []string{"<b>x</b>"}, []string{"Text ", "x", " end."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			safe, err := New(false).XHTML([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			unsafe, err := New(true).XHTML([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tt.raw {
				if bytes.Contains(safe, []byte(r)) {
					t.Errorf("New(false) kept %q:\n%s", r, safe)
				}
				if !bytes.Contains(unsafe, []byte(r)) {
					t.Errorf("New(true) dropped %q:\n%s", r, unsafe)
				}
			}
			for _, k := range tt.keep {
				if !bytes.Contains(safe, []byte(k)) || !bytes.Contains(unsafe, []byte(k)) {
					t.Errorf("text %q lost:\nsafe: %s\nunsafe: %s", k, safe, unsafe)
				}
			}
			checkWellFormed(t, safe)
			checkWellFormed(t, unsafe) // the raw HTML here is itself well-formed
		})
	}
}

func TestWellFormed(t *testing.T) {
	srcs := []string{
		"",
		"# Heading\n\nA paragraph with *emphasis*, **strong**, `code <x> & y`.",
		"Line one  \nline two (hard break)\n\n---\n\n![alt & <text>](pic.png \"title\")",
		"- one\n- [ ] task\n- [x] done\n\n1. first\n2. second",
		"[link](http://example.com/?a=1&b=2) and <http://example.com/auto> and www.example.com",
		"> quote with 5 < 6 & 7 > 3\n\n```go\nif a < b && c > d {}\n```",
		"~~struck~~ text\n\n| a | b |\n|---|:-:|\n| 1 & 2 | <3 |",
		"<script>alert(1)</script>\n\n<div><p>unclosed\n\nText <br> <img src=x> <b>x",
	}
	for _, src := range srcs {
		out, err := New(false).XHTML([]byte(src))
		if err != nil {
			t.Fatalf("XHTML(%q): %v", src, err)
		}
		checkWellFormed(t, out)
		checkNoNamedEntities(t, out)
	}
}

func TestTable(t *testing.T) {
	src := "| Name | Count |\n|------|------:|\n| a | 1 |\n| b | 2 |\n"
	out, err := New(false).XHTML([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"<table>", "<th>Name</th>", "<td>a</td>", "</table>"} {
		if !bytes.Contains(out, []byte(w)) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	checkWellFormed(t, out)

	// Parse yields the same extension: the tree holds a Table node.
	found := false
	ast.Walk(New(false).Parse([]byte(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Kind() == east.KindTable {
			found = true
		}
		return ast.WalkContinue, nil
	})
	if !found {
		t.Error("Parse: no Table node in the tree")
	}
}
