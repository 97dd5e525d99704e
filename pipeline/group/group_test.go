package group

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

func date(y int, m time.Month, d int) news.Date { return news.Date{Year: y, Month: m, Day: d} }

func item(id, typ, title string, d news.Date) news.Item {
	return news.Item{ID: id, Type: typ, Title: title, Date: d}
}

func mk(y int, m time.Month) news.MonthKey { return news.MonthKey{Year: y, Month: m} }

// layout writes months as "TITLE[type:id,id|type:id]" for comparison.
func layout(months []news.Month) []string {
	var out []string
	for _, m := range months {
		var types []string
		for _, tg := range m.Types {
			var ids []string
			for _, it := range tg.Items {
				ids = append(ids, it.ID)
			}
			types = append(types, tg.Type+"("+tg.Name+"):"+strings.Join(ids, ","))
		}
		out = append(out, fmt.Sprintf("%s %s[%s]", m.Key, m.Title, strings.Join(types, "|")))
	}
	return out
}

func sampleItems() []news.Item {
	return []news.Item{
		item("a", "news", "Visa centre", date(2020, 6, 24)),
		item("b", "statement", "Statement B", date(2020, 6, 2)),
		item("c", "statement", "Statement A", date(2020, 6, 2)),
		item("d", "speech", "Speech", date(2020, 6, 30)),
		item("e", "news", "Undated thing", news.Date{}),
		item("f", "comment", "Comment", date(2019, 12, 31)),
		item("g", "statement", "Statement Z", date(2020, 6, 1)),
		item("h", "news", "Another undated", news.Date{}),
		item("i", "custom", "Custom type", date(2020, 6, 5)),
		item("j", "alpha", "Alpha type", date(2020, 6, 5)),
		item("k", "briefing", "Briefing", date(2020, 1, 15)),
		item("l", "statement", "Statement A", date(2020, 6, 2)), // same date and title as c: by ID
		item("m", "news", "Next year", date(2021, 1, 1)),
	}
}

