package listing

import (
	"bulletin/internal/newstest"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"bulletin/internal/testenv"
	"bulletin/pipeline/news"
)

// problem is what a test expects the reader to report.
type problem = newstest.Problem

func date(y int, m time.Month, d int) news.Date { return news.Date{Year: y, Month: m, Day: d} }

func parseFile(t *testing.T, path string) (*Capture, []news.Problem) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, ps := Parse(filepath.Base(path), data)
	if c == nil {
		t.Fatal("Parse returned a nil Capture")
	}
	return c, ps
}

func TestSample(t *testing.T) {
	// The real capture shared by the project (not in this repo).
	samplePath := testenv.Shared(t, "seed", "000_dc94206625c9e799.txt")
	c, ps := parseFile(t, samplePath)
	newstest.CheckProblems(t, "000_dc94206625c9e799.txt", ps, nil)

	if c.Date != date(2020, 7, 6) || c.DateLine != 1 {
		t.Errorf("capture date = %v at line %d, want 2020-07-06 at line 1", c.Date, c.DateLine)
	}
	wantClocks := []Clock{{"Moscow", 2, 18, 2}, {"London", 0, 18, 3}}
	if !reflect.DeepEqual(c.Clocks, wantClocks) {
		t.Errorf("clocks = %+v, want %+v", c.Clocks, wantClocks)
	}
	wantContact := []ContactLine{{"Consular queries:", 5}, {"+44 (0) 203 668 7474", 6}}
	if !reflect.DeepEqual(c.Contact, wantContact) {
		t.Errorf("contact = %+v, want %+v", c.Contact, wantContact)
	}

	const tail = " - no credible information or response from the British authorities"
	wantCounters := []Counter{
		{Days: 855, Event: "the Salisbury incident", Lang: "en", Line: 8,
			Sentence: "855 days have passed since the Salisbury incident" + tail,
			Template: "{n} {day|days} {has|have} passed since the Salisbury incident" + tail},
		{Days: 847, Event: "the death of Nikolay Glushkov on British soil", Lang: "en", Line: 8,
			Sentence: "847 days have passed since the death of Nikolay Glushkov on British soil" + tail,
			Template: "{n} {day|days} {has|have} passed since the death of Nikolay Glushkov on British soil" + tail},
	}
	if !reflect.DeepEqual(c.Counters, wantCounters) {
		t.Errorf("counters =\n%+v\nwant\n%+v", c.Counters, wantCounters)
	}

	if len(c.Entries) != 11 {
		t.Fatalf("got %d entries, want the featured article and 10 dated entries", len(c.Entries))
	}
	t.Run("featured", func(t *testing.T) { checkSampleFeatured(t, c.Entries[0]) })
	t.Run("dated", func(t *testing.T) { checkSampleDated(t, c.Entries[1:]) })

	for _, e := range c.Entries {
		for _, b := range e.Blocks {
			if strings.Contains(b.Text, "all messages") {
				t.Errorf("navigation left in %q, line %d: %q", e.Title, b.Line, b.Text)
			}
		}
	}
}

func checkSampleFeatured(t *testing.T, f Entry) {
	const title = "LondonCyber: on the ways to counter treats posed to cybersecurity - article by Alexander Yakovenko, Ambassador of the Russian Federation to the UK."
	if !f.Featured || !f.Date.IsZero() || f.Title != title || f.Line != 12 {
		t.Errorf("featured = %v %v %q line %d, want featured, no date, %q line 12", f.Featured, f.Date, f.Title, f.Line, title)
	}
	kinds := map[BlockKind][]int{}
	for _, b := range f.Blocks {
		kinds[b.Kind] = append(kinds[b.Kind], b.Line)
	}
	want := map[BlockKind][]int{
		Heading: {36},
		Bullet:  {37, 39, 40, 41, 42, 43, 44},
	}
	for k, lines := range want {
		if !reflect.DeepEqual(kinds[k], lines) {
			t.Errorf("%v blocks at lines %v, want %v", k, kinds[k], lines)
		}
	}
	if n := len(kinds[Paragraph]); n != 23 {
		t.Errorf("got %d paragraphs, want 23 (lines 14-35 and 38)", n)
	}
	if f.Blocks[0].Line != 14 || !strings.HasPrefix(f.Blocks[0].Text, "The London conference") {
		t.Errorf("first block = %+v, want the paragraph of line 14", f.Blocks[0])
	}
	for _, b := range f.Blocks {
		if b.Kind == Heading && b.Text != "Main points" {
			t.Errorf("heading %q, want only \"Main points\"", b.Text)
		}
		if b.Text != strings.TrimSpace(b.Text) || strings.HasPrefix(b.Text, "\u00a0") {
			t.Errorf("block at line %d not trimmed: %q", b.Line, b.Text)
		}
	}
	if got := f.Blocks[len(f.Blocks)-1].Text; got != "Enclosure: box with the text of draft Convention on International Information Security." {
		t.Errorf("last block = %q", got)
	}
}

