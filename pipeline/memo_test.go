package pipeline

import (
	"bytes"
	"context"
	"maps"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/internal/testenv"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
	"bulletin/pipeline/normalise"
	"bulletin/pipeline/outdir"
)

// memoSources are files whose reading and normalising warn at every step
// the memo must replay: a capture with counters and contact lines, an
// unknown type, a relative link with no address to resolve it against,
// raw HTML, lists nested too deep, and two sightings of one item merged.
func memoSources(t *testing.T) fstest.MapFS {
	t.Helper()
	capture, err := os.ReadFile("../sources/embassy-front-page-2020-07-06.txt")
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat("- ", normalise.MaxNesting+3) + "deep\n"
	return fstest.MapFS{
		"front.txt":      {Data: capture},
		"warn.md":        {Data: []byte("---\ntitle: Warnings\ndate: 2020-06-10\ntype: bogus\n---\n\nSee [the page](notes/page.html).\n\n<div><blink>raw</blink></div>\n\n" + deep)},
		"a/one.md":       {Data: []byte("---\ntitle: Same item\ndate: 2020-06-11\nurl: https://example.org/a\n---\n\nThe same text.\n")},
		"b/two.md":       {Data: []byte("---\ntitle: Same item\ndate: 2020-06-11\nurl: https://example.org/b\nauthors: [Ann]\n---\n\nThe same text, longer.\n")},
		"notes.csv":      {Data: []byte("not a source\n")},
		"bad\xffname.md": {Data: []byte("---\ntitle: Bytes \xfe kept\ndate: 2020-06-12\n---\n\nText.\n")},
	}
}

// TestMemoRecallsWhatParsingGives reads sources twice into one output
// folder: the second time every file comes from the memo, and the
// catalogue (items, problems with their places and order, counters,
// contact, months and their digests) is the very one a build without a
// memo collects.
func TestMemoRecallsWhatParsingGives(t *testing.T) {
	cfg, err := config.Parse("test.yaml", []byte("timezone: Europe/London\n"))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Config: cfg, SourcesDir: "sources", Published: time.Date(2020, 7, 6, 0, 18, 0, 0, cfg.Location)}
	t.Run("synthetic", func(t *testing.T) {
		opts := opts
		opts.Sources = memoSources(t)
		cat := checkMemoRecalls(t, opts, 5)
		for _, want := range []string{"warn.md:", "not in the vocabulary", "nest more than", "merged into one item", "notes.csv"} {
			if !mentions(cat.Problems, want) {
				t.Errorf("no problem mentions %q: the test's sources no longer exercise it", want)
			}
		}
		if len(cat.Counters) == 0 || len(cat.Contact) == 0 {
			t.Errorf("counters %v, contact %v: the capture should give both", cat.Counters, cat.Contact)
		}
	})
	for _, dir := range []string{"markdown", "feeds"} {
		t.Run("realdata/"+dir, func(t *testing.T) {
			opts := opts
			opts.Sources = os.DirFS(testenv.Shared(t, "realdata", dir))
			checkMemoRecalls(t, opts, -1)
		})
	}
}

func mentions(ps []news.Problem, s string) bool {
	for _, p := range ps {
		if strings.Contains(p.String(), s) {
			return true
		}
	}
	return false
}

// checkMemoRecalls collects opts twice through a memo in one folder and
// compares the second, recalled, catalogue with a clean one; files is how
// many files the memo must recall (-1: as many as the first read).
func checkMemoRecalls(t *testing.T, opts Options, files int) *Catalogue {
	t.Helper()
	ctx := context.Background()
	out := t.TempDir()
	saved := 0 // entries the last collectInto saved
	collectInto := func(noCache bool) (*memo, *Catalogue) {
		t.Helper()
		o := opts
		o.NoCache = noCache
		stage := outdir.NewStage(out)
		st, err := newStats(o, stage)
		if err != nil {
			t.Fatal(err)
		}
		m, err := newMemo(ctx, o, stage, st)
		if err != nil {
			t.Fatal(err)
		}
		cat, err := collect(ctx, o, m)
		if err != nil {
			t.Fatal(err)
		}
		saved = len(m.now) + len(m.fresh) // save lets go of its entries
		if err := m.save(ctx, stage); err != nil {
			t.Fatal(err)
		}
		if err := st.save(stage, false, nil); err != nil {
			t.Fatal(err)
		}
		if err := stage.Commit(); err != nil {
			t.Fatal(err)
		}
		return m, cat
	}
	collectInto(true)
	if files < 0 {
		files = saved
	}
	m, got := collectInto(false)
	if len(m.got) != files {
		t.Errorf("the memo recalled %d files, want %d", len(m.got), files)
	}
	want, err := Collect(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"items", got.Items, want.Items},
		{"problems", got.Problems, want.Problems},
		{"counters", got.Counters, want.Counters},
		{"contact", got.Contact, want.Contact},
		{"files", got.Files, want.Files},
		{"months", got.All, want.All},
		{"account", got.Account(), want.Account()},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s recalled from the memo differ from a clean read's:\n%+v\nwant\n%+v", c.what, c.got, c.want)
		}
	}
	return got
}

