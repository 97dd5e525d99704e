package normalise

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"bulletin/pipeline/markup"
)

// With allow_html: true, raw HTML in bodies reaches the EPUB. It is cut
// down here to a safe subset, bluemonday's policy for user content: no
// scripts, event handlers, frames, objects, forms, style sheets or style
// attributes (so no CSS url(…)), only http(s) and mailto links. What was
// removed is named in a warning. Each HTML block is then written out again
// by an HTML parser, so unclosed tags and void elements (<br>) become
// well-formed XHTML; inline tags are sanitised one by one, and an item whose
// HTML still is not well-formed is an error at its own file and line, not
// a failure naming the EPUB's generated document.

// sanitiser holds the policy; a bluemonday.Policy is safe for concurrent
// use once built.
type sanitiser struct{ policy *bluemonday.Policy }

func newSanitiser() *sanitiser {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false) // rel attributes are noise in a book
	return &sanitiser{policy: p}
}

// body sanitises body's raw HTML. It returns the new body, the tags and
// attributes removed ("<script>", "onclick on <a>"), and an error when the
// body's HTML is not well-formed once rendered.
func (s *sanitiser) body(md *markup.Converter, body string) (string, []string, error) {
	if !strings.Contains(body, "<") {
		return body, nil, nil
	}
	src := []byte(body)
	var edits []edit
	removed := map[string]bool{}
	_ = ast.Walk(md.Parse(src), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			lines := n.Lines()
			if lines.Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			start, end := lines.At(0).Start, lines.At(lines.Len()-1).Stop
			var raw bytes.Buffer
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				raw.Write(seg.Value(src))
			}
			if n.HasClosure() {
				end = n.ClosureLine.Stop
				raw.Write(n.ClosureLine.Value(src))
			}
			clean := s.policy.Sanitize(raw.String())
			diff(raw.String(), clean, removed)
			edits = append(edits, edit{start, trimNewline(src, end), indentLike(src, start, reserialise(clean))})
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			segs := n.Segments
			if segs.Len() == 0 {
				return ast.WalkContinue, nil
			}
			start, end := segs.At(0).Start, segs.At(segs.Len()-1).Stop
			raw := string(src[start:end])
			clean := s.policy.Sanitize(raw)
			if clean != raw {
				diff(raw, clean, removed)
				edits = append(edits, edit{start, end, clean})
			}
		}
		return ast.WalkContinue, nil
	})
	if len(edits) > 0 {
		sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
		for _, e := range edits {
			src = append(src[:e.start:e.start], append([]byte(e.text), src[e.end:]...)...)
		}
	}
	names := make([]string, 0, len(removed))
	for k := range removed {
		names = append(names, k)
	}
	sort.Strings(names)
	return string(src), names, wellFormed(md, src)
}

// reBlankLines would end a Markdown HTML block early.
var reBlankLines = regexp.MustCompile(`\n[ \t]*\n+`)

// reserialise parses an HTML fragment and writes it out again: every tag
// closed, attributes quoted, void elements self-closed, named entities
// written as characters.
func reserialise(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return html.EscapeString(s)
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return html.EscapeString(s)
		}
	}
	return strings.TrimSpace(reBlankLines.ReplaceAllString(b.String(), "\n"))
}

// diff adds to removed the elements and attributes of before that after
// lacks.
func diff(before, after string, removed map[string]bool) {
	have := tagsOf(after)
	for k := range tagsOf(before) {
		if !have[k] {
			removed[k] = true
		}
	}
}

// tagsOf lists an HTML text's start tags ("<a>") and attributes
// ("href on <a>").
func tagsOf(s string) map[string]bool {
	out := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		tag := "<" + tok.Data + ">"
		out[tag] = true
		for _, a := range tok.Attr {
			out[a.Key+" on "+tag] = true
		}
	}
}

// wellFormed renders src as the EPUB does and checks that the XHTML parses.
func wellFormed(md *markup.Converter, src []byte) error {
	out, err := md.XHTML(src)
	if err != nil {
		return err
	}
	dec := xml.NewDecoder(io.MultiReader(strings.NewReader("<div>"), bytes.NewReader(out), strings.NewReader("</div>")))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("%s", se.Msg)
			}
			return err
		}
	}
}