func checkSampleDated(t *testing.T, es []Entry) {
	want := []struct {
		date  news.Date
		line  int
		title string // a prefix
	}{
		{date(2020, 6, 24), 47, "President Vladimir Putin's speech at the military parade"},
		{date(2020, 6, 19), 51, "Foreign Minister Sergey Lavrov’s statement and answers"},
		{date(2020, 6, 18), 55, "Article by President of Russia Vladimir Putin '75th Anniversary"},
		{date(2020, 6, 18), 59, "Article co-authored by Foreign Minister Sergey Lavrov"},
		{date(2020, 6, 17), 63, "Comment by the Information and Press Department on US Officials’ Statements"},
		{date(2020, 6, 2), 67, "Appeal by the Federation Council"},
		{date(2020, 5, 28), 71, "Foreign Minister Sergey Lavrov’s article about the world amid the coronavirus pandemic"},
		{date(2020, 5, 27), 75, "Foreign Minister Sergey Lavrov’s remarks and answers to questions"},
		{date(2020, 5, 16), 79, "Foreign Minister Sergey Lavrov’s interview with the RBC media holding"},
		{date(2020, 5, 14), 83, "Minister Sergey Lavrov’s statement and answers to media questions"},
	}
	for i, w := range want {
		e := es[i]
		if e.Featured || e.Date != w.date || e.Line != w.line || !strings.HasPrefix(e.Title, w.title) {
			t.Errorf("entry %d = %v line %d %q, want %v line %d %q…", i, e.Date, e.Line, e.Title, w.date, w.line, w.title)
		}
		if len(e.Blocks) != 1 || e.Blocks[0].Kind != Paragraph || e.Blocks[0].Line != w.line+2 {
			t.Errorf("entry %d blocks = %+v, want one paragraph at line %d", i, e.Blocks, w.line+2)
		}
	}
	if got := es[0].Title; got != "President Vladimir Putin's speech at the military parade marking 75th anniversary of Great Victory, 24 June 2020" {
		t.Errorf("first title = %q", got)
	}
}

