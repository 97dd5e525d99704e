package site

import (
	"fmt"
	"strings"

	"bulletin/pipeline/news"
	"bulletin/pipeline/render/epub"
)

// siteCSS follows the book's style sheet: the few rules the site's own
// markup needs, and the responsive ones (the book's margins are a reading
// system's; a browser window can be a phone or a wide screen).
const siteCSS = `
/* Added by bulletin for the web edition. */
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { max-width: 46em; margin: 0 auto; padding: 0 1em 2em; }
img { max-width: 100%; height: auto; }
a { color: #7a1f2b; }
a:focus { outline: 2px solid #7a1f2b; outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { position: static; display: inline-block; padding: 0.4em 0.8em; background: #fff; }
header.site { border-bottom: 1px solid #b9b2a6; padding: 0.6em 0; display: flex; flex-wrap: wrap; gap: 0 1em; align-items: baseline; justify-content: space-between; }
header.site p { margin: 0; text-align: left; }
header.site .site-title { font-family: "PT Sans", Arial, sans-serif; font-weight: bold; }
footer.site { border-top: 1px solid #b9b2a6; margin-top: 2em; padding-top: 0.6em; font-size: 0.9em; }
footer.site p { text-align: left; }
ul.downloads, ul.tally, ul.editions { list-style: none; padding: 0; margin: 0 0 0.6em; }
ul.downloads li, ul.tally li { display: inline-block; margin-right: 1em; }
ul.editions > li { margin-bottom: 1.2em; }
ul.editions h3 { margin-top: 0.4em; }
.facts p { text-align: left; }
p.counter { border-left: 3px solid #7a1f2b; padding-left: 0.6em; }
@media (max-width: 30em) {
  body { padding: 0 0.6em 1.5em; font-size: 1.05em; }
  p { text-align: left; hyphens: auto; }
  h1 { font-size: 1.4em; }
}
@media print {
  .skip, header.site, footer.site { display: none; }
}
`

// head opens a page: language, viewport, the style sheet and the feeds.
func head(ed news.Edition, title string) string {
	var s strings.Builder
	lang := firstNonEmpty(ed.Meta.Lang, "en")
	fmt.Fprintf(&s, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", esc(lang))
	s.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&s, "<title>%s</title>\n", esc(title))
	fmt.Fprintf(&s, "<link rel=\"stylesheet\" href=\"%s\">\n", StyleFile)
	fmt.Fprintf(&s, "<link rel=\"alternate\" type=\"%s\" href=\"%s\" title=\"%s\">\n", atomType, FeedFile, esc(ed.Meta.Labels.Feed))
	fmt.Fprintf(&s, "<link rel=\"related\" type=\"%s\" href=\"%s\" title=\"%s\">\n", catalogueType, CatalogueFile, esc(ed.Meta.Labels.Catalogue))
	s.WriteString("</head>\n<body>\n")
	fmt.Fprintf(&s, "<a class=\"skip\" href=\"#main\">%s</a>\n", esc(ed.Meta.Labels.SkipToContent))
	s.WriteString("<header class=\"site\">\n")
	if p := strings.TrimSpace(ed.Cover.Publisher); p != "" {
		fmt.Fprintf(&s, "<p class=\"publisher\">%s</p>\n", esc(p))
	}
	fmt.Fprintf(&s, "<p class=\"site-title\"><a href=\"%s\">%s</a></p>\n</header>\n", IndexFile, esc(siteTitle(ed)))
	return s.String()
}

// foot closes a page, with the feed and the catalogue.
func foot(ed news.Edition) string {
	l := ed.Meta.Labels
	return fmt.Sprintf("<footer class=\"site\">\n<p><a href=\"%s\" type=\"%s\">%s</a> · <a href=\"%s\" type=\"%s\">%s</a></p>\n</footer>\n</body>\n</html>\n",
		FeedFile, atomType, esc(l.Feed), CatalogueFile, catalogueType, esc(l.Catalogue))
}

func siteTitle(ed news.Edition) string {
	return firstNonEmpty(ed.Cover.Title, ed.Meta.Title, "Bulletin")
}

// writeLinks lists downloads with their sizes.
func writeLinks(s *strings.Builder, l news.Labels, links []link) {
	if len(links) == 0 {
		return
	}
	s.WriteString("<ul class=\"downloads\">\n")
	for _, k := range links {
		fmt.Fprintf(s, "<li><a href=\"%s\" type=\"%s\">%s</a> (%s)</li>\n", esc(k.href), esc(k.mediaType), esc(k.label), esc(size(l, k.bytes)))
	}
	s.WriteString("</ul>\n")
}

// masthead is the layout's crest as the index shows it.
type masthead struct{ href, alt string }

// indexPage lists the editions, newest first, under the cover's facts as
// of the publication date.
func indexPage(ed news.Edition, eds []edition, whole []link, mast *masthead) string {
	l := ed.Meta.Labels
	c := ed.Cover
	var s strings.Builder
	s.WriteString(head(ed, siteTitle(ed)))
	s.WriteString("<main id=\"main\">\n")
	if mast != nil {
		epub.WriteMasthead(&s, mast.href, mast.alt)
	}
	fmt.Fprintf(&s, "<h1>%s</h1>\n<div class=\"facts\">\n", esc(siteTitle(ed)))
	epub.WriteCoverFacts(&s, c, l.Published)
	s.WriteString("</div>\n")
	if len(whole) > 0 {
		fmt.Fprintf(&s, "<h2>%s</h2>\n", esc(l.Collection))
		writeLinks(&s, l, whole)
	}
	fmt.Fprintf(&s, "<h2>%s</h2>\n<ul class=\"editions\">\n", esc(l.Editions))
	for i := len(eds) - 1; i >= 0; i-- {
		e := eds[i]
		fmt.Fprintf(&s, "<li>\n<h3><a href=\"%s\">%s</a></h3>\n", esc(e.file), esc(e.page.Title))
		fmt.Fprintf(&s, "<p>%s</p>\n<ul class=\"tally\">\n", esc(e.itemsText))
		for _, t := range e.month.Types {
			fmt.Fprintf(&s, "<li>%s: %d</li>\n", esc(firstNonEmpty(t.Name, t.Type)), len(t.Items))
		}
		s.WriteString("</ul>\n")
		writeLinks(&s, l, e.links)
		s.WriteString("</li>\n")
	}
	s.WriteString("</ul>\n</main>\n")
	s.WriteString(foot(ed))
	return s.String()
}

// monthPage is the month's text as the EPUB has it, under its downloads.
func monthPage(ed news.Edition, e edition) string {
	var s strings.Builder
	s.WriteString(head(ed, e.page.Title+" — "+siteTitle(ed)))
	s.WriteString("<main id=\"main\">\n")
	// The downloads go under the month's title, which opens the body.
	body := e.page.Body
	cut := strings.Index(body, "</h1>\n") + len("</h1>\n")
	if cut < len("</h1>\n") {
		cut = 0
	}
	s.WriteString(body[:cut])
	writeLinks(&s, ed.Meta.Labels, e.links)
	s.WriteString(body[cut:])
	s.WriteString("</main>\n")
	s.WriteString(foot(ed))
	return s.String()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if t := strings.TrimSpace(s); t != "" {
			return t
		}
	}
	return ""
}
