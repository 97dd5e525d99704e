package site_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bulletin/internal/browsertest"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"bulletin/layouts"
	"bulletin/pipeline"
	"bulletin/pipeline/config"
	"bulletin/pipeline/outdir"
	"bulletin/pipeline/render/site"
)

// markdownItem is a source with a local image, a heading and a Russian
// title, so the site has an image to copy and a body id to link to.
const markdownItem = `---
title: Консульский приём в июне
date: 2020-06-12
type: news
lang: ru
---
Приём ведётся по записи. ![Схема проезда](map.png)

## Адрес

See the [consular page](https://example.org/consular) and [our office](/contacts).
`

// buildSite builds the project's example sources plus markdownItem into a
// temporary output folder, as bulletin build does, and returns the folder.
func buildSite(t *testing.T, yaml string) string {
	t.Helper()
	src := t.TempDir()
	capture, err := os.ReadFile("../../../sources/embassy-front-page-2020-07-06.txt")
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"front.txt": capture, "consular.md": []byte(markdownItem), "map.png": pngData.Bytes()} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Parse("test.yaml", []byte("timezone: Europe/London\nclocks:\n  - {place: Moscow, zone: Europe/Moscow}\n"+yaml))
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	lay, err := layouts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	opts := pipeline.Options{Config: cfg, Sources: root.FS(), SourcesDir: "sources",
		Published: time.Date(2020, 7, 6, 0, 18, 0, 0, cfg.Location)}
	out := filepath.Join(t.TempDir(), "out")
	stage := outdir.NewStage(out)
	res, err := pipeline.Build(context.Background(), opts, lay, stage)
	if err != nil {
		stage.Abort()
		if res != nil {
			t.Logf("problems: %v", res.Catalogue.Problems)
		}
		t.Fatal(err)
	}
	if err := stage.Commit(); err != nil {
		t.Fatal(err)
	}
	return out
}

