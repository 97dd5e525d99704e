// Package site renders the web edition: a static folder (out/site/) with an
// index of the editions, a page per month with the same text as the EPUB,
// the book's style sheet made responsive, an Atom feed of the editions and
// an OPDS 1.2 acquisition catalogue of the EPUBs. It needs no JavaScript
// and no server: every link is relative, so the folder works from the file
// system and from any web server that serves the output folder.
//
// It is a Summary output: it links to the files the build made
// (Edition.Made), with their sizes.
package site

import (
	"context"
	"crypto/sha256"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"time"

	"bulletin/pipeline/counter"
	"bulletin/pipeline/news"
	"bulletin/pipeline/render"
	"bulletin/pipeline/render/epub"
)

// File names inside the site folder.
const (
	IndexFile     = "index.html"
	StyleFile     = "style.css"
	FeedFile      = "feed.atom"
	CatalogueFile = "opds.xml"
)

// Media types of the feed and the catalogue, as their links announce them.
const (
	atomType      = "application/atom+xml"
	catalogueType = "application/atom+xml;profile=opds-catalog;kind=acquisition"
)

// pageKeyFormat changes whenever what a month page's bytes depend on
// does: it leads the page's key (render.Reuse).
const pageKeyFormat = "site month page 2"

// Renderer writes the web edition. It holds no mutable state.
type Renderer struct {
	book      *epub.Renderer
	downloads []render.Output
}

// New returns a Renderer whose month pages are book's, and which links to
// the files of downloads that the build made: Monthly ones from their
// month's page and the index, Collection ones from the index.
func New(book *epub.Renderer, downloads []render.Output) *Renderer {
	return &Renderer{book: book, downloads: downloads}
}

// link is a file of the build the site links to.
type link struct {
	href, label, mediaType string
	bytes                  int
}

// linkKey is what a page shows of its links, for the page's key (a link's
// fields are unexported: as JSON it would be "{}", its size not hashed).
func linkKey(links []link) []string {
	out := make([]string, 0, len(links))
	for _, l := range links {
		out = append(out, fmt.Sprintf("%s\x00%s\x00%s\x00%d", l.href, l.label, l.mediaType, l.bytes))
	}
	return out
}

// edition is one month as the site shows it.
type edition struct {
	page      epub.Page
	month     news.Month
	file      string // "2020-06.html"
	links     []link
	updated   time.Time
	itemsText string
}

