package pipeline

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

func exampleOptions(tb testing.TB) Options {
	tb.Helper()
	capture, err := os.ReadFile("../sources/embassy-front-page-2020-07-06.txt")
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Parse("test.yaml", []byte("timezone: Europe/London\nclocks:\n  - {place: Moscow, zone: Europe/Moscow}\n"))
	if err != nil {
		tb.Fatal(err)
	}
	return Options{
		Config:     cfg,
		Sources:    fstest.MapFS{"front.txt": {Data: capture}},
		SourcesDir: "sources",
		Published:  time.Date(2020, 7, 6, 0, 18, 0, 0, cfg.Location),
	}
}

func TestCollectExample(t *testing.T) {
	opts := exampleOptions(t)
	cat, err := Collect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if news.HasErrors(cat.Problems) {
		t.Fatalf("problems: %v", cat.Problems)
	}
	got := map[string]int{}
	for _, m := range cat.Months {
		got[m.Key.String()] = m.Count()
	}
	want := map[string]int{"2020-05": 4, "2020-06": 6, "2020-07": 1}
	if len(got) != len(want) {
		t.Fatalf("months %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("month %s: %d items, want %d", k, got[k], n)
		}
	}
	cover := cat.Cover(opts, cat.Months[1:2])
	if cover.Period != "June 2020" || cover.Published != "6 July 2020" || cover.Total != 6 || cover.TotalText != "6 items" {
		t.Errorf("cover: %+v", cover)
	}
	if len(cover.Clocks) != 1 || cover.Clocks[0] != (news.Clock{Place: "Moscow", Time: "02:18"}) {
		t.Errorf("clocks at 00:18 London: %+v", cover.Clocks)
	}
	if len(cover.Counters) != 2 || cover.Counters[0][:4] != "855 " || cover.Counters[1][:4] != "847 " {
		t.Errorf("counters: %q", cover.Counters)
	}
	if p := period(cat.Months); p != "May 2020 – July 2020" {
		t.Errorf("period of all months: %q", p)
	}
}

func TestCoverWordsRussian(t *testing.T) {
	opts := exampleOptions(t)
	cfg, err := config.Parse("ru.yaml", []byte("language: ru\ntimezone: Europe/Moscow\n"))
	if err != nil {
		t.Fatal(err)
	}
	opts.Config = cfg
	cat, err := Collect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for months, want := range map[int]string{1: "4 материала", 2: "10 материалов", 3: "11 материалов"} {
		if got := cat.Cover(opts, cat.Months[:months]).TotalText; got != want {
			t.Errorf("%d months: %q, want %q", months, got, want)
		}
	}
	if got := cat.Cover(opts, cat.Months[:1]).Published; got != "6 июля 2020" {
		t.Errorf("published: %q", got)
	}
}

// TestDateNotes: Collect records how an item dated by its capture or its
// file name was dated, and the edition's labels word it in the configured
// language.
func TestDateNotes(t *testing.T) {
	fsys := fstest.MapFS{
		"front.txt":           {Data: []byte("6 July 2020\n\nFeatured article\n\nText.\n\n24.06.2020 - Dated entry\n\nText.\n")},
		"2020-06-05-memo.md":  {Data: []byte("---\ntitle: Memo\n---\nBody.\n")},
		"2020-06-07-dated.md": {Data: []byte("---\ntitle: Own date\ndate: 2020-06-01\n---\nBody.\n")},
	}
	tests := []struct {
		yaml, capture, file, typeName string
	}{
		{"language: en\n", "Undated in the source; dated by its capture date, 6 July 2020.",
			"Undated in the source; dated by its file name, 5 June 2020.", "News"},
		{"language: ru\n", "В источнике без даты; датировано по дате снимка страницы, 6 июля 2020.",
			"В источнике без даты; датировано по имени файла, 5 июня 2020.", "Новости"},
	}
	for _, tt := range tests {
		cfg, err := config.Parse("b.yaml", []byte(tt.yaml))
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Config: cfg, Sources: fsys, SourcesDir: "sources", Published: time.Date(2020, 7, 6, 12, 0, 0, 0, time.UTC)}
		cat, err := Collect(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"Featured article": tt.capture, "Memo": tt.file, "Dated entry": "", "Own date": ""}
		for _, it := range cat.Items {
			note := cat.edition(opts, cat.All, nil).Meta.Labels.DateNote(it, dates.Format(it.Date, cfg.Language))
			if w, ok := want[it.Title]; !ok || note != w {
				t.Errorf("%s: %q has note %q, want %q", cfg.Language, it.Title, note, w)
			}
			delete(want, it.Title)
		}
		if len(want) != 0 {
			t.Errorf("%s: items missing: %v", cfg.Language, want)
		}
		if len(cat.Months) == 0 || len(cat.Months[0].Types) == 0 || cat.Months[0].Types[0].Name != tt.typeName {
			t.Errorf("%s: type names = %+v, want %q", cfg.Language, cat.Months, tt.typeName)
		}
	}
}

func TestSelectNothing(t *testing.T) {
	opts := exampleOptions(t)
	opts.Months = []news.MonthKey{{Year: 2019, Month: 1}}
	_, err := Collect(context.Background(), opts)
	if !errors.Is(err, ErrNoMonths) || !strings.Contains(err.Error(), "2020-05, 2020-06, 2020-07") {
		t.Errorf("asking for a month with no items: %v, want ErrNoMonths naming the months there are", err)
	}
}

// BenchmarkBuildExample measures the whole pipeline on the example capture:
// read, normalise, group, three monthly PDFs and the EPUB.
func BenchmarkBuildExample(b *testing.B) {
	opts := exampleOptions(b)
	lay, err := layouts.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), opts, lay, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectExample measures reading, normalising and grouping alone.
func BenchmarkCollectExample(b *testing.B) {
	opts := exampleOptions(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Collect(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
}

// discard is a Sink that keeps nothing, for benchmarks and tests that only
// look at the Result.
type discard struct{}

func (discard) Put(string, []byte) error { return nil }

func TestBuildProgress(t *testing.T) {
	opts := exampleOptions(t)
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var names []string
	dones := map[int]bool{}
	opts.Progress = func(done, total int, name string) {
		mu.Lock()
		defer mu.Unlock()
		names = append(names, name)
		dones[done] = true
		if total != 9 {
			t.Errorf("progress %d of %d for %s: want a total of 3 PDFs, 3 EPUBs, the collection, the site and the manifest", done, total, name)
		}
	}
	if _, err := Build(context.Background(), opts, lay, discard{}); err != nil {
		t.Fatal(err)
	}
	if len(dones) != 9 || !dones[1] || !dones[9] {
		t.Errorf("done counts %v, want 1 to 9 once each", dones)
	}
	if names[len(names)-1] != "manifest.json" {
		t.Errorf("progress ended with %s, want the manifest last (it describes the others)", names[len(names)-1])
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "bulletin-2020-05.epub bulletin-2020-05.pdf bulletin-2020-06.epub bulletin-2020-06.pdf bulletin-2020-07.epub bulletin-2020-07.pdf collection.epub manifest.json site/" {
		t.Errorf("progress named %v", names)
	}
}
