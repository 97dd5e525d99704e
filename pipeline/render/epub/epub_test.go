package epub

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"bulletin/internal/testenv"
	"bulletin/layouts"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

var published = time.Date(2020, 7, 6, 2, 18, 0, 0, time.FixedZone("MSK", 3*3600))

func item(id, title string, d news.Date, typ, body string) news.Item {
	return news.Item{ID: id, Title: title, Date: d, Type: typ, Body: body, Lang: "en"}
}

// richEdition has two dated months and an undated one, several types, an
// English and a Russian title, and bodies using most Markdown features.
func richEdition() news.Edition {
	june := func(d int) news.Date { return news.Date{Year: 2020, Month: time.June, Day: d} }
	july := func(d int) news.Date { return news.Date{Year: 2020, Month: time.July, Day: d} }
	speech := item("speech-0624", "Remarks at the \"Victory\" parade & reception", june(24), "speech",
		"# Opening\n\nShe said \"we remember\" -- and paused... It's **bold** and _quiet_.\n\n"+
			"- first point\n- second point\n\n1. one\n2. two\n\n> A quoted line.\n\n"+
			"See [the ministry](https://example.org/a?b=1&c=2) and [a local page](../other.html).\n\n"+
			"<script>alert('x')</script>\n\n![a photo](https://example.org/p.jpg)\n\n## Opening\n\nAgain.")
	speech.Summary = "A speech about remembrance."
	speech.URL = "https://example.org/speech?id=24&lang=en"
	speech.Authors = []string{"Ann Smith", "Борис Иванов"}
	speech.Tags = []string{"remembrance", "Victory"}
	statement := item("statement-0615", "Заявление МИД России", june(15), "statement",
		"Текст «заявления» — с кавычками и тире -- и многоточием...\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
	statement.Lang = "ru"
	statement.Summary = "Текст «заявления»"
	briefing := item("briefing-0610", "Briefing <on> trade", june(10), "briefing", "Line one  \nline two.\n\n---\n\n`code` and ~~struck~~.")
	briefing.DatedBy = news.DatedByCapture
	comment := item("comment-0702", "Comment on the 'summit'", july(2), "comment", "Short comment.\n\n# Background\n\nText.")
	statement2 := item("statement-0703", "Statement on talks", july(3), "statement", "Talks will resume.\n\n# Background\n\nMore from press@example.org.")
	statement2.Tags = []string{"talks"}
	speech2 := item("speech-0705", "Speech at the forum", july(5), "speech", "Words, words, words.")
	undated1 := item("note-undated-a", "An undated note", news.Date{}, "statement", "No date at all.")
	undated2 := item("note-undated-b", "Another undated item", news.Date{}, "comment", "Nor here.")

	return news.Edition{
		Meta: news.Meta{
			Title: "Press bulletin — collection", Author: "Press Office of the Embassy",
			Subject: "News", Lang: "en", Published: published,
			Labels: news.Labels{Contents: "Contents", Published: "Published", Items: "items", Undated: "Undated",
				DatedByCapture: "no date of its own: dated by the capture date, %s."},
		},
		Cover: news.Cover{
			Publisher: "Press Office of the Embassy", Title: "Press bulletin", Period: "June – July 2020",
			Published: "6 July 2020",
			Clocks:    []news.Clock{{Place: "Moscow", Time: "02:18"}, {Place: "London", Time: "00:18"}},
			Contact:   []string{"13 Kensington Palace Gardens", "press@example.org"},
			Counters:  []string{"850 days have passed since the Salisbury incident"},
			Tally:     []news.TypeCount{{Name: "Statements", Count: 3}, {Name: "Speeches", Count: 2}, {Name: "Comments", Count: 2}, {Name: "Briefings", Count: 1}},
			Total:     8,
			TotalText: "8 items",
		},
		Months: []news.Month{
			{Key: news.MonthKey{Year: 2020, Month: time.June}, Title: "June 2020", Types: []news.TypeGroup{
				{Type: "statement", Name: "Statements", Items: []news.Item{statement}},
				{Type: "speech", Name: "Speeches", Items: []news.Item{speech}},
				{Type: "briefing", Name: "Briefings", Items: []news.Item{briefing}},
			}},
			{Key: news.MonthKey{Year: 2020, Month: time.July}, Title: "July 2020", Types: []news.TypeGroup{
				{Type: "statement", Name: "Statements", Items: []news.Item{statement2}},
				{Type: "speech", Name: "Speeches", Items: []news.Item{speech2}},
				{Type: "comment", Name: "Comments", Items: []news.Item{comment}},
			}},
			{Key: news.MonthKey{}, Title: "Undated", Types: []news.TypeGroup{
				{Type: "statement", Name: "Statements", Items: []news.Item{undated1}},
				{Type: "comment", Name: "Comments", Items: []news.Item{undated2}},
			}},
		},
	}
}

func newRenderer(t *testing.T) *Renderer {
	t.Helper()
	lay, err := layouts.Default()
	if err != nil {
		t.Fatalf("layouts.Default: %v", err)
	}
	return New(lay, markup.New(false), Options{})
}

func render(t *testing.T, ed news.Edition) []byte {
	t.Helper()
	return renderWith(t, ed, Options{})
}

func renderWith(t testing.TB, ed news.Edition, opts Options) []byte {
	t.Helper()
	lay, err := layouts.Default()
	if err != nil {
		t.Fatalf("layouts.Default: %v", err)
	}
	var buf bytes.Buffer
	if _, err := New(lay, markup.New(false), opts).Render(context.Background(), &buf, ed); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// entries returns the archive's files by name, and the zip headers in order.
func entries(t testing.TB, data []byte) (map[string]string, []*zip.File) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		files[f.Name] = string(b)
	}
	return files, zr.File
}

