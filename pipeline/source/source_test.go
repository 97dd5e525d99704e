package source

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/pipeline/config"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

func date(y int, m time.Month, d int) news.Date { return news.Date{Year: y, Month: m, Day: d} }

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// home is a capture with every part: date, clocks, contact, counters, a
// featured article and dated entries. Line numbers are in the comments.
const home = `6 July 2020
Moscow: 02:18
London: 00:18

Consular queries:
+44 (0) 203 668 7474

855 days have passed since the Salisbury incident - no credible information          847 days have passed since the death of Nikolay Glushkov on British soil - no response

Featured article about cooperation

It begins with a sentence.

24.06.2020 - President Vladimir Putin's speech at the parade

Text of the speech.

19.06.2020 - Заявление МИД России

Текст заявления.
`

// Lines of home: 1 date, 8 counters, 10 featured, 14 and 18 dated entries.

const undatedCapture = `855 days have passed since the Salisbury incident - no response

Featured article without a capture date

Its text.

24.06.2020 - Speech at the parade

Text.
`

const badCapture = `6 July 2020

24.06.2020 - Good entry

Its text.

31.02.2020 - Entry with an impossible date

Text.
`

func read(t *testing.T, fsys fstest.MapFS, dir string) *Result {
	t.Helper()
	res, err := Read(context.Background(), fsys, dir, time.UTC, config.Default().Limits)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return res
}

func TestReadCapture(t *testing.T) {
	res := read(t, fstest.MapFS{"home.txt": file(home)}, "sources")
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	if want := []string{"sources/home.txt"}; !reflect.DeepEqual(res.Files, want) {
		t.Errorf("Files = %q, want %q", res.Files, want)
	}
	if want := []string{"Consular queries:", "+44 (0) 203 668 7474"}; !reflect.DeepEqual(res.Contact, want) {
		t.Errorf("Contact = %q, want %q", res.Contact, want)
	}
	tests := []struct {
		title   string
		date    news.Date
		origin  string
		lang    string
		datedBy news.DatedBy
		body    string
	}{
		{"Featured article about cooperation", date(2020, 7, 6), "sources/home.txt:10", "en", news.DatedByCapture, "It begins with a sentence."},
		{"President Vladimir Putin's speech at the parade", date(2020, 6, 24), "sources/home.txt:14", "en", news.DatedByOwn, "Text of the speech."},
		{"Заявление МИД России", date(2020, 6, 19), "sources/home.txt:18", "ru", news.DatedByOwn, "Текст заявления."},
	}
	if len(res.Items) != len(tests) {
		t.Fatalf("got %d items, want %d: %+v", len(res.Items), len(tests), res.Items)
	}
	for i, tt := range tests {
		it := res.Items[i]
		t.Run(tt.title, func(t *testing.T) {
			if it.Title != tt.title || it.Date != tt.date || it.Lang != tt.lang || it.Body != tt.body {
				t.Errorf("got %q %v %s body %q, want %q %v %s body %q", it.Title, it.Date, it.Lang, it.Body, tt.title, tt.date, tt.lang, tt.body)
			}
			if len(it.Origins) != 1 || it.Origins[0].String() != tt.origin {
				t.Errorf("origins = %v, want [%s]", it.Origins, tt.origin)
			}
			// The reader says how the item is dated; the renderers word it.
			if it.DatedBy != tt.datedBy {
				t.Errorf("DatedBy = %v, want %v", it.DatedBy, tt.datedBy)
			}
		})
	}
}

