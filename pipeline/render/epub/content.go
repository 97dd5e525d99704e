package epub

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
	"bulletin/pipeline/words"
)

// coverBody is the cover page: the cover picture alone, full page. Its
// words follow as text on the title page.
func coverBody(b *book) string {
	return fmt.Sprintf("<section class=\"cover-image\" epub:type=\"cover\">\n"+
		"<img src=\"../%s\" alt=\"%s\" role=\"doc-cover\" />\n</section>", coverImage, esc(coverAlt(b)))
}

// WriteCoverFacts writes what a cover says as of the publication date —
// the date, the clocks, the contact block, the counters — as paragraphs
// that read the same in XHTML and HTML; published labels the date. The
// EPUB's title page and the web edition's index share it.
func WriteCoverFacts(s *strings.Builder, c news.Cover, published string) {
	if c.Published != "" {
		fmt.Fprintf(s, "<p class=\"published\">%s %s</p>\n", esc(published), esc(c.Published))
	}
	if len(c.Clocks) > 0 {
		clocks := make([]string, len(c.Clocks))
		for i, k := range c.Clocks {
			clocks[i] = esc(k.Place + " " + k.Time)
		}
		fmt.Fprintf(s, "<p class=\"clocks\">%s</p>\n", strings.Join(clocks, " · "))
	}
	if len(c.Contact) > 0 {
		lines := make([]string, len(c.Contact))
		for i, l := range c.Contact {
			lines[i] = esc(l)
		}
		fmt.Fprintf(s, "<p class=\"contact\">%s</p>\n", strings.Join(lines, "<br />"))
	}
	for _, k := range c.Counters {
		fmt.Fprintf(s, "<p class=\"counter\">%s</p>\n", esc(k))
	}
}

// WriteMasthead writes the layout's crest, centred above the title as on
// the covers, for the EPUB title page and the web edition's index.
func WriteMasthead(s *strings.Builder, src, alt string) {
	fmt.Fprintf(s, "<p class=\"masthead\"><img src=\"%s\" alt=\"%s\" /></p>\n", esc(src), esc(alt))
}

// titleBody is the title page: the same words as the PDF cover, as text for
// screen readers, searching and small screens.
func titleBody(b *book) string {
	c := b.ed.Cover
	var s strings.Builder
	s.WriteString(`<section class="cover" epub:type="titlepage">` + "\n")
	if b.mastHref != "" {
		WriteMasthead(&s, "../"+b.mastHref, b.mastAlt)
	}
	if c.Publisher != "" {
		fmt.Fprintf(&s, "<p class=\"publisher\">%s</p>\n", esc(c.Publisher))
	}
	fmt.Fprintf(&s, "<h1>%s</h1>\n", esc(b.coverTitle))
	if c.Period != "" {
		fmt.Fprintf(&s, "<p class=\"period\">%s</p>\n", esc(c.Period))
	}
	WriteCoverFacts(&s, c, firstNonEmpty(b.ed.Meta.Labels.Published, "Published"))
	writeTally(&s, b)
	s.WriteString("</section>")
	return s.String()
}

// coverAlt describes the cover picture; its words are on the title page.
func coverAlt(b *book) string {
	parts := []string{}
	for _, p := range []string{b.ed.Cover.Publisher, b.coverTitle, b.ed.Cover.Period} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " — ")
}

func writeTally(s *strings.Builder, b *book) {
	c := b.ed.Cover
	if len(c.Tally) == 0 {
		return
	}
	s.WriteString("<table class=\"tally\">\n<tbody>\n")
	for _, t := range c.Tally {
		fmt.Fprintf(s, "<tr><td>%s</td><td>%s</td></tr>\n", esc(t.Name), words.Number(t.Count, b.lang))
	}
	s.WriteString("</tbody>\n</table>\n")
	fmt.Fprintf(s, "<p class=\"total\">%s</p>\n", esc(c.TotalText))
}

