package normalise

import (
	"context"
	"math/rand"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

func date(y int, m time.Month, d int) news.Date { return news.Date{Year: y, Month: m, Day: d} }

func origin(file string, line int) []news.Origin { return []news.Origin{{File: file, Line: line}} }

func TestClassify(t *testing.T) {
	n := New(config.Default())
	tests := []struct {
		title string
		want  string
	}{
		// The keyword that occurs earliest in the title wins.
		{"Comment by the Information and Press Department on US Officials’ Statements on the New START Treaty", "comment"},
		{"Foreign Minister Sergey Lavrov’s statement and answers to media questions during a joint news conference", "statement"},
		{"Foreign Minister Sergey Lavrov’s remarks and answers to media questions at a news conference", "remarks"},
		{"Article by President of Russia Vladimir Putin '75th Anniversary of the Great Victory'", "article"},
		{"President Vladimir Putin's speech at the military parade marking 75th anniversary of Great Victory", "speech"},
		{"Appeal by the Federation Council to the parliaments of the world", "appeal"},
		{"Interview of the Ambassador to The Times", "interview"},
		{"Press release on the Ambassador’s meeting", "press-release"},
		{"Briefing by the Foreign Ministry Spokeswoman", "briefing"},
		{"Ambassador’s address to the conference", "speech"},
		{"Op-ed by the Ambassador in The Guardian", "article"},
		{"STATEMENT BY THE EMBASSY", "statement"},
		// Russian keywords, any case.
		{"Заявление МИД России", "statement"},
		{"Выступление Министра иностранных дел", "speech"},
		{"Интервью посла России газете «Известия»", "interview"},
		{"Статья посла в британской прессе", "article"},
		{"Комментарий Департамента информации и печати", "comment"},
		{"Обращение Совета Федерации к парламентам мира", "appeal"},
		{"Брифинг официального представителя МИД России", "briefing"},
		{"Ответ на вопрос СМИ и заявление посольства", "statement"},
		// Fallback.
		{"Embassy opens new visa centre", "news"},
		{"", "news"},
		// Keywords match only at the start of a word.
		{"Misstatement of facts in the press", "news"},
		{"Overstatements corrected", "news"},
		{"Misstatement corrected by an official statement", "statement"},
		{"Disappeal", "news"},
		{"Lavrov:statement after talks", "statement"},
		{"«Заявление» посольства", "statement"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			if got := n.Classify(tt.title); got != tt.want {
				t.Errorf("Classify(%q) = %q, want %q", tt.title, got, tt.want)
			}
		})
	}
}