func TestByMonth(t *testing.T) {
	cfg := config.Default()
	ru := config.Default()
	ru.Language = "ru"
	tests := []struct {
		name    string
		cfg     *config.Config
		items   []news.Item
		undated string
		want    []string
	}{
		{
			name: "sample", cfg: cfg, items: sampleItems(), undated: "Undated",
			want: []string{
				"2019-12 December 2019[comment(Comments):f]",
				"2020-01 January 2020[briefing(Briefings):k]",
				// vocabulary order: statement, speech, …, news; unknown keys after, by key.
				"2020-06 June 2020[statement(Statements):g,c,l,b|speech(Speeches):d|news(News):a|alpha(alpha):j|custom(custom):i]",
				"2021-01 January 2021[news(News):m]",
				"undated Undated[news(News):h,e]",
			},
		},
		{
			name: "russian titles", cfg: ru,
			items: []news.Item{
				item("x", "news", "Б", news.Date{}),
				item("y", "speech", "А", date(2020, 7, 6)),
			},
			undated: "Без даты",
			want: []string{
				"2020-07 Июль 2020[speech(Speeches):y]",
				"undated Без даты[news(News):x]",
			},
		},
		{
			name: "only undated", cfg: cfg, undated: "No date",
			items: []news.Item{item("x", "appeal", "T", news.Date{})},
			want:  []string{"undated No date[appeal(Appeals):x]"},
		},
		{name: "empty", cfg: cfg, undated: "Undated", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := layout(ByMonth(tt.items, tt.cfg, tt.undated))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// Items within a type run by date, then title.
func TestByMonthItemOrder(t *testing.T) {
	items := []news.Item{
		item("1", "news", "Zebra", date(2020, 6, 1)),
		item("2", "news", "Apple", date(2020, 6, 3)),
		item("3", "news", "Apple", date(2020, 6, 1)),
		item("4", "news", "Mango", date(2020, 6, 2)),
	}
	months := ByMonth(items, config.Default(), "Undated")
	if len(months) != 1 || len(months[0].Types) != 1 {
		t.Fatalf("layout = %v", layout(months))
	}
	var got []string
	for _, it := range months[0].Types[0].Items {
		got = append(got, it.Date.String()+" "+it.Title)
	}
	want := []string{"2020-06-01 Apple", "2020-06-01 Zebra", "2020-06-02 Mango", "2020-06-03 Apple"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
	if months[0].Count() != 4 {
		t.Errorf("Count = %d, want 4", months[0].Count())
	}
}

// Types follow the configured order, not the default one.
func TestByMonthCustomVocabulary(t *testing.T) {
	cfg, err := config.Parse("t.yaml", []byte(`
types:
  - key: news
    name: Latest
  - key: statement
    name: Positions
    keywords: [statement]
`))
	if err != nil {
		t.Fatal(err)
	}
	items := []news.Item{
		item("s", "statement", "S", date(2020, 6, 1)),
		item("n", "news", "N", date(2020, 6, 2)),
		item("o", "speech", "O", date(2020, 6, 3)), // not in this vocabulary
	}
	got := layout(ByMonth(items, cfg, "Undated"))
	want := []string{"2020-06 June 2020[news(Latest):n|statement(Positions):s|speech(speech):o]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestByMonthDeterministic(t *testing.T) {
	cfg := config.Default()
	want := layout(ByMonth(sampleItems(), cfg, "Undated"))
	rng := rand.New(rand.NewSource(7))
	for round := 0; round < 100; round++ {
		items := sampleItems()
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		if got := layout(ByMonth(items, cfg, "Undated")); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: got\n%s\nwant\n%s", round, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestByMonthDoesNotReorderInput(t *testing.T) {
	items := sampleItems()
	before := make([]string, len(items))
	for i, it := range items {
		before[i] = it.ID
	}
	ByMonth(items, config.Default(), "Undated")
	for i, it := range items {
		if it.ID != before[i] {
			t.Fatalf("input reordered: position %d holds %q, was %q", i, it.ID, before[i])
		}
	}
}

func TestSelect(t *testing.T) {
	months := ByMonth(sampleItems(), config.Default(), "Undated")
	zero := news.MonthKey{}
	tests := []struct {
		name     string
		want     []news.MonthKey
		from, to news.MonthKey
		keys     []string
	}{
		{"all", nil, zero, zero, []string{"2019-12", "2020-01", "2020-06", "2021-01", "undated"}},
		{"one month", []news.MonthKey{mk(2020, 6)}, zero, zero, []string{"2020-06"}},
		{"two months, order kept", []news.MonthKey{mk(2021, 1), mk(2019, 12)}, zero, zero, []string{"2019-12", "2021-01"}},
		{"month without items", []news.MonthKey{mk(2020, 3)}, zero, zero, nil},
		{"undated asked for", []news.MonthKey{zero}, zero, zero, []string{"undated"}},
		{"from", nil, mk(2020, 1), zero, []string{"2020-01", "2020-06", "2021-01"}},
		{"from between months", nil, mk(2020, 2), zero, []string{"2020-06", "2021-01"}},
		{"to", nil, zero, mk(2020, 1), []string{"2019-12", "2020-01"}},
		{"to between months", nil, zero, mk(2020, 5), []string{"2019-12", "2020-01"}},
		{"from and to inclusive", nil, mk(2020, 1), mk(2020, 6), []string{"2020-01", "2020-06"}},
		{"year boundary", nil, mk(2019, 12), mk(2020, 1), []string{"2019-12", "2020-01"}},
		{"same month", nil, mk(2020, 6), mk(2020, 6), []string{"2020-06"}},
		{"empty range", nil, mk(2020, 7), mk(2020, 12), nil},
		{"from after to", nil, mk(2021, 1), mk(2019, 12), nil},
		{"months and range", []news.MonthKey{mk(2019, 12), mk(2020, 6), mk(2021, 1)}, mk(2020, 1), mk(2020, 12), []string{"2020-06"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range Select(months, tt.want, tt.from, tt.to) {
				got = append(got, m.Key.String())
			}
			if !reflect.DeepEqual(got, tt.keys) {
				t.Errorf("Select = %q, want %q", got, tt.keys)
			}
		})
	}
}