// monthBody is one month's file: month title, a heading per type, the items.
func (r *Renderer) monthBody(b *book, m month) (string, error) {
	// About its size at once, rather than grown by doubling (a megabyte
	// a month at 280 items): the XHTML of a body is a little longer than
	// its Markdown, and each item has a head of some 500 bytes.
	n := 0
	for _, t := range m.types {
		for _, it := range t.src.Items {
			n += len(it.Body)*9/8 + len(it.Title) + 512
		}
	}
	var s strings.Builder
	s.Grow(n)
	fmt.Fprintf(&s, "<h1>%s</h1>\n", esc(m.title))
	for _, t := range m.types {
		fmt.Fprintf(&s, "<section class=\"type\" id=\"%s\">\n<h2>%s</h2>\n", t.anchor, esc(t.name))
		for _, it := range t.src.Items {
			if err := r.writeItem(&s, b, t, it); err != nil {
				return "", err
			}
		}
		s.WriteString("</section>\n")
	}
	return s.String(), nil
}

func (r *Renderer) writeItem(s *strings.Builder, b *book, t typeGroup, it news.Item) error {
	body, err := r.md.XHTML([]byte(it.Body))
	if err != nil {
		return fmt.Errorf("epub: item %s: %w", it.ID, err)
	}
	fmt.Fprintf(s, "<section class=\"item\" id=\"%s\"%s>\n", esc(it.ID), langAttrs(it.LangOrGuess(), b.lang))
	fmt.Fprintf(s, "<h3>%s</h3>\n", esc(firstNonEmpty(it.Title, it.ID)))
	s.WriteString("<p class=\"meta\">")
	if !it.Date.IsZero() {
		fmt.Fprintf(s, "<time datetime=\"%s\">%s</time> · ", it.Date, esc(formatDate(it.Date, b.lang)))
	}
	fmt.Fprintf(s, "%s", esc(t.name))
	if len(it.Authors) > 0 {
		fmt.Fprintf(s, " · %s", esc(strings.Join(it.Authors, ", ")))
	}
	s.WriteString("</p>\n")
	if note := b.ed.Meta.Labels.DateNote(it, formatDate(it.Date, b.lang)); note != "" {
		fmt.Fprintf(s, "<p class=\"note\">%s</p>\n", esc(note))
	}
	if showSummary(it.Summary, it.Body) {
		fmt.Fprintf(s, "<p class=\"summary\">%s</p>\n", esc(strings.TrimSpace(it.Summary)))
	}
	s.WriteString(cleanBody(string(body), it.ID, func(src string) (string, bool) {
		href, ok := b.assets.localImage(it, src)
		return b.imagePrefix + href, ok
	}))
	writeItemLinks(s, b.ed.Meta.Labels, it)
	s.WriteString("</section>\n")
	return nil
}

// writeItemLinks writes, under the body, the item's tags and its link on
// the web, as the PDF does. They take the meta line's look (class "meta"),
// so the layout's CSS needs no new rule.
func writeItemLinks(s *strings.Builder, l news.Labels, it news.Item) {
	if len(it.Tags) > 0 {
		fmt.Fprintf(s, "<p class=\"meta tags\">%s: %s</p>\n", esc(firstNonEmpty(l.Tags, "Tags")), esc(strings.Join(it.Tags, ", ")))
	}
	if it.URL != "" {
		fmt.Fprintf(s, "<p class=\"meta online\"><a href=\"%s\">%s</a></p>\n", esc(it.URL), esc(firstNonEmpty(l.ReadOnline, "Read online")))
	}
}

// langAttrs marks an item written in another language than the book, so
// reading systems hyphenate and voice it correctly.
func langAttrs(lang, bookLang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" || strings.EqualFold(lang, bookLang) {
		return ""
	}
	return fmt.Sprintf(` xml:lang="%s" lang="%s"`, esc(lang), esc(lang))
}

// formatDate writes "6 July 2020", or "6 июля 2020" (genitive) in Russian.
func formatDate(d news.Date, lang string) string { return dates.Format(d, lang) }

// showSummary is false when the summary merely repeats the opening of the
// body (feeds often make the summary that way), so it is not read twice.
func showSummary(summary, body string) bool {
	sum := comparable(strings.TrimRight(strings.TrimSpace(summary), ".…"))
	if sum == "" {
		return false
	}
	return !strings.HasPrefix(comparable(body), sum)
}

