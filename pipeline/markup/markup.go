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
	md goldmark.Markdown
	// plain is md without GFM's autolinks (linkify), for a body with no
	// text an autolink starts with (mayAutolink): linkify is tried at
	// every space of every body and finds nothing in most. Without it such
	// a body parses to the same tree but for where a run of text is cut
	// into Text nodes, and renders to the same XHTML and PDF
	// (TestPlainParsesAsGFM).
	plain     goldmark.Markdown
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
	md := func(gfm ...goldmark.Extender) goldmark.Markdown {
		return goldmark.New(
			goldmark.WithExtensions(append(gfm,
				footnotes{},
				// Literal characters: the default named entities (&ldquo;)
				// are fatal in an EPUB (EPUBCheck RSC-016).
				extension.NewTypographer(extension.WithTypographicSubstitutions(unicodeSubstitutions)),
			)...),
			goldmark.WithParserOptions(parser.WithAutoHeadingID()),
			goldmark.WithRendererOptions(opts...),
		)
	}
	return &Converter{
		md:        md(extension.GFM),
		plain:     md(extension.Table, extension.Strikethrough, extension.TaskList), // GFM less Linkify
		allowHTML: allowHTML,
	}
}

// autolinkStarts are what every autolink GFM's linkify finds begins with
// (goldmark v1.8's linkifyParser: a URL at "http:", "https:" or "ftp:", a
// web address at "www.") or holds (an e-mail address, an "@").
var autolinkStarts = [][]byte{[]byte("http:"), []byte("https:"), []byte("ftp:"), []byte("www."), []byte("@")}

// mayAutolink reports whether src has any text linkify could make a link of.
func mayAutolink(src []byte) bool {
	for _, s := range autolinkStarts {
		if bytes.Contains(src, s) {
			return true
		}
	}
	return false
}

// markdown is the goldmark that parses src: md, or plain when src can
// have no autolink.
func (c *Converter) markdown(src []byte) goldmark.Markdown {
	if mayAutolink(src) {
		return c.md
	}
	return c.plain
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
	return c.markdown(src).Parser().Parse(text.NewReader(src))
}

// XHTML renders src as a well-formed XHTML fragment.
func (c *Converter) XHTML(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.markdown(src).Convert(src, &buf); err != nil {
		return nil, fmt.Errorf("markup: render: %w", err)
	}
	return buf.Bytes(), nil
}
