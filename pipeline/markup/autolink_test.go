package markup

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"bulletin/internal/testenv"
)

// TestPlainParsesAsGFM: a body with no text an autolink could start with
// parses through plain (GFM less linkify) to the tree full GFM gives, but
// for where a run of text is cut into Text nodes (linkify, tried at a
// line's first space, leaves "next" and " line" where plain has "next
// line"), and renders to the very XHTML. The bodies are the real Markdown
// posts with their autolink starts defused, and cases of what linkify's
// triggers (space, line start, '*', '_', '~', '(') meet.
func TestPlainParsesAsGFM(t *testing.T) {
	bodies := []string{
		"word (in brackets) *em* _em_ ~~gone~~ ~one~ **strong** __strong__\nnext line  \nhard break\n",
		"(starts with a bracket)\n\n*starts emphasised*\n\n~tilde\n\n- [ ] task\n- [x] done\n",
		"| a | b |\n|:--|--:|\n| (x) | *y* |\n\nText[^1].\n\n[^1]: A note (with brackets).\n",
		"\"Quotes\" -- and --- dashes... <<angles>> it's `code (span)` [link](/path) ![img](a.png)\n",
		"# Heading (one)\n\n> quote *in* (brackets)\n\n    indented code\n\n```\nfenced (code)\n```\n",
		"trailing space \nand\\\nbackslash break ( spaced ) _a_b_ *a*b* ~~a~b~~\n",
	}
	dir := testenv.Shared(t, "realdata", "markdown")
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Markdown posts in %s (%v)", dir, err)
	}
	defuse := strings.NewReplacer("http:", "http;", "https:", "https;", "ftp:", "ftp;", "www.", "www,", "@", "(at)")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, defuse.Replace(string(data)))
	}
	for _, allowHTML := range []bool{false, true} {
		c := New(allowHTML)
		for i, body := range bodies {
			src := []byte(body)
			if mayAutolink(src) {
				t.Fatalf("body %d still has an autolink start", i)
			}
			gfm, plain := c.md.Parser().Parse(text.NewReader(src)), c.plain.Parser().Parse(text.NewReader(src))
			if a, b := treeOf(gfm, src), treeOf(plain, src); a != b {
				t.Errorf("allowHTML %v, body %d: the trees differ\nGFM:\n%s\nplain:\n%s", allowHTML, i, a, b)
				continue
			}
			var a, b bytes.Buffer
			if err := c.md.Convert(src, &a); err != nil {
				t.Fatal(err)
			}
			if err := c.plain.Convert(src, &b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("allowHTML %v, body %d: the XHTML differs", allowHTML, i)
			}
		}
	}
	// Where an autolink may start, the full GFM parses it: each kind alone
	// in its body.
	for body, link := range map[string]string{
		"See http://example.org/a.":   `<a href="http://example.org/a">`,
		"See https://example.org/b.":  `<a href="https://example.org/b">`,
		"See ftp://example.org/c.":    `<a href="ftp://example.org/c">`,
		"See www.example.org.":        `<a href="http://www.example.org">`,
		"Write to press@example.org.": `<a href="mailto:press@example.org">`,
	} {
		if got, err := New(false).XHTML([]byte(body)); err != nil || !bytes.Contains(got, []byte(link)) {
			t.Errorf("%q: no autolink %s in %s (%v)", body, link, got, err)
		}
	}
}

// treeOf writes n's tree: each node's kind, its text and its attributes,
// indented by depth. A Text node that follows a Text sibling ending
// without a line break continues it: how a run of text is cut into nodes
// is not written.
func treeOf(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, isText := n.(*ast.Text)
		prev, afterText := n.PreviousSibling().(*ast.Text)
		continues := isText && afterText && !prev.SoftLineBreak() && !prev.HardLineBreak() && prev.IsRaw() == t.IsRaw()
		if !entering {
			if next, ok := n.NextSibling().(*ast.Text); !isText || !ok || t.SoftLineBreak() || t.HardLineBreak() || next.IsRaw() != t.IsRaw() {
				fmt.Fprintf(&b, " soft=%v hard=%v raw=%v)", isText && t.SoftLineBreak(), isText && t.HardLineBreak(), isText && t.IsRaw())
			}
			return ast.WalkContinue, nil
		}
		if continues {
			fmt.Fprintf(&b, "%s", t.Segment.Value(src))
			return ast.WalkContinue, nil
		}
		fmt.Fprintf(&b, "\n%s(%s", strings.Repeat(" ", depth(n)), n.Kind())
		if isText {
			fmt.Fprintf(&b, " %s", t.Segment.Value(src))
		}
		for _, a := range n.Attributes() {
			fmt.Fprintf(&b, " %s=%v", a.Name, a.Value)
		}
		if n.Type() == ast.TypeBlock {
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				fmt.Fprintf(&b, " %q", seg.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func depth(n ast.Node) int {
	d := 0
	for p := n.Parent(); p != nil; p = p.Parent() {
		d++
	}
	return d
}