func TestClassifyCustomVocabulary(t *testing.T) {
	cfg, err := config.Parse("test.yaml", []byte(`
types:
  - key: notice
    name: Notices
    keywords: [notice]
  - key: other
    name: Other
  - key: report
    name: Reports
    keywords: [report]
`))
	if err != nil {
		t.Fatal(err)
	}
	n := New(cfg)
	tests := []struct{ title, want string }{
		{"Notice of closure", "notice"},
		{"Annual report", "report"},
		{"Report on the notice", "report"},
		{"Statement by the Embassy", "other"}, // not in this vocabulary: fallback
	}
	for _, tt := range tests {
		if got := n.Classify(tt.title); got != tt.want {
			t.Errorf("Classify(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"NFC latin", "Caf" + "e\u0301", "Caf\u00e9"},
		{"NFC cyrillic й", "\u0438\u0306", "\u0439"},
		{"NFC cyrillic ё", "\u0435\u0308лка", "\u0451лка"},
		{"already NFC", "Café", "Café"},
		{"collapse spaces", "a  b\t\tc", "a b c"},
		{"newlines collapse", "line one\nline two\r\nline three", "line one line two line three"},
		{"trim ends", "  \t title \n", "title"},
		{"NBSP kept", "10\u00a0000 roubles", "10\u00a0000 roubles"},
		{"NBSP between words", "Mr.\u00a0Lavrov", "Mr.\u00a0Lavrov"},
		{"curly quotes kept", "“quoted” and ‘single’", "“quoted” and ‘single’"},
		{"guillemets kept", "газета «Известия»", "газета «Известия»"},
		{"dashes kept", "2019–2020 — a year", "2019–2020 — a year"},
		{"no entities", "Tom & Jerry <b>", "Tom & Jerry <b>"},
		{"control dropped", "a\u0007b", "ab"},
		{"empty", "", ""},
		{"only spaces", " \t\n ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBody(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"CRLF", "one\r\ntwo", "one\ntwo"},
		{"trailing spaces dropped", "one  \ntwo\t", "one\ntwo"},
		{"paragraphs kept", "one\n\ntwo", "one\n\ntwo"},
		{"indentation kept", "- a\n    code", "- a\n    code"},
		{"trimmed ends", "\n\n  text\n\n", "text"},
		{"NFC", "e\u0301", "\u00e9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Body(tt.in); got != tt.want {
				t.Errorf("Body(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTitleKey(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"Embassy opens visa centre", "EMBASSY OPENS VISA CENTRE.", true},
		{"Embassy opens visa centre", "Embassy  opens – visa centre!", true},
		{"Lavrov’s statement", "Lavrov's statement", true},
		{"Caf" + "e\u0301", "Café", true},
		{"Заявление МИД", "заявление мид", true},
		{"Embassy opens visa centre", "Embassy opens visa centres", false},
		{"Statement 1", "Statement 2", false},
	}
	for _, tt := range tests {
		if got := TitleKey(tt.a) == TitleKey(tt.b); got != tt.same {
			t.Errorf("TitleKey(%q) == TitleKey(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestItemsDuplicates(t *testing.T) {
	d := date(2020, 6, 24)
	tests := []struct {
		name        string
		in          []news.Item
		wantItems   int
		wantWarn    int
		wantBody    string // body of the first kept item
		wantOrigins []news.Origin
	}{
		{
			name: "case, punctuation and spaces differ: merged, fuller second",
			in: []news.Item{
				{Title: "Embassy opens visa centre", Date: d, Body: "A much longer text.", Origins: origin("a.txt", 3)},
				{Title: "EMBASSY  opens visa-centre!", Date: d, Body: "A much longer text about it.", Origins: origin("b.txt", 7)},
			},
			wantItems: 1, wantWarn: 1, wantBody: "A much longer text about it.",
			wantOrigins: []news.Origin{{File: "a.txt", Line: 3}, {File: "b.txt", Line: 7}},
		},
		{
			name: "merged, fuller first",
			in: []news.Item{
				{Title: "Embassy opens visa centre", Date: d, Body: "A much longer text about it.", Origins: origin("a.txt", 3)},
				{Title: "Embassy opens visa centre.", Date: d, Body: "A *much* longer", Origins: origin("b.txt", 7)},
			},
			wantItems: 1, wantWarn: 1, wantBody: "A much longer text about it.",
			wantOrigins: []news.Origin{{File: "a.txt", Line: 3}, {File: "b.txt", Line: 7}},
		},
		{
			name: "three copies",
			in: []news.Item{
				{Title: "Visa centre", Date: d, Body: "The longest text.", Origins: origin("a.txt", 1)},
				{Title: "Visa Centre", Date: d, Body: "The longest text of all.", Origins: origin("b.txt", 2)},
				{Title: "visa centre", Date: d, Body: "", Origins: origin("c.txt", 3)},
			},
			wantItems: 1, wantWarn: 2, wantBody: "The longest text of all.",
			wantOrigins: []news.Origin{{File: "a.txt", Line: 1}, {File: "b.txt", Line: 2}, {File: "c.txt", Line: 3}},
		},
		{
			name: "same generic title, different texts: both kept",
			in: []news.Item{
				{Title: "Statement", Date: d, Body: "The embassy condemns the attack on the consulate.", Origins: origin("a.txt", 3)},
				{Title: "Statement", Date: d, Body: "The embassy welcomes the agreement on visas.", Origins: origin("b.txt", 7)},
			},
			wantItems: 2, wantWarn: 0, wantBody: "The embassy condemns the attack on the consulate.",
			wantOrigins: []news.Origin{{File: "a.txt", Line: 3}},
		},
		{
			name: "near-identical texts: merged",
			in: []news.Item{
				{Title: "Statement", Date: d, Body: "One two three four five six seven eight nine ten eleven twelve.", Origins: origin("a.txt", 3)},
				{Title: "Statement", Date: d, Body: "One two three four five six seven eight nine ten eleven twelve!!", Origins: origin("b.txt", 7)},
				{Title: "Statement", Date: d, Body: "One two three four five six seven eight nine ten elevn twelve.", Origins: origin("c.txt", 9)},
			},
			wantItems: 1, wantWarn: 2, wantBody: "One two three four five six seven eight nine ten eleven twelve!!", // the longer
			wantOrigins: []news.Origin{{File: "a.txt", Line: 3}, {File: "b.txt", Line: 7}, {File: "c.txt", Line: 9}},
		},
		{
			name: "different dates: not merged",
			in: []news.Item{
				{Title: "Embassy opens visa centre", Date: d, Body: "One.", Origins: origin("a.txt", 3)},
				{Title: "Embassy opens visa centre", Date: date(2020, 6, 25), Body: "Two.", Origins: origin("b.txt", 7)},
			},
			wantItems: 2, wantWarn: 0, wantBody: "One.",
			wantOrigins: []news.Origin{{File: "a.txt", Line: 3}},
		},
		{
			name: "different titles: not merged",
			in: []news.Item{
				{Title: "Embassy opens visa centre", Date: d, Body: "One.", Origins: origin("a.txt", 3)},
				{Title: "Embassy closes visa centre", Date: d, Body: "Two.", Origins: origin("b.txt", 7)},
			},
			wantItems: 2, wantWarn: 0, wantBody: "One.",
			wantOrigins: []news.Origin{{File: "a.txt", Line: 3}},
		},
		{
			name: "undated and dated: not merged",
			in: []news.Item{
				{Title: "Embassy opens visa centre", Body: "One.", Origins: origin("a.txt", 3)},
				{Title: "Embassy opens visa centre", Date: d, Body: "Two.", Origins: origin("b.txt", 7)},
			},
			wantItems: 2, wantWarn: 0, wantBody: "One.",
			wantOrigins: []news.Origin{{File: "a.txt", Line: 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := New(config.Default()).Items(tt.in)
			if len(got) != tt.wantItems {
				t.Fatalf("got %d items, want %d: %+v", len(got), tt.wantItems, got)
			}
			if len(problems) != tt.wantWarn {
				t.Fatalf("got %d problems, want %d: %v", len(problems), tt.wantWarn, problems)
			}
			for _, p := range problems {
				if p.Severity != news.Warning || !strings.Contains(p.Msg, "merged") {
					t.Errorf("problem %v: want a warning about a merge", p)
				}
				if p.At.File == "" {
					t.Errorf("problem %v names no file", p)
				}
			}
			if got[0].Body != tt.wantBody {
				t.Errorf("body = %q, want %q", got[0].Body, tt.wantBody)
			}
			if !sameOrigins(got[0].Origins, tt.wantOrigins) {
				t.Errorf("origins = %v, want %v", got[0].Origins, tt.wantOrigins)
			}
		})
	}
}

// sameOrigins compares origins as sets: which origin comes first is not part
// of the contract.
func sameOrigins(a, b []news.Origin) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[news.Origin]int{}
	for _, o := range a {
		seen[o]++
	}
	for _, o := range b {
		seen[o]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// A merge must not write into the caller's slices.
func TestItemsMergeDoesNotTouchInput(t *testing.T) {
	d := date(2020, 6, 24)
	shared := make([]news.Origin, 1, 4)
	shared[0] = news.Origin{File: "a.txt", Line: 1}
	spare := shared[:2] // the caller's view of the spare capacity
	spare[1] = news.Origin{File: "caller.txt", Line: 99}
	in := []news.Item{
		{Title: "Visa centre", Date: d, Body: "Longer text here.", Origins: shared},
		{Title: "Visa centre", Date: d, Body: "Short.", Origins: origin("b.txt", 2)},
	}
	if _, _ = New(config.Default()).Items(in); spare[1] != (news.Origin{File: "caller.txt", Line: 99}) {
		t.Errorf("Items wrote %v into the caller's origins slice", spare[1])
	}
	if len(in[0].Origins) != 1 {
		t.Errorf("input item's origins changed to %v", in[0].Origins)
	}
}

func TestItemsTypes(t *testing.T) {
	tests := []struct {
		name     string
		item     news.Item
		wantType string
		explicit bool
		warn     bool
	}{
		{"explicit key kept over title", news.Item{Title: "Statement by the Embassy", Type: "interview", TypeExplicit: true}, "interview", true, false},
		{"explicit display name", news.Item{Title: "Statement by the Embassy", Type: "Press releases", TypeExplicit: true}, "press-release", true, false},
		{"explicit key any case, spaces", news.Item{Title: "Visa news", Type: " Briefing ", TypeExplicit: true}, "briefing", true, false},
		{"unknown explicit type: classified", news.Item{Title: "Statement by the Embassy", Type: "proclamation", TypeExplicit: true}, "statement", false, true},
		{"unknown explicit type: fallback", news.Item{Title: "Embassy opens new visa centre", Type: "memo", TypeExplicit: true}, "news", false, true},
		{"implicit type ignored", news.Item{Title: "Интервью посла", Type: "speech"}, "interview", false, false},
		{"no type", news.Item{Title: "Embassy opens new visa centre"}, "news", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := tt.item
			it.Date = date(2020, 6, 1)
			it.Origins = origin("src.md", 4)
			got, problems := New(config.Default()).Items([]news.Item{it})
			if len(got) != 1 {
				t.Fatalf("got %d items", len(got))
			}
			if got[0].Type != tt.wantType || got[0].TypeExplicit != tt.explicit {
				t.Errorf("type = %q explicit %v, want %q explicit %v", got[0].Type, got[0].TypeExplicit, tt.wantType, tt.explicit)
			}
			if tt.warn {
				if len(problems) != 1 || problems[0].Severity != news.Warning ||
					!strings.Contains(problems[0].Msg, tt.item.Type) || problems[0].At != (news.Origin{File: "src.md", Line: 4}) {
					t.Errorf("problems = %v, want one warning at src.md:4 naming %q", problems, tt.item.Type)
				}
			} else if len(problems) != 0 {
				t.Errorf("unexpected problems: %v", problems)
			}
		})
	}
}

func TestItemsNormalisesText(t *testing.T) {
	in := []news.Item{{
		Title:   "  Caf" + "e\u0301   opens\u00a0today ",
		Summary: "A  summary\n here",
		Authors: []string{" The  Press Office ", "the press office", "Ann"},
		Tags:    []string{" visas ", "", "Visas", "consular  work"},
		URL:     " https://example.org/a ",
		Body:    "Para one.  \r\n\r\nPara two.",
		Date:    date(2020, 6, 1),
	}}
	got, _ := New(config.Default()).Items(in)
	want := news.Item{Title: "Café opens\u00a0today", Summary: "A summary here", Authors: []string{"The Press Office", "Ann"},
		Tags: []string{"visas", "consular work"}, URL: "https://example.org/a", Body: "Para one.\n\nPara two."}
	g := got[0]
	if g.Title != want.Title || g.Summary != want.Summary || g.Body != want.Body {
		t.Errorf("got title %q summary %q body %q\nwant title %q summary %q body %q",
			g.Title, g.Summary, g.Body, want.Title, want.Summary, want.Body)
	}
	if !reflect.DeepEqual(g.Authors, want.Authors) || !reflect.DeepEqual(g.Tags, want.Tags) || g.URL != want.URL {
		t.Errorf("got authors %q tags %q url %q\nwant authors %q tags %q url %q",
			g.Authors, g.Tags, g.URL, want.Authors, want.Tags, want.URL)
	}
}

var reID = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func idTestItems() []news.Item {
	d := date(2020, 6, 24)
	return []news.Item{
		{Title: "President Vladimir Putin's speech at the military parade marking 75th anniversary", Date: d, Origins: origin("a.txt", 1)},
		{Title: "Заявление МИД России о ситуации", Date: d, Origins: origin("a.txt", 5)},
		{Title: "Выступление Министра", Date: date(2020, 6, 19), Origins: origin("a.txt", 9)},
		{Title: "Embassy opens new visa centre", Origins: origin("b.txt", 1)},
		{Title: "Embassy opens new visa centre (updated)", Origins: origin("b.txt", 2)},
		{Title: "«»", Date: d, Origins: origin("c.txt", 1)},
		{Title: "— 2 —", Date: d, Origins: origin("c.txt", 2)},
		{Title: "Caf news", Date: d, Origins: origin("d.txt", 1)},
		{Title: "Café news", Date: d, Origins: origin("d.txt", 2)},
		{Title: "Caf news 2", Date: d, Origins: origin("d.txt", 3)},
		{Title: "One two three four five six seven", Date: d, Origins: origin("e.txt", 1)},
		{Title: "One two three four five six eight", Date: d, Origins: origin("e.txt", 2)},
		{Title: "123 days", Date: date(2019, 1, 2), Origins: origin("e.txt", 3)},
		{Title: "Щука & Ёж: объявление", Date: date(2019, 1, 2), Origins: origin("e.txt", 4)},
	}
}

func TestItemsIDs(t *testing.T) {
	items := idTestItems()
	got, _ := New(config.Default()).Items(items)
	if len(got) != len(items) {
		t.Fatalf("got %d items, want %d", len(got), len(items))
	}
	seen := map[string]string{}
	for _, it := range got {
		if !reID.MatchString(it.ID) {
			t.Errorf("ID %q of %q is not a letter followed by [a-z0-9-]", it.ID, it.Title)
		}
		if prev, dup := seen[it.ID]; dup {
			t.Errorf("ID %q given to both %q and %q", it.ID, prev, it.Title)
		}
		seen[it.ID] = it.Title
	}

	byTitle := map[string]string{}
	for _, it := range got {
		byTitle[it.Title] = it.ID
	}
	// Readable IDs: date and transliterated words.
	tests := []struct{ title, wantPrefix string }{
		{"Заявление МИД России о ситуации", "i20200624-zayavlenie-mid-rossii-o-situatsii"},
		{"Выступление Министра", "i20200619-vystuplenie-ministra"},
		{"Щука & Ёж: объявление", "i20190102-shchuka-ezh-obyavlenie"},
		{"President Vladimir Putin’s speech at the military parade marking 75th anniversary", "i20200624-president-vladimir-putins-speech-at-the"},
		{"Embassy opens new visa centre", "i-undated-embassy-opens-new-visa-centre"},
		{"123 days", "i20190102-123-days"},
		{"«»", "i20200624-item"},
		{"— 2 —", "i20200624-2"},
	}
	for _, tt := range tests {
		if id := byTitle[tt.title]; id != tt.wantPrefix {
			t.Errorf("ID of %q = %q, want %q", tt.title, id, tt.wantPrefix)
		}
	}
}

func TestItemsIDsStableUnderPermutation(t *testing.T) {
	n := New(config.Default())
	ref, _ := n.Items(idTestItems())
	want := map[string]string{}
	for _, it := range ref {
		want[it.Title] = it.ID
	}
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 50; round++ {
		items := idTestItems()
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		got, _ := n.Items(items)
		for _, it := range got {
			if want[it.Title] != it.ID {
				t.Fatalf("round %d: ID of %q = %q, want %q as in input order", round, it.Title, it.ID, want[it.Title])
			}
		}
	}
}

// With duplicates in the input, the merged item and the others still get
// the same IDs whatever the reading order.
func TestItemsIDsStableWithDuplicates(t *testing.T) {
	d := date(2020, 6, 24)
	mk := func() []news.Item {
		return []news.Item{
			{Title: "Visa centre opens", Date: d, Body: "Long text of the item.", Origins: origin("a.txt", 1)},
			{Title: "VISA CENTRE OPENS!", Date: d, Body: "Long text.", Origins: origin("b.txt", 1)},
			{Title: "Visa centre opens", Date: date(2020, 6, 25), Body: "Next day.", Origins: origin("b.txt", 5)},
			{Title: "Visa centre opens today", Date: d, Origins: origin("c.txt", 1)},
		}
	}
	key := func(it news.Item) string { return it.Date.String() + "/" + TitleKey(it.Title) }
	n := New(config.Default())
	ref, _ := n.Items(mk())
	if len(ref) != 3 {
		t.Fatalf("got %d items, want 3", len(ref))
	}
	want := map[string]string{}
	for _, it := range ref {
		want[key(it)] = it.ID
	}
	rng := rand.New(rand.NewSource(2))
	for round := 0; round < 30; round++ {
		items := mk()
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		got, _ := n.Items(items)
		for _, it := range got {
			if want[key(it)] != it.ID {
				t.Fatalf("round %d: ID of %q = %q, want %q", round, it.Title, it.ID, want[key(it)])
			}
			if key(it) == "2020-06-24/visacentreopens" && it.Body != "Long text of the item." {
				t.Errorf("round %d: merged body = %q, want the fuller one", round, it.Body)
			}
		}
	}
}

// A duplicate with the fuller text gives its text, but the first-read item
// keeps its title and its explicit type.
func TestMergeKeepsFirstItem(t *testing.T) {
	d := news.Date{Year: 2020, Month: 6, Day: 19}
	items := []news.Item{
		{Title: "JSON one", Date: d, Type: "statement", TypeExplicit: true, Tags: []string{"talks"},
			Authors: []string{"Ann"}, Origins: []news.Origin{{File: "c.jsonl", Line: 1}}},
		{Title: "Json One!", Date: d, Body: "A longer body here.", Authors: []string{"Press Office", "ann"},
			Tags: []string{"Talks", "visas"}, URL: "https://example.org/1", Origins: []news.Origin{{File: "c.jsonl", Line: 2}}},
		{Title: "JSON one", Date: d, URL: "https://example.org/other", Origins: []news.Origin{{File: "c.jsonl", Line: 3}}},
	}
	got, ps := New(config.Default()).Items(items)
	if len(got) != 1 {
		t.Fatalf("got %d items, want 1", len(got))
	}
	it := got[0]
	if it.Title != "JSON one" || it.Type != "statement" || it.Body != "A longer body here." || len(it.Origins) != 3 {
		t.Errorf("merged item = %+v", it)
	}
	// Nothing either sighting said is lost: the union of authors and tags,
	// the link the first lacked; a second, different link is named.
	if want := []string{"Ann", "Press Office"}; !reflect.DeepEqual(it.Authors, want) {
		t.Errorf("authors = %q, want %q", it.Authors, want)
	}
	if want := []string{"talks", "visas"}; !reflect.DeepEqual(it.Tags, want) {
		t.Errorf("tags = %q, want %q", it.Tags, want)
	}
	if it.URL != "https://example.org/1" {
		t.Errorf("url = %q, want the second sighting's", it.URL)
	}
	if len(ps) != 2 || !strings.Contains(ps[1].Msg, "https://example.org/other") {
		t.Errorf("problems = %v, want the third sighting's link named", ps)
	}
}

// Footnotes without a partner are warned of, naming the line, and the
// body is left whole (the renderers keep both).
func TestFootnoteWarnings(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // in the warning, in order
	}{
		{"paired", "Text[^1].\n\n[^1]: A note.\n", nil},
		{"no note", "Text[^1] and[^2].\n\n[^1]: A note.\n", []string{"[^2] (line 1 of its text) refers to no note"}},
		{"no reference", "Text.\n\n[^x]: Orphan.\n", []string{"the note [^x] (line 3 of its text) is referred to nowhere"}},
		{"code is not a reference", "Text `[^1]`.\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := New(config.Default())
			in := []news.Item{{ID: "a", Title: "T", Body: tt.body, Origins: []news.Origin{{File: "a.md", Line: 1}}}}
			out, problems, err := n.ItemsContext(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, p := range problems {
				if strings.Contains(p.Msg, "footnotes:") {
					msgs = append(msgs, p.Msg)
				}
			}
			if len(tt.want) == 0 {
				if len(msgs) > 0 {
					t.Errorf("got warnings %q, want none", msgs)
				}
				return
			}
			if len(msgs) != 1 {
				t.Fatalf("got %d footnote warnings %q, want 1", len(msgs), msgs)
			}
			for _, w := range tt.want {
				if !strings.Contains(msgs[0], w) {
					t.Errorf("warning %q does not say %q", msgs[0], w)
				}
			}
			if len(out) != 1 || strings.TrimSpace(out[0].Body) != strings.TrimSpace(tt.body) {
				t.Errorf("body changed or item lost: %+v", out)
			}
		})
	}
}

// Finish gives each kept item's facts, those news.TextSum and news.Weight
// give for the item as it is: merged ones too, whose text may be the
// other sighting's. The month digests and the months' limit trust them.
func TestFinishFacts(t *testing.T) {
	d := date(2020, 6, 24)
	in := []news.Item{
		{Title: "Embassy opens visa centre", Date: d, Body: "A much longer text.", Origins: origin("a.txt", 3)},
		{Title: "EMBASSY  opens visa-centre!", Date: d, Body: "A much longer text about it.", Summary: "Visas.", Origins: origin("b.txt", 7)},
		{Title: "Another item", Date: d, Body: "Its own text.", Origins: origin("c.txt", 1)},
	}
	n := New(config.Default())
	prepared, err := n.Prepare(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	items, facts, _ := Finish(prepared)
	if len(items) != 2 || len(facts) != len(items) {
		t.Fatalf("%d items, %d facts; want 2 of each", len(items), len(facts))
	}
	for i, it := range items {
		if facts[i].TextSum != news.TextSum(it) || facts[i].Weight != news.Weight(it) {
			t.Errorf("item %q: Finish's facts %+v are not its own (weight %d)", it.Title, facts[i], news.Weight(it))
		}
	}
}