// comparable strips Markdown punctuation and collapses spaces.
func comparable(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune("*_`#>", r) {
			return -1
		}
		return r
	}, s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

var (
	headingTag = regexp.MustCompile(`<(/?)h([1-6])\b`)
	idAttr     = regexp.MustCompile(` id="([^"]*)"`)
	imgTag     = regexp.MustCompile(`<img\b[^>]*>`)
	cellAlign  = regexp.MustCompile(`<(th|td) align="(left|center|right)"`)
	imgAttr    = regexp.MustCompile(`\s(src|alt)="([^"]*)"`)
	anchorOpen = regexp.MustCompile(`<a href="([^"]*)"[^>]*>`)
	tagRe      = regexp.MustCompile(`<[^>]*>`)
	noteHref   = regexp.MustCompile(` href="#(fn(?:ref)?-[0-9]+(?:-[0-9]+)?)"`)
	noteLink   = regexp.MustCompile(`\brole="doc-(?:noteref|backlink)"`)
)

// cleanBody fits the converter's fragment into a section of many items.
// Raw HTML is off, so every tag matched here was written by goldmark, and
// literal text never contains an unescaped '<' or '"'.
// local resolves an image's src to a file copied into the book.
//
// Each step is skipped when the body lacks the text its pattern starts
// with: most bodies are plain paragraphs, and a regular expression copies
// the whole body even when it matches nothing (a build cleans every item
// once for each book and page that shows it).
func cleanBody(body, itemID string, local func(src string) (string, bool)) string {
	body = stripInvalidXMLChars(body)
	// Item headings are h3: body headings go below them, without a gap
	// even when a body starts at "##" or jumps a level.
	if strings.Contains(body, "<h") || strings.Contains(body, "</h") {
		body = bodyHeadings(body)
	}
	// Heading ids repeat from item to item ("background"): scope them.
	if strings.Contains(body, ` id="`) {
		body = idAttr.ReplaceAllString(body, ` id="`+itemID+`-$1"`)
	}
	// So are the footnotes' links to them (markup writes fn-N, fnref-N):
	// two items' [^1] must not meet in a book or a web page.
	if strings.Contains(body, ` href="#fn`) {
		body = noteHref.ReplaceAllString(body, ` href="#`+itemID+`-$1"`)
	}
	// GFM column alignment: HTML5 has no align attribute (EPUBCheck RSC-005).
	if strings.Contains(body, ` align="`) {
		body = cellAlign.ReplaceAllString(body, `<$1 style="text-align: $2"`)
	}
	if strings.Contains(body, "<img") {
		body = images(body, local)
	}
	if !strings.Contains(body, `<a href="`) {
		return body
	}
	return unwrapLocalLinks(body)
}

// bodyHeadings renumbers a body's headings below the item's h3 without
// gaps (Ace's heading-order; a body that starts at "###" or jumps from "#"
// to "###" would otherwise go from h3 to h5): each level present becomes
// the next free one, never more than one below the heading before it.
func bodyHeadings(body string) string {
	var present [7]bool
	for _, m := range headingTag.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[2])
		present[n] = true
	}
	var rank [7]int // source level → 0, 1, 2… among the levels present
	k := 0
	for n := 1; n <= 6; n++ {
		if present[n] {
			rank[n] = k
			k++
		}
	}
	prev, open := 3, 4
	return headingTag.ReplaceAllStringFunc(body, func(m string) string {
		sub := headingTag.FindStringSubmatch(m)
		if sub[1] == "/" {
			return "</h" + strconv.Itoa(open)
		}
		n, _ := strconv.Atoi(sub[2])
		open = min(4+rank[n], prev+1, 6)
		prev = open
		return "<h" + strconv.Itoa(open)
	})
}