func readSite(t *testing.T, out string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(filepath.Join(out, "site"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(out, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// links are the href and src attributes of an HTML page.
func links(t *testing.T, page []byte) (refs []string, ids map[string]bool) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	ids = map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			switch a.Key {
			case "href", "src":
				refs = append(refs, a.Val)
			case "id":
				ids[a.Val] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return refs, ids
}

// Every internal link of every page resolves: to a file of the output
// folder, and to an element of it when it has a fragment. External links
// (https, mailto) are not followed.
func TestSiteLinksResolve(t *testing.T) {
	out := buildSite(t, "")
	files := readSite(t, out)
	for _, want := range []string{"site/index.html", "site/2020-05.html", "site/2020-06.html", "site/style.css", "site/feed.atom", "site/opds.xml"} {
		if files[want] == nil {
			t.Errorf("%s is missing; the site has %v", want, keys(files))
		}
	}
	pageIDs := map[string]map[string]bool{}
	pageRefs := map[string][]string{}
	for name, data := range files {
		if strings.HasSuffix(name, ".html") {
			pageRefs[name], pageIDs[name] = links(t, data)
		}
	}
	// The feed's and the catalogue's links count too.
	for _, name := range []string{"site/feed.atom", "site/opds.xml"} {
		var doc struct {
			Links []struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				Links []struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(files[name], &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, l := range doc.Links {
			pageRefs[name] = append(pageRefs[name], l.Href)
		}
		for _, e := range doc.Entries {
			for _, l := range e.Links {
				pageRefs[name] = append(pageRefs[name], l.Href)
			}
		}
	}
	checked := 0
	for _, name := range slices.Sorted(mapKeys(pageRefs)) {
		for _, ref := range pageRefs[name] {
			u, err := url.Parse(ref)
			if err != nil {
				t.Errorf("%s: link %q: %v", name, ref, err)
				continue
			}
			if u.Scheme != "" {
				if u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "mailto" {
					t.Errorf("%s: link %q has scheme %s", name, ref, u.Scheme)
				}
				continue
			}
			if strings.HasPrefix(u.Path, "/") {
				t.Errorf("%s: link %q is absolute: it breaks from the file system", name, ref)
				continue
			}
			target := name
			if u.Path != "" {
				target = path.Join(path.Dir(name), u.Path)
			}
			checked++
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(target))); err != nil {
				t.Errorf("%s: link %q: %s does not exist", name, ref, target)
				continue
			}
			if u.Fragment != "" && !pageIDs[target][u.Fragment] {
				t.Errorf("%s: link %q: %s has no element with id %q", name, ref, target, u.Fragment)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d internal links checked; the walk found too little", checked)
	}
	if !bytes.Contains(files["site/2020-06.html"], []byte(`<img src="images/`)) {
		t.Errorf("the June page shows no local image:\n%s", files["site/2020-06.html"])
	}
	if bytes.Contains(files["site/2020-06.html"], []byte(`href="/contacts"`)) {
		t.Error("a link of the source's own site stayed a link: it cannot resolve here")
	}
}

// The month page carries the EPUB's text: its body is the month document
// of the month's EPUB, item anchors included, with the downloads added.
func TestSiteMonthIsTheEPUBText(t *testing.T) {
	out := buildSite(t, "")
	page, err := os.ReadFile(filepath.Join(out, "site", "2020-06.html"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(out, "bulletin-2020-06.epub"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var doc []byte
	for _, f := range zr.File {
		if f.Name == "EPUB/xhtml/m2020-06.xhtml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			doc, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if doc == nil {
		t.Fatal("the EPUB has no EPUB/xhtml/m2020-06.xhtml")
	}
	body := between(string(doc), "<body dir=\"auto\">\n", "</body>")
	body = strings.ReplaceAll(body, `src="../images/`, `src="images/`)
	main := between(string(page), "<main id=\"main\">\n", "</main>")
	// Take the downloads out; the rest is the book's.
	if i, j := strings.Index(main, "<ul class=\"downloads\">"), strings.Index(main, "</ul>\n"); i >= 0 && j > i {
		main = main[:i] + main[j+len("</ul>\n"):]
	}
	if strings.TrimSpace(main) != strings.TrimSpace(body) {
		t.Errorf("the page's text differs from the EPUB's.\npage:\n%s\nepub:\n%s", main, body)
	}
	if !strings.Contains(main, `<section class="item" id="i2020`) {
		t.Errorf("no item anchors on the page:\n%s", main)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.LastIndex(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// Two builds of the same input give the same bytes.
func TestSiteDeterministic(t *testing.T) {
	a, b := readSite(t, buildSite(t, "")), readSite(t, buildSite(t, ""))
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

// The Atom feed parses with a real feed parser, and each entry has what
// RFC 4287 and subscribers need: id, updated, a link, a summary.
func TestAtomFeed(t *testing.T) {
	out := buildSite(t, "")
	data, err := os.ReadFile(filepath.Join(out, "site", site.FeedFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := strictXML(data); err != nil {
		t.Fatalf("feed.atom is not well-formed: %v", err)
	}
	feed, err := gofeed.NewParser().ParseString(string(data))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	if feed.FeedType != "atom" || feed.Title != "Monthly Bulletin" || feed.UpdatedParsed == nil {
		t.Errorf("feed: type %q title %q updated %v", feed.FeedType, feed.Title, feed.UpdatedParsed)
	}
	if got := len(feed.Items); got != 3 {
		t.Fatalf("%d entries, want 3 (May, June, July 2020)", got)
	}
	seen := map[string]bool{}
	for _, it := range feed.Items {
		if !strings.HasPrefix(it.GUID, "urn:uuid:") || seen[it.GUID] {
			t.Errorf("%s: id %q is not a unique urn:uuid", it.Title, it.GUID)
		}
		seen[it.GUID] = true
		if it.UpdatedParsed == nil || it.Link == "" || it.Description == "" {
			t.Errorf("%s: updated %v link %q summary %q", it.Title, it.UpdatedParsed, it.Link, it.Description)
		}
		if len(it.Enclosures) != 2 {
			t.Errorf("%s: %d enclosures, want the PDF and the EPUB", it.Title, len(it.Enclosures))
		}
	}
	if feed.Items[0].Title != "July 2020" || feed.Items[1].Link != "2020-06.html" {
		t.Errorf("entries: %q, %q; want the newest first, linking to its page", feed.Items[0].Title, feed.Items[1].Link)
	}
}

// The OPDS catalogue has the structure of an OPDS 1.2 acquisition feed:
// self and start links with the acquisition profile, and each entry an id,
// title, updated and an acquisition link to an EPUB.
func TestOPDSCatalogue(t *testing.T) {
	out := buildSite(t, "")
	data, err := os.ReadFile(filepath.Join(out, "site", site.CatalogueFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := strictXML(data); err != nil {
		t.Fatalf("opds.xml is not well-formed: %v", err)
	}
	type link struct {
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
		Href string `xml:"href,attr"`
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Links   []link   `xml:"link"`
		Entries []struct {
			ID       string `xml:"id"`
			Title    string `xml:"title"`
			Updated  string `xml:"updated"`
			Language string `xml:"http://purl.org/dc/terms/ language"`
			Links    []link `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(data, &feed); err != nil {
		t.Fatal(err)
	}
	const profile = "application/atom+xml;profile=opds-catalog;kind=acquisition"
	rels := map[string]string{}
	for _, l := range feed.Links {
		rels[l.Rel] = l.Type
	}
	if rels["self"] != profile || rels["start"] != profile {
		t.Errorf("self/start links %v, want both of type %s", rels, profile)
	}
	if feed.ID == "" || feed.Title == "" {
		t.Errorf("feed id %q title %q", feed.ID, feed.Title)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("feed updated: %v", err)
	}
	if len(feed.Entries) != 4 {
		t.Fatalf("%d entries, want the collection and three months", len(feed.Entries))
	}
	for _, e := range feed.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || e.Title == "" || e.Language != "en" {
			t.Errorf("entry %q: id %q updated %q (%v) language %q", e.Title, e.ID, e.Updated, err, e.Language)
		}
		epubs := 0
		for _, l := range e.Links {
			if l.Rel == "http://opds-spec.org/acquisition" && l.Type == "application/epub+zip" && strings.HasSuffix(l.Href, ".epub") {
				epubs++
			}
		}
		if epubs != 1 {
			t.Errorf("entry %q has %d EPUB acquisition links, want 1: %v", e.Title, epubs, e.Links)
		}
	}
}

// site: {make: false} turns the web edition off.
func TestSiteOff(t *testing.T) {
	out := buildSite(t, "site: {make: false}\n")
	if _, err := os.Stat(filepath.Join(out, "site")); !os.IsNotExist(err) {
		t.Errorf("site/ was made with site.make false (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(out, "bulletin-2020-06.pdf")); err != nil {
		t.Error(err)
	}
}

func strictXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func keys(m map[string][]byte) []string { return slices.Sorted(mapKeys(m)) }

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Every page passes axe-core in a real browser, served as a web server
// would serve the output folder.
func TestSiteAccessibility(t *testing.T) {
	ctx := browsertest.New(t)
	out := buildSite(t, "")
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	pages := 0
	for name := range readSite(t, out) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		for _, v := range browsertest.Axe(t, ctx, srv.URL+"/"+name) {
			t.Errorf("%s: %v", name, v)
		}
	}
	if pages < 4 {
		t.Errorf("only %d pages checked", pages)
	}
}