// Render puts the site's files into the folder behind w (render.Files).
func (r *Renderer) Render(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error) {
	files, err := render.FilesOf(w)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	css, err := r.book.StyleSheet()
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	made := map[string]news.File{}
	for _, f := range ed.Made {
		made[f.Name] = f
	}
	l := ed.Meta.Labels
	eds := make([]edition, len(ed.Months))
	for i, m := range ed.Months {
		e := edition{month: m, file: pageFile(m.Key), updated: lastDay(m, ed.Meta.Published)}
		e.itemsText = fmt.Sprintf("%d %s", m.Count(), counter.Fill(l.Items, m.Count()))
		for _, o := range r.downloads {
			if o.Scope == render.Monthly {
				if f, ok := made[o.FileName(m.Key)]; ok {
					e.links = append(e.links, fileLink(f))
				}
			}
		}
		eds[i] = e
	}
	// In an incremental build a month page made from the same inputs as
	// the last build's is kept as it was (unread where the build can,
	// render.Keep, else read back and put again), its body not rendered
	// again.
	reuse, _ := render.ReuseOf(w)
	keep, _ := render.KeepOf(w)
	keys := make([]string, len(eds))
	last := make([][]byte, len(eds))
	var reused map[news.MonthKey]bool
	if reuse != nil {
		reused = map[news.MonthKey]bool{}
		// What every page shows of the edition, hashed once.
		common, err := render.Key(pageKeyFormat, ed.Meta, ed.Cover)
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		for i, e := range eds {
			if keys[i], err = render.Key(common, e.file, e.month.Digest(), linkKey(e.links)); err != nil {
				return nil, fmt.Errorf("site: %w", err)
			}
			switch {
			case epub.ShowsImages(e.month):
				// Never reused: its images are put again from its body.
			case keep != nil:
				reused[e.month.Key] = keep.Unchanged(e.file, keys[i])
			default:
				last[i], reused[e.month.Key] = reuse.Previous(e.file, keys[i])
			}
		}
	}
	var whole []link
	for _, o := range r.downloads {
		if o.Scope == render.Collection {
			if f, ok := made[o.FileName(news.MonthKey{})]; ok {
				whole = append(whole, fileLink(f))
			}
		}
	}

	put := func(name string, data []byte) error {
		if err := files.Put(name, data); err != nil {
			return fmt.Errorf("site: %w", err)
		}
		return nil
	}
	if err := put(StyleFile, append(css, siteCSS...)); err != nil {
		return nil, err
	}
	var mast *masthead
	if img, alt, ok := r.book.Masthead(); ok {
		if err := put(img.Href, img.Data); err != nil {
			return nil, err
		}
		mast = &masthead{href: img.Href, alt: alt}
	}
	// The month pages, each put as its body is rendered and then let go;
	// the index and the feed, which show every month's title, after them.
	next := 0
	images, err := r.book.Pages(ctx, ed, func(m news.Month) bool { return !reused[m.Key] }, func(p epub.Page) error {
		i := next
		next++
		e := &eds[i]
		e.page = epub.Page{Key: p.Key, Title: p.Title}
		if reuse != nil {
			reuse.Record(e.file, keys[i])
		}
		if reused[e.month.Key] && keep != nil {
			return keep.Keep(e.file)
		}
		page := last[i]
		if !reused[e.month.Key] {
			e.page.Body = p.Body
			page = []byte(monthPage(ed, *e))
			e.page.Body = ""
		}
		return files.Put(e.file, page)
	})
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	for _, img := range images {
		if err := put(img.Href, img.Data); err != nil {
			return nil, err
		}
	}
	if err := put(IndexFile, []byte(indexPage(ed, eds, whole, mast))); err != nil {
		return nil, err
	}
	if err := put(FeedFile, []byte(feed(ed, eds))); err != nil {
		return nil, err
	}
	if err := put(CatalogueFile, []byte(catalogue(ed, eds, whole))); err != nil {
		return nil, err
	}
	return nil, nil
}

// pageFile is a month's page: "2020-06.html", "undated.html". The name is
// the month's, so a link to a month (and to an item's anchor in it)
// survives rebuilds.
func pageFile(k news.MonthKey) string { return k.String() + ".html" }

// lastDay is the date of a month's latest item, its Atom "updated"; an
// undated month takes the publication date.
func lastDay(m news.Month, published time.Time) time.Time {
	var last news.Date
	for _, t := range m.Types {
		for _, it := range t.Items {
			if last.Before(it.Date) {
				last = it.Date
			}
		}
	}
	if last.IsZero() {
		return published
	}
	return last.Time(published.Location())
}

func fileLink(f news.File) link {
	label := "EPUB"
	if f.MediaType == "application/pdf" {
		label = "PDF"
	}
	// The site is a folder of the output folder: the files are one up.
	return link{href: "../" + f.Name, label: label, mediaType: f.MediaType, bytes: f.Bytes}
}

// size words a file's size for people: "812 KB", "1.4 MB".
func size(l news.Labels, n int) string {
	if n < 1000*1000 {
		return fmt.Sprintf(l.SizeKB, strconv.Itoa((n+999)/1000))
	}
	s := strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64)
	return fmt.Sprintf(l.SizeMB, strings.Replace(s, ".", l.Decimal, 1))
}

func esc(s string) string { return html.EscapeString(s) }

// uuid is a urn:uuid derived from parts (RFC 9562 version 8), so the
// feed's and entries' ids stay the same from build to build.
func uuid(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%s\x00", p)
	}
	s := h.Sum(nil)[:16]
	s[6] = s[6]&0x0f | 0x80
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}
