// Package epub renders an edition as an EPUB 3 book: a month's
// (bulletin-2020-06.epub) or the collection of every month (collection.epub).
//
// go-epub writes the container, the sections and a first package file; its
// output is then rewritten (see repack) because go-epub alone is neither
// reproducible nor able to express nested navigation, landmarks, xml:lang or
// the Dublin Core fields the product needs.
package epub

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	goepub "github.com/go-shiori/go-epub"

	"bulletin/layouts"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
	output "bulletin/pipeline/render" // "render" is a test helper here
)

// Renderer turns an edition into an EPUB. Its only state is what its books
// share: the cover artwork (coverArt), month documents (shelf) and the last
// collection's container; several goroutines may call Render at once.
type Renderer struct {
	lay  *layouts.Layout
	md   *markup.Converter
	opts Options
	art  *coverArt
	// shelf holds month documents one book wrote for another (shelf.go).
	shelf *shelf
	// deflaters are the archives' deflate writers, for reuse.
	deflaters sync.Pool
	// container is the last collection's go-epub archive (container.go).
	container containerMemo
}

// Options are the EPUB's configurable choices (bulletin.yaml's epub key).
type Options struct {
	// EmbedFonts ships the layout's text and heading fonts in the book with
	// @font-face rules. Off by default: it adds about 1 MB, and readers
	// usually let people pick their own font anyway.
	EmbedFonts bool
}

// New returns a Renderer using the layout's style sheet and fonts, and md
// for bodies.
func New(lay *layouts.Layout, md *markup.Converter, opts Options) *Renderer {
	return &Renderer{lay: lay, md: md, opts: opts, art: newCoverArt(lay), shelf: newShelf()}
}

// go-epub stages files in a package-level storage. Its in-memory storage
// avoids temporary files but is an unsynchronised map shared by every Epub,
// so it is selected once and every WriteTo is serialised.
var (
	storageOnce sync.Once
	storageErr  error
	writeMu     sync.Mutex
)

// noNetwork refuses every request: go-epub fetches media sources that look
// like URLs, and an offline, reproducible build must never do that.
var noNetwork = &http.Client{Transport: refuseTransport{}}

type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("epub: network access is disabled")
}

// Render writes the EPUB 3 book of ed.Months to w: a month, or the
// collection of them all. It has no warnings of its own: images were
// resolved, and refused, before rendering.
func (r *Renderer) Render(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("epub: %w", err)
	}
	if ed.Meta.Published.IsZero() {
		return nil, errors.New("epub: Meta.Published is required (it dates the package and the zip entries)")
	}
	b, err := newBook(ed)
	if err != nil {
		return nil, err
	}
	b.rawHTML = r.md.AllowsHTML()
	reuse, _ := output.ReuseOf(w)
	last := &previous{reuse: reuse}
	cover, err := r.cover(b, last)
	if err != nil {
		return nil, err
	}
	b.assets.add(resource{id: coverID, href: coverImage, mediaType: "image/png", properties: "cover-image", data: cover})
	if m, alt, ok := r.Masthead(); ok {
		b.assets.add(resource{id: "masthead", href: m.Href, mediaType: m.MediaType, data: m.Data})
		b.mastHref, b.mastAlt = m.Href, alt
	}
	css, err := r.styleSheet(b)
	if err != nil {
		return nil, err
	}
	docs, err := r.documents(ctx, b, last)
	if err != nil {
		return nil, err
	}
	if b.navKept, err = keepNavigation(b, last); err != nil {
		return nil, err
	}
	files, err := r.containerFiles(b, docs, css)
	if err != nil {
		return nil, err
	}
	later := func(m *month) (string, error) {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("epub: %w", err)
		}
		return r.monthBody(b, *m)
	}
	fw := r.deflater()
	defer r.deflaters.Put(fw)
	if err := repack(w, files, b, docs, last.book, zipTools{r.shelf, fw}, later); err != nil {
		return nil, err
	}
	return nil, nil
}

// deflater is a deflate writer for an archive's entries. The default
// level: on this text the fastest saved no measurable time and made the
// book 50% larger (klauspost/compress's default, 13% faster, 9% larger).
func (r *Renderer) deflater() *flate.Writer {
	if fw, ok := r.deflaters.Get().(*flate.Writer); ok {
		return fw
	}
	fw, _ := flate.NewWriter(nil, flate.DefaultCompression) // the level is valid
	return fw
}

