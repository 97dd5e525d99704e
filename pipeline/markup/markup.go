// Package markup turns item bodies (Markdown) into XHTML fragments and into
// goldmark syntax trees for the renderers.
package markup

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// Converter parses and renders Markdown the same way for every renderer.
type Converter struct {
	md        goldmark.Markdown
	allowHTML bool
}

// AllowsHTML says whether raw HTML in sources reaches the output.
func (c *Converter) AllowsHTML() bool { return c.allowHTML }

// New returns a Converter. Raw HTML in sources is dropped unless allowHTML.
func New(allowHTML bool) *Converter {
	opts := []renderer.Option{html.WithXHTML()}
	if allowHTML {
		opts = append(opts, html.WithUnsafe())
	}
	return &Converter{md: goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			footnotes{},
			// Literal characters: the default named entities (&ldquo;) are
			// fatal in an EPUB (EPUBCheck RSC-016).
			extension.NewTypographer(extension.WithTypographicSubstitutions(unicodeSubstitutions)),
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(opts...),
	), allowHTML: allowHTML}
}

var unicodeSubstitutions = extension.TypographicSubstitutions{
	extension.LeftSingleQuote:  []byte("‘"),
	extension.RightSingleQuote: []byte("’"),
	extension.LeftDoubleQuote:  []byte("“"),
	extension.RightDoubleQuote: []byte("”"),
	extension.EnDash:           []byte("–"),
	extension.EmDash:           []byte("—"),
	extension.Ellipsis:         []byte("…"),
	extension.LeftAngleQuote:   []byte("«"),
	extension.RightAngleQuote:  []byte("»"),
	extension.Apostrophe:       []byte("’"),
}

// Parse returns the syntax tree of src; node text refers into src.
func (c *Converter) Parse(src []byte) ast.Node {
	return c.md.Parser().Parse(text.NewReader(src))
}

// XHTML renders src as a well-formed XHTML fragment.
func (c *Converter) XHTML(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.md.Convert(src, &buf); err != nil {
		return nil, fmt.Errorf("markup: render: %w", err)
	}
	return buf.Bytes(), nil
}
