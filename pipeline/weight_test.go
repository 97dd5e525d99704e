package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

// A month over limits.month_mb is an error at its heaviest item, and the
// build renders nothing; a month under it builds.
func TestHeavyMonthRefused(t *testing.T) {
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	item := func(title, date, body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: " + date + "\n---\n" + body + "\n")}
	}
	cfg := config.Default()
	cfg.Limits.MonthMB = 0.05 // 52,428 weight
	opts := Options{Config: cfg, SourcesDir: "sources", Published: time.Date(2020, 7, 6, 0, 0, 0, 0, time.UTC),
		Sources: fstest.MapFS{
			"light.md": item("Light", "2020-06-10", strings.Repeat("word ", 2000)), // weighs 10,000
			"heavy.md": item("Heavy", "2020-06-11", strings.Repeat("# h\n", 1000)), // 76,000
			"july.md":  item("July", "2020-07-01", strings.Repeat("word ", 2000)),  // another month, light
		}}
	res, err := Build(context.Background(), opts, lay, discard{})
	if !errors.Is(err, ErrSources) {
		t.Fatalf("build error is %v, want ErrSources", err)
	}
	if !news.HasErrors(res.Catalogue.Problems) {
		t.Fatal("a month over limits.month_mb was built")
	}
	var found bool
	for _, p := range res.Catalogue.Problems {
		if p.Severity == news.Error && p.At.File == "sources/heavy.md" && strings.Contains(p.Msg, "June 2020") &&
			strings.Contains(p.Msg, "limits.month_mb") {
			found = true
		}
	}
	if !found {
		t.Errorf("no error at sources/heavy.md naming June 2020 and limits.month_mb: %v", res.Catalogue.Problems)
	}
	if len(res.Made) != 0 {
		t.Errorf("rendered %d files from sources with errors", len(res.Made))
	}

	cfg.Limits.MonthMB = 0.1
	res, err = Build(context.Background(), opts, lay, discard{})
	if err != nil || news.HasErrors(res.Catalogue.Problems) || len(res.Made) == 0 {
		t.Fatalf("a month under limits.month_mb: %v %v", err, res.Catalogue.Problems)
	}
}