// TestVariants reads one file per variant of the capture seen in the wild.
func TestVariants(t *testing.T) {
	p := func(line int, text string) Block { return Block{Kind: Paragraph, Text: text, Line: line} }
	bullet := func(line int, text string) Block { return Block{Kind: Bullet, Text: text, Line: line} }
	heading := func(line int, text string) Block { return Block{Kind: Heading, Text: text, Line: line} }
	entry := func(d news.Date, line int, title string, blocks ...Block) Entry {
		return Entry{Title: title, Date: d, Line: line, Blocks: blocks}
	}
	tests := []struct {
		file     string
		date     news.Date
		clocks   []Clock
		contact  []ContactLine
		counters []Counter
		entries  []Entry
		problems []problem
	}{
		{
			file:   "own_line_date.txt",
			date:   date(2020, 7, 6),
			clocks: []Clock{{"Moscow", 2, 18, 2}, {"London", 0, 18, 3}},
			entries: []Entry{
				entry(date(2020, 6, 24), 6, "President's speech at the military parade", p(8, "People of Russia, dear veterans.")),
				entry(date(2020, 6, 19), 12, "Statement after the talks in Minsk", p(14, "Ladies and gentlemen.")),
				entry(date(2020, 6, 18), 16, "Article on the anniversary", p(17, "Text of the article.")),
			},
		},
		{
			// No capture date: the leading date has its title right under it.
			file: "own_line_first.txt",
			entries: []Entry{entry(date(2020, 6, 24), 2, "Speech at the parade",
				p(4, "Text with\u00a0a no-break space, “curly quotes” and tabs."))},
		},
		{
			file: "indented.txt",
			date: date(2020, 7, 6),
			entries: []Entry{
				entry(date(2020, 6, 24), 3, "Speech at the parade",
					p(5, "People of Russia, dear veterans."),
					p(8, "Second paragraph of the speech."),
					bullet(10, "An indented list item.")),
				entry(date(2020, 6, 19), 12, "Statement in Minsk", p(14, "Ladies and gentlemen.")),
			},
		},
		{
			file: "single_newlines.txt",
			date: date(2020, 7, 6),
			entries: []Entry{
				entry(date(2020, 6, 24), 2, "Speech at the parade",
					p(3, "First paragraph of the speech."), p(4, "Second paragraph of the speech.")),
				entry(date(2020, 6, 19), 5, "Statement in Minsk", p(6, "Only paragraph.")),
				entry(date(2020, 6, 18), 7, "Article with no text"),
			},
		},
		{
			file:   "no_counters.txt",
			date:   date(2020, 7, 6),
			clocks: []Clock{{"Moscow", 2, 18, 2}},
			contact: []ContactLine{
				{"Press office:", 4}, {"+44 (0) 20 7946 0000", 5}, {"press@example.org", 6},
			},
			entries: []Entry{
				{Title: "Featured article about cooperation", Featured: true, Line: 8, Blocks: []Block{
					p(10, "It begins with a sentence."),
					heading(11, "Key points"),
					bullet(12, "First point."), bullet(13, "Second point."), bullet(14, "Third point."),
					p(15, "It ends with a sentence."),
				}},
				entry(date(2020, 6, 24), 17, "Speech at the parade", p(19, "Text.")),
			},
		},
		{
			file:    "pager_heading.txt",
			date:    date(2020, 7, 6),
			entries: []Entry{entry(date(2020, 6, 24), 5, "Speech at the parade", p(7, "Text of the speech."))},
		},
		{
			file:   "russian.txt",
			date:   date(2020, 7, 6),
			clocks: []Clock{{"Москва", 2, 18, 2}},
			counters: []Counter{
				{Days: 855, Event: "инцидента в Солсбери", Lang: "ru", Line: 4,
					Sentence: "855 дней прошло с инцидента в Солсбери - нет ответа британских властей",
					Template: "{n} {день|дня|дней} {прошёл|прошло|прошло} с инцидента в Солсбери - нет ответа британских властей"},
				{Days: 847, Event: "гибели Николая Глушкова", Lang: "ru", Line: 4,
					Sentence: "Прошло 847 дней с гибели Николая Глушкова",
					Template: "{Прошёл|Прошло|Прошло} {n} {день|дня|дней} с гибели Николая Глушкова"},
			},
			entries: []Entry{entry(date(2020, 6, 24), 6, "Выступление Президента на параде", p(8, "Текст выступления."))},
		},
		{
			file:   "crlf.txt",
			date:   date(2020, 7, 6),
			clocks: []Clock{{"Moscow", 2, 18, 2}},
			counters: []Counter{{Days: 1, Event: "the opening", Lang: "en", Line: 4,
				Sentence: "1 day has passed since the opening - welcome",
				Template: "{n} {day|days} {has|have} passed since the opening - welcome"}},
			entries: []Entry{entry(date(2020, 6, 24), 6, "Speech at the parade",
				p(8, "First paragraph."), p(10, "Second paragraph."))},
		},
		{
			file:    "bom.txt",
			date:    date(2020, 7, 6),
			entries: []Entry{entry(date(2020, 6, 24), 3, "Speech at the parade", p(5, "Text."))},
		},
		{
			file:     "bad_counter.txt",
			date:     date(2020, 7, 6),
			entries:  []Entry{entry(date(2020, 6, 24), 5, "Speech at the parade", p(7, "Text."))},
			problems: []problem{{Severity: news.Warning, Line: 3, Msg: "looks like a counter"}},
		},
		{
			file:     "impossible_date.txt",
			date:     date(2020, 7, 6),
			entries:  []Entry{entry(date(2020, 6, 24), 3, "Good entry", p(5, "Its text."))},
			problems: []problem{{Severity: news.Error, Line: 7, Msg: "31.02.2020 is not a real date: February 2020 has no day 31; correct the date"}},
		},
		{
			file:    "empty_title.txt",
			date:    date(2020, 7, 6),
			entries: []Entry{entry(date(2020, 6, 19), 7, "Titled entry", p(9, "Text."))},
			problems: []problem{
				{Severity: news.Error, Line: 3, Msg: "the entry dated 24.06.2020 has no title"},
				{Severity: news.Error, Line: 11, Msg: "the entry dated 18.06.2020 has no title"},
			},
		},
		{
			file:     "empty.txt",
			problems: []problem{{Severity: news.Error, Line: 0, Msg: "the file is empty: add items or remove the file"}},
		},
		{
			file:     "blank.txt",
			problems: []problem{{Severity: news.Error, Line: 0, Msg: "the file is empty"}},
		},
		{
			file:     "invalid_utf8.txt",
			problems: []problem{{Severity: news.Error, Line: 3, Msg: "not valid UTF-8 (byte 0xE9 on this line): save it as UTF-8"}},
		},
		{
			file:     "no_item.txt",
			date:     date(2020, 7, 6),
			clocks:   []Clock{{"Moscow", 2, 18, 2}, {"London", 0, 18, 3}},
			problems: []problem{{Severity: news.Error, Line: 0, Msg: "no news items found"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, ps := parseFile(t, filepath.Join("testdata", tt.file))
			newstest.CheckProblems(t, tt.file, ps, tt.problems)
			if c.File != tt.file || c.Date != tt.date {
				t.Errorf("capture %q dated %v, want %q dated %v", c.File, c.Date, tt.file, tt.date)
			}
			if !reflect.DeepEqual(c.Clocks, tt.clocks) {
				t.Errorf("clocks = %+v, want %+v", c.Clocks, tt.clocks)
			}
			if !reflect.DeepEqual(c.Contact, tt.contact) {
				t.Errorf("contact = %+v, want %+v", c.Contact, tt.contact)
			}
			if !reflect.DeepEqual(c.Counters, tt.counters) {
				t.Errorf("counters =\n%+v\nwant\n%+v", c.Counters, tt.counters)
			}
			if !reflect.DeepEqual(c.Entries, tt.entries) {
				t.Errorf("entries =\n%s\nwant\n%s", dump(c.Entries), dump(tt.entries))
			}
		})
	}
}

func dump(es []Entry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%d %v featured=%v %q\n", e.Line, e.Date, e.Featured, e.Title)
		for _, bl := range e.Blocks {
			fmt.Fprintf(&b, "    %d %v %q\n", bl.Line, bl.Kind, bl.Text)
		}
	}
	return b.String()
}