// epubcheck validates data with EPUBCheck and fails on any message.
// Callers keep to three runs per test binary (each takes seconds).
func epubcheck(t *testing.T, name string, data []byte) {
	t.Helper()
	java, jar := testenv.EPUBCheck(t)
	dir := t.TempDir()
	book := filepath.Join(dir, name)
	if err := os.WriteFile(book, data, 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	out, runErr := exec.Command(java, "-jar", jar, book, "--json", report).CombinedOutput()
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("EPUBCheck wrote no report (%v): %s", runErr, out)
	}
	var rep struct {
		Checker struct {
			NFatal, NError, NWarning, NUsage int
		} `json:"checker"`
		Messages []struct {
			ID        string `json:"ID"`
			Severity  string `json:"severity"`
			Message   string `json:"message"`
			Locations []struct {
				Path   string `json:"path"`
				Line   int    `json:"line"`
				Column int    `json:"column"`
			} `json:"locations"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("parse EPUBCheck report: %v", err)
	}
	c := rep.Checker
	t.Logf("EPUBCheck %s (%d bytes): %d fatal, %d errors, %d warnings", name, len(data), c.NFatal, c.NError, c.NWarning)
	if c.NFatal+c.NError+c.NWarning > 0 || runErr != nil {
		for _, m := range rep.Messages {
			t.Errorf("%s %s: %s %+v", m.Severity, m.ID, m.Message, m.Locations)
		}
		t.Fatalf("EPUBCheck: %d fatal, %d errors, %d warnings (exit: %v)\n%s", c.NFatal, c.NError, c.NWarning, runErr, out)
	}
}

// TestEPUBCheck validates the three books of the issue, in parallel: the
// sample-like edition, every Markdown feature in English and Russian (with
// local and remote images and embedded fonts), and 1,000 items.
func TestEPUBCheck(t *testing.T) {
	cases := []struct {
		name string
		data func(t *testing.T) []byte
	}{
		{"sample.epub", func(t *testing.T) []byte { return render(t, richEdition()) }},
		{"features.epub", func(t *testing.T) []byte { return renderWith(t, featureEdition(), Options{EmbedFonts: true}) }},
		{"thousand.epub", func(t *testing.T) []byte { return render(t, bigEdition(1000, 24)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			epubcheck(t, c.name, c.data(t))
		})
	}
}

func TestRenderIsReproducible(t *testing.T) {
	a := render(t, richEdition())
	b := render(t, richEdition())
	if !bytes.Equal(a, b) {
		t.Fatalf("two renders differ (%d vs %d bytes)", len(a), len(b))
	}
	_, zf := entries(t, a)
	first := zf[0]
	if first.Name != "mimetype" || first.Method != zip.Store || len(first.Extra) != 0 {
		t.Fatalf("first entry = %q method %d extra %d; want mimetype, stored, no extra field", first.Name, first.Method, len(first.Extra))
	}
	rc, _ := first.Open()
	mt, _ := io.ReadAll(rc)
	if string(mt) != "application/epub+zip" {
		t.Errorf("mimetype = %q", mt)
	}
	for _, f := range zf[1:] {
		want := uint16(zip.Deflate)
		if strings.HasSuffix(f.Name, ".png") {
			want = zip.Store // compressed already
		}
		if f.Method != want {
			t.Errorf("%s: method %d, want %d", f.Name, f.Method, want)
		}
	}
}

func TestConcurrentRendersAgree(t *testing.T) {
	want := render(t, richEdition())
	r := newRenderer(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if _, err := r.Render(context.Background(), &buf, richEdition()); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(buf.Bytes(), want) {
				errs <- errors.New("concurrent render differs")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// navNode is a parsed <li> of the table of contents.
type navNode struct {
	label, href string
	children    []*navNode
}

// parseTOC reads the toc nav's nested lists from nav.xhtml.
func parseTOC(t *testing.T, doc string) []*navNode {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	var (
		roots []*navNode
		stack []*navNode // open <li>s
		inTOC bool
		inA   bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return roots
		}
		if err != nil {
			t.Fatalf("nav.xhtml: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "nav":
				inTOC = attr(e, "type") == "toc"
			case "li":
				if !inTOC {
					continue
				}
				n := &navNode{}
				if len(stack) == 0 {
					roots = append(roots, n)
				} else {
					p := stack[len(stack)-1]
					p.children = append(p.children, n)
				}
				stack = append(stack, n)
			case "a":
				if inTOC && len(stack) > 0 {
					inA = true
					stack[len(stack)-1].href = attr(e, "href")
				}
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "nav":
				inTOC = false
			case "li":
				if inTOC {
					stack = stack[:len(stack)-1]
				}
			case "a":
				inA = false
			}
		case xml.CharData:
			if inA {
				stack[len(stack)-1].label += string(e)
			}
		}
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func TestNavigationIsMonthTypeItem(t *testing.T) {
	ed := richEdition()
	files, _ := entries(t, render(t, ed))
	nav := files["EPUB/nav.xhtml"]
	if !strings.Contains(nav, "<h1>Contents</h1>") || strings.Contains(nav, "Table of Contents") {
		t.Errorf("nav heading is not Labels.Contents:\n%s", nav)
	}
	for _, want := range []string{
		`epub:type="landmarks"`,
		`<a epub:type="cover" href="xhtml/cover.xhtml">Cover</a>`,
		`<a epub:type="titlepage" href="xhtml/title.xhtml">Title page</a>`,
		`<a epub:type="toc" href="nav.xhtml#toc">Contents</a>`,
		`<a epub:type="bodymatter" href="xhtml/m2020-06.xhtml">June 2020</a>`,
	} {
		if !strings.Contains(nav, want) {
			t.Errorf("nav landmarks lack %s:\n%s", want, nav)
		}
	}
	top := parseTOC(t, nav)
	if len(top) != 1+len(ed.Months) {
		t.Fatalf("toc has %d top entries, want the title page and %d months", len(top), len(ed.Months))
	}
	if tp := top[0]; tp.label != "Press bulletin" || tp.href != "xhtml/title.xhtml" || len(tp.children) != 0 {
		t.Errorf("first toc entry = %q -> %s with %d children, want the title page", tp.label, tp.href, len(tp.children))
	}
	months := top[1:]
	for i, m := range ed.Months {
		got := months[i]
		if got.label != m.Title || len(got.children) != len(m.Types) {
			t.Fatalf("month %d: %q with %d types, want %q with %d", i, got.label, len(got.children), m.Title, len(m.Types))
		}
		for j, tg := range m.Types {
			gt := got.children[j]
			if gt.label != tg.Name || !strings.Contains(gt.href, "#") || len(gt.children) != len(tg.Items) {
				t.Fatalf("%s type %d: %q (%s) with %d items, want %q with %d", m.Title, j, gt.label, gt.href, len(gt.children), tg.Name, len(tg.Items))
			}
			for k, it := range tg.Items {
				gi := gt.children[k]
				if gi.label != it.Title || !strings.HasSuffix(gi.href, "#"+it.ID) {
					t.Errorf("item: %q -> %s, want %q -> #%s", gi.label, gi.href, it.Title, it.ID)
				}
			}
		}
	}
	ncx := files["EPUB/toc.ncx"]
	for _, want := range []string{`<navPoint id="np1" playOrder="1">
    <navLabel><text>Press bulletin</text></navLabel>
    <content src="xhtml/title.xhtml" />`, `<navPoint id="np2" playOrder="2">
    <navLabel><text>June 2020</text></navLabel>`, "Заявление МИД России", `<meta name="dtb:depth" content="3" />`, `content="urn:uuid:`} {
		if !strings.Contains(ncx, want) {
			t.Errorf("toc.ncx lacks %q", want)
		}
	}
	if strings.Count(ncx, "<navPoint ") != 1+3+8+8 {
		t.Errorf("toc.ncx has %d navPoints, want 20 (title page, 3 months, 8 type groups, 8 items)", strings.Count(ncx, "<navPoint "))
	}
}

func TestPackageMetadata(t *testing.T) {
	files, _ := entries(t, render(t, richEdition()))
	opf := files["EPUB/package.opf"]
	for _, want := range []string{
		"<dc:date>2020-07-06</dc:date>",
		"<dc:publisher>Press Office of the Embassy</dc:publisher>",
		`<meta property="dcterms:modified">2020-07-05T23:18:00Z</meta>`,
		"<dc:subject>Statements</dc:subject>", "<dc:subject>Briefings</dc:subject>",
		"<dc:language>en</dc:language>",
		`href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"`,
	} {
		if !strings.Contains(opf, want) {
			t.Errorf("package.opf lacks %s\n%s", want, opf)
		}
	}
	id := regexp.MustCompile(`<dc:identifier id="pub-id">(urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})</dc:identifier>`).FindStringSubmatch(opf)
	if id == nil {
		t.Fatalf("no content-derived urn:uuid identifier:\n%s", opf)
	}
	// A different collection must get a different identifier.
	other := richEdition()
	other.Months[0].Types[0].Items[0].Title = "Another title"
	files2, _ := entries(t, render(t, other))
	if strings.Contains(files2["EPUB/package.opf"], id[1]) {
		t.Errorf("identifier %s did not change with the content", id[1])
	}
	// Manifest sorted by id, spine keeps reading order cover → title page →
	// contents → months.
	ids := regexp.MustCompile(`<item id="([^"]+)"`).FindAllStringSubmatch(opf, -1)
	for i := 1; i < len(ids); i++ {
		if ids[i-1][1] > ids[i][1] {
			t.Errorf("manifest not sorted: %s before %s", ids[i-1][1], ids[i][1])
		}
	}
	spine := regexp.MustCompile(`<itemref idref="([^"]+)"`).FindAllStringSubmatch(opf, -1)
	var order []string
	for _, s := range spine {
		order = append(order, s[1])
	}
	if got := strings.Join(order, " "); got != "cover.xhtml title.xhtml nav m2020-06.xhtml m2020-07.xhtml undated.xhtml" {
		t.Errorf("spine = %s", got)
	}
}

var namedEntity = regexp.MustCompile(`&([A-Za-z][A-Za-z0-9]*);`)

func TestXHTMLContent(t *testing.T) {
	files, _ := entries(t, render(t, richEdition()))
	for name, doc := range files {
		if !strings.HasSuffix(name, ".xhtml") {
			continue
		}
		for _, m := range namedEntity.FindAllStringSubmatch(doc, -1) {
			switch m[1] {
			case "amp", "lt", "gt", "quot", "apos":
			default:
				t.Errorf("%s: named entity %s", name, m[0])
			}
		}
		if !strings.Contains(doc, `xml:lang="en" lang="en"`) {
			t.Errorf("%s: <html> has no xml:lang", name)
		}
		if strings.Contains(strings.ToLower(doc), "<script") {
			t.Errorf("%s: raw <script> passed through", name)
		}
	}
	june := files["EPUB/xhtml/m2020-06.xhtml"]
	for _, want := range []string{
		"<h1>June 2020</h1>", `<h2>Statements</h2>`, `id="m2020-06-statement"`,
		`<section class="item" id="statement-0615" xml:lang="ru" lang="ru">`, "<h3>Заявление МИД России</h3>",
		"<h3>Remarks at the &#34;Victory&#34; parade &amp; reception</h3>",
		"<h3>Briefing &lt;on&gt; trade</h3>",
		`<time datetime="2020-06-24">24 June 2020</time> · Speeches`,
		`<p class="note">no date of its own: dated by the capture date, 10 June 2020.</p>`, "<p class=\"summary\">A speech about remembrance.</p>",
		"“we remember”", "—", "…", "<strong>bold</strong>", "<blockquote>", "<li>first point</li>",
		`<a href="https://example.org/a?b=1&amp;c=2">the ministry</a>`, "<table>",
		`<h4 id="speech-0624-opening">Opening</h4>`, `<h5 id="speech-0624-opening-1">Opening</h5>`,
	} {
		if !strings.Contains(june, want) {
			t.Errorf("m2020-06.xhtml lacks %s", want)
		}
	}
	for _, bad := range []string{`href="../other.html"`, "<img", `<p class="summary">Текст`} {
		if strings.Contains(june, bad) {
			t.Errorf("m2020-06.xhtml contains %s", bad)
		}
	}
	july := files["EPUB/xhtml/m2020-07.xhtml"]
	for _, id := range []string{`id="comment-0702-background"`, `id="statement-0703-background"`} {
		if !strings.Contains(july, id) {
			t.Errorf("m2020-07.xhtml lacks scoped heading %s", id)
		}
	}
	if u := files["EPUB/xhtml/undated.xhtml"]; !strings.Contains(u, "<h1>Undated</h1>") || !strings.Contains(u, `id="undated-statement"`) {
		t.Errorf("undated.xhtml missing or wrong:\n%s", u)
	}
	cover := files["EPUB/xhtml/cover.xhtml"]
	for _, want := range []string{
		`<section class="cover-image" epub:type="cover">`,
		`<img src="../images/cover.png" alt="Press Office of the Embassy — Press bulletin — June – July 2020" role="doc-cover" />`,
		">Press bulletin</title>",
	} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover.xhtml lacks %s", want)
		}
	}
	// The cover page is the picture alone: its words are on the title page.
	for _, bad := range []string{"<h1>", "<p ", "<table", "titlepage"} {
		if strings.Contains(cover, bad) {
			t.Errorf("cover.xhtml contains %s:\n%s", bad, cover)
		}
	}
	title := files["EPUB/xhtml/title.xhtml"]
	for _, want := range []string{
		`<section class="cover" epub:type="titlepage">`, "Press Office of the Embassy", "<h1>Press bulletin</h1>", "June – July 2020",
		"Published 6 July 2020", "Moscow 02:18", "London 00:18", "13 Kensington Palace Gardens",
		`<p class="counter">850 days have passed since the Salisbury incident</p>`,
		"<tr><td>Statements</td><td>3</td></tr>", "8 items",
	} {
		if !strings.Contains(title, want) {
			t.Errorf("title.xhtml lacks %s", want)
		}
	}
	if strings.Contains(title, "<img") {
		t.Error("title.xhtml repeats the cover picture")
	}
}