// images keeps an image whose file is copied into the book, with only its
// src and alt; any other (remote, data:, outside the sources folder,
// missing) would be a remote or missing resource (EPUBCheck RSC-006/007)
// and becomes its alt text, linked to a remote picture when not already
// inside a link.
func images(body string, local func(src string) (string, bool)) string {
	var out strings.Builder
	last := 0
	for _, loc := range imgTag.FindAllStringIndex(body, -1) {
		tag := body[loc[0]:loc[1]]
		var src, alt string
		for _, m := range imgAttr.FindAllStringSubmatch(tag, -1) {
			if m[1] == "src" {
				src = m[2]
			} else {
				alt = m[2]
			}
		}
		out.WriteString(body[last:loc[0]])
		last = loc[1]
		if href, ok := local(src); ok {
			fmt.Fprintf(&out, "<img src=\"%s\" alt=\"%s\" />", esc(href), alt)
			continue
		}
		inLink := strings.LastIndex(body[:loc[0]], "<a ") > strings.LastIndex(body[:loc[0]], "</a>")
		if isWeb(html.UnescapeString(src)) && !inLink {
			text := alt
			if strings.TrimSpace(text) == "" {
				text = src
			}
			fmt.Fprintf(&out, "<span class=\"image-alt\"><a href=\"%s\">%s</a></span>", src, text)
			continue
		}
		fmt.Fprintf(&out, "<span class=\"image-alt\">%s</span>", alt)
	}
	out.WriteString(body[last:])
	return out.String()
}

func isWeb(href string) bool {
	h := strings.ToLower(strings.TrimSpace(href))
	return strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://")
}

// unwrapLocalLinks keeps links to the web and mail, and turns any other
// link (relative paths of the source site, fragments) into plain text:
// their targets are not in the book. Footnote links stay: their targets
// are in the same section. Anchors never nest in goldmark output.
func unwrapLocalLinks(body string) string {
	var out strings.Builder
	for {
		loc := anchorOpen.FindStringSubmatchIndex(body)
		if loc == nil {
			out.WriteString(body)
			return out.String()
		}
		href := html.UnescapeString(body[loc[2]:loc[3]])
		end := strings.Index(body[loc[1]:], "</a>")
		if isExternal(href) || end < 0 || noteLink.MatchString(body[loc[0]:loc[1]]) {
			out.WriteString(body[:loc[1]])
			body = body[loc[1]:]
			if end >= 0 && !hasName(body[:end]) {
				// A link with no words (an image without alt text, "[](…)")
				// says nothing to a screen reader (Ace's link-name): it
				// gets its address as its text.
				out.WriteString(esc(href))
			}
			continue
		}
		out.WriteString(body[:loc[0]])
		out.WriteString(body[loc[1] : loc[1]+end])
		body = body[loc[1]+end+len("</a>"):]
	}
}

// hasName says whether a link's content gives it a name: words, or an
// image with alt text.
func hasName(inner string) bool {
	if strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(inner, ""))) != "" {
		return true
	}
	for _, img := range imgTag.FindAllString(inner, -1) {
		for _, m := range imgAttr.FindAllStringSubmatch(img, -1) {
			if m[1] == "alt" && strings.TrimSpace(m[2]) != "" {
				return true
			}
		}
	}
	return false
}

func isExternal(href string) bool {
	h := strings.ToLower(strings.TrimSpace(href))
	return strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "mailto:")
}

// esc escapes text for XHTML with the five XML escapes only (never named
// HTML entities, which are fatal in EPUB) and drops characters XML forbids.
func esc(s string) string { return html.EscapeString(stripInvalidXMLChars(s)) }

func stripInvalidXMLChars(s string) string {
	if xmlClean(s) {
		return s // nearly every string: no copy, no call per rune
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, s)
}

// checkWellFormed parses doc strictly: unknown entities and bad nesting fail.
func checkWellFormed(doc string) error {
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// xmlClean says whether stripInvalidXMLChars would return s unchanged:
// valid UTF-8 (strings.Map would turn a bad byte into U+FFFD), no control
// character but tab, newline and carriage return, no U+FFFE or U+FFFF.
func xmlClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return false
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF):
			return false
		}
	}
	return utf8.ValidString(s)
}
