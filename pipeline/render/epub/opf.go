package epub

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"

	"bulletin/pipeline/words"
)

// opfIn is the part of go-epub's package file that is kept: what files exist
// and the reading order. Metadata is regenerated from the edition.
type opfIn struct {
	Manifest []opfItem `xml:"manifest>item"`
	Spine    struct {
		Toc   string       `xml:"toc,attr"`
		Items []opfItemref `xml:"itemref"`
	} `xml:"spine"`
}

type opfItemref struct {
	IDRef  string `xml:"idref,attr"`
	Linear string `xml:"linear,attr"`
}

type opfItem struct {
	ID         string `xml:"id,attr"`
	Href       string `xml:"href,attr"`
	MediaType  string `xml:"media-type,attr"`
	Properties string `xml:"properties,attr"`
}

// packageDocument rewrites go-epub's package.opf: reproducible modification
// date, the Dublin Core fields go-epub has no API for, and a manifest sorted
// by id (go-epub's follows map iteration).
func packageDocument(raw []byte, b *book) (string, error) {
	var in opfIn
	if err := xml.Unmarshal(raw, &in); err != nil {
		return "", fmt.Errorf("epub: parse package.opf: %w", err)
	}
	if len(in.Manifest) == 0 || len(in.Spine.Items) == 0 {
		return "", fmt.Errorf("epub: package.opf from go-epub has an empty manifest or spine")
	}
	for _, r := range b.assets.sorted() {
		in.Manifest = append(in.Manifest, opfItem{ID: r.id, Href: r.href, MediaType: r.mediaType, Properties: r.properties})
	}
	sort.Slice(in.Manifest, func(i, j int) bool { return in.Manifest[i].ID < in.Manifest[j].ID })
	in.Spine.Items = withNavInSpine(in.Spine.Items, in.Manifest)

	var s strings.Builder
	s.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&s, "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" xml:lang=\"%s\">\n", esc(b.lang))
	writeMetadata(&s, b)
	s.WriteString("  <manifest>\n")
	for _, it := range in.Manifest {
		fmt.Fprintf(&s, "    <item id=\"%s\" href=\"%s\" media-type=\"%s\"", esc(it.ID), esc(it.Href), esc(it.MediaType))
		if it.Properties != "" {
			fmt.Fprintf(&s, " properties=\"%s\"", esc(it.Properties))
		}
		s.WriteString(" />\n")
	}
	s.WriteString("  </manifest>\n")
	fmt.Fprintf(&s, "  <spine toc=\"%s\">\n", esc(firstNonEmpty(in.Spine.Toc, "ncx")))
	for _, ref := range in.Spine.Items {
		fmt.Fprintf(&s, "    <itemref idref=\"%s\"", esc(ref.IDRef))
		if ref.Linear != "" {
			fmt.Fprintf(&s, " linear=\"%s\"", esc(ref.Linear))
		}
		s.WriteString(" />\n")
	}
	s.WriteString("  </spine>\n")
	// EPUB 2's guide, which Calibre still reads to find the cover page
	// (without it, it makes a cover page of its own: the cover twice).
	fmt.Fprintf(&s, "  <guide>\n    <reference type=\"cover\" title=\"%s\" href=\"%s\" />\n  </guide>\n",
		esc(firstNonEmpty(b.ed.Meta.Labels.Cover, words.Labels(b.lang).Cover)), xhtmlDir+coverFile)
	s.WriteString("</package>\n")
	return s.String(), nil
}

// withNavInSpine puts the navigation document after the cover and the title
// page, before the months: the landmarks link to it, and EPUBCheck rejects
// links to documents outside the spine (RSC-011). It also gives readers a
// contents page, as the PDF has.
func withNavInSpine(spine []opfItemref, manifest []opfItem) []opfItemref {
	navID := ""
	for _, it := range manifest {
		if it.Properties == "nav" {
			navID = it.ID
		}
	}
	if navID == "" {
		return spine
	}
	at := 0
	for i, ref := range spine {
		if ref.IDRef == navID {
			return spine
		}
		if ref.IDRef == coverFile || ref.IDRef == titleFile {
			at = i + 1
		}
	}
	out := append([]opfItemref{}, spine[:at]...)
	out = append(out, opfItemref{IDRef: navID})
	return append(out, spine[at:]...)
}

