package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
	"bulletin/pipeline/render/epub"
	"bulletin/pipeline/render/manifest"
	"bulletin/pipeline/render/pdf"
)

// Version is bulletin's version, written into the manifest.
const Version = "0.1.0"

// Result is what a build made and everything it had to say.
type Result struct {
	Catalogue *Catalogue
	Files     []string // names put into the sink: PDFs, the EPUB, manifest.json
	Manifest  manifest.Manifest
}

// Sink receives each rendered file as soon as it is done, so a build holds
// one month's PDF at a time rather than the archive. outdir.Stage is one.
type Sink interface {
	Put(name string, data []byte) error
}

// Build collects the catalogue, renders it and puts every file into sink.
// When a source has errors it returns the catalogue with ErrSources and
// renders nothing. On any error, what was put must be discarded.
func Build(ctx context.Context, opts Options, lay *layouts.Layout, sink Sink) (*Result, error) {
	cfg := opts.Config
	md := markup.New(cfg.AllowHTML)
	// The PDF renderer reads its fonts while the sources are read.
	var pdfs *pdf.Renderer
	var pdfErr error
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		pdfs, pdfErr = pdf.New(lay, md, cfg.PageSize)
	}()
	cat, err := Collect(ctx, opts)
	<-ready
	if err != nil {
		return nil, err
	}
	res := &Result{Catalogue: cat}
	if news.HasErrors(cat.Problems) {
		return res, ErrSources
	}
	if pdfErr != nil {
		return nil, fmt.Errorf("pipeline: %w", pdfErr)
	}
	man := manifest.Manifest{
		Generator:  "bulletin " + Version,
		Published:  opts.Published.In(cfg.Location).Format("2006-01-02T15:04:05Z07:00"),
		MailBudget: int(cfg.Mail.BudgetMB * 1e6),
	}

	type rendered struct {
		file     manifest.File
		warnings []news.Problem
		err      error
	}
	results := make([]rendered, len(cat.Months))
	total := len(cat.Months) + 1 // the PDFs and the EPUB
	var done atomic.Int32
	progress := func(name string) {
		if opts.Progress != nil {
			opts.Progress(int(done.Add(1)), total, name)
		}
	}
	// Months are independent: render them on every core, and hand each
	// PDF to the sink as soon as it is made. Largest months first, so that
	// no core is left with a big one at the end while the others idle;
	// results keep the catalogue's order.
	order := make([]int, len(cat.Months))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cat.Months[order[a]].Count() > cat.Months[order[b]].Count() })
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for _, i := range order {
			jobs <- i
		}
	}()
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				m := cat.Months[i]
				name := "bulletin-" + m.Key.String() + ".pdf"
				var buf bytes.Buffer
				warnings, err := pdfs.Render(ctx, &buf, cat.edition(opts, []news.Month{m}))
				if err == nil {
					err = sink.Put(name, buf.Bytes())
				}
				results[i] = rendered{describe(name, buf.Bytes(), "application/pdf", cat.Months[i:i+1], man.MailBudget, cfg.Types), warnings, err}
				progress(name)
			}
		}()
	}
	var buf bytes.Buffer
	epubErr := epub.New(lay, md, epub.Options{EmbedFonts: cfg.EPUB.EmbedFonts}).Render(ctx, &buf, cat.edition(opts, cat.All))
	if epubErr == nil {
		epubErr = sink.Put("collection.epub", buf.Bytes())
		progress("collection.epub")
	}
	wg.Wait()

	for _, r := range results {
		if r.err != nil {
			return nil, fmt.Errorf("pipeline: render %s: %w", r.file.Path, r.err)
		}
		cat.Problems = append(cat.Problems, r.warnings...)
		man.Files = append(man.Files, r.file)
	}
	if epubErr != nil {
		return nil, fmt.Errorf("pipeline: render collection.epub: %w", epubErr)
	}
	man.Files = append(man.Files, describe("collection.epub", buf.Bytes(), "application/epub+zip", cat.All, man.MailBudget, cfg.Types))
	man.Warn()
	var mbuf bytes.Buffer
	if err := manifest.Encode(&mbuf, man); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	if err := sink.Put("manifest.json", mbuf.Bytes()); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	for _, f := range man.Files {
		res.Files = append(res.Files, f.Path)
	}
	res.Files = append(res.Files, "manifest.json")
	res.Manifest = man
	return res, nil
}

func (cat *Catalogue) edition(opts Options, months []news.Month) news.Edition {
	cfg := opts.Config
	cover := cat.Cover(opts, months)
	var keywords []string
	for _, t := range cover.Tally {
		keywords = append(keywords, t.Name)
	}
	return news.Edition{
		Meta: news.Meta{
			Title:     cfg.Title + " — " + cover.Period,
			Author:    cfg.Publisher,
			Subject:   fmt.Sprintf("%s: %s, %s", cfg.Title, cover.TotalText, cover.Period),
			Keywords:  keywords,
			Lang:      cfg.Language,
			Published: opts.Published.In(cfg.Location),
			Labels:    Labels(cfg.Language),
		},
		Cover:  cover,
		Months: months,
	}
}

// describe is a file's manifest entry; item counts by type follow the
// vocabulary's order, as everywhere else.
func describe(name string, data []byte, mediaType string, months []news.Month, budget int, types []config.Type) manifest.File {
	mf := manifest.File{Path: name, MediaType: mediaType}
	counts := map[string]int{}
	for _, m := range months {
		mf.Months = append(mf.Months, m.Key.String())
		mf.Items += m.Count()
		for _, t := range m.Types {
			counts[t.Type] += len(t.Items)
		}
	}
	for _, t := range types {
		if n, ok := counts[t.Key]; ok {
			mf.ItemsByType = append(mf.ItemsByType, manifest.Count{Type: t.Key, Items: n})
			delete(counts, t.Key)
		}
	}
	rest := make([]string, 0, len(counts))
	for k := range counts {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		mf.ItemsByType = append(mf.ItemsByType, manifest.Count{Type: k, Items: counts[k]})
	}
	return manifest.Describe(mf, data, budget)
}