func TestRussianDates(t *testing.T) {
	ed := richEdition()
	ed.Meta.Lang = "ru"
	files, _ := entries(t, render(t, ed))
	if !strings.Contains(files["EPUB/xhtml/m2020-06.xhtml"], ">15 июня 2020</time>") {
		t.Error("Russian edition does not use genitive month names")
	}
	if !strings.Contains(files["EPUB/nav.xhtml"], `xml:lang="ru"`) {
		t.Error("nav.xhtml does not declare ru")
	}
}

// An edition without items still gives a valid book (checked by structure
// here; EPUBCheck runs on the rich edition only, to keep the suite fast).
func TestEmptyEdition(t *testing.T) {
	ed := richEdition()
	ed.Months = nil
	files, _ := entries(t, render(t, ed))
	if !strings.Contains(files["EPUB/nav.xhtml"], `<li><a href="xhtml/title.xhtml">Press bulletin</a></li>`) {
		t.Errorf("empty edition: nav has no entry:\n%s", files["EPUB/nav.xhtml"])
	}
	if strings.Contains(files["EPUB/nav.xhtml"], "bodymatter") {
		t.Error("empty edition: bodymatter landmark points nowhere")
	}
	if !strings.Contains(files["EPUB/toc.ncx"], `<content src="xhtml/title.xhtml" />`) {
		t.Errorf("empty edition: NCX has no entry:\n%s", files["EPUB/toc.ncx"])
	}
}