func writeMetadata(s *strings.Builder, b *book) {
	stamp := b.ed.Meta.Published.UTC().Format("2006-01-02T15:04:05Z")
	// dc:date is the day of publication where the publisher is: readers
	// show the date part of an instant in UTC, a day early east of it.
	day := b.ed.Meta.Published.Format("2006-01-02")
	s.WriteString("  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n")
	fmt.Fprintf(s, "    <dc:identifier id=\"pub-id\">%s</dc:identifier>\n", esc(b.identifier))
	fmt.Fprintf(s, "    <dc:title>%s</dc:title>\n", esc(b.title))
	fmt.Fprintf(s, "    <dc:language>%s</dc:language>\n", esc(b.lang))
	if b.author != "" {
		fmt.Fprintf(s, "    <dc:creator id=\"creator\">%s</dc:creator>\n", esc(b.author))
		s.WriteString("    <meta refines=\"#creator\" property=\"role\" scheme=\"marc:relators\">aut</meta>\n")
		// The creator is an organisation: sorted as written, not by a
		// "surname" (Calibre's author sort would be "Kingdom, Embassy …").
		fmt.Fprintf(s, "    <meta refines=\"#creator\" property=\"file-as\">%s</meta>\n", esc(b.author))
		fmt.Fprintf(s, "    <dc:publisher>%s</dc:publisher>\n", esc(b.author))
	}
	fmt.Fprintf(s, "    <dc:date>%s</dc:date>\n", day)
	for _, subj := range b.subjects {
		fmt.Fprintf(s, "    <dc:subject>%s</dc:subject>\n", esc(subj))
	}
	if b.description != "" {
		fmt.Fprintf(s, "    <dc:description>%s</dc:description>\n", esc(b.description))
	}
	fmt.Fprintf(s, "    <meta property=\"dcterms:modified\">%s</meta>\n", stamp)
	writeAccessibility(s, b)
	// EPUB 2 reading systems find the cover image by this name.
	fmt.Fprintf(s, "    <meta name=\"cover\" content=\"%s\" />\n", coverID)
	s.WriteString("  </metadata>\n")
}

// writeAccessibility declares how the book can be read (schema.org
// accessibility properties, as EPUB Accessibility 1.1 asks): it is text
// with structural navigation, and every picture has a text alternative —
// the cover's words are on the title page as text too.
func writeAccessibility(s *strings.Builder, b *book) {
	meta := func(prop, value string) {
		fmt.Fprintf(s, "    <meta property=\"schema:%s\">%s</meta>\n", prop, esc(value))
	}
	meta("accessMode", "textual")
	meta("accessMode", "visual") // the cover image, and any copied picture
	meta("accessModeSufficient", "textual")
	for _, f := range []string{"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"} {
		meta("accessibilityFeature", f)
	}
	meta("accessibilityHazard", "none")
	meta("accessibilitySummary", firstNonEmpty(b.ed.Meta.Labels.AccessibilitySummary, words.Labels(b.lang).AccessibilitySummary))
	// The conformance claim of EPUB Accessibility 1.1, and who makes it:
	// the publisher, on the strength of the checks the tests run on every
	// build's kind of book (Ace by DAISY: 0 violations; EPUBCheck: 0
	// errors, 0 warnings). a11y: and dcterms: are reserved prefixes.
	s.WriteString("    <meta property=\"dcterms:conformsTo\" id=\"conformance\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>\n")
	fmt.Fprintf(s, "    <meta property=\"a11y:certifiedBy\" refines=\"#conformance\">%s</meta>\n", esc(firstNonEmpty(b.author, "bulletin")))
}
