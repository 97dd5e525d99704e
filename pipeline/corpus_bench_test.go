package pipeline

import (
	"context"
	"os"
	"testing"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
)

// BenchmarkBuildCorpus builds the sources folder named by BULLETIN_CORPUS
// (make one with `go run ./cmd/corpus -n 1000 -out DIR` and point at
// DIR/md); `make bench` does this.
func BenchmarkBuildCorpus(b *testing.B) {
	dir := os.Getenv("BULLETIN_CORPUS")
	if dir == "" {
		b.Skip("BULLETIN_CORPUS is not set: make bench sets it to a generated corpus")
	}
	lay, err := layouts.Default()
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Config: config.Default(), Sources: os.DirFS(dir), SourcesDir: dir,
		Published: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), opts, lay); err != nil {
			b.Fatal(err)
		}
	}
}