func TestSplitDated(t *testing.T) {
	tests := []struct {
		in          string
		date, title string
		ok          bool
	}{
		{"24.06.2020 - Speech", "24.06.2020", "Speech", true},
		{"24.06.2020 – Speech - with a dash", "24.06.2020", "Speech - with a dash", true},
		{"24.06.2020—Speech", "24.06.2020", "Speech", true},
		{"2020-06-24 - Speech", "2020-06-24", "Speech", true},
		{"6 July 2020 - Speech", "6 July 2020", "Speech", true},
		{"6 июля 2020 г. — Выступление", "6 июля 2020 г.", "Выступление", true},
		{"31.02.2020 - Impossible", "31.02.2020", "Impossible", true},
		{"24.06.2020 -", "24.06.2020", "", true},
		{"Moscow, 24 June 2020 - a paragraph", "", "", false},
		{"These sanctions are directed at an unusual target - not one", "", "", false},
		{"24.06.2020", "", "", false},
	}
	for _, tt := range tests {
		d, title, ok := splitDated(tt.in)
		if d != tt.date || title != tt.title || ok != tt.ok {
			t.Errorf("splitDated(%q) = %q, %q, %v; want %q, %q, %v", tt.in, d, title, ok, tt.date, tt.title, tt.ok)
		}
	}
}

