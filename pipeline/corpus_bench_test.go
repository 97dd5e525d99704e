package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/group"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
	"bulletin/pipeline/normalise"
	"bulletin/pipeline/outdir"
	"bulletin/pipeline/render/epub"
	"bulletin/pipeline/render/pdf"
	"bulletin/pipeline/source"
)

// The benchmarks below read the sources folder named by BULLETIN_CORPUS
// (make one with `go run ./cmd/corpus -n 1000 -out DIR` and point at
// DIR/md); `make bench` does this. One benchmark a stage, then the whole.

func corpusOptions(b *testing.B) Options {
	b.Helper()
	dir := os.Getenv("BULLETIN_CORPUS")
	if dir == "" {
		b.Skip("BULLETIN_CORPUS is not set: make bench sets it to a generated corpus")
	}
	return Options{Config: config.Default(), Sources: os.DirFS(dir), SourcesDir: dir,
		Published: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func BenchmarkStageRead(b *testing.B) {
	opts := corpusOptions(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := source.Read(context.Background(), opts.Sources, opts.SourcesDir, time.UTC, config.Default().Limits); err != nil {
			b.Fatal(err)
		}
	}
}

func readCorpus(b *testing.B, opts Options) []news.Item {
	b.Helper()
	res, err := source.Read(context.Background(), opts.Sources, opts.SourcesDir, time.UTC, config.Default().Limits)
	if err != nil {
		b.Fatal(err)
	}
	return res.Items
}

func BenchmarkStageNormalise(b *testing.B) {
	opts := corpusOptions(b)
	items := readCorpus(b, opts)
	n := normalise.New(opts.Config)
	b.ReportAllocs()
	for b.Loop() {
		n.Items(append([]news.Item(nil), items...))
	}
}

func BenchmarkStageGroup(b *testing.B) {
	opts := corpusOptions(b)
	items, _ := normalise.New(opts.Config).Items(readCorpus(b, opts))
	b.ReportAllocs()
	for b.Loop() {
		group.ByMonth(items, opts.Config, "Undated")
	}
}

func collectCorpus(b *testing.B) (Options, *Catalogue, *layouts.Layout) {
	b.Helper()
	opts := corpusOptions(b)
	cat, err := Collect(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	lay, err := layouts.Default()
	if err != nil {
		b.Fatal(err)
	}
	return opts, cat, lay
}

// BenchmarkStagePDFMonth renders the corpus's largest month.
func BenchmarkStagePDFMonth(b *testing.B) {
	opts, cat, lay := collectCorpus(b)
	r, err := pdf.New(lay, markup.New(false), "")
	if err != nil {
		b.Fatal(err)
	}
	biggest := cat.Months[0]
	for _, m := range cat.Months {
		if m.Count() > biggest.Count() {
			biggest = m
		}
	}
	ed := cat.edition(opts, []news.Month{biggest}, nil)
	b.ReportMetric(float64(biggest.Count()), "items")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(context.Background(), io.Discard, ed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStageEPUB(b *testing.B) {
	opts, cat, lay := collectCorpus(b)
	r := epub.New(lay, markup.New(false), epub.Options{})
	ed := cat.edition(opts, cat.Months, nil)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if _, err := r.Render(context.Background(), &buf, ed); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildCorpus is the whole build: every monthly PDF and the EPUB.
func BenchmarkBuildCorpus(b *testing.B) {
	opts, _, lay := collectCorpus(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), opts, lay, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIncremental changes one item of the corpus and rebuilds into a
// folder holding the last build, through the output folder as the CLI
// does: the steady state of `bulletin serve`, where the build before the
// edit was itself incremental and recorded the stats of what it kept.
// BenchmarkIncrementalFirst is the first rebuild after a clean build (no
// output's stat recorded yet: every kept output is read and hashed);
// BenchmarkIncrementalFull is the same build with NoCache, the reference
// the ratio is taken against. Run them in one command.
func BenchmarkIncremental(b *testing.B)      { benchmarkRebuild(b, rebuildSteady) }
func BenchmarkIncrementalFirst(b *testing.B) { benchmarkRebuild(b, rebuildFirst) }
func BenchmarkIncrementalFull(b *testing.B)  { benchmarkRebuild(b, rebuildFull) }

type rebuildKind int

const (
	rebuildSteady rebuildKind = iota
	rebuildFirst
	rebuildFull
)

func benchmarkRebuild(b *testing.B, kind rebuildKind) {
	opts, _, lay := collectCorpus(b)
	src := b.TempDir()
	if err := os.CopyFS(src, opts.Sources); err != nil {
		b.Fatal(err)
	}
	// The copies keep the corpus's times, as an archive's files are old:
	// files written just now would all be "racy" (see stats.go) and read.
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		fi, err := os.Stat(filepath.Join(opts.SourcesDir, rel))
		if err != nil {
			return err
		}
		return os.Chtimes(p, fi.ModTime(), fi.ModTime())
	})
	if err != nil {
		b.Fatal(err)
	}
	opts.Sources = os.DirFS(src)
	entries, err := os.ReadDir(src)
	if err != nil || len(entries) == 0 {
		b.Fatalf("corpus: %d files, %v", len(entries), err)
	}
	edited := filepath.Join(src, entries[len(entries)/2].Name())
	original, err := os.ReadFile(edited)
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	rebuild := func(o Options) {
		stage := outdir.NewStage(out)
		if _, err := Build(context.Background(), o, lay, stage); err != nil {
			stage.Abort()
			b.Fatal(err)
		}
		if err := stage.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	rebuild(opts)
	if kind == rebuildSteady {
		// A rebuild once the outputs are clearly older than its start
		// records their stats, as serve's builds after the first do.
		time.Sleep(source.RacyMargin)
		rebuild(opts)
	}
	opts.NoCache = kind == rebuildFull
	// -test.cpuprofile covers the first build too, which is most of the
	// time: BULLETIN_PROFILE_REBUILD names a file for a profile of the
	// rebuilds alone.
	if name := os.Getenv("BULLETIN_PROFILE_REBUILD"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	b.ReportAllocs()
	n := 0
	// The CPU time too: on a shared machine it moves far less than the
	// wall clock with the load of other processes.
	cpu0 := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		// A different body each time: the item's month really changes.
		n++
		data := append(bytes.Clone(original), fmt.Sprintf("\nEdited %d times.\n", n)...)
		if err := os.WriteFile(edited, data, 0o644); err != nil {
			b.Fatal(err)
		}
		rebuild(opts)
	}
}
