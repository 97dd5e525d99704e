package epub

import (
	"fmt"
	"strings"

	"bulletin/pipeline/words"
)

// navEntry is one node of the month → type → item tree, shared by the
// EPUB 3 navigation document and the NCX.
type navEntry struct {
	label    string
	href     string // relative to EPUB/
	children []navEntry
}

// navTree starts with the title page, the one front-matter page after which
// the contents come (the cover is in the landmarks), so that the table is
// never empty and the NCX play order follows the spine.
// Made once a book: the nav key and the two documents all walk it.
func navTree(b *book) []navEntry {
	if b.tree != nil {
		return b.tree
	}
	tree := []navEntry{{label: b.coverTitle, href: xhtmlDir + titleFile}}
	for _, m := range b.months {
		me := navEntry{label: m.title, href: xhtmlDir + m.file}
		for _, t := range m.types {
			te := navEntry{label: t.name, href: me.href + "#" + t.anchor}
			for _, it := range t.src.Items {
				te.children = append(te.children, navEntry{
					label: firstNonEmpty(it.Title, it.ID),
					href:  me.href + "#" + it.ID,
				})
			}
			me.children = append(me.children, te)
		}
		tree = append(tree, me)
	}
	b.tree = tree
	return tree
}

// navDocument replaces go-epub's flat nav.xhtml (hard-coded English heading,
// no xml:lang) with the nested table of contents and the landmarks.
func navDocument(b *book) string {
	var s strings.Builder
	s.WriteString(xhtmlStart(b.lang, b.contents, "css/"+cssFile))
	fmt.Fprintf(&s, "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\">\n<h1>%s</h1>\n", esc(b.contents))
	writeNavList(&s, navTree(b), 0)
	s.WriteString("</nav>\n")
	writeLandmarks(&s, b)
	s.WriteString("</body>\n</html>\n")
	return s.String()
}

func writeNavList(s *strings.Builder, entries []navEntry, depth int) {
	// An empty <ol> is invalid in a nav document: omit it.
	if len(entries) == 0 {
		return
	}
	indent := strings.Repeat("  ", depth)
	s.WriteString(indent + "<ol>\n")
	for _, e := range entries {
		fmt.Fprintf(s, "%s  <li><a href=\"%s\">%s</a>", indent, esc(e.href), esc(e.label))
		if len(e.children) > 0 {
			s.WriteString("\n")
			writeNavList(s, e.children, depth+2)
			s.WriteString(indent + "  ")
		}
		s.WriteString("</li>\n")
	}
	s.WriteString(indent + "</ol>\n")
}

func writeLandmarks(s *strings.Builder, b *book) {
	s.WriteString("<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<ol>\n")
	// Editions made without a full set of labels get the book language's.
	cover := firstNonEmpty(b.ed.Meta.Labels.Cover, words.Labels(b.lang).Cover)
	title := firstNonEmpty(b.ed.Meta.Labels.TitlePage, words.Labels(b.lang).TitlePage)
	fmt.Fprintf(s, "  <li><a epub:type=\"cover\" href=\"%s\">%s</a></li>\n", xhtmlDir+coverFile, esc(cover))
	fmt.Fprintf(s, "  <li><a epub:type=\"titlepage\" href=\"%s\">%s</a></li>\n", xhtmlDir+titleFile, esc(title))
	fmt.Fprintf(s, "  <li><a epub:type=\"toc\" href=\"%s#toc\">%s</a></li>\n", navFile, esc(b.contents))
	if len(b.months) > 0 {
		m := b.months[0]
		fmt.Fprintf(s, "  <li><a epub:type=\"bodymatter\" href=\"%s\">%s</a></li>\n", xhtmlDir+m.file, esc(m.title))
	}
	s.WriteString("</ol>\n</nav>\n")
}

// xhtmlStart opens an XHTML document with its language declared.
func xhtmlStart(lang, title, css string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n<!DOCTYPE html>\n" +
		`<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"` +
		fmt.Sprintf(" xml:lang=\"%s\" lang=\"%s\">\n", esc(lang), esc(lang)) +
		fmt.Sprintf("<head>\n<title>%s</title>\n", esc(title)) +
		fmt.Sprintf("<link rel=\"stylesheet\" type=\"text/css\" href=\"%s\" />\n</head>\n<body>\n", esc(css))
}

// ncxDocument is the EPUB 2 table of contents with the same nesting, for
// older reading systems; go-epub's is flat and names its uid meta wrongly.
func ncxDocument(b *book) string {
	tree := navTree(b)
	var s strings.Builder
	s.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&s, "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"%s\">\n", esc(b.lang))
	s.WriteString("<head>\n")
	fmt.Fprintf(&s, "  <meta name=\"dtb:uid\" content=\"%s\" />\n", esc(b.identifier))
	fmt.Fprintf(&s, "  <meta name=\"dtb:depth\" content=\"%d\" />\n", max(treeDepth(tree), 1))
	s.WriteString("  <meta name=\"dtb:totalPageCount\" content=\"0\" />\n  <meta name=\"dtb:maxPageNumber\" content=\"0\" />\n</head>\n")
	fmt.Fprintf(&s, "<docTitle><text>%s</text></docTitle>\n", esc(b.title))
	if b.author != "" {
		fmt.Fprintf(&s, "<docAuthor><text>%s</text></docAuthor>\n", esc(b.author))
	}
	s.WriteString("<navMap>\n")
	order := 0
	writeNavPoints(&s, tree, 1, &order)
	s.WriteString("</navMap>\n</ncx>\n")
	return s.String()
}

func writeNavPoints(s *strings.Builder, entries []navEntry, depth int, order *int) {
	indent := strings.Repeat("  ", depth)
	for _, e := range entries {
		*order++
		fmt.Fprintf(s, "%s<navPoint id=\"np%d\" playOrder=\"%d\">\n", indent, *order, *order)
		fmt.Fprintf(s, "%s  <navLabel><text>%s</text></navLabel>\n", indent, esc(e.label))
		fmt.Fprintf(s, "%s  <content src=\"%s\" />\n", indent, esc(e.href))
		writeNavPoints(s, e.children, depth+1, order)
		fmt.Fprintf(s, "%s</navPoint>\n", indent)
	}
}

func treeDepth(entries []navEntry) int {
	d := 0
	for _, e := range entries {
		d = max(d, 1+treeDepth(e.children))
	}
	return d
}
