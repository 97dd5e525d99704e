package markup

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Footnotes ([^1] in the text, "[^1]: the note" anywhere in the body) are
// goldmark's footnote extension, with two changes:
//
//   - a note that nothing refers to is kept (goldmark drops it), numbered
//     after the referred ones, and marked Unreferenced so that the check
//     can warn of it;
//   - the XHTML is EPUB 3's: each reference an <a epub:type="noteref"
//     role="doc-noteref">, each note an <aside epub:type="footnote"
//     role="doc-footnote"> whose number links back to the reference
//     (role="doc-backlink"), instead of goldmark's list of endnotes.
//
// Ids are "fn-N" and "fnref-N" (a second reference to the same note
// "fnref-N-2"): one body's notes. The EPUB scopes every id of a body by
// its item's id, so two items' [^1] never collide in a book or a page.

// footnotes is the extension: goldmark's, plus the keeper and the writer.
type footnotes struct{}

func (footnotes) Extend(m goldmark.Markdown) {
	extension.Footnote.Extend(m)
	m.Parser().AddOptions(parser.WithASTTransformers(
		// Before goldmark's transformer (999), which removes unreferenced
		// notes.
		util.Prioritized(keepUnreferenced{}, 998),
		// After it, which adds the back-links at the notes' ends.
		util.Prioritized(numberFirst{}, 1000)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		// Registered after goldmark's writer (500), so these win.
		util.Prioritized(footnoteXHTML{}, 400)))
}

// Unreferenced is the attribute set on a note nothing refers to.
var Unreferenced = []byte("data-unreferenced")

type keepUnreferenced struct{}

func (keepUnreferenced) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		list, ok := c.(*east.FootnoteList)
		if !ok {
			continue
		}
		for n := list.FirstChild(); n != nil; n = n.NextSibling() {
			if fn, ok := n.(*east.Footnote); ok && fn.Index < 0 {
				list.Count++
				fn.Index = list.Count
				fn.SetAttribute(Unreferenced, true)
			}
		}
	}
}

// numberFirst moves each note's first back-link to the start of the note,
// where it is the note's number: "1 The note…", as a book sets it.
type numberFirst struct{}

func (numberFirst) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		list, ok := c.(*east.FootnoteList)
		if !ok {
			continue
		}
		for n := list.FirstChild(); n != nil; n = n.NextSibling() {
			first := n.FirstChild()
			if first == nil || first.Kind() != ast.KindParagraph {
				continue
			}
			_ = ast.Walk(n, func(m ast.Node, entering bool) (ast.WalkStatus, error) {
				if bl, ok := m.(*east.FootnoteBacklink); ok && entering && bl.RefIndex == 0 {
					bl.Parent().RemoveChild(bl.Parent(), bl)
					first.InsertBefore(first, first.FirstChild(), bl)
					return ast.WalkStop, nil
				}
				return ast.WalkContinue, nil
			})
		}
	}
}

// NoteID and RefID are a note's id and its k-th reference's (k from 0) in
// one body's XHTML.
func NoteID(index int) string { return "fn-" + strconv.Itoa(index) }

func RefID(index, k int) string {
	if k == 0 {
		return "fnref-" + strconv.Itoa(index)
	}
	return fmt.Sprintf("fnref-%d-%d", index, k+1)
}

type footnoteXHTML struct{}

func (footnoteXHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindFootnoteLink, renderNoteRef)
	reg.Register(east.KindFootnoteBacklink, renderBacklink)
	reg.Register(east.KindFootnote, renderNote)
	reg.Register(east.KindFootnoteList, renderNoteList)
}

func renderNoteRef(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*east.FootnoteLink)
		fmt.Fprintf(w, `<a id="%s" href="#%s" class="noteref" epub:type="noteref" role="doc-noteref">%d</a>`,
			RefID(n.Index, n.RefIndex), NoteID(n.Index), n.Index)
	}
	return ast.WalkContinue, nil
}

