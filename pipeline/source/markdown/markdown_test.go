package markdown

import (
	"bulletin/internal/newstest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London and Europe/Moscow on machines without zoneinfo

	"bulletin/internal/testenv"
	"bulletin/pipeline/news"
)

// problem is what a test expects the reader to report.
type problem = newstest.Problem

func date(y int, m time.Month, d int) news.Date { return news.Date{Year: y, Month: m, Day: d} }

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestRealFiles(t *testing.T) {
	// Real Markdown files shared by the project (not in this repo).
	realDir := testenv.Shared(t, "realdata", "markdown")
	london := mustLoc(t, "Europe/London")
	tests := []struct {
		file   string
		title  string
		date   news.Date
		author string
	}{
		// quoted '2014-03-19T10:14:29-04:00'; blank lines and an empty image: in the front matter
		{"18F__2014-03-19-hello-world-we-are-18f.md", "Hello, world! We are 18F", date(2014, 3, 19), "18F"},
		// 2015-03-17 14:00:00 -4: an offset of hours only
		{"18F__2015-03-17-does-18f-pass-the-bechdel-test-for-tech.md", "Does 18F pass the Bechdel test for tech?", date(2015, 3, 17), "elaine, melody"},
		// "date: 2016-08-04 " with a trailing space
		{"18F__2016-08-04-buying-better-digital-products-part-3-mapping-user-stories.md", "Buying better digital products part 3: Mapping user stories", date(2016, 8, 4), "clara-tsao, amy-wilson"},
		{"18F__2020-06-23-building-trust-in-a-public-health-crisis.md", "Building trust in a public health crisis", date(2020, 6, 23),
			"jeffrey-durland, cordelia-yu, michelle-rago, amanda-costello, ryan-johnson"},
		// the front matter's 2020-07-07T00:00:00.000Z wins over the file name's 06-30 (01:00 in London)
		{"18F__2020-06-30-transforming-how-dojs-civil-rights-division-engages-with-the-public.md", "Transforming how DOJ's Civil Rights Division engages with the public", date(2020, 7, 7),
			"malaika-carpenter, lalitha-jonnalagadda, uchenna-moka-solana, olesya-minina, aviva-oskow, jacklynn-pham"},
		{"18F__2024-12-5-18f-project-defaults.md", "18F project defaults", date(2024, 12, 5), "18F"},
		// '2018-03-09 09:00:00 -0400': quoted, space-separated
		{"cds-snc__en__CDS-gets-its-first-CEO.md", "CDS gets its first Chief Executive Officer, Aaron Snow", date(2018, 3, 9), "Anatole Papadopoulos, Executive director"},
		// the title ends with a no-break space; the date has no zone
		{"cds-snc__en__building-trust-and-understanding-privacy-notices_NBSP.md", "Building trust and understanding: Privacy notices and usability testing", date(2023, 10, 3),
			"Kaira Bakkestad-Legare (Policy Advisor), Cheyenne Arrowsmith (SRE Lead), Omar Tehsin (Software Developer)"},
		// 2020-07-06T20:31:25.403Z is 21:31 in London
		{"cds-snc__en__improving-our-covid-19-benefits-finder-tool.md", "Listening to Users: Improving the COVID-19 Benefits Finder Tool", date(2020, 7, 6), "Adrianne Lee, Researcher"},
		// folded >- title; 2020-07-06T20:39:16.171Z is 21:39 in London
		{"cds-snc__fr__a-l-ecoute-des-utilisateurs-covid-19.md", "À l’écoute des utilisateurs : amélioration de l’outil de recherche de prestations liées à la COVID-19", date(2020, 7, 6), "Adrianne Lee, chercheuse"},
		{"clickhouse__ru__2016__clickhouse-na-highload-2016.md", "ClickHouse на HighLoad++ 2016", date(2016, 12, 10), ""},
		{"clickhouse__ru__2016__yandeks-otkryvaet-clickhouse.md", "Яндекс открывает ClickHouse", date(2016, 6, 15), ""},
		{"clickhouse__ru__2019__clickhouse-meetup-v-sankt-peterburge-27-iyulya-2019.md", "ClickHouse Meetup в Санкт-Петербурге, 27 июля 2019", date(2019, 8, 1), ""},
		// author: {name: …}
		{"hugoBasicExample__creating-a-new-theme.md", "Creating a New Theme", date(2014, 9, 28), "Michael Henderson"},
		// TOML with a [ author ] table
		{"hugoBasicExample__goisforlovers.fr.md", "Introduction aux modèles (Hu)go", date(2014, 4, 2), "Michael Henderson"},
		// TOML, date-only string, arrays over several lines
		{"hugoBasicExample__markdown-syntax.md", "Markdown Syntax Guide", date(2019, 3, 11), "Hugo Authors"},
		{"hugoBasicExample__math-typesetting.md", "Math Typesetting", date(2019, 3, 8), "Hugo Authors"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(realDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			items, ps := Parse(tt.file, data, london)
			newstest.CheckProblems(t, tt.file, ps, nil)
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1", len(items))
			}
			it := items[0]
			if it.Title != tt.title {
				t.Errorf("title = %q, want %q", it.Title, tt.title)
			}
			if it.Date != tt.date {
				t.Errorf("date = %v, want %v", it.Date, tt.date)
			}
			if it.DatedBy != news.DatedByOwn {
				t.Errorf("dated by %v, want its own date (the front matter has a date)", it.DatedBy)
			}
			if got := strings.Join(it.Authors, ", "); got != tt.author {
				t.Errorf("authors = %q, want %q", got, tt.author)
			}
			if want := []news.Origin{{File: tt.file, Line: 1}}; !reflect.DeepEqual(it.Origins, want) {
				t.Errorf("origins = %v, want %v", it.Origins, want)
			}
			if strings.TrimSpace(it.Body) == "" {
				t.Error("empty body")
			}
		})
	}
	// Every file in the folder parses, including ones added after this table.
	all, err := filepath.Glob(filepath.Join(realDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range all {
		name := filepath.Base(path)
		if seen[name] {
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, ps := Parse(name, data, london); news.HasErrors(ps) {
				t.Errorf("errors:\n%s", newstest.List(ps))
			}
			t.Logf("%s has no expected title and date in the table: add it", name)
		})
	}
}

