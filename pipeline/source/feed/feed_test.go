package feed

import (
	"bulletin/internal/newstest"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"bulletin/internal/testenv"
	"bulletin/pipeline/news"
)

// problem is what a test expects the reader to report.
type problem = newstest.Problem

func date(y int, m time.Month, d int) news.Date { return news.Date{Year: y, Month: m, Day: d} }

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkBody fails on HTML left in a Markdown body.
func checkBody(t *testing.T, it news.Item) {
	t.Helper()
	for _, bad := range []string{"<p", "&lt;", "&amp;amp;", "<div", "<br", "<img"} {
		if strings.Contains(it.Body, bad) {
			t.Errorf("item %q: body contains %q:\n%s", it.Title, bad, it.Body)
		}
	}
	if strings.ContainsFunc(it.Title+it.Body+it.Summary, isC1) {
		t.Errorf("item %q: C1 control character left", it.Title)
	}
}

func TestRealFeeds(t *testing.T) {
	// The real-world feeds shared by the project (not in this repo).
	realFeeds := testenv.Shared(t, "realdata", "feeds")
	tests := []struct {
		file  string
		count int
		idx   int // the item spot-checked
		title string
		date  news.Date
		line  int
		lang  string
		warns int // warnings expected
	}{
		{"gofeed__issue_305_bare_ampersand.xml", 0, -1, "", news.Date{}, 0, "", 2},
		{"gofeed__rss_feed_bom.xml", 0, -1, "", news.Date{}, 0, "", 1},
		{"kurtmckee-feedparser__demoronize-1_cp1252.xml", 1, 0, "don’t", news.Date{}, 8, "", 3},
		{"node-feedparser__iconv_oren.ru_windows-1251.xml", 10, 0, "В Бузулуке главные стройплощадки – детсад и Ледовый дворец", date(2014, 1, 22), 15, "", 0},
		{"node-feedparser__illegally-nested_pcmag.xml", 10, 9, "Is iPhone X Apple's Vista?", date(2017, 11, 1), 30, "en", 0},
		{"node-feedparser__intertwingly.atom", 20, 19, "Default to Incognito", date(2012, 2, 4), 554, "", 0},
		{"node-feedparser__rss2sample.xml", 4, 3, "Astronauts' Dirty Laundry", date(2003, 5, 20), 34, "en", 1},
		{"node-feedparser__tpm.atom", 20, 0, "Hannity Announces Fox Has Hired Sebastian Gorka As NatSec Strategist", date(2017, 11, 8), 8, "en", 0},
		{"node-feedparser__wapowellness.xml", 29, 28, "Medical Mysteries: ‘I opened my laptop and my eyes snapped shut’", date(2012, 4, 23), 1057, "en", 0},
		{"rubycocos__googlegroups.atom", 1, 0, "Planet Beer (Austria, Belgium) - Feeds Incl. Craft Fest Wien, Beer-A-Day, proBier n Friends", date(2014, 12, 17), 8, "", 1},
		{"rubycocos__guardian-naomi-klein.rss", 20, 1, "It was the Democrats' embrace of neoliberalism that won it for Trump | Naomi Klein", date(2016, 11, 9), 40, "en", 1},
		{"rubycocos__jsonfeed.json", 1, 0, "Announcing JSON Feed", date(2017, 5, 17), 13, "", 1},
		{"rubycocos__nytimes-paul-krugman.rss", 10, 1, "It’s All About Trump’s Contempt", date(2017, 5, 26), 16, "en", 1},
		{"rubycocos__washingtonpost-world.rss", 25, 2, "In Kabul, a\u00a0sidewalk cobbler repairs more than shoes", news.Date{}, 29, "en", 1},
		{"rubycocos__xkcd.atom", 4, 3, "Rental Car", date(2017, 5, 15), 28, "en", 1},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			data := readFile(t, filepath.Join(realFeeds, tt.file))
			if !Sniff(data) {
				t.Error("Sniff = false")
			}
			items, ps := Parse(tt.file, data, time.UTC)
			if news.HasErrors(ps) {
				t.Fatalf("errors:\n%s", newstest.List(ps))
			}
			if len(ps) != tt.warns {
				t.Errorf("got %d warnings, want %d:\n%s", len(ps), tt.warns, newstest.List(ps))
			}
			if len(items) != tt.count {
				t.Fatalf("got %d items, want %d", len(items), tt.count)
			}
			for _, it := range items {
				checkBody(t, it)
				if it.Title == "" || it.Type != "" || len(it.Origins) != 1 || it.Origins[0].File != tt.file || it.Origins[0].Line == 0 {
					t.Errorf("item %+v: want a title, no type, one origin with a line", it)
				}
			}
			if tt.idx < 0 {
				return
			}
			it := items[tt.idx]
			if it.Title != tt.title {
				t.Errorf("item %d title = %q, want %q", tt.idx, it.Title, tt.title)
			}
			if it.Date != tt.date {
				t.Errorf("item %d date = %v, want %v", tt.idx, it.Date, tt.date)
			}
			if it.Origins[0].Line != tt.line {
				t.Errorf("item %d line = %d, want %d", tt.idx, it.Origins[0].Line, tt.line)
			}
			if it.Lang != tt.lang {
				t.Errorf("item %d lang = %q, want %q", tt.idx, it.Lang, tt.lang)
			}
		})
	}
	files, _ := os.ReadDir(realFeeds)
	for _, f := range files {
		if !seen[f.Name()] {
			t.Errorf("%s has no row in the table; add one", f.Name())
		}
	}
}

