package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bulletin/internal/testenv"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

func TestRealMarkdown(t *testing.T) {
	dir := testenv.Shared(t, "realdata", "markdown") // files written by others, which CI provides
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Markdown files in %s: %v", dir, err)
	}
	cfg := config.Default()
	opts := Options{Config: cfg, Sources: os.DirFS(dir), SourcesDir: "realdata/markdown",
		Published: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	cat, err := Collect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Problems {
		if p.Severity == news.Error {
			t.Errorf("%v", p)
		}
	}
	if cat.Account().Read != len(files) || len(cat.Items) != len(files) {
		t.Errorf("read %d items, kept %d, from %d files: every file is one item", cat.Account().Read, len(cat.Items), len(files))
	}
	for _, it := range cat.Items {
		if it.Date.IsZero() || it.Title == "" {
			t.Errorf("%s: title %q, date %v: every real file has both", it.Origins[0], it.Title, it.Date)
		}
	}
}

func TestRealFeeds(t *testing.T) {
	dir := testenv.Shared(t, "realdata", "feeds")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Config: config.Default(), Sources: os.DirFS(dir), SourcesDir: "realdata/feeds",
		Published: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	cat, err := Collect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Problems {
		if p.Severity == news.Error {
			t.Errorf("%v", p)
		}
	}
	if len(cat.Files) != len(entries) {
		t.Errorf("read %d of the %d files as feeds: %v", len(cat.Files), len(entries), cat.Files)
	}
	if cat.Account().Read < 150 || len(cat.Items) < cat.Account().Read-5 {
		t.Errorf("read %d items, kept %d: the real feeds hold 155", cat.Account().Read, len(cat.Items))
	}
	cyrillic := false
	for _, it := range cat.Items {
		for _, r := range it.Title {
			if r >= 'А' && r <= 'я' {
				cyrillic = true
			}
		}
	}
	if !cyrillic {
		t.Errorf("no Cyrillic title: the windows-1251 feed was not decoded")
	}
}