// renderBacklink writes a note's number at its start, linked back to its
// reference (nothing to link to when it has none); a note referred to more
// than once links back to the other references from "↩2", "↩3" at its end.
func renderBacklink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*east.FootnoteBacklink)
	switch {
	case !entering:
	case n.RefIndex > 0:
		fmt.Fprintf(w, ` <a href="#%s" class="backref" role="doc-backlink">↩%d</a>`, RefID(n.Index, n.RefIndex), n.RefIndex+1)
	case n.RefCount == 0:
		fmt.Fprintf(w, `<span class="note-number">%d</span> `, n.Index)
	default:
		fmt.Fprintf(w, `<a href="#%s" class="note-number" role="doc-backlink">%d</a> `, RefID(n.Index, 0), n.Index)
	}
	return ast.WalkContinue, nil
}

func renderNote(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*east.Footnote)
	if !entering {
		_, _ = w.WriteString("</aside>\n")
		return ast.WalkContinue, nil
	}
	fmt.Fprintf(w, `<aside id="%s" class="footnote" epub:type="footnote" role="doc-footnote">`+"\n", NoteID(n.Index))
	return ast.WalkContinue, nil
}

func renderNoteList(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<div class=\"footnotes\">\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

// FootnoteProblem is a footnote the reader would miss.
type FootnoteProblem struct {
	Label string
	Line  int  // in the body, 1-based
	Note  bool // true: a note nothing refers to; false: a reference to no note
}

// danglingRef is what a reference to a missing note is left as: its text.
var danglingRef = regexp.MustCompile(`\[\^([^\]\s]+)\]`)

// CheckFootnotes finds the notes nothing refers to and the references to
// notes that do not exist in body. Both are kept in the outputs (the note
// as a note, the reference as its text), and each is worth a warning.
func (c *Converter) CheckFootnotes(body string) []FootnoteProblem {
	src := []byte(body)
	var out []FootnoteProblem
	lineOf := func(off int) int {
		n := 1
		for _, b := range src[:min(off, len(src))] {
			if b == '\n' {
				n++
			}
		}
		return n
	}
	doc := c.Parse(src)
	// Code spans are literal: a "[^1]" in one is no reference. Their text
	// is blanked in a copy that the blocks' lines are read from.
	masked := append([]byte(nil), src...)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if cs, ok := n.(*ast.CodeSpan); ok && entering {
			for t := cs.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					for i := tx.Segment.Start; i < tx.Segment.Stop; i++ {
						masked[i] = ' '
					}
				}
			}
		}
		return ast.WalkContinue, nil
	})
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *east.Footnote:
			if _, unref := n.AttributeString(string(Unreferenced)); unref {
				line := 0
				if l := n.Lines(); l.Len() > 0 {
					line = lineOf(l.At(0).Start)
				} else if fc := n.FirstChild(); fc != nil && fc.Lines().Len() > 0 {
					line = lineOf(fc.Lines().At(0).Start)
				}
				out = append(out, FootnoteProblem{Label: string(n.Ref), Line: line, Note: true})
			}
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
			// A reference to no note is left as text, split over several
			// text nodes: read the block's text as a whole.
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				for _, m := range danglingRef.FindAllSubmatchIndex(seg.Value(masked), -1) {
					label := string(seg.Value(masked)[m[2]:m[3]])
					if !c.hasNote(n, label) {
						out = append(out, FootnoteProblem{Label: label, Line: lineOf(seg.Start + m[0])})
					}
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// hasNote says whether the document of n has a note labelled label.
func (c *Converter) hasNote(n ast.Node, label string) bool {
	doc := n
	for doc.Parent() != nil {
		doc = doc.Parent()
	}
	found := false
	_ = ast.Walk(doc, func(m ast.Node, entering bool) (ast.WalkStatus, error) {
		if fn, ok := m.(*east.Footnote); ok && entering && string(fn.Ref) == label {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}