// TestRealFileDetails checks quirks of single real files beyond title and date.
func TestRealFileDetails(t *testing.T) {
	realDir := testenv.Shared(t, "realdata", "markdown")
	read := func(t *testing.T, name string, loc *time.Location) news.Item {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(realDir, name))
		if err != nil {
			t.Fatal(err)
		}
		items, ps := Parse(name, data, loc)
		if len(items) != 1 || len(ps) != 0 {
			t.Fatalf("got %d items and problems:\n%s", len(items), newstest.List(ps))
		}
		return items[0]
	}
	t.Run("templates stay in the body", func(t *testing.T) {
		it := read(t, "18F__2020-06-30-transforming-how-dojs-civil-rights-division-engages-with-the-public.md", time.UTC)
		if !strings.Contains(it.Body, `{% include "linked-figure.html",`) {
			t.Error("the {% include %} tag is missing from the body")
		}
		it = read(t, "18F__2024-12-5-18f-project-defaults.md", time.UTC)
		if !strings.Contains(it.Body, `{{ "`) || !strings.Contains(it.Body, `| url }}`) {
			t.Error(`the {{ "…" | url }} template is missing from the body`)
		}
		if it.Summary != "This year, 18F worked on 31 projects across government agencies. We want to share five templates we have adopted as defaults across our projects." {
			t.Errorf("summary from excerpt: > = %q", it.Summary)
		}
	})
	t.Run("instant converted to the zone", func(t *testing.T) {
		// 2020-07-07T00:00:00.000Z is still 6 July in Toronto.
		it := read(t, "18F__2020-06-30-transforming-how-dojs-civil-rights-division-engages-with-the-public.md", mustLoc(t, "America/Toronto"))
		if it.Date != date(2020, 7, 6) {
			t.Errorf("date = %v, want 2020-07-06", it.Date)
		}
		// 2020-07-06T20:39:16.171Z is 05:39 on 7 July in Tokyo.
		it = read(t, "cds-snc__fr__a-l-ecoute-des-utilisateurs-covid-19.md", mustLoc(t, "Asia/Tokyo"))
		if it.Date != date(2020, 7, 7) {
			t.Errorf("date = %v, want 2020-07-07", it.Date)
		}
	})
	t.Run("summary fallbacks are trimmed", func(t *testing.T) {
		it := read(t, "cds-snc__en__improving-our-covid-19-benefits-finder-tool.md", time.UTC)
		if !strings.HasPrefix(it.Summary, "A blog post about") || !strings.Contains(it.Summary, "we’ve") && !strings.Contains(it.Summary, "we've") {
			t.Errorf("summary = %q", it.Summary)
		}
		it = read(t, "cds-snc__fr__a-l-ecoute-des-utilisateurs-covid-19.md", time.UTC)
		if !strings.HasPrefix(it.Summary, "Article de blogue au sujet de l’ajout") {
			t.Errorf("summary = %q", it.Summary)
		}
	})
	t.Run("hugo type is explicit", func(t *testing.T) {
		it := read(t, "hugoBasicExample__goisforlovers.fr.md", time.UTC)
		if it.Type != "posts" || !it.TypeExplicit {
			t.Errorf("type = %q explicit %v, want posts explicit", it.Type, it.TypeExplicit)
		}
	})
}

