package jsonl

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"bulletin/pipeline/news"
)

func TestParse(t *testing.T) {
	data := strings.Join([]string{
		`{"title":"Statement on the talks","date":"2020-06-19","type":"statement","body":"Text **bold**."}`,
		``,
		`{"title":"Заявление МИД","date":"19.06.2020","lang":"ru"}`,
		`{"title":"Late evening","date":"2020-06-19T23:30:00Z"}`,
		`{"title":"No date at all"}`,
	}, "\n")
	items, problems := Parse("a.jsonl", []byte(data), time.FixedZone("MSK", 3*3600))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := []struct {
		title string
		date  news.Date
		line  int
		typ   string
	}{
		{"Statement on the talks", news.Date{Year: 2020, Month: 6, Day: 19}, 1, "statement"},
		{"Заявление МИД", news.Date{Year: 2020, Month: 6, Day: 19}, 3, ""},
		{"Late evening", news.Date{Year: 2020, Month: 6, Day: 20}, 4, ""}, // 02:30 in Moscow
		{"No date at all", news.Date{}, 5, ""},
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items, want %d", len(items), len(want))
	}
	for i, w := range want {
		it := items[i]
		if it.Title != w.title || it.Date != w.date || it.Origins[0].Line != w.line || it.Type != w.typ || it.TypeExplicit != (w.typ != "") {
			t.Errorf("item %d = %q %v line %d type %q, want %q %v line %d type %q", i, it.Title, it.Date, it.Origins[0].Line, it.Type, w.title, w.date, w.line, w.typ)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data string
		line       int
		want       string
	}{
		{"empty", "", 0, "no items"},
		{"blank", "\n \n", 0, "no items"},
		{"syntax", `{"title":"A"}` + "\n" + `{"title": }`, 2, "not a JSON object"},
		{"unknown key", `{"title":"A","titel":"B"}`, 1, `unknown field "titel"`},
		{"no title", `{"date":"2020-01-01"}`, 1, `no "title"`},
		{"bad date", `{"title":"A","date":"31.02.2020"}`, 1, "date"},
		{"two values", `{"title":"A"} {"title":"B"}`, 1, "more than one"},
		{"not utf8", "{\"title\":\"caf\xe9\"}", 1, "UTF-8"},
		{"array", `["title"]`, 1, "not a JSON object"},
		{"duplicate key", `{"title":"A","body":"first","body":"second"}`, 1, `the key "body" appears twice`},
		{"duplicate key, other case", `{"title":"A","Title":"B"}`, 1, `the key "Title" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Parse("x.jsonl", []byte(tt.data), time.UTC)
			if len(problems) != 1 {
				t.Fatalf("want one problem, got %v", problems)
			}
			p := problems[0]
			if p.Severity != news.Error || p.At.Line != tt.line || !strings.Contains(p.Msg, tt.want) {
				t.Errorf("got %v, want an error at line %d containing %q", p, tt.line, tt.want)
			}
		})
	}
}

func TestParseLinkAuthorsTags(t *testing.T) {
	tests := []struct {
		name, line    string
		url           string
		authors, tags []string
		warning       string // a warning's text, "" for none
	}{
		{"all three", `{"title":"A","url":"https://example.org/a","author":"Press Office","tags":["talks"," Visas ","visas",""]}`,
			"https://example.org/a", []string{"Press Office"}, []string{"talks", "Visas"}, ""},
		{"author list and authors", `{"title":"A","author":["Ann","Bob"],"authors":["bob","Cy"]}`,
			"", []string{"Ann", "Bob", "Cy"}, nil, ""},
		{"one tag as a string", `{"title":"A","tags":"talks"}`, "", nil, []string{"talks"}, ""},
		{"http", `{"title":"A","url":" http://example.org/a "}`, "http://example.org/a", nil, nil, ""},
		{"relative url", `{"title":"A","url":"/news/a"}`, "", nil, nil, `"url" "/news/a" is not an absolute http(s) address`},
		{"other scheme", `{"title":"A","url":"ftp://example.org/a"}`, "", nil, nil, "not an absolute http(s) address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, problems := Parse("x.jsonl", []byte("\n"+tt.line), time.UTC)
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1 (problems %v)", len(items), problems)
			}
			it := items[0]
			if it.URL != tt.url || !reflect.DeepEqual(it.Authors, tt.authors) || !reflect.DeepEqual(it.Tags, tt.tags) {
				t.Errorf("url %q authors %q tags %q, want url %q authors %q tags %q", it.URL, it.Authors, it.Tags, tt.url, tt.authors, tt.tags)
			}
			switch {
			case tt.warning == "" && len(problems) != 0:
				t.Errorf("problems: %v", problems)
			case tt.warning != "" && (len(problems) != 1 || problems[0].Severity != news.Warning ||
				problems[0].At != (news.Origin{File: "x.jsonl", Line: 2}) || !strings.Contains(problems[0].Msg, tt.warning)):
				t.Errorf("problems = %v, want one warning at x.jsonl:2 containing %q", problems, tt.warning)
			}
		})
	}
}
