package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
	"bulletin/pipeline/render"
)

// memSink keeps every file put, for tests that compare bytes.
type memSink struct {
	mu      sync.Mutex
	files   map[string][]byte
	removed []string
}

func (s *memSink) Put(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[name] = bytes.Clone(data)
	return nil
}

func (s *memSink) Remove(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed = append(s.removed, name)
	return nil
}

// The first output to fail stops the others through ctx, and the error
// names the file that failed, not one that was merely cancelled.
func TestBuildFirstErrorCancelsTheRest(t *testing.T) {
	opts := exampleOptions(t)
	var cancelled, rendered atomic.Int32
	boom := errors.New("boom")
	slow := render.RendererFunc(func(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error) {
		select {
		case <-ctx.Done():
			cancelled.Add(1)
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
			rendered.Add(1)
			return nil, nil
		}
	})
	failing := render.RendererFunc(func(context.Context, io.Writer, news.Edition) ([]news.Problem, error) { return nil, boom })
	outs := []render.Output{
		{Name: "slow-" + render.MonthMark + ".txt", MediaType: "text/plain", Scope: render.Monthly, Renderer: slow},
		{Name: "failing.txt", MediaType: "text/plain", Scope: render.Collection, Renderer: failing},
	}
	start := time.Now()
	_, err := build(context.Background(), opts, nil, func() ([]render.Output, error) { return outs, nil }, &memSink{})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "failing.txt") {
		t.Fatalf("err = %v, want the failing output's error naming failing.txt", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the build took %v: the slow outputs were not cancelled", d)
	}
	if rendered.Load() != 0 {
		t.Errorf("%d slow outputs finished after the failure", rendered.Load())
	}
}

// Names come from the registry; the monthly EPUB is a switch.
func TestOutputsRegistry(t *testing.T) {
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	k := news.MonthKey{Year: 2020, Month: time.June}
	names := func(cfg *config.Config) []string {
		outs, err := Outputs(cfg, lay)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, o := range outs {
			n = append(n, o.FileName(k))
		}
		return n
	}
	if got := strings.Join(names(config.Default()), " "); got != "bulletin-2020-06.pdf bulletin-2020-06.epub collection.epub site/ manifest.json" {
		t.Errorf("default outputs: %s", got)
	}
	off, err := config.Parse("off.yaml", []byte("epub: {monthly: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(off), " "); got != "bulletin-2020-06.pdf collection.epub site/ manifest.json" {
		t.Errorf("epub.monthly false: %s", got)
	}
}

// The message attaches the very bytes the build put into its sink.
func TestComposeLetterUsesTheBuildsBytes(t *testing.T) {
	opts := exampleOptions(t)
	june := news.MonthKey{Year: 2020, Month: time.June}
	opts.Keep = []news.MonthKey{june}
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	res, err := Build(context.Background(), opts, lay, sink)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Made {
		if kept := f.Data != nil; kept != (slices.Equal(f.Months, []news.MonthKey{june}) || f.Name == ManifestName) {
			t.Errorf("%s: data kept = %v", f.Name, kept)
		}
	}
	l, err := ComposeLetter(res, opts, LetterRequest{Month: june, From: "press@example.org", EPUB: true, Longest: "a@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range l.Content.Attachments {
		got = append(got, a.Name)
		if !bytes.Equal(a.Data, sink.files[a.Name]) {
			t.Errorf("attachment %s differs from the file the build made", a.Name)
		}
	}
	if strings.Join(got, " ") != "bulletin-2020-06.pdf bulletin-2020-06.epub" {
		t.Errorf("attachments %v, want the month's PDF and EPUB", got)
	}
	if _, err := ComposeLetter(res, opts, LetterRequest{Month: news.MonthKey{Year: 2019, Month: 1}, From: "press@example.org"}); !errors.Is(err, ErrNoMonths) || !strings.Contains(err.Error(), "2020-05, 2020-06, 2020-07") {
		t.Errorf("a month with no items: %v", err)
	}
	opts.Config.Mail.BudgetMB = 0.01
	if _, err := ComposeLetter(res, opts, LetterRequest{Month: june, From: "press@example.org"}); !errors.Is(err, ErrOverBudget) {
		t.Errorf("over budget: %v", err)
	}
	l, err = ComposeLetter(res, opts, LetterRequest{Month: june, From: "press@example.org", Force: true})
	if err != nil || l.Warning == "" {
		t.Errorf("over budget with Force: %v, warning %q", err, l.Warning)
	}
}

// A full build removes what the previous build recorded and did not make
// again, if it is one of bulletin's outputs; a build of some months
// removes nothing.
func TestBuildRemovesStaleOutputs(t *testing.T) {
	opts := exampleOptions(t)
	opts.Previous = []string{"bulletin-2019-01.pdf", "bulletin-2019-01.epub", "bulletin-2020-06.pdf", "notes.txt", "collection.epub",
		"site/2019-01.html", "site/2020-06.html", "site/index.html", "site/../notes.txt"}
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	if _, err := Build(context.Background(), opts, lay, sink); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sink.removed, " "); got != "bulletin-2019-01.pdf bulletin-2019-01.epub site/2019-01.html" {
		t.Errorf("removed %q", got)
	}
	if sink.files["site/index.html"] == nil || sink.files["site/2020-06.html"] == nil {
		t.Error("a full build made no site")
	}
	opts.Months = []news.MonthKey{{Year: 2020, Month: time.June}}
	sink = &memSink{}
	if _, err := Build(context.Background(), opts, lay, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.removed) != 0 {
		t.Errorf("a build of one month removed %v", sink.removed)
	}
	for name := range sink.files {
		if strings.HasPrefix(name, "site/") {
			t.Errorf("a build of one month wrote %s: it would lose the other months' downloads", name)
		}
	}
}