func TestParseCounter(t *testing.T) {
	tests := []struct {
		in   string
		want Counter
		ok   bool
	}{
		{"1,000 days have passed since the launch", Counter{Days: 1000, Event: "the launch", Lang: "en",
			Sentence: "1,000 days have passed since the launch", Template: "{n} {day|days} {has|have} passed since the launch"}, true},
		{"2  days  have passed since   the launch — still waiting.", Counter{Days: 2, Event: "the launch", Lang: "en",
			Sentence: "2 days have passed since the launch — still waiting.", Template: "{n} {day|days} {has|have} passed since the launch — still waiting."}, true},
		{"21 день прошёл со дня аварии", Counter{Days: 21, Event: "дня аварии", Lang: "ru",
			Sentence: "21 день прошёл со дня аварии", Template: "{n} {день|дня|дней} {прошёл|прошло|прошло} со дня аварии"}, true},
		{"Many days have passed since the launch", Counter{}, false},
		{"75 years have passed since the end of the war", Counter{}, false},
	}
	for _, tt := range tests {
		got, ok := parseCounter(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseCounter(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHeadingText(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Main points", true},
		{"Key points", true},
		{"Ladies and gentlemen,", false},
		{"He said “no.”", false},
		{"Contents:", false},
		{"lowercase start", false},
		{"Foreign Minister Sergey Lavrov’s interview on current international issues", false},
	}
	for _, tt := range tests {
		if got := isHeadingText(tt.in); got != tt.want {
			t.Errorf("isHeadingText(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNavigation(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"all messages", true},
		{"Pages: ««« :: 123456789 :: »»»", true},
		{"« 1 2 3 »", true},
		{"PRESS RELEASES AND NEWS", true},
		{"NATO", true},
		{"UK", false},
		{"10:30", false},
		{"2020", false},
		{"Main points", false},
	}
	for _, tt := range tests {
		if got := isNavigation(tt.in); got != tt.want {
			t.Errorf("isNavigation(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// nextDash must find the separators the regular expression it replaced
// found, in the same order, including around no-break spaces and runs of
// dashes.
func TestNextDashMatchesRegexp(t *testing.T) {
	re := regexp.MustCompile(`[\s\p{Zs}]*[-–—][\s\p{Zs}]*`)
	for _, s := range []string{
		"24.06.2020 - Title", "2020-06-24 — Title – with – dashes", "a - - b", "-lead", "trail -",
		"6\u00a0июля 2020\u00a0—\u00a0Заявление", "no dash at all", "x\t-\ty\n-\nz", "——", " - ",
		"word-word–word—word", "\u2003-\u3000", "é - ü",
	} {
		var want, got [][2]int
		for _, m := range re.FindAllStringIndex(s, -1) {
			want = append(want, [2]int{m[0], m[1]})
		}
		for off := 0; off < len(s); {
			start, end, ok := nextDash(s, off)
			if !ok {
				break
			}
			got = append(got, [2]int{start, end})
			off = end
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: separators %v, the expression finds %v", s, got, want)
		}
	}
}

// collapse returns a line as it is only when collapsing it would change
// nothing.
func TestCollapseShortcut(t *testing.T) {
	for _, s := range []string{
		"", " ", "plain words here", " lead", "trail ", "two  spaces", "tab\there", "line\nbreak",
		"10\u00a0000 roubles", "nbsp \u00a0run", "\u00a0", "em\u2003space", "narrow\u202fnbsp", "a b c",
	} {
		if got, want := collapse(s), collapseRuns(s); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
	}
	if !collapsed("plain words, 10\u00a0000") || collapsed("two  spaces") || collapsed(" lead") {
		t.Error("collapsed misjudges a line")
	}
}