// TestMemoCodec round-trips entries exactly (nil and empty slices told
// apart, bytes that are not UTF-8 kept) and refuses every truncation.
func TestMemoCodec(t *testing.T) {
	full := news.Item{
		ID: "i1", Title: "T\xff", Date: news.Date{Year: 2020, Month: 6, Day: 3}, DatedBy: news.DatedByCapture,
		Type: "statement", TypeExplicit: true, Summary: "S", Body: "B\n\nb", Lang: "ru", URL: "https://x",
		Authors: []string{"A", ""}, Tags: []string{}, Origins: []news.Origin{{File: "f", Line: 3}}, Dir: "d",
		Images: []news.Image{{Src: "i.png", Name: "d/i.png", MediaType: "image/png", Data: []byte{0, 1}, Width: 2, Height: -1}, {Data: []byte{}}},
	}
	prob := news.Problem{Severity: news.Warning, At: news.Origin{File: "f", Line: 1}, Msg: "m", Fate: news.Merged, Into: news.Origin{File: "g"}}
	entries := map[string]memoEntry{
		"empty":     {},
		"empties":   {Items: []normalise.Prepared{}, Counters: []news.Counter{}, Contact: []string{}, Files: []string{}, Problems: []news.Problem{}},
		"zero item": {Items: []normalise.Prepared{{}}},
		"full": {
			Items:    []normalise.Prepared{{Item: full, Problems: [5][]news.Problem{{prob}, nil, {}, {prob}, {prob, prob}}, TitleKey: "t", BaseID: "i20200603-t", Facts: normalise.Facts{TextSum: [32]byte{1, 2, 3}, Weight: 1 << 40}}, {Item: news.Item{Title: "second"}}},
			Counters: []news.Counter{{Key: "k", Origin: news.Date{Year: -1, Month: 12, Day: 31}, Template: "{n}", Lang: "en", From: news.Origin{File: "c", Line: 9}}},
			Contact:  []string{"Tel"},
			Files:    []string{"sources/f"},
			Problems: []news.Problem{prob},
		},
	}
	for name, e := range entries {
		t.Run(name, func(t *testing.T) {
			b := encodeMemoEntry(&e)
			got, err := decodeMemoEntry(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, e) {
				t.Errorf("decoded\n%#v\nwant\n%#v", *got, e)
			}
			for n := range len(b) {
				if _, err := decodeMemoEntry(b[:n]); err == nil {
					t.Errorf("the first %d of %d bytes decoded without an error", n, len(b))
				}
			}
			if _, err := decodeMemoEntry(append(bytes.Clone(b), 0)); err == nil {
				t.Error("a trailing byte decoded without an error")
			}
		})
	}
}

// TestMemoCodecFields fails when a type the memo encodes gains or loses
// a field: memocodec.go must then learn it, or the memo would drop it.
func TestMemoCodecFields(t *testing.T) {
	for _, c := range []struct {
		v      any
		fields int
	}{
		{news.Item{}, 15}, {news.Image{}, 6}, {news.Problem{}, 5}, {news.Counter{}, 5},
		{news.Origin{}, 2}, {news.Date{}, 3}, {normalise.Prepared{}, 5}, {normalise.Facts{}, 2}, {memoEntry{}, 5},
	} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.fields {
			t.Errorf("%T has %d fields, the memo's codec encodes %d: teach memocodec.go the change and update this test", c.v, n, c.fields)
		}
	}
}

// TestMemoDamaged: a memo whose bytes are not those its SHA-256 names,
// cut short, or of another format is no memo.
func TestMemoDamaged(t *testing.T) {
	m := &memo{now: map[[32]byte][]byte{{1}: encodeMemoEntry(&memoEntry{Files: []string{"sources/a.md"}}), {2}: {}}}
	want := maps.Clone(m.now) // save lets go of its entries
	var sink memorySink
	if err := m.save(context.Background(), &sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.files) != memoShards {
		t.Fatalf("%d memo files, want %d", len(sink.files), memoShards)
	}
	good := sink.files[shardName(1)]
	if got, ok := parseMemo(good); !ok || !reflect.DeepEqual(got, map[[32]byte][]byte{{1}: want[[32]byte{1}]}) {
		t.Fatalf("the memo as saved reads as %v, %v", got, ok)
	}
	damaged := map[string][]byte{
		"a byte of an entry changed": append(bytes.Clone(good[:len(good)-3]), good[len(good)-3]^1, good[len(good)-2], good[len(good)-1]),
		"a byte of the sum changed":  append(append(bytes.Clone(good[:len(memoMagic)]), good[len(memoMagic)]^1), good[len(memoMagic)+1:]...),
		"cut short":                  good[:len(good)-1],
		"another format":             append([]byte("bulletin sources memo 0\n"), good[len(memoMagic):]...),
		"empty":                      nil,
	}
	for name, data := range damaged {
		if _, ok := parseMemo(data); ok {
			t.Errorf("%s: read as a memo", name)
		}
	}
}

// memorySink keeps what is put, by name; Put may be called from several
// goroutines at once, as a Sink's may.
type memorySink struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (s *memorySink) Put(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[name] = data
	return nil
}

// encodeMemoEntry is the entry's bytes in the memo, as saveShard writes them.
func encodeMemoEntry(m *memoEntry) []byte {
	var e memoEnc
	e.entry(m)
	return e.b
}
