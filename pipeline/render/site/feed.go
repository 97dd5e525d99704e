package site

import (
	"fmt"
	"strings"
	"time"

	"bulletin/pipeline/news"
)

// The Atom feed has an entry per edition, so subscribers learn of a new
// month's bulletin; the OPDS catalogue is the same feed shaped for e-reader
// apps (KOReader, Thorium, Calibre): an acquisition link per file. Both
// use relative links, resolved against the feed's own address (RFC 4287
// §2, xml:base absent), so they work wherever the folder is published.

const opdsAcquisition = "http://opds-spec.org/acquisition"

// feedHead opens an Atom document; kind is the self link's media type.
func feedHead(ed news.Edition, eds []edition, self, kind, extraNS string) string {
	var s strings.Builder
	s.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
	fmt.Fprintf(&s, "<feed xmlns=\"http://www.w3.org/2005/Atom\"%s xml:lang=\"%s\">\n", extraNS, esc(firstNonEmpty(ed.Meta.Lang, "en")))
	fmt.Fprintf(&s, "<id>%s</id>\n", uuid(ed.Cover.Publisher, siteTitle(ed), self))
	fmt.Fprintf(&s, "<title>%s</title>\n", esc(siteTitle(ed)))
	fmt.Fprintf(&s, "<updated>%s</updated>\n", stamp(feedUpdated(ed, eds)))
	fmt.Fprintf(&s, "<author><name>%s</name></author>\n", esc(author(ed)))
	fmt.Fprintf(&s, "<link rel=\"self\" type=\"%s\" href=\"%s\"/>\n", esc(kind), self)
	return s.String()
}

func feed(ed news.Edition, eds []edition) string {
	var s strings.Builder
	s.WriteString(feedHead(ed, eds, FeedFile, atomType, ""))
	fmt.Fprintf(&s, "<link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n", IndexFile)
	for i := len(eds) - 1; i >= 0; i-- {
		e := eds[i]
		s.WriteString("<entry>\n")
		writeEntryHead(&s, ed, e)
		for _, k := range e.links {
			fmt.Fprintf(&s, "<link rel=\"enclosure\" type=\"%s\" length=\"%d\" href=\"%s\"/>\n", esc(k.mediaType), k.bytes, esc(k.href))
		}
		s.WriteString("</entry>\n")
	}
	s.WriteString("</feed>\n")
	return s.String()
}

func catalogue(ed news.Edition, eds []edition, whole []link) string {
	var s strings.Builder
	s.WriteString(feedHead(ed, eds, CatalogueFile, catalogueType, ` xmlns:dc="http://purl.org/dc/terms/" xmlns:opds="http://opds-spec.org/2010/catalog"`))
	fmt.Fprintf(&s, "<link rel=\"start\" type=\"%s\" href=\"%s\"/>\n", esc(catalogueType), CatalogueFile)
	lang := esc(firstNonEmpty(ed.Meta.Lang, "en"))
	if len(whole) > 0 {
		s.WriteString("<entry>\n")
		fmt.Fprintf(&s, "<title>%s</title>\n", esc(firstNonEmpty(ed.Meta.Title, siteTitle(ed))))
		fmt.Fprintf(&s, "<id>%s</id>\n", uuid(ed.Cover.Publisher, siteTitle(ed), "collection"))
		fmt.Fprintf(&s, "<updated>%s</updated>\n", stamp(feedUpdated(ed, eds)))
		fmt.Fprintf(&s, "<author><name>%s</name></author>\n", esc(author(ed)))
		fmt.Fprintf(&s, "<dc:language>%s</dc:language>\n", lang)
		fmt.Fprintf(&s, "<summary>%s</summary>\n", esc(ed.Cover.Period+": "+ed.Cover.TotalText))
		for _, k := range whole {
			writeAcquisition(&s, k)
		}
		s.WriteString("</entry>\n")
	}
	for i := len(eds) - 1; i >= 0; i-- {
		e := eds[i]
		if len(e.links) == 0 {
			continue // an OPDS entry offers something to download
		}
		s.WriteString("<entry>\n")
		writeEntryHead(&s, ed, e)
		fmt.Fprintf(&s, "<dc:language>%s</dc:language>\n", lang)
		if e.month.Key.Year != 0 {
			fmt.Fprintf(&s, "<dc:issued>%s</dc:issued>\n", e.month.Key)
		}
		for _, k := range e.links {
			writeAcquisition(&s, k)
		}
		s.WriteString("</entry>\n")
	}
	s.WriteString("</feed>\n")
	return s.String()
}

// writeEntryHead writes what both documents say of an edition: id, title,
// updated, author, its page and a summary of its items by type.
func writeEntryHead(s *strings.Builder, ed news.Edition, e edition) {
	fmt.Fprintf(s, "<title>%s</title>\n", esc(e.page.Title))
	fmt.Fprintf(s, "<id>%s</id>\n", uuid(ed.Cover.Publisher, siteTitle(ed), e.month.Key.String()))
	fmt.Fprintf(s, "<updated>%s</updated>\n", stamp(e.updated))
	fmt.Fprintf(s, "<author><name>%s</name></author>\n", esc(author(ed)))
	fmt.Fprintf(s, "<link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n", esc(e.file))
	parts := make([]string, 0, len(e.month.Types))
	for _, t := range e.month.Types {
		parts = append(parts, fmt.Sprintf("%s %d", firstNonEmpty(t.Name, t.Type), len(t.Items)))
	}
	fmt.Fprintf(s, "<summary>%s</summary>\n", esc(e.itemsText+": "+strings.Join(parts, ", ")))
}

func writeAcquisition(s *strings.Builder, k link) {
	fmt.Fprintf(s, "<link rel=\"%s\" type=\"%s\" href=\"%s\"/>\n", opdsAcquisition, esc(k.mediaType), esc(k.href))
}

// feedUpdated is the publication date, or a later edition's date.
func feedUpdated(ed news.Edition, eds []edition) time.Time {
	t := ed.Meta.Published
	for _, e := range eds {
		if e.updated.After(t) {
			t = e.updated
		}
	}
	return t
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

func author(ed news.Edition) string {
	return firstNonEmpty(ed.Meta.Author, ed.Cover.Publisher, siteTitle(ed))
}