func TestReadCounters(t *testing.T) {
	res := read(t, fstest.MapFS{"home.txt": file(home)}, "src")
	const tail1 = " - no credible information"
	want := []news.Counter{
		{Key: "the salisbury incident", Origin: date(2018, 3, 4), Lang: "en",
			Template: "{n} {day|days} {has|have} passed since the Salisbury incident" + tail1,
			From:     news.Origin{File: "src/home.txt", Line: 8}},
		{Key: "the death of nikolay glushkov on british soil", Origin: date(2018, 3, 12), Lang: "en",
			Template: "{n} {day|days} {has|have} passed since the death of Nikolay Glushkov on British soil - no response",
			From:     news.Origin{File: "src/home.txt", Line: 8}},
	}
	if !reflect.DeepEqual(res.Counters, want) {
		t.Errorf("counters =\n%+v\nwant\n%+v", res.Counters, want)
	}
	// The key matches the configuration's key for the same event.
	cfg, err := config.Parse("b.yaml", []byte("counters:\n  - origin: 2018-03-04\n    template: \"{n} days since the Salisbury incident\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if k := cfg.NewsCounters()[0].Key; len(res.Counters) > 0 && k != res.Counters[0].Key {
		t.Errorf("capture key %q differs from configured key %q", res.Counters[0].Key, k)
	}
}

func TestReadCounterOrigins(t *testing.T) {
	tests := []struct {
		capture string
		days    int
		want    news.Date
	}{
		{"6 July 2020", 855, date(2018, 3, 4)},
		{"6 July 2020", 847, date(2018, 3, 12)},
		{"6 July 2020", 1, date(2020, 7, 5)},
		{"6 July 2020", 0, date(2020, 7, 6)},
		{"1 March 2020", 1, date(2020, 2, 29)},
		{"1 March 2019", 1, date(2019, 2, 28)},
		{"1 January 2021", 366, date(2020, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-%d", tt.capture, tt.days), func(t *testing.T) {
			c := fmt.Sprintf("%s\n\n%d days have passed since the event - tail\n\n24.06.2020 - Title\n\nText.\n", tt.capture, tt.days)
			res := read(t, fstest.MapFS{"c.txt": file(c)}, "s")
			if len(res.Counters) != 1 {
				t.Fatalf("counters = %+v, problems %v", res.Counters, res.Problems)
			}
			if got := res.Counters[0].Origin; got != tt.want {
				t.Errorf("origin = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadUndatedCapture(t *testing.T) {
	res := read(t, fstest.MapFS{"u.txt": file(undatedCapture)}, "s")
	if len(res.Counters) != 0 {
		t.Errorf("counters without a capture date: %+v", res.Counters)
	}
	var warned bool
	for _, p := range res.Problems {
		if p.Severity == news.Error {
			t.Errorf("unexpected error: %v", p)
		}
		if p.At == (news.Origin{File: "s/u.txt", Line: 1}) && strings.Contains(p.Msg, "capture date") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning at s/u.txt:1 about the missing capture date: %v", res.Problems)
	}
	// The featured article (line 3) is warned about: it goes under Undated.
	var featured int
	for _, p := range res.Problems {
		if p.At == (news.Origin{File: "s/u.txt", Line: 3}) {
			featured++
			for _, w := range []string{"no date of its own", "no date line", "Undated", "add the date line at the top"} {
				if !strings.Contains(p.Msg, w) {
					t.Errorf("featured warning %q does not say %q", p.Msg, w)
				}
			}
			if p.Severity != news.Warning || p.Fate != news.NoFate {
				t.Errorf("featured problem = %v (fate %v), want a warning that keeps the item", p, p.Fate)
			}
		}
	}
	if featured != 1 {
		t.Errorf("%d problems at s/u.txt:3, want one warning about the undated featured article: %v", featured, res.Problems)
	}
	if len(res.Items) != 2 {
		t.Fatalf("items = %+v", res.Items)
	}
	if f := res.Items[0]; !f.Date.IsZero() || f.DatedBy != news.DatedByOwn {
		t.Errorf("featured article = %v %v; want no date and no note (it goes under Undated)", f.Date, f.DatedBy)
	}
	if d := res.Items[1]; d.Date != date(2020, 6, 24) || d.DatedBy != news.DatedByOwn {
		t.Errorf("dated entry = %v %v", d.Date, d.DatedBy)
	}
}

// TestReadDatedCaptureNoFeaturedWarning: a featured article in a dated
// capture takes the capture's date without a warning.
func TestReadDatedCaptureNoFeaturedWarning(t *testing.T) {
	res := read(t, fstest.MapFS{"home.txt": file(home)}, "s")
	for _, p := range res.Problems {
		if strings.Contains(p.Msg, "featured") {
			t.Errorf("unexpected warning %v", p)
		}
	}
}

// TestReadImagesSkipped: images are assets of Markdown items, read by the
// renderers; the reader skips them silently and still warns about other
// unknown files.
func TestReadImagesSkipped(t *testing.T) {
	fsys := fstest.MapFS{
		"2020/item.md":     file("---\ntitle: With a picture\ndate: 2020-06-24\n---\n![Map](map.png)\n"),
		"2020/map.png":     file("\x89PNG\r\n\x1a\n"),
		"2020/photo.JPG":   file("\xff\xd8\xff"),
		"2020/photo2.jpeg": file("\xff\xd8\xff"),
		"anim.gif":         file("GIF89a"),
		"logo.svg":         file(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"pic.webp":         file("RIFF....WEBP"),
		"notes.docx":       file("PK..."),
	}
	res := read(t, fsys, "sources")
	if want := []string{"sources/2020/item.md"}; !reflect.DeepEqual(res.Files, want) {
		t.Errorf("Files = %q, want %q", res.Files, want)
	}
	if len(res.Items) != 1 || res.Items[0].Title != "With a picture" {
		t.Errorf("items = %+v, want the one Markdown item", res.Items)
	}
	if len(res.Problems) != 1 || res.Problems[0].At.File != "sources/notes.docx" || !strings.Contains(res.Problems[0].Msg, "not read") {
		t.Errorf("problems = %v, want only the warning about notes.docx", res.Problems)
	}
}

func TestReadFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"b.txt":              file(home),
		"a/nested.txt":       file("24.06.2020 - Nested entry\n\nText.\n"),
		"notes.docx":         file("PK..."),
		"README":             file("not a capture"),
		"upper.TXT":          file("24.06.2020 - Upper case extension\n\nText.\n"),
		".DS_Store":          file("junk"),
		".hidden/secret.txt": file("24.06.2020 - Hidden entry\n\nText.\n"),
		"a/.swap.txt":        file("24.06.2020 - Hidden file\n\nText.\n"),
	}
	res := read(t, fsys, "sources")
	wantFiles := []string{"sources/a/nested.txt", "sources/b.txt", "sources/upper.TXT"}
	if !reflect.DeepEqual(res.Files, wantFiles) {
		t.Errorf("Files = %q, want %q", res.Files, wantFiles)
	}
	wantWarn := map[string]bool{"sources/notes.docx": true, "sources/README": true}
	for _, p := range res.Problems {
		if p.Severity != news.Warning || !wantWarn[p.At.File] || p.At.Line != 0 || !strings.Contains(p.Msg, "not read") {
			t.Errorf("unexpected problem %v", p)
		}
		delete(wantWarn, p.At.File)
	}
	for f := range wantWarn {
		t.Errorf("no warning naming %s", f)
	}
	for _, it := range res.Items {
		if strings.Contains(it.Title, "Hidden") {
			t.Errorf("item from a hidden file: %q at %v", it.Title, it.Origins)
		}
	}
	var nested bool
	for _, it := range res.Items {
		if it.Title == "Nested entry" {
			nested = true
			if it.Origins[0].String() != "sources/a/nested.txt:1" {
				t.Errorf("nested origin = %v", it.Origins)
			}
		}
	}
	if !nested {
		t.Error("the nested capture gave no item")
	}
}

func TestReadOriginDir(t *testing.T) {
	tests := []struct{ dir, want string }{
		{"sources", "sources/x.txt:1"},
		{"my/sources", "my/sources/x.txt:1"},
		{".", "x.txt:1"},
		{"", "x.txt:1"},
	}
	for _, tt := range tests {
		res := read(t, fstest.MapFS{"x.txt": file("24.06.2020 - Entry\n\nText.\n")}, tt.dir)
		if len(res.Items) != 1 || res.Items[0].Origins[0].String() != tt.want {
			t.Errorf("dir %q: items %+v, want origin %s", tt.dir, res.Items, tt.want)
		}
	}
}

func TestReadCaptureWithErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"bad.txt":   file(badCapture),
		"empty.txt": file(""),
		"good.txt":  file("24.06.2020 - Good entry elsewhere\n\nText.\n"),
	}
	res := read(t, fsys, "sources")
	// The good entries of a file with a refused one are still read, so that
	// check can account for every item; the build stops on the error.
	if len(res.Items) != 2 || res.Items[0].Title != "Good entry" || res.Items[1].Title != "Good entry elsewhere" {
		t.Errorf("items = %+v; want the good entry of bad.txt and the one of good.txt", res.Items)
	}
	refused := 0
	for _, p := range res.Problems {
		if p.Fate == news.Refused {
			refused++
			if p.At.String() != "sources/bad.txt:7" {
				t.Errorf("refused at %v, want sources/bad.txt:7", p.At)
			}
		}
	}
	if refused != 1 {
		t.Errorf("%d refusals, want 1 (the 31.02.2020 entry): %v", refused, res.Problems)
	}
	if !news.HasErrors(res.Problems) {
		t.Fatalf("no errors: %v", res.Problems)
	}
	tests := []struct {
		file string
		line int
		msg  string
	}{
		{"sources/bad.txt", 7, "31.02.2020"},
		{"sources/empty.txt", 0, ""},
	}
	for _, tt := range tests {
		found := false
		for _, p := range res.Problems {
			if p.Severity == news.Error && p.At.File == tt.file && p.At.Line == tt.line && strings.Contains(p.Msg, tt.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error at %s:%d mentioning %q in %v", tt.file, tt.line, tt.msg, res.Problems)
		}
	}
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, fstest.MapFS{"a.txt": file(home)}, "s", time.UTC, config.Default().Limits); err == nil {
		t.Error("Read with a cancelled context returned no error")
	}
}

func TestKindOf(t *testing.T) {
	rss := `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`
	jsonFeed := `{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}`
	tests := []struct {
		name, data string
		want       Kind
	}{
		{"home.txt", "", Listing},
		{"a/b/HOME.TXT", "", Listing},
		{"notes.docx", "PK\x03\x04", Unknown},
		{"txt", "", Unknown},
		{"home.txt.bak", "", Unknown},
		{"post.md", "", Markdown},
		{"items.jsonl", "", JSONLines},
		{"news.xml", rss, Feed},
		{"news.rss", rss, Feed},
		{"feed", rss, Feed}, // no extension: sniffed
		{"feed.json", jsonFeed, Feed},
		{"data.json", `{"a": 1}`, Unknown},
		{"broken.rss", "<html>not a feed", Feed}, // named a feed: read, and refused with an error
		{"empty.atom", "", Feed},
		{"nover.json", `{"title": "x", "items": []}`, Feed},
		{"sitemap.xml", `<?xml version="1.0"?><urlset></urlset>`, Unknown},
	}
	for _, tt := range tests {
		if got := KindOf(tt.name, []byte(tt.data)); got != tt.want {
			t.Errorf("KindOf(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Body text that looks like Markdown stays literal text when rendered.
func TestBodyMarkdownIsLiteral(t *testing.T) {
	tests := []struct {
		name     string
		body     string // lines after the title, blank-line separated
		literal  string // text that must appear in the XHTML
		badTags  []string
		wantTags []string
	}{
		{"ordered list", "1. First is not a list item, it is a sentence.", "1. First is not", []string{"<ol", "<li"}, nil},
		{"ordered list paren", "2) Second is a sentence.", "2) Second", []string{"<ol", "<li"}, nil},
		{"heading", "# Not a heading, but text.", "# Not a heading", []string{"<h1"}, nil},
		{"emphasis", "Stars *here* and _there_ and **bold**.", "*here* and _there_ and **bold**", []string{"<em", "<strong"}, nil},
		{"bullet", "+ plus is text.", "+ plus is text.", []string{"<ul", "<li"}, nil},
		{"rule", "=== a line of equals.", "=== a line", []string{"<hr", "<h1", "<h2"}, nil},
		{"html", "Use <b>bold</b> and <script>x</script>.", "&lt;b&gt;bold&lt;/b&gt;", []string{"<b>", "<script"}, nil},
		{"link", "See [the page](page.html) and `code`.", "[the page](page.html) and `code`", []string{"<a ", "<code"}, nil},
		{"block quote", "> quoted is text.", "&gt; quoted", []string{"<blockquote"}, nil},
		{"table", "| a | b |", "| a | b |", []string{"<table"}, nil},
		{"strike", "~~gone~~ is text.", "~~gone~~", []string{"<del"}, nil},
		{"backslash", `A \ backslash \* stays.`, `A \ backslash \* stays.`, nil, nil},
		{"typography", "“Curly” «quotes» — dash\u00a0nbsp.", "“Curly” «quotes» — dash\u00a0nbsp.", nil, nil},
		// List items written in the capture stay list items, their text literal.
		{"bullet item", "Lead text.\n\n• 1. numbered inside a bullet.\n• # hash inside a bullet.\n• *stars* inside.", "1. numbered inside a bullet.",
			[]string{"<ol", "<h1", "<em"}, []string{"<ul", "<li"}},
		{"bullet dash", "Lead text.\n\n• - dash inside a bullet.\n• + plus inside a bullet.", "- dash inside a bullet.",
			[]string{"<ul>\n<li>\n<ul", "<li><ul"}, []string{"<ul"}},
		{"sub-heading", "Key points *star*\n\nText after it.", "Key points *star*", []string{"<em"}, []string{"<h3"}},
	}
	conv := markup.New(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			capture := "6 July 2020\n\n24.06.2020 - Entry\n\n" + tt.body + "\n"
			res := read(t, fstest.MapFS{"c.txt": file(capture)}, "s")
			if len(res.Items) != 1 || len(res.Problems) != 0 {
				t.Fatalf("items %+v, problems %v", res.Items, res.Problems)
			}
			out, err := conv.XHTML([]byte(res.Items[0].Body))
			if err != nil {
				t.Fatal(err)
			}
			html := string(out)
			if !strings.Contains(html, tt.literal) {
				t.Errorf("body %q renders as\n%s\nwithout the literal text %q", res.Items[0].Body, html, tt.literal)
			}
			for _, tag := range tt.badTags {
				if strings.Contains(html, tag) {
					t.Errorf("body %q renders as\n%s\nwith %s", res.Items[0].Body, html, tag)
				}
			}
			for _, tag := range tt.wantTags {
				if !strings.Contains(html, tag) {
					t.Errorf("body %q renders as\n%s\nwithout %s", res.Items[0].Body, html, tag)
				}
			}
		})
	}
}

func TestLangOf(t *testing.T) {
	tests := []struct{ s, want string }{
		{"Statement by the Embassy", "en"},
		{"Заявление МИД России", "ru"},
		{"Интервью посла газете The Times", "ru"},
		{"Interview of the Ambassador to «Известия»", "en"},
		{"2020", "en"},
	}
	for _, tt := range tests {
		if got := langOf(tt.s); got != tt.want {
			t.Errorf("langOf(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestReadJSONLines(t *testing.T) {
	fsys := fstest.MapFS{
		"items.jsonl": {Data: []byte(`{"title":"Embassy statement on visas","date":"2020-06-03","body":"Text."}` + "\n" +
			`{"title":"Broken","date":"2020-02-30"}` + "\n")},
	}
	res := read(t, fsys, "sources")
	if len(res.Items) != 1 || res.Items[0].Origins[0].String() != "sources/items.jsonl:1" {
		t.Fatalf("items: %+v", res.Items)
	}
	if len(res.Problems) != 1 || res.Problems[0].At.String() != "sources/items.jsonl:2" || res.Problems[0].Severity != news.Error {
		t.Errorf("problems: %v", res.Problems)
	}
}

// A counter far older than time.Duration's 292 years keeps its number; one
// that reaches before the year 1 is kept with a warning on its line.
func TestReadCounterFarBack(t *testing.T) {
	for _, tt := range []struct {
		days int
		warn bool
	}{{106752, false}, {700000, false}, {3000000, true}} {
		capture := fmt.Sprintf("6 July 2020\n\n%d days have passed since the founding of the city\n\n24.06.2020 - Statement\n\nText.\n", tt.days)
		res := read(t, fstest.MapFS{"home.txt": file(capture)}, "sources")
		if len(res.Counters) != 1 {
			t.Fatalf("%d days: counters %v", tt.days, res.Counters)
		}
		c := res.Counters[0]
		if got := c.Origin.DaysUntil(news.Date{Year: 2020, Month: time.July, Day: 6}); got != tt.days {
			t.Errorf("%d days: the origin %v is %d days back", tt.days, c.Origin, got)
		}
		warned := len(res.Problems) == 1 && res.Problems[0].At.String() == "sources/home.txt:3" && strings.Contains(res.Problems[0].Msg, "before the year 1")
		if warned != tt.warn {
			t.Errorf("%d days: problems %v, want a warning: %v", tt.days, res.Problems, tt.warn)
		}
	}
}