// Masthead is the layout's crest as the title page shows it (its href
// relative to EPUB/, as to the web edition's folder) and its alt text;
// false when the layout has none.
func (r *Renderer) Masthead() (Image, string, bool) {
	m := r.lay.Masthead()
	if m == nil {
		return Image{}, "", false
	}
	return Image{Href: mastheadImage + extension(m.MediaType), MediaType: m.MediaType, Data: m.Data}, m.Alt, true
}

// mastheadImage is the crest's file, less its extension.
const mastheadImage = "images/masthead"

// documents renders the cover, title page and month XHTML bodies, in
// reading order. A month document the last build's book holds as this
// one would make it is not rendered: it is marked reused, and copied
// from last.book.
func (r *Renderer) documents(ctx context.Context, b *book, last *previous) (docs []section, err error) {
	docs = []section{
		{file: coverFile, title: b.coverTitle, body: coverBody(b)},
		{file: titleFile, title: b.coverTitle, body: titleBody(b)},
	}
	for i, m := range b.months {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("epub: %w", err)
		}
		if last.reuse != nil && !ShowsImages(m.src) {
			name, key, err := monthPart(b, m)
			if err != nil {
				return nil, err
			}
			if _, ok, err := last.entry(name, key); err != nil {
				return nil, err
			} else if ok {
				docs = append(docs, section{file: m.file, title: m.title, reused: true})
				continue
			}
		}
		if !b.rawHTML && !ShowsImages(m.src) {
			// Rendered as its entry is written (repack), so that a
			// collection of many years never holds all its text at once.
			// Not a month with images (they must join the package file
			// first) nor with raw HTML (each document is parsed whole).
			docs = append(docs, section{file: m.file, title: m.title, later: &b.months[i]})
			continue
		}
		body, err := r.monthBody(b, m)
		if err != nil {
			return nil, err
		}
		docs = append(docs, section{file: m.file, title: m.title, body: body})
	}
	return docs, nil
}

// styleSheet is the layout's CSS, then the @font-face rules when fonts are
// embedded, then the few rules the book's own markup needs.
func (r *Renderer) styleSheet(b *book) ([]byte, error) {
	css, err := r.lay.ReadFile(r.lay.EPUBCSS)
	if err != nil {
		return nil, fmt.Errorf("epub: read style sheet: %w", err)
	}
	out := bytes.TrimRight(css, "\n\t ")
	out = append(out[:len(out):len(out)], '\n')
	if r.opts.EmbedFonts {
		faces, err := fontFaces(r.lay, b.assets)
		if err != nil {
			return nil, err
		}
		out = append(out, "\n/* The layout's fonts, embedded (epub.embed_fonts). */\n"+faces...)
	}
	return append(out, extraCSS...), nil
}

// section is one XHTML file handed to go-epub.
type section struct {
	file, title, body string
	reused            bool   // no body: the entry is copied from the last book
	later             *month // no body yet: rendered when its entry is written
}

// mark stands for the section's body in go-epub's document.
func (d section) mark() string { return "<!--bulletin body of " + d.file + "-->" }

// writeGoEpub builds the book with go-epub and returns its zip bytes.
func (r *Renderer) writeGoEpub(b *book, docs []section, css []byte) ([]byte, error) {
	storageOnce.Do(func() { storageErr = goepub.Use(goepub.MemoryFS) })
	if storageErr != nil {
		return nil, fmt.Errorf("epub: select memory storage: %w", storageErr)
	}
	e, err := goepub.NewEpub(b.title)
	if err != nil {
		return nil, fmt.Errorf("epub: new book: %w", err)
	}
	e.Client = noNetwork
	e.SetTitle(b.title)
	e.SetIdentifier(b.identifier)
	e.SetLang(b.lang)
	e.SetDescription(b.description)
	if b.author != "" {
		e.SetAuthor(b.author)
	}
	// A data URL keeps the style sheet in memory: no temporary file, no fetch.
	cssPath, err := e.AddCSS("data:text/css;base64,"+base64.StdEncoding.EncodeToString(css), cssFile)
	if err != nil {
		return nil, fmt.Errorf("epub: add style sheet: %w", err)
	}
	for _, d := range docs {
		// go-epub gets a mark where the body goes, and repack puts the body
		// there: megabytes of text are then not deflated and inflated once
		// more on the way through go-epub's archive.
		if _, err := e.AddSection(d.mark(), d.title, d.file, cssPath); err != nil {
			return nil, fmt.Errorf("epub: add section %s: %w", d.file, err)
		}
	}
	var buf bytes.Buffer
	writeMu.Lock()
	_, err = e.WriteTo(&buf)
	writeMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("epub: write book: %w", err)
	}
	return buf.Bytes(), nil
}