func TestRealSpecifics(t *testing.T) {
	realFeeds := testenv.Shared(t, "realdata", "feeds")
	parse := func(name string, loc *time.Location) ([]news.Item, []news.Problem) {
		return Parse(name, readFile(t, filepath.Join(realFeeds, name)), loc)
	}

	t.Run("windows-1251 is Cyrillic", func(t *testing.T) {
		items, _ := parse("node-feedparser__iconv_oren.ru_windows-1251.xml", time.UTC)
		for _, it := range items {
			if strings.ContainsRune(it.Title+it.Body, '\uFFFD') || !strings.ContainsAny(it.Title, "абвгдеёжзийклмнопрстуфхцчшщъыьэюя") {
				t.Errorf("title not proper Cyrillic: %q", it.Title)
			}
		}
		// yandex:full-text is the body, the description the summary.
		if !strings.HasPrefix(items[0].Body, "В Бузулуке обсудили") || !strings.HasPrefix(items[0].Summary, "Работы по возведению") {
			t.Errorf("body/summary = %.60q / %.60q", items[0].Body, items[0].Summary)
		}
		if items[1].Summary != "Из-за чего теперь на них возбуждено уголовное дело (видео)" {
			t.Errorf("summary = %q", items[1].Summary)
		}
	})
	t.Run("cp1252 C1", func(t *testing.T) {
		items, _ := parse("kurtmckee-feedparser__demoronize-1_cp1252.xml", time.UTC)
		if len(items) != 1 || items[0].Body != "don’t" {
			t.Fatalf("items = %+v", items)
		}
	})
	t.Run("day in the publisher's zone", func(t *testing.T) {
		// Wed, 09 Nov 2016 20:22:07 GMT is already 10 November in Tokyo.
		items, _ := parse("rubycocos__guardian-naomi-klein.rss", time.FixedZone("JST", 9*3600))
		if got := items[1].Date; got != date(2016, 11, 10) {
			t.Errorf("date = %v, want 2016-11-10", got)
		}
		// Wed, 22 Jan 2014 20:31:31 +0600 is still 22 January in UTC-10.
		items, _ = parse("node-feedparser__iconv_oren.ru_windows-1251.xml", time.FixedZone("HST", -10*3600))
		if got := items[0].Date; got != date(2014, 1, 22) {
			t.Errorf("date = %v, want 2014-01-22", got)
		}
	})
	t.Run("EST zone", func(t *testing.T) {
		// Tue, 21 Aug 2012 10:33:00 EST is 15:33 UTC, 22 August 00:33 at +09:00.
		items, _ := parse("node-feedparser__wapowellness.xml", time.FixedZone("", 9*3600))
		if got := items[0].Date; got != date(2012, 8, 22) {
			t.Errorf("date = %v, want 2012-08-22", got)
		}
	})
	t.Run("trailer cut", func(t *testing.T) {
		_, ps := parse("rubycocos__nytimes-paul-krugman.rss", time.UTC)
		newstest.CheckProblems(t, "rubycocos__nytimes-paul-krugman.rss", ps, []problem{{Severity: news.Warning, Line: 62, Msg: `starting "---"`}})
	})
	t.Run("images stay Markdown images", func(t *testing.T) {
		items, _ := parse("rubycocos__xkcd.atom", time.UTC)
		if !strings.HasPrefix(items[0].Body, "![That's very exciting!") || !strings.Contains(items[0].Body, "(https://imgs.xkcd.com/comics/genetic_testing_results.png") {
			t.Errorf("body = %q", items[0].Body)
		}
	})
	t.Run("authors", func(t *testing.T) {
		items, _ := parse("rubycocos__nytimes-paul-krugman.rss", time.UTC)
		if !reflect.DeepEqual(items[0].Authors, []string{"PAUL KRUGMAN"}) {
			t.Errorf("authors = %q", items[0].Authors)
		}
		items, _ = parse("node-feedparser__rss2sample.xml", time.UTC)
		if !reflect.DeepEqual(items[0].Authors, []string{"Writer"}) || items[2].Authors != nil {
			t.Errorf("authors = %q, %q (the channel's managingEditor is no item author)", items[0].Authors, items[2].Authors)
		}
	})
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		file  string      // read in UTC+3
		items []news.Item // compared: Title, Date, Lang, Authors, Tags, URL, Summary, Line in Origins
		body  []string    // a piece of each item's body
		probs []problem
	}{
		{
			file: "rss.xml",
			items: []news.Item{
				{Title: "Statement on the floods & rescue", Date: date(2020, 7, 7), Lang: "en", Authors: []string{"Jane Doe"},
					Tags: []string{"Floods", "Rescue"}, URL: "https://example.org/news/1", Summary: "Short lead.", Origins: []news.Origin{{Line: 7}}},
				{Title: "Undated note", Lang: "en", Origins: []news.Origin{{Line: 15}}},
			},
			body:  []string{"First **paragraph**.\n\n![Map](https://example.org/img/map.png) See &amp; read.", "No date here."},
			probs: []problem{{Severity: news.Warning, Line: 0, Msg: "1 item(s) have no date: they go under Undated"}},
		},
		{
			file: "atom.xml",
			items: []news.Item{
				{Title: "Заявление «о погоде»", Date: date(2020, 7, 6), Lang: "ru",
					Authors: []string{"Иван Петров", "Анна Смирнова"}, Tags: []string{"погода"}, URL: "https://example.org/ru/1", Origins: []news.Origin{{Line: 7}}},
			},
			body: []string{"Текст [ссылка](https://example.org/x)."},
		},
		{
			file: "feed.json",
			items: []news.Item{
				{Title: "Remarks at the opening", Date: date(2020, 7, 6), Lang: "en", Authors: []string{"John Smith"},
					Tags: []string{"opening", "embassy"}, URL: "https://example.org/remarks", Summary: "Opening remarks.", Origins: []news.Origin{{Line: 6}}},
				{Title: "Untitled text that goes on.", Lang: "en", Origins: []news.Origin{{Line: 16}}},
			},
			body: []string{"Ladies & gentlemen, *welcome*.", "Untitled text that goes on. And on."},
			probs: []problem{
				{Severity: news.Warning, Line: 16, Msg: `item 2 has no title; titled from its text: "Untitled text that goes on."`},
				// No home_page_url to resolve "/notes/2" against: the item stays, its link does not.
				{Severity: news.Warning, Line: 16, Msg: `item 2: its link "/notes/2" is not an absolute http(s) address`},
				{Severity: news.Warning, Line: 0, Msg: "1 item(s) have no date"},
			},
		},
		{
			file:  "latin_undeclared.xml",
			items: []news.Item{{Title: "Café opens – finally", Date: date(2020, 7, 6), Origins: []news.Origin{{Line: 3}}}},
			body:  []string{""},
			probs: []problem{{Severity: news.Warning, Line: 3, Msg: "not valid UTF-8"}},
		},
		{
			file:  "trailer_c1.atom",
			items: []news.Item{{Title: "It’s here", Date: date(2020, 7, 6), Origins: []news.Origin{{Line: 3}}}},
			body:  []string{"Text"},
			probs: []problem{
				{Severity: news.Warning, Line: 6, Msg: `from line 6 to the end of the file, starting "---"`},
				{Severity: news.Warning, Line: 0, Msg: "1 C1 control character(s)"},
			},
		},
		{
			file:  "odd_items.xml",
			items: []news.Item{{Title: "Bad date", Origins: []news.Origin{{Line: 3}}}},
			body:  []string{"Tom & Jerry"},
			probs: []problem{
				{Severity: news.Warning, Line: 3, Msg: `1 bare ampersand(s) ("&" not starting an entity like "&amp;"), the first on line 3`},
				{Severity: news.Warning, Line: 2, Msg: "item 1 has neither a title nor any text; it was left out"},
				{Severity: news.Warning, Line: 3, Msg: `item 2 ("Bad date"): its date "sometime last week" is not a date`},
			},
		},
		{
			file:  "broken.xml",
			probs: []problem{{Severity: news.Error, Line: 6, Msg: "cannot read the feed: XML syntax error on line 6: unexpected EOF; check that the file is a complete"}},
		},
		{
			file:  "notafeed.json",
			probs: []problem{{Severity: news.Error, Line: 0, Msg: "not a JSON Feed"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFile(t, filepath.Join("testdata", tt.file))
			items, ps := Parse(tt.file, data, time.FixedZone("MSK", 3*3600))
			newstest.CheckProblems(t, tt.file, ps, tt.probs)
			if len(items) != len(tt.items) {
				t.Fatalf("got %d items, want %d: %+v", len(items), len(tt.items), items)
			}
			for i, w := range tt.items {
				g := items[i]
				checkBody(t, g)
				if g.Title != w.Title || g.Date != w.Date || g.Lang != w.Lang || g.Summary != w.Summary {
					t.Errorf("item %d = %q %v lang %q summary %q\nwant %q %v lang %q summary %q",
						i, g.Title, g.Date, g.Lang, g.Summary, w.Title, w.Date, w.Lang, w.Summary)
				}
				if !reflect.DeepEqual(g.Authors, w.Authors) || !reflect.DeepEqual(g.Tags, w.Tags) || g.URL != w.URL {
					t.Errorf("item %d authors %q tags %q url %q\nwant authors %q tags %q url %q",
						i, g.Authors, g.Tags, g.URL, w.Authors, w.Tags, w.URL)
				}
				if len(g.Origins) != 1 || g.Origins[0] != (news.Origin{File: tt.file, Line: w.Origins[0].Line}) {
					t.Errorf("item %d origins = %v, want %s:%d", i, g.Origins, tt.file, w.Origins[0].Line)
				}
				if !strings.Contains(g.Body, tt.body[i]) {
					t.Errorf("item %d body = %q, want it to contain %q", i, g.Body, tt.body[i])
				}
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`<?xml version="1.0"?><rss version="2.0"></rss>`, true},
		{"\xef\xbb\xbf<!-- c -->\n<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", true},
		{`<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x "y">]><rdf:RDF></rdf:RDF>`, true},
		{`{"version": "https://jsonfeed.org/version/1", "items": []}`, true},
		{`{"version": "1.0", "items": []}`, true}, // a feed, with a version Parse refuses
		{`{"title": "x", "items": [{"id": "1"}]}`, true},
		{`{"items": [1, 2]}`, false},
		{`{"a": {"items": [], "title": "x"}}`, false},
		{`{"items": [` + strings.Repeat(`{"id": "1", "title": "padding"},`, 3000) + `{"id": "2"}], "version": "https://jsonfeed.org/version/1.1"}`, true},
		{"\xff\xfe" + utf16le(`<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"></rss>`), true},
		{"\xfe\xff" + utf16be(`<rss version="2.0"></rss>`), true},
		{`<html><body>feed</body></html>`, false},
		{`<rssfeed/>`, false},
		{"title: x\n---\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// Feeds the sniffer used to miss: each is read, or refused with an error.
func TestParseSniffedFeeds(t *testing.T) {
	rss := `<?xml version="1.0" encoding="UTF-16"?>
<rss version="2.0"><channel><title>C</title>
<item><title>Visa centre opens</title><pubDate>Mon, 06 Jul 2020 10:00:00 GMT</pubDate><description>Text.</description></item>
</channel></rss>`
	var many strings.Builder
	many.WriteString(`{"title": "Big", "items": [`)
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&many, `{"id": "%d", "title": "Item %d", "content_text": "Some text to pad the item out.", "date_published": "2020-07-06T10:00:00Z"},`, i, i)
	}
	many.WriteString(`{"id": "last", "title": "Last", "content_text": "x"}], "version": "https://jsonfeed.org/version/1.1"}`)
	tests := []struct {
		name, data string
		items      int
		err        string
	}{
		{"utf-16le.rss", "\xff\xfe" + utf16le(rss), 1, ""},
		{"utf-16be.rss", "\xfe\xff" + utf16be(rss), 1, ""},
		{"late-version.json", many.String(), 1001, ""},
		{"no-version.json", `{"title": "x", "items": [{"id": "1", "content_text": "x"}]}`, 0, "names its version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !Sniff([]byte(tt.data)) {
				t.Fatal("Sniff = false: the file would be skipped")
			}
			items, problems := Parse(tt.name, []byte(tt.data), time.UTC)
			if len(items) != tt.items {
				t.Errorf("%d items, want %d (%v)", len(items), tt.items, problems)
			}
			if tt.err == "" && news.HasErrors(problems) {
				t.Errorf("errors: %v", problems)
			}
			if tt.err != "" && (!news.HasErrors(problems) || !strings.Contains(fmt.Sprint(problems), tt.err)) {
				t.Errorf("problems %v, want an error with %q", problems, tt.err)
			}
		})
	}
}

func utf16le(s string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func utf16be(s string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

func TestTitleFrom(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Short.", "Short."},
		{"First sentence. Second one.", "First sentence."},
		{"v1.2 released today", "v1.2 released today"},
		{strings.Repeat("word ", 30), strings.TrimSpace(strings.Repeat("word ", 16)) + "…"},
	}
	for _, tt := range tests {
		if got := titleFrom(tt.in); got != tt.want {
			t.Errorf("titleFrom(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<rss><channel><item><title>&</title></item></channel></rss>---`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"title":"a"}]}` + "\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a failure too: the panic kills the fuzz worker, and the
		// input is kept in testdata/fuzz.
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Parse hung on %q", data)) })
		defer watchdog.Stop()
		items, ps := Parse("fuzz", data, time.UTC)
		for _, it := range items {
			if it.Title == "" {
				t.Errorf("item without a title: %+v", it)
			}
		}
		for _, p := range ps {
			if p.Msg == "" {
				t.Errorf("problem without a message: %+v", p)
			}
		}
		Sniff(data)
	})
}

// The link, authors and tags of the first item of real feeds, one per
// format: RSS (categories with a domain), Atom, JSON Feed.
func TestRealLinksAuthorsTags(t *testing.T) {
	realFeeds := testenv.Shared(t, "realdata", "feeds")
	tests := []struct {
		file          string
		url           string
		authors, tags []string
	}{
		{"rubycocos__guardian-naomi-klein.rss",
			"https://www.theguardian.com/books/2017/jun/10/naomi-klein-now-fight-back-against-politics-fear-shock-doctrine-trump",
			[]string{"Naomi Klein"}, []string{"Politics", "Books", "Culture", "Society", "Donald Trump", "Trump administration"}},
		{"node-feedparser__wapowellness.xml", "http://feeds.washingtonpost.com/click.phdo?i=cc0c5fb09865354bbec8415210a554da",
			[]string{"Lenny Bernstein"}, []string{"YMCA", "high school"}},
		{"node-feedparser__intertwingly.atom", "http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend", []string{"Sam Ruby"}, nil},
		{"rubycocos__jsonfeed.json", "https://jsonfeed.org/2017/05/17/announcing_json_feed", []string{"Brent Simmons and Manton Reece"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			items, _ := Parse(tt.file, readFile(t, filepath.Join(realFeeds, tt.file)), time.UTC)
			if len(items) == 0 {
				t.Fatal("no items")
			}
			it := items[0]
			if it.URL != tt.url || !reflect.DeepEqual(it.Authors, tt.authors) || !reflect.DeepEqual(it.Tags, tt.tags) {
				t.Errorf("url %q authors %q tags %q\nwant url %q authors %q tags %q", it.URL, it.Authors, it.Tags, tt.url, tt.authors, tt.tags)
			}
		})
	}
}
