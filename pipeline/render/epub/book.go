package epub

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"bulletin/pipeline/news"
)

// File names inside EPUB/ as go-epub lays them out.
const (
	cssFile   = "epub.css"
	coverFile = "cover.xhtml"
	titleFile = "title.xhtml"
	navFile   = "nav.xhtml"
	ncxFile   = "toc.ncx"
	xhtmlDir  = "xhtml/"
)

// book is the edition resolved into everything the EPUB files share: names,
// anchors and metadata, computed once so content, nav, NCX and package file
// cannot disagree.
type book struct {
	ed          news.Edition
	title       string
	coverTitle  string
	lang        string
	author      string
	description string
	identifier  string
	contents    string // heading of the table of contents
	subjects    []string
	months      []month
	assets      *assets // images and fonts added to EPUB/, by href
	rawHTML     bool    // raw HTML from the sources may be in the documents
	// imagePrefix leads an image's href from the month documents to
	// images/: "../" in the book (xhtml/ is beside images/), "" on the web.
	imagePrefix string
	// mastHref and mastAlt are the layout's crest (its href relative to
	// EPUB/) and its alt text; "" when there is none.
	mastHref, mastAlt string
	// navKept: the nav and NCX are copied from the last build's book,
	// which has them as this one would write them (keepNavigation).
	navKept bool
	tree    []navEntry // the contents (navTree), once made
}

type month struct {
	src   news.Month
	file  string // "m2020-06.xhtml"
	title string
	types []typeGroup
}

type typeGroup struct {
	src    news.TypeGroup
	anchor string // "m2020-06-statement"
	name   string
}

func newBook(ed news.Edition) (*book, error) {
	b, err := newMonths(ed)
	if err != nil {
		return nil, err
	}
	b.identifier = identifier(ed)
	if tags := fewTags(ed); len(tags) > 0 {
		b.subjects = news.Distinct(b.subjects, tags) // a tag "News" is not said twice
	}
	b.description = description(b)
	return b, nil
}

// newMonths is a book of ed's months without the package's metadata
// (identifier, description): what the web edition's pages need. The
// identifier hashes every item's ID, date and title.
func newMonths(ed news.Edition) (*book, error) {
	b := &book{
		ed:          ed,
		title:       firstNonEmpty(ed.Meta.Title, ed.Cover.Title, "Bulletin"),
		lang:        firstNonEmpty(ed.Meta.Lang, "en"),
		author:      strings.TrimSpace(ed.Meta.Author),
		contents:    firstNonEmpty(ed.Meta.Labels.Contents, "Contents"),
		assets:      newAssets(),
		imagePrefix: "../",
	}
	b.coverTitle = firstNonEmpty(ed.Cover.Title, b.title)
	seenItem := map[string]bool{}
	seenSubject := map[string]bool{}
	for _, m := range ed.Months {
		bm, err := newMonth(ed, m)
		if err != nil {
			return nil, err
		}
		for _, t := range bm.types {
			if !seenSubject[t.name] {
				seenSubject[t.name] = true
				b.subjects = append(b.subjects, t.name)
			}
			for _, it := range t.src.Items {
				// Item IDs become element ids; a repeat would make an invalid document.
				if seenItem[it.ID] {
					return nil, fmt.Errorf("epub: item id %q occurs twice", it.ID)
				}
				seenItem[it.ID] = true
			}
		}
		b.months = append(b.months, bm)
	}
	return b, nil
}

// maxSubjectTags is how many distinct tags an edition may have for them to
// be its subjects: a few describe a book; dozens are noise on its card.
const maxSubjectTags = 10

// fewTags is the edition's distinct tags in reading order, or none when
// there are more than maxSubjectTags.
func fewTags(ed news.Edition) []string {
	var tags [][]string
	for _, m := range ed.Months {
		for _, t := range m.Types {
			for _, it := range t.Items {
				tags = append(tags, it.Tags)
			}
		}
	}
	all := news.Distinct(tags...)
	if len(all) > maxSubjectTags {
		return nil
	}
	return all
}

func newMonth(ed news.Edition, m news.Month) (month, error) {
	prefix := "m" + m.Key.String() // never starts with a digit: it is also a manifest id
	if m.Key == (news.MonthKey{}) {
		prefix = "undated"
	}
	bm := month{
		src:   m,
		file:  prefix + ".xhtml",
		title: firstNonEmpty(m.Title, undatedOr(ed, m.Key)),
	}
	seen := map[string]bool{}
	for _, t := range m.Types {
		anchor := prefix + "-" + idPart(firstNonEmpty(t.Type, t.Name, "type"))
		if seen[anchor] {
			return month{}, fmt.Errorf("epub: month %s has type %q twice", m.Key, t.Type)
		}
		seen[anchor] = true
		for _, it := range t.Items {
			if it.ID == "" {
				return month{}, fmt.Errorf("epub: item %q has no id", it.Title)
			}
		}
		bm.types = append(bm.types, typeGroup{src: t, anchor: anchor, name: firstNonEmpty(t.Name, t.Type)})
	}
	return bm, nil
}

func undatedOr(ed news.Edition, k news.MonthKey) string {
	if k == (news.MonthKey{}) {
		return firstNonEmpty(ed.Meta.Labels.Undated, "Undated")
	}
	return k.String()
}

// identifier is a urn:uuid derived from every item's ID, date and title, so
// the same collection keeps its identifier from build to build. The hash is
// shaped as an RFC 9562 version 8 (custom) UUID.
func identifier(ed news.Edition) string {
	// The bytes fmt's "%s\x00%s\x00%s\x00" wrote for each item, hashed in
	// chunks: a collection names every item of the archive here, a hash
	// written in small pieces costs more than the writing, and the whole
	// archive's names gathered at once were megabytes to allocate.
	const chunk = 32 << 10
	h := sha256.New()
	buf := make([]byte, 0, chunk)
	for _, m := range ed.Months {
		for _, t := range m.Types {
			for _, it := range t.Items {
				buf = append(append(buf, it.ID...), 0)
				buf = append(append(buf, it.Date.String()...), 0)
				buf = append(append(buf, it.Title...), 0)
				if len(buf) >= chunk {
					h.Write(buf)
					buf = buf[:0]
				}
			}
		}
	}
	h.Write(buf)
	s := h.Sum(nil)[:16]
	s[6] = s[6]&0x0f | 0x80 // version 8
	s[8] = s[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// description is the book's card in a reader: the period and the number
// of items by type ("June 2020 — Statements 1, Speeches 2"), short enough
// for a card (the titles are in the contents; a list of every title was
// 67,815 characters on 1,000 items, imported by Calibre as comments).
func description(b *book) string {
	head := strings.TrimSpace(b.ed.Cover.Period)
	if head == "" {
		head = b.title
	}
	counts := map[string]int{}
	var order []string
	total := 0 // items
	for _, m := range b.months {
		for _, t := range m.types {
			if _, ok := counts[t.name]; !ok {
				order = append(order, t.name)
			}
			counts[t.name] += len(t.src.Items)
			total += len(t.src.Items)
		}
	}
	if total == 0 {
		return head
	}
	parts := make([]string, 0, len(order))
	for _, name := range order {
		parts = append(parts, fmt.Sprintf("%s %d", name, counts[name]))
	}
	return head + " — " + strings.Join(parts, ", ")
}

// idPart reduces a type key to characters safe in an XML id.
func idPart(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			sb.WriteRune(r)
		default:
			sb.WriteByte('-')
		}
	}
	return sb.String()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if t := strings.TrimSpace(s); t != "" {
			return t
		}
	}
	return ""
}
