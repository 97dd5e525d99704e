package normalise

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2"
	"github.com/yuin/goldmark/ast"
	"golang.org/x/net/html"

	"bulletin/pipeline/markup"
)

// Raw HTML blocks in Markdown ("<p>…</p>" paragraphs, as WordPress exports
// write them) are dropped by the renderers unless allow_html is set: whole
// articles would vanish. With allow_html off they are converted to Markdown
// here, once, before links are resolved (a converted <a href> is then a
// link like any other); only what Markdown cannot hold (scripts, frames,
// forms, media) is left out, and named in a warning.

// dropped are the elements whose content html-to-markdown leaves out (or
// which have no Markdown form): the warning names them.
var dropped = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true,
	"form": true, "input": true, "button": true, "select": true, "textarea": true,
	"video": true, "audio": true, "canvas": true, "svg": true, "math": true,
	"noscript": true, "link": true, "meta": true, "frame": true, "frameset": true,
}

// convertHTMLBlocks rewrites body's raw HTML blocks as Markdown. It returns
// the new body and the elements that were left out, with the body line of
// the block they were in.
func convertHTMLBlocks(md *markup.Converter, body string) (string, []lostHTML) {
	if !strings.Contains(body, "<") {
		return body, nil // no HTML at all: the common case, and cheap
	}
	src := []byte(body)
	var edits []edit
	var lost []lostHTML
	_ = ast.Walk(md.Parse(src), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		hb, ok := n.(*ast.HTMLBlock)
		if !ok {
			return ast.WalkContinue, nil
		}
		lines := hb.Lines()
		if lines.Len() == 0 {
			return ast.WalkSkipChildren, nil
		}
		start, end := lines.At(0).Start, lines.At(lines.Len()-1).Stop
		if hb.HasClosure() {
			end = hb.ClosureLine.Stop
		}
		var raw bytes.Buffer
		for i := 0; i < lines.Len(); i++ {
			s := lines.At(i)
			raw.Write(s.Value(src))
		}
		if hb.HasClosure() {
			raw.Write(hb.ClosureLine.Value(src))
		}
		line := bytes.Count(src[:start], []byte("\n")) + 1
		if names := droppedElements(raw.String()); len(names) > 0 {
			lost = append(lost, lostHTML{line: line, elements: names})
		}
		text, err := htmltomarkdown.ConvertString(raw.String())
		if err != nil {
			// Keep the words rather than nothing: the tags become text.
			text = html.EscapeString(raw.String())
			lost = append(lost, lostHTML{line: line, err: err})
		}
		edits = append(edits, edit{start, trimNewline(src, end), indentLike(src, start, strings.TrimSpace(text))})
		return ast.WalkSkipChildren, nil
	})
	if len(edits) == 0 {
		return body, lost
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	for _, e := range edits {
		src = append(src[:e.start:e.start], append([]byte(e.text), src[e.end:]...)...)
	}
	return string(src), lost
}

// trimNewline steps end back over the block's own line end, so the text
// after the block keeps its blank line.
func trimNewline(src []byte, end int) int {
	if end > 0 && end <= len(src) && src[end-1] == '\n' {
		end--
	}
	return end
}

// indentLike continues text's lines with the container prefix (list
// indentation, "> ") of the line where the block starts, so a block inside
// a list item or a quotation stays inside it.
func indentLike(src []byte, start int, text string) string {
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	prefix := []byte(string(src[lineStart:start]))
	for i, c := range prefix {
		if c != '>' && c != ' ' && c != '\t' {
			prefix[i] = ' ' // a list marker: its width, not itself
		}
	}
	if len(prefix) == 0 {
		return text
	}
	return strings.ReplaceAll(text, "\n", "\n"+string(prefix))
}

// lostHTML is what one HTML block lost.
type lostHTML struct {
	line     int
	elements []string // sorted, without duplicates
	err      error
}

// droppedElements names the elements of s that Markdown cannot keep.
func droppedElements(s string) []string {
	seen := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			name, _ := z.TagName()
			if dropped[string(name)] {
				seen[string(name)] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lostHTMLMessage words the warning for an item's lost HTML.
func lostHTMLMessage(lost []lostHTML) string {
	var parts []string
	for _, l := range lost {
		if l.err != nil {
			parts = append(parts, fmt.Sprintf("body line %d: the HTML could not be converted (%v) and is kept as text", l.line, l.err))
			continue
		}
		tags := make([]string, len(l.elements))
		for i, e := range l.elements {
			tags[i] = "<" + e + ">"
		}
		parts = append(parts, fmt.Sprintf("body line %d: %s", l.line, strings.Join(tags, ", ")))
	}
	return "raw HTML converted to Markdown, but some elements have no place in a PDF or e-book and were left out (" +
		strings.Join(parts, "; ") + "); write them as text or links, or set allow_html: true to keep the HTML"
}