func TestRenderNeedsPublicationDate(t *testing.T) {
	ed := richEdition()
	ed.Meta.Published = time.Time{}
	if _, err := newRenderer(t).Render(context.Background(), io.Discard, ed); err == nil {
		t.Fatal("Render without Meta.Published succeeded")
	}
}

func TestShowSummary(t *testing.T) {
	cases := []struct {
		summary, body string
		want          bool
	}{
		{"", "Body.", false},
		{"The minister said", "The **minister** said more.", false},
		{"The minister said…", "The minister said more.", false},
		{"A different summary.", "The body.", true},
	}
	for _, c := range cases {
		if got := showSummary(c.summary, c.body); got != c.want {
			t.Errorf("showSummary(%q, %q) = %v", c.summary, c.body, got)
		}
	}
}

// Raw HTML reaches the book only with allow_html, and then every document
// is parsed: markup that is not well-formed stops the render.
func TestRawHTMLIsChecked(t *testing.T) {
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	ed := richEdition()
	ed.Months[0].Types[0].Items[0].Body = "Text with <b>unclosed bold.\n\n<p>Another"
	for _, tc := range []struct {
		allow   bool
		wantErr bool
	}{{false, false}, {true, true}} {
		_, err := New(lay, markup.New(tc.allow), Options{}).Render(context.Background(), io.Discard, ed)
		if (err != nil) != tc.wantErr {
			t.Errorf("allow_html %v: error %v, want error %v", tc.allow, err, tc.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "not well-formed") {
			t.Errorf("allow_html %v: error %q does not say the document is not well-formed", tc.allow, err)
		}
	}
}