func TestFixtures(t *testing.T) {
	london := mustLoc(t, "Europe/London")
	moscow := mustLoc(t, "Europe/Moscow")
	tests := []struct {
		file     string
		loc      *time.Location
		want     *news.Item // nil: no item
		problems []problem
	}{
		{"yaml.md", london, &news.Item{
			Title: "Minister opens the new consular office", Date: date(2020, 7, 6),
			Type: "statement", TypeExplicit: true, Summary: "The office in Leeds serves the north.",
			Lang: "en-GB", Authors: []string{"Press Office"}, Tags: []string{"consular"},
			Body: "The office opens on **Monday**.\n\n{% include \"figure.html\", src: \"office.jpg\" %}\nSee [the map]({{ \"/map/\" | url }}).\n",
		}, nil},
		// 22:30 UTC is 01:30 the next day in Moscow.
		{"toml.md", moscow, &news.Item{
			Title: "Заявление о визах", Date: date(2020, 7, 7), Summary: "Новые правила выдачи виз.",
			Lang: "ru", Authors: []string{"Пресс-служба"}, Tags: []string{"визы", "консульство"}, Body: "\nТекст заявления.\n",
		}, nil},
		{"draft.md", london, nil, []problem{{Severity: news.Warning, Line: 4, Msg: "a draft"}}},
		{"2024-12-5-no-date.md", london, &news.Item{
			Title: "Dated by its file name", Date: date(2024, 12, 5),
			DatedBy: news.DatedByFileName,
			Summary: "An excerpt as summary.", Authors: []string{"anna", "boris"}, Body: "Body.\n",
		}, nil},
		{"undated.md", london, &news.Item{Title: "No date anywhere", Body: "Body.\n"},
			[]problem{{Severity: news.Warning, Line: 1, Msg: `no date: the item goes under "Undated"; add ` + "`date:"}}},
		{"heading.md", london, &news.Item{
			Title: "Visa statement", Date: date(2020, 7, 2), Summary: "Title from the heading.",
			Body: "The embassy has resumed visa services.\n",
		}, nil},
		{"no_front.md", london, &news.Item{Title: "Visa statement", Body: "Text without front matter.\n"},
			[]problem{{Severity: news.Warning, Line: 1, Msg: "no date"}}},
		{"no_title.md", london, nil, []problem{{Severity: news.Error, Line: 1, Msg: "no title"}, {Severity: news.Warning, Line: 1, Msg: "no date"}}},
		{"bad_yaml.md", london, nil, []problem{{Severity: news.Error, Line: 4, Msg: "the YAML front matter cannot be read: line 4: did not find expected ',' or ']'"}}},
		{"bad_type.md", london, nil, []problem{{Severity: news.Error, Line: 5, Msg: "line 5: expected one value, found a list"}}},
		{"bad_toml.md", london, nil, []problem{{Severity: news.Error, Line: 4, Msg: "the TOML front matter cannot be read"}}},
		{"unclosed.md", london, nil, []problem{{Severity: news.Error, Line: 1, Msg: "never closed: add a line ---"}}},
		{"bad_date.md", london, nil, []problem{{Severity: news.Error, Line: 4, Msg: `date "sometime in July" is not a date`}}},
		{"impossible_date.md", london, nil, []problem{{Severity: news.Error, Line: 3, Msg: "February 2020 has no day 31"}}},
		{"empty.md", london, nil, []problem{{Severity: news.Error, Line: 1, Msg: "the file is empty"}}},
		{"not_utf8.md", london, nil, []problem{{Severity: news.Error, Line: 2, Msg: "not UTF-8"}}},
		{"crlf_bom.md", london, &news.Item{Title: "CRLF and BOM", Date: date(2020, 7, 4), Body: "Body line.\r\n"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			items, ps := Parse(tt.file, data, tt.loc)
			newstest.CheckProblems(t, tt.file, ps, tt.problems)
			if tt.want == nil {
				if len(items) != 0 {
					t.Fatalf("got %d items, want none: %+v", len(items), items)
				}
				return
			}
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1", len(items))
			}
			want := *tt.want
			want.Origins = []news.Origin{{File: tt.file, Line: 1}}
			if !reflect.DeepEqual(items[0], want) {
				t.Errorf("item =\n%#v\nwant\n%#v", items[0], want)
			}
		})
	}
}

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		name, in    string
		kind        string
		front, body string
		bodyLine    int
		errLine     int // 0: no error
	}{
		{"yaml", "---\ntitle: A\n---\nBody\n", "yaml", "title: A\n", "Body\n", 4, 0},
		{"toml", "+++\ntitle = \"A\"\n+++\nBody", "toml", "title = \"A\"\n", "Body", 4, 0},
		{"none", "# A\n\nBody\n", "", "", "# A\n\nBody\n", 1, 0},
		{"trailing blanks and CRLF", "--- \r\ntitle: A\r\n---\t\r\nBody\r\n", "yaml", "title: A\r\n", "Body\r\n", 4, 0},
		{"bom", "\ufeff---\ntitle: A\n---\n", "yaml", "title: A\n", "", 4, 0},
		{"empty front matter", "---\n---\nBody", "yaml", "", "Body", 3, 0},
		{"closing at end without newline", "---\na: 1\n---", "yaml", "a: 1\n", "", 4, 0},
		{"toml delimiter does not close yaml", "---\na: 1\n+++\n", "yaml", "", "", 0, 1},
		{"unclosed", "---\ntitle: A\nBody\n", "yaml", "", "", 0, 1},
		{"only a delimiter", "+++", "toml", "", "", 0, 1},
		{"dashes later are not front matter", "Text\n---\n", "", "", "Text\n---\n", 1, 0},
		{"four dashes are not a delimiter", "----\na: 1\n----\n", "", "", "----\na: 1\n----\n", 1, 0},
		{"empty", "", "", "", "", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, front, body, bodyLine, err := SplitFrontMatter([]byte(tt.in))
			if tt.errLine != 0 {
				se, ok := err.(*SplitError)
				if !ok || se.Line != tt.errLine {
					t.Fatalf("err = %v, want a SplitError at line %d", err, tt.errLine)
				}
				if kind != tt.kind {
					t.Errorf("kind = %q, want %q", kind, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kind != tt.kind || string(front) != tt.front || string(body) != tt.body || bodyLine != tt.bodyLine {
				t.Errorf("got (%q, %q, %q, %d), want (%q, %q, %q, %d)",
					kind, front, body, bodyLine, tt.kind, tt.front, tt.body, tt.bodyLine)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	london := mustLoc(t, "Europe/London")
	tests := []struct {
		in   string
		want news.Date
	}{
		{"2015-03-17 14:00:00 -4", date(2015, 3, 17)},
		{"2015-03-17 23:30:00 -4", date(2015, 3, 18)}, // 03:30 UTC next day
		{"2015-03-17T23:30-04", date(2015, 3, 18)},
		{"2018-03-09 09:00:00 -0400", date(2018, 3, 9)},
		{"2020-07-06 23:30:00 +0530", date(2020, 7, 6)},
		{"2020-07-06 23:30:00 UTC", date(2020, 7, 7)}, // 00:30 BST
		{"2020-7-6 9:05", date(2020, 7, 6)},
		{"2016-08-04 ", date(2016, 8, 4)},
		{"2024-12-5", date(2024, 12, 5)},
		{"2020-07-07T00:00:00.000Z", date(2020, 7, 7)},
		{"2023-10-03T10:53:35", date(2023, 10, 3)},
	}
	for _, tt := range tests {
		got, err := parseDate(scalar{Text: tt.in, Set: true}, london)
		if err != nil || got != tt.want {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestTOMLDatetimes(t *testing.T) {
	moscow := mustLoc(t, "Europe/Moscow")
	tests := []struct {
		date string
		want news.Date
	}{
		{"2020-07-06", date(2020, 7, 6)},                // local date
		{"2020-07-06T23:30:00", date(2020, 7, 6)},       // local datetime: wall clock
		{"2020-07-06T22:30:00Z", date(2020, 7, 7)},      // 01:30 in Moscow
		{"2020-07-06T23:30:00+05:00", date(2020, 7, 6)}, // 21:30 in Moscow
		{`"2020-07-06 22:30:00 -4"`, date(2020, 7, 7)},
	}
	for _, tt := range tests {
		data := "+++\ntitle = \"T\"\ndate = " + tt.date + "\n+++\nBody\n"
		items, ps := Parse("t.md", []byte(data), moscow)
		if len(ps) != 0 || len(items) != 1 {
			t.Errorf("date = %s: %d items, problems:\n%s", tt.date, len(items), newstest.List(ps))
			continue
		}
		if items[0].Date != tt.want {
			t.Errorf("date = %s: got %v, want %v", tt.date, items[0].Date, tt.want)
		}
	}
}

func TestAuthorsAndTags(t *testing.T) {
	tests := []struct {
		name, front   string
		authors, tags []string
	}{
		{"yaml string", "author: ' Ann '", []string{"Ann"}, nil},
		{"yaml list", "author: [Ann, Bob]", []string{"Ann", "Bob"}, nil},
		{"yaml map", "author:\n  name: Ann\n  email: a@b.c", []string{"Ann"}, nil},
		{"yaml list of maps", "author:\n  - name: Ann\n  - name: Bob", []string{"Ann", "Bob"}, nil},
		{"yaml authors alone", "authors: [Ann]", []string{"Ann"}, nil},
		// Both keys are read: neither name is dropped, a repeat is not doubled.
		{"yaml author and authors", "author: Ann\nauthors: [Bob, ann]", []string{"Ann", "Bob"}, nil},
		{"yaml null", "author:", nil, nil},
		{"yaml tags string", "author: Ann\ntags: one", []string{"Ann"}, []string{"one"}},
		{"yaml tags list", "author: Ann\ntags: [' one ', two, One, '']", []string{"Ann"}, []string{"one", "two"}},
	}
	check := func(name, data string, authors, tags []string) {
		t.Helper()
		items, ps := Parse("a.md", []byte(data), time.UTC)
		if len(ps) != 0 || len(items) != 1 {
			t.Errorf("%s: problems:\n%s", name, newstest.List(ps))
			return
		}
		if !reflect.DeepEqual(items[0].Authors, authors) {
			t.Errorf("%s: authors = %q, want %q", name, items[0].Authors, authors)
		}
		if !reflect.DeepEqual(items[0].Tags, tags) {
			t.Errorf("%s: tags = %q, want %q", name, items[0].Tags, tags)
		}
	}
	for _, tt := range tests {
		check(tt.name, "---\ntitle: T\ndate: 2020-07-06\n"+tt.front+"\n---\nBody\n", tt.authors, tt.tags)
	}
	tomlTests := []struct {
		name, front   string
		authors, tags []string
	}{
		{"toml string", `author = "Ann"`, []string{"Ann"}, nil},
		{"toml array", `author = ["Ann", "Bob"]`, []string{"Ann", "Bob"}, nil},
		{"toml table", "tags = \"one\"\n[author]\nname = \"Ann\"", []string{"Ann"}, []string{"one"}},
		{"toml array of tables", "tags = [\"a\", \"b\"]\n[[authors]]\nname = \"Ann\"\n[[authors]]\nname = \"Bob\"", []string{"Ann", "Bob"}, []string{"a", "b"}},
	}
	for _, tt := range tomlTests {
		check(tt.name, "+++\ntitle = \"T\"\ndate = \"2020-07-06\"\n"+tt.front+"\n+++\nBody\n", tt.authors, tt.tags)
	}
	// Tags that are neither a list nor a string are an error at their line.
	_, ps := Parse("a.md", []byte("---\ntitle: T\ntags:\n  a: b\n---\n"), time.UTC)
	newstest.CheckProblems(t, "a.md", ps, []problem{{Severity: news.Error, Line: 4, Msg: "expected a list or a string, found a map"}})
}

func TestDraftValues(t *testing.T) {
	for _, v := range []string{"true", "yes", "True", "'true'"} {
		items, ps := Parse("d.md", []byte("---\ntitle: T\ndraft: "+v+"\n---\n"), time.UTC)
		if len(items) != 0 {
			t.Errorf("draft: %s built", v)
		}
		newstest.CheckProblems(t, "d.md", ps, []problem{{Severity: news.Warning, Line: 3, Msg: "a draft"}})
	}
	items, ps := Parse("d.md", []byte("---\ntitle: T\ndate: 2020-07-06\ndraft: false\n---\n"), time.UTC)
	if len(items) != 1 || len(ps) != 0 {
		t.Errorf("draft: false: %d items, problems:\n%s", len(items), newstest.List(ps))
	}
}

func TestDraftNeitherTrueNorFalse(t *testing.T) {
	for _, v := range []string{"maybe", "'soon'", "2"} {
		items, ps := Parse("d.md", []byte("---\ntitle: T\ndate: 2020-07-06\ndraft: "+v+"\n---\n"), time.UTC)
		if len(items) != 0 {
			t.Errorf("draft: %s built", v)
		}
		newstest.CheckProblems(t, "d.md", ps, []problem{{Severity: news.Error, Line: 4, Msg: "neither true nor false"}})
	}
}

// A file saved with classic Mac line ends (lone CR) is read as lines.
func TestLoneCR(t *testing.T) {
	items, ps := Parse("mac.md", []byte("---\rtitle: Old Mac\rdate: 2020-07-06\r---\rFirst line.\r\rSecond paragraph.\r"), time.UTC)
	if len(items) != 1 || len(ps) != 0 {
		t.Fatalf("%d items, problems:\n%s", len(items), newstest.List(ps))
	}
	if items[0].Title != "Old Mac" || !strings.Contains(items[0].Body, "First line.\n\nSecond paragraph.") {
		t.Errorf("item = %+v", items[0])
	}
}

func TestFileDate(t *testing.T) {
	tests := []struct {
		file string
		want news.Date
		ok   bool
	}{
		{"2024-12-5-18f-project-defaults.md", date(2024, 12, 5), true},
		{"posts/2020-06-30-title.md", date(2020, 6, 30), true},
		{"2020-06-30.md", date(2020, 6, 30), true},
		{"2020-02-31-impossible.md", news.Date{}, false},
		{"20200630-title.md", news.Date{}, false},
		{"2020-06-301.md", news.Date{}, false},
		{"title-2020-06-30.md", news.Date{}, false},
	}
	for _, tt := range tests {
		got, ok := fileDate(tt.file)
		if got != tt.want || ok != tt.ok {
			t.Errorf("fileDate(%q) = %v, %v; want %v, %v", tt.file, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzSplitFrontMatter checks that splitting (and parsing) never panics and
// that a split puts the pieces back together.
func FuzzSplitFrontMatter(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("---"))
	f.Add([]byte("+++\n+++"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, front, body, bodyLine, err := SplitFrontMatter(data)
		switch {
		case err != nil:
			if _, ok := err.(*SplitError); !ok {
				t.Fatalf("err %T is not a *SplitError", err)
			}
		case kind == "":
			if string(body) != strings.TrimPrefix(string(data), "\ufeff") || bodyLine != 1 || front != nil {
				t.Fatalf("no front matter: body %q, line %d", body, bodyLine)
			}
		default:
			if len(front)+len(body) > len(data) || bodyLine < 3 {
				t.Fatalf("kind %q: front %d + body %d bytes of %d, body at line %d", kind, len(front), len(body), len(data), bodyLine)
			}
			if !strings.HasSuffix(string(data), string(body)) {
				t.Fatalf("body %q is not the end of the file", body)
			}
			if n := strings.Count(string(data[:len(data)-len(body)]), "\n"); bodyLine != n+1 && !(len(body) == 0 && bodyLine == n+2) {
				t.Fatalf("bodyLine %d, but %d newlines precede the body", bodyLine, n)
			}
		}
		items, _ := Parse("fuzz.md", data, time.UTC)
		if len(items) > 1 {
			t.Fatalf("%d items from one file", len(items))
		}
	})
}

// TestYAMLErrorLines checks that yaml's errors point at the file's line
// (yaml counts within the front matter, and some of its errors from 0).
func TestYAMLErrorLines(t *testing.T) {
	tests := []struct {
		name, front string
		line        int
	}{
		{"unclosed flow list", "title: T\nsummary: [x\nauthor: A", 3},
		{"colon in plain value", "title: T\nsummary: a: b\nauthor: A", 3},
		{"bad indentation", "title: T\n summary: x\nauthor: A", 3},
		{"quote inside quotes", "title: T\nsummary: 'it's'\nauthor: A", 3},
		{"unclosed double quote", "title: T\nsummary: \"x\nauthor: A", 3},
		{"reserved character", "title: T\nsummary: @x", 3},
		{"duplicate key", "title: T\ndate: 2020-07-06\ntitle: U", 4},
		{"title is a map", "date: 2020-07-06\ntitle:\n  a: b", 4}, // the map
		{"front matter is a list", "- a\n- b", 2},
		{"bad first line", "'x' y: 1", 2},
	}
	for _, tt := range tests {
		_, ps := Parse("y.md", []byte("---\n"+tt.front+"\n---\nBody\n"), time.UTC)
		if len(ps) != 1 || ps[0].Severity != news.Error || ps[0].At.Line != tt.line {
			t.Errorf("%s: got\n%swant one error at line %d", tt.name, newstest.List(ps), tt.line)
		}
	}
}

// url (else link) is the item's web address when absolute; a site path is
// a warning at its line, and the item is kept without it.
func TestURLAndLink(t *testing.T) {
	tests := []struct {
		name, front, url string
		warnLine         int // 0: no warning
	}{
		{"yaml url", "url: https://example.org/a", "https://example.org/a", 0},
		{"yaml link", "link: 'http://example.org/b'", "http://example.org/b", 0},
		{"url wins", "url: https://example.org/a\nlink: https://example.org/b", "https://example.org/a", 0},
		{"relative url, absolute link", "url: /about/\nlink: https://example.org/b", "https://example.org/b", 4},
		{"relative", "url: /about/", "", 4},
		{"toml url", "+url = \"https://example.org/t\"", "https://example.org/t", 0},
		{"toml relative link", "+link = \"news/1\"", "", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := "---\ntitle: T\ndate: 2020-07-06\n" + tt.front + "\n---\nBody\n"
			if front, ok := strings.CutPrefix(tt.front, "+"); ok {
				data = "+++\ntitle = \"T\"\ndate = \"2020-07-06\"\n" + front + "\n+++\nBody\n"
			}
			items, ps := Parse("a.md", []byte(data), time.UTC)
			if len(items) != 1 {
				t.Fatalf("no item: %v", ps)
			}
			if items[0].URL != tt.url {
				t.Errorf("url = %q, want %q", items[0].URL, tt.url)
			}
			var want []problem
			if tt.warnLine > 0 {
				want = []problem{{Severity: news.Warning, Line: tt.warnLine, Msg: "is not an absolute http(s) address"}}
			}
			newstest.CheckProblems(t, "a.md", ps, want)
		})
	}
}

// Tags of real files: a TOML array over several lines, a YAML flow list in
// Cyrillic, a YAML block list.
func TestRealTags(t *testing.T) {
	realDir := testenv.Shared(t, "realdata", "markdown")
	tests := []struct {
		file string
		tags []string
	}{
		{"hugoBasicExample__markdown-syntax.md", []string{"markdown", "css", "html"}},
		{"clickhouse__ru__2016__yandeks-otkryvaet-clickhouse.md", []string{"анонс", "GitHub", "лицензия"}},
		{"18F__2014-03-19-hello-world-we-are-18f.md", []string{"transformation services", "culture change", "modern practices"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(realDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			items, ps := Parse(tt.file, data, time.UTC)
			if len(items) != 1 {
				t.Fatalf("no item: %v", ps)
			}
			if !reflect.DeepEqual(items[0].Tags, tt.tags) {
				t.Errorf("tags = %q, want %q", items[0].Tags, tt.tags)
			}
		})
	}
}
