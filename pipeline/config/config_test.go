package config

import (
	"strings"
	"testing"
	"time"

	"bulletin/pipeline/news"
)

func TestParseDefaults(t *testing.T) {
	for _, raw := range [][]byte{nil, []byte(""), []byte("  \n\t\n")} {
		c, err := Parse("", raw)
		if err != nil {
			t.Fatalf("Parse(%q): %v", raw, err)
		}
		checks := []struct{ field, got, want string }{
			{"Publisher", c.Publisher, "Press Office"},
			{"Title", c.Title, "Monthly Bulletin"},
			{"Language", c.Language, "en"},
			{"TimeZone", c.TimeZone, "UTC"},
			{"Location", c.Location.String(), "UTC"},
			{"PageSize", c.PageSize, ""},
			{"File", c.File, ""},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("Parse(%q).%s = %q, want %q", raw, ch.field, ch.got, ch.want)
			}
		}
		if c.Mail.BudgetMB != 10 {
			t.Errorf("Mail.BudgetMB = %v, want 10", c.Mail.BudgetMB)
		}
		if len(c.Counters) != 0 || len(c.Clocks) != 0 {
			t.Errorf("default counters/clocks = %v/%v, want none", c.Counters, c.Clocks)
		}
		def := DefaultTypes("en")
		if len(c.Types) != len(def) {
			t.Fatalf("len(Types) = %d, want %d", len(c.Types), len(def))
		}
		for i := range def {
			if c.Types[i].Key != def[i].Key || c.Types[i].Name != def[i].Name {
				t.Errorf("Types[%d] = %+v, want %+v", i, c.Types[i], def[i])
			}
		}
		last := c.Types[len(c.Types)-1]
		if last.Key != "news" || len(last.Keywords) != 0 {
			t.Errorf("last type = %+v, want the keyword-less \"news\" fallback", last)
		}
		if ty, ok := c.Lookup("news"); !ok || ty.Name != "News" {
			t.Errorf(`Lookup("news") = %+v, %v`, ty, ok)
		}
		if _, ok := c.Lookup("nonexistent"); ok {
			t.Error(`Lookup("nonexistent") found an entry`)
		}
	}
	// Default() is the same thing and must not panic.
	if d := Default(); d.Publisher != "Press Office" || d.Location != time.UTC {
		t.Errorf("Default() = %+v", d)
	}
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, c *Config)
	}{
		{"page size letter", "page_size: letter\n", func(t *testing.T, c *Config) {
			if c.PageSize != "Letter" {
				t.Errorf("PageSize = %q, want Letter", c.PageSize)
			}
		}},
		{"page size a4", "page_size: a4\n", func(t *testing.T, c *Config) {
			if c.PageSize != "A4" {
				t.Errorf("PageSize = %q, want A4", c.PageSize)
			}
		}},
		{"timezone", "timezone: Europe/London\n", func(t *testing.T, c *Config) {
			if c.Location == nil || c.Location.String() != "Europe/London" {
				t.Errorf("Location = %v, want Europe/London", c.Location)
			}
		}},
		{"clocks' zones loaded", "clocks:\n  - place: Moscow\n    zone: Europe/Moscow\n  - place: London\n    zone: Europe/London\n", func(t *testing.T, c *Config) {
			if len(c.Clocks) != 2 || c.Clocks[0].Location == nil || c.Clocks[0].Location.String() != "Europe/Moscow" ||
				c.Clocks[1].Location == nil || c.Clocks[1].Location.String() != "Europe/London" {
				t.Errorf("Clocks = %+v, want Europe/Moscow and Europe/London loaded", c.Clocks)
			}
		}},
		{"publisher and language", "publisher: Embassy\nlanguage: ru\n", func(t *testing.T, c *Config) {
			if c.Publisher != "Embassy" || c.Language != "ru" || c.Title != "Monthly Bulletin" {
				t.Errorf("got %q/%q/%q", c.Publisher, c.Language, c.Title)
			}
		}},
		{"language is lower-cased", "language: RU\n", func(t *testing.T, c *Config) {
			if c.Language != "ru" {
				t.Errorf("Language = %q, want ru", c.Language)
			}
		}},
		{"russian type names", "language: ru\n", func(t *testing.T, c *Config) {
			want := map[string]string{"statement": "Заявления", "speech": "Выступления", "remarks": "Ремарки",
				"interview": "Интервью", "article": "Статьи", "comment": "Комментарии", "press-release": "Пресс-релизы",
				"appeal": "Обращения", "briefing": "Брифинги", "news": "Новости"}
			if len(c.Types) != len(want) {
				t.Fatalf("Types = %+v, want %d", c.Types, len(want))
			}
			en := DefaultTypes("en")
			for i, ty := range c.Types {
				if ty.Key != en[i].Key || ty.Name != want[ty.Key] {
					t.Errorf("Types[%d] = %q %q, want %q %q", i, ty.Key, ty.Name, en[i].Key, want[en[i].Key])
				}
			}
		}},
		{"configured types keep their names in russian", "language: ru\ntypes:\n  - key: memo\n    name: Memos\n", func(t *testing.T, c *Config) {
			if len(c.Types) != 1 || c.Types[0].Name != "Memos" {
				t.Errorf("Types = %+v, want the configured Memos", c.Types)
			}
		}},
		{"type name defaults to key", "types:\n  - key: memo\n", func(t *testing.T, c *Config) {
			if len(c.Types) != 1 || c.Types[0].Name != "memo" {
				t.Errorf("Types = %+v, want one type named memo", c.Types)
			}
		}},
		{"counter language defaults to config language",
			"language: ru\ncounters:\n  - origin: 2018-03-04\n    template: \"{n} дней\"\n",
			func(t *testing.T, c *Config) {
				if len(c.Counters) != 1 || c.Counters[0].Language != "ru" {
					t.Errorf("Counters = %+v, want language ru", c.Counters)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("bulletin.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"unknown key", "publsher: x\n", []string{"publsher", "bulletin.yaml"}},
		{"unknown nested key", "mail:\n  form: a@b\n", []string{"form"}},
		{"bad timezone", "timezone: Mars/Olympus\n", []string{"timezone", "Mars/Olympus"}},
		{"bad clock zone", "clocks:\n  - place: Moscow\n    zone: Europe/Moskva\n", []string{"Moscow", "Europe/Moskva"}},
		{"empty clock zone", "clocks:\n  - place: Moscow\n", []string{"Moscow", "zone"}},
		{"clock without place", "clocks:\n  - zone: Europe/Moscow\n", []string{"place"}},
		{"page size A5", "page_size: A5\n", []string{"page_size", "A5"}},
		{"unknown language", "language: fr\n", []string{"language", `"fr"`, "en or ru"}},
		{"language with region", "language: ru-RU\n", []string{"language", "ru-RU", "en or ru"}},
		{"counter without {n}", "counters:\n  - origin: 2018-03-04\n    template: days since the incident\n",
			[]string{"counters[0]", "line 2", "{n}"}},
		{"counter impossible origin", "counters:\n  - origin: 2018-02-30\n    template: \"{n} days since x\"\n",
			[]string{"counters[0]", "line 2", "2018-02-30"}},
		{"counter missing origin", "counters:\n  - template: \"{n} days since x\"\n", []string{"counters[0]", "origin"}},
		{"type without key", "types:\n  - name: Memos\n", []string{"types[0]", "key"}},
		{"duplicate type", "types:\n  - key: a\n  - key: a\n", []string{`"a"`, "twice"}},
		{"not YAML", "publisher: [\n", []string{"bulletin.yaml"}},
		{"negative budget", "mail:\n  budget_mb: -5\n", []string{"budget_mb", "-5"}},
		{"NaN budget", "mail:\n  budget_mb: .nan\n", []string{"budget_mb"}},
		{"machine's zone", "timezone: Local\n", []string{"Local", "IANA"}},
		{"unknown placeholder", "counters:\n  - origin: 2018-03-04\n    template: \"{n} {foo} since x\"\n", []string{"counters[0]", "{foo}"}},
		{"unbalanced brace", "counters:\n  - origin: 2018-03-04\n    template: \"{n} days since {n\"\n", []string{"counters[0]", "without its }"}},
		{"zero source limit", "limits:\n  source_mb: -1\n", []string{"source_mb"}},
		{"huge item limit", "limits:\n  item_kb: 1e9\n", []string{"item_kb"}},
		{"negative month limit", "limits:\n  month_mb: -2\n", []string{"month_mb"}},
		{"NaN month limit", "limits:\n  month_mb: .nan\n", []string{"month_mb"}},
		{"long publisher", "publisher: " + strings.Repeat("x", 200000) + "\n", []string{"publisher", "2000"}},
		{"unsubscribe over http", "mail:\n  unsubscribe_url: http://embassy.example/u\n", []string{"unsubscribe_url", "https"}},
		{"unsubscribe_to not an address", "mail:\n  unsubscribe_to: Press <u@x.example>\n", []string{"unsubscribe_to"}},
		{"list_id with spaces", "mail:\n  list_id: press bulletin\n", []string{"list_id"}},
		{"dkim without key", "mail:\n  dkim: {domain: embassy.example, selector: s1}\n", []string{"mail.dkim", "key_file"}},
		{"unsubscribe secret in the file", "mail:\n  unsubscribe_secret: abc\n", []string{"unsubscribe_secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("bulletin.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.yaml, c)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	c, err := Load("x.yaml", strings.NewReader("title: T\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "T" || c.File != "x.yaml" {
		t.Errorf("Load = title %q file %q", c.Title, c.File)
	}
}

func TestNewsCounters(t *testing.T) {
	raw := `publisher: Embassy
counters:
  - origin: 2018-03-04
    template: "{n} {day|days} {has|have} passed since the Salisbury incident - no credible answers"
  - event: "  The   Skripal  Case "
    origin: 2018-03-04
    template: "{n} days"
    language: en
  - origin: 2014-07-17
    template: "Прошло {n} дней с крушения MH17"
    language: ru
`
	c, err := Parse("bulletin.yaml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := []news.Counter{
		{
			Key:      "the salisbury incident",
			Origin:   news.Date{Year: 2018, Month: 3, Day: 4},
			Template: "{n} {day|days} {has|have} passed since the Salisbury incident - no credible answers",
			Lang:     "en",
			From:     news.Origin{File: "bulletin.yaml", Line: 3},
		},
		{
			Key:      "the skripal case",
			Origin:   news.Date{Year: 2018, Month: 3, Day: 4},
			Template: "{n} days",
			Lang:     "en",
			From:     news.Origin{File: "bulletin.yaml", Line: 5},
		},
		{
			Key:      "крушения mh17",
			Origin:   news.Date{Year: 2014, Month: 7, Day: 17},
			Template: "Прошло {n} дней с крушения MH17",
			Lang:     "ru",
			From:     news.Origin{File: "bulletin.yaml", Line: 9},
		},
	}
	got := c.NewsCounters()
	if len(got) != len(want) {
		t.Fatalf("NewsCounters() returned %d counters, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("counter %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// Each From line really is the line of the counter in the YAML.
	lines := strings.Split(raw, "\n")
	for i, k := range got {
		line := lines[k.From.Line-1]
		if !strings.HasPrefix(strings.TrimSpace(line), "- ") {
			t.Errorf("counter %d: line %d is %q, not the start of a counter", i, k.From.Line, line)
		}
	}
}

func TestNewsCountersBuiltIn(t *testing.T) {
	c := Default()
	c.Counters = []Counter{{Origin: "2020-01-02", Template: "{n} days since launch"}}
	got := c.NewsCounters()
	if len(got) != 1 || got[0].From.File != "built-in configuration" || got[0].Key != "launch" {
		t.Errorf("NewsCounters() = %+v", got)
	}
}

func TestEventOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"855 days have passed since the Salisbury incident - no credible…", "the Salisbury incident"},
		{"{n} {day|days} {has|have} passed since the Salisbury incident", "the Salisbury incident"},
		{"Прошло {n} дней с инцидента в Солсбери", "инцидента в Солсбери"},
		{"Прошло {n} дней со дня катастрофы – ответа нет", "дня катастрофы"},
		{"100 days since the crash — and – counting - more", "the crash"},
		{"  no marker here  ", "no marker here"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := EventOf(tt.in); got != tt.want {
			t.Errorf("EventOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEventKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"The Salisbury  Incident", "the salisbury incident"},
		{"  Инцидента\tв Солсбери ", "инцидента в солсбери"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := EventKey(tt.in); got != tt.want {
			t.Errorf("EventKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
