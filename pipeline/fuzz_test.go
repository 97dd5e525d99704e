package pipeline

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/render"
)

// fuzzNames are the source kinds a fuzzed file is read as.
var fuzzNames = []string{"item.md", "items.jsonl", "capture.txt", "feed.rss", "feed.json"}

// FuzzBuild feeds arbitrary bytes, as each kind of source file, through the
// whole build: reading, normalising, the asset stage and every renderer
// (the monthly PDF and EPUB and the manifest). A build may refuse
// the file (ErrSources), but must not panic or fail in a renderer. Inputs
// are kept small: one build costs a few hundred milliseconds. CI runs it
// for a bounded time (.ci/run); what it finds is kept under
// testdata/fuzz/FuzzBuild and replayed by every go test.
func FuzzBuild(f *testing.F) {
	f.Add(uint8(0), []byte("---\ntitle: Visa centre opens\ndate: 2020-06-10\n---\nThe *centre* opens on [Monday](https://example.org/).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
	f.Add(uint8(0), []byte("---\ntitle: HTML\ndate: 2020-06-10\n---\n<p>One <b>two</b></p>\n\n- a\n  - b\n    1. c\n\n> quote _x_ **y** `z`\n"))
	f.Add(uint8(1), []byte(`{"title":"A","date":"2020-06-10","body":"Text with ![img](x.png) and &amp;."}`+"\n"))
	f.Add(uint8(2), []byte("6 July 2020\n\n24.06.2020 - Statement by the Embassy\n\nText of the statement.\n\n855 days have passed since the incident\n"))
	f.Add(uint8(3), []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>C</title><item><title>T</title><pubDate>Mon, 06 Jul 2020 10:00:00 GMT</pubDate><description>&lt;p&gt;Body&lt;/p&gt;</description></item></channel></rss>`))
	f.Add(uint8(4), []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"F","items":[{"id":"1","title":"T","content_html":"<p>x</p>","date_published":"2020-06-10T10:00:00Z"}]}`))
	lay, err := layouts.Default()
	if err != nil {
		f.Fatal(err)
	}
	// The renderers are made once (the PDF's hyphenation patterns and
	// fonts cost more than a small input's whole build), and the
	// collection EPUB is left out: the monthly EPUB goes through the same
	// renderer, and each EPUB draws its cover, the biggest fixed cost.
	all, err := Outputs(config.Default(), lay)
	if err != nil {
		f.Fatal(err)
	}
	var outputs []render.Output
	for _, o := range all {
		if o.Scope != render.Collection {
			outputs = append(outputs, o)
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		if len(data) > 1<<10 {
			return // small inputs: the limits and the benchmarks cover size
		}
		name := fuzzNames[int(kind)%len(fuzzNames)]
		opts := Options{Config: config.Default(), SourcesDir: "sources",
			Sources:   fstest.MapFS{name: {Data: data}},
			Published: time.Date(2020, 7, 6, 0, 0, 0, 0, time.UTC)}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := build(ctx, opts, nil, func() ([]render.Output, error) { return outputs, nil }, discard{})
		if err != nil && !errors.Is(err, ErrSources) {
			t.Fatalf("%s: %v", name, err)
		}
	})
}
