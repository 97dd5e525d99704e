package epub

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"bulletin/internal/parallel"
	"bulletin/pipeline/news"
)

// The web edition shows the same text as the book: these are the book's
// month documents and style sheet, exported for it, so the two cannot
// drift apart.

// Page is one month's body as the book has it: the month title, a section
// per type (id "m2020-06-statement") and a section per item whose id is
// the item's ID, stable from build to build.
type Page struct {
	Key   news.MonthKey
	Title string // "June 2020", or the Undated label
	Body  string // XHTML fragment, also valid HTML
}

// stripEpubType removes every ` epub:type="…"` attribute: the book's
// vocabulary, no attribute of HTML. Not a regular expression: a month's
// body is some hundred kilobytes, and one is made at every rebuild.
func stripEpubType(body string) string {
	const attr = ` epub:type="`
	i := strings.Index(body, attr)
	if i < 0 {
		return body
	}
	var b strings.Builder
	b.Grow(len(body))
	for i >= 0 {
		end := strings.IndexByte(body[i+len(attr):], '"')
		if end < 0 {
			break // no closing quote: leave the rest as it is
		}
		b.WriteString(body[:i])
		body = body[i+len(attr)+end+1:]
		i = strings.Index(body, attr)
	}
	b.WriteString(body)
	return b.String()
}

// Image is an image a page shows, named by its content.
type Image struct {
	Href      string // "images/3f2a….png", relative to the pages
	MediaType string
	Data      []byte
}

// Pages renders every month of ed as the book does and hands each page to
// put, in month order; it returns the images the pages show. Image hrefs
// are relative to the folder of the pages. A month for which need is false
// gets its title but no body (a page the last build made already); a month
// that ShowsImages always gets its body, so that its images are among
// those returned.
//
// The bodies are rendered on every core, a few months at a time, and each
// is let go once put has it: a site of many years never holds all its
// text at once.
func (r *Renderer) Pages(ctx context.Context, ed news.Edition, need func(news.Month) bool, put func(Page) error) ([]Image, error) {
	b, err := newMonths(ed)
	if err != nil {
		return nil, err
	}
	b.imagePrefix = ""
	b.rawHTML = r.md.AllowsHTML() // as the books have it, for bodyKey
	batch := make([]Page, min(len(b.months), 4*runtime.GOMAXPROCS(0)))
	errs := make([]error, len(batch))
	for start := 0; start < len(b.months); start += len(batch) {
		months := b.months[start:min(start+len(batch), len(b.months))]
		parallel.For(ctx, len(months), func(i int) {
			m := months[i]
			p := Page{Key: m.src.Key, Title: m.title}
			errs[i] = nil
			if need(m.src) || ShowsImages(m.src) {
				body, err := r.pageBody(b, &m)
				// epub:type is the book's vocabulary, no attribute of HTML;
				// the notes keep their ARIA roles (doc-noteref, doc-footnote).
				p.Body, errs[i] = stripEpubType(body), err
			}
			batch[i] = p
		})
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("epub: %w", err)
		}
		for i := range months {
			if errs[i] != nil {
				return nil, errs[i]
			}
			if err := put(batch[i]); err != nil {
				return nil, err
			}
			batch[i] = Page{}
		}
	}
	var imgs []Image
	for _, res := range b.assets.sorted() {
		imgs = append(imgs, Image{Href: res.href, MediaType: res.mediaType, Data: res.data})
	}
	return imgs, nil
}

// pageBody is m's body as its book has it: cut out of the document a book
// of this build shelved, when one did (a month without images), else
// rendered.
func (r *Renderer) pageBody(b *book, m *month) (string, error) {
	if !ShowsImages(m.src) {
		key, err := bodyKey(b, m)
		if err != nil {
			return "", err
		}
		if d, ok := r.shelf.takeBody(key); ok {
			return d.body()
		}
	}
	return r.monthBody(b, *m)
}

// StyleSheet is the book's style sheet without embedded fonts: the
// layout's CSS and the rules bulletin's own markup needs.
func (r *Renderer) StyleSheet() ([]byte, error) {
	opts := r.opts
	opts.EmbedFonts = false
	plain := &Renderer{lay: r.lay, md: r.md, opts: opts}
	return plain.styleSheet(&book{assets: newAssets()})
}
