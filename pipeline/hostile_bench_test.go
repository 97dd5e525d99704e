package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
)

// hostile are the pathological bodies of issue 16, each as a function of
// its size n (in bytes, roughly): the whole build (read, normalise,
// assets, every PDF and EPUB) is timed on n, 4n and 16n. Time that grows
// as n·log n grows a little more than 4× per step; quadratic work
// grows 16×.
var hostile = []struct {
	name string
	body func(n int) string
}{
	{"word", func(n int) string { return strings.Repeat("x", n) }},
	{"amp", func(n int) string { return strings.Repeat("&amp;", n/5) }},
	{"emphasis", func(n int) string { return strings.Repeat("_*", n/2) }},
	{"brackets", func(n int) string { return strings.Repeat("[", n) }},
	{"table-cell", func(n int) string { return "| a | b |\n|---|---|\n| " + strings.Repeat("y", n) + " | z |\n" }},
	{"nested-list", func(n int) string { return strings.Repeat("- ", n/2) + "deep\n" }},
	{"headings", func(n int) string { return strings.Repeat("# h\n", n/4) }},
	{"list", func(n int) string { return strings.Repeat("- item\n", n/7) }},
	{"relative-links", func(n int) string { return strings.Repeat("[a](b)", n/6) }},
	{"words", func(n int) string { return strings.Repeat("word ", n/5) }}, // the ordinary case, for reference
}

func hostileOptions(body string) Options {
	md := "---\ntitle: Hostile\ndate: 2020-06-10\n---\n" + body + "\n"
	return Options{Config: config.Default(), SourcesDir: "sources",
		Sources:   fstest.MapFS{"hostile.md": {Data: []byte(md)}},
		Published: time.Date(2020, 7, 6, 0, 0, 0, 0, time.UTC)}
}

// BenchmarkHostile builds each hostile body at three sizes. Compare the
// ns/op of one size with the next (benchstat, or by eye): see the README's
// "Limits and guarantees" for the figures measured.
func BenchmarkHostile(b *testing.B) {
	lay, err := layouts.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range hostile {
		for _, n := range []int{8000, 32000, 128000} {
			b.Run(fmt.Sprintf("%s/n=%d", h.name, n), func(b *testing.B) {
				opts := hostileOptions(h.body(n))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Build(context.Background(), opts, lay, discard{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
