// Package pipeline runs bulletin's stages: read the sources, normalise the
// items, group them by month and type, and render the monthly PDF
// bulletins, the EPUB collection and the manifest.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"bulletin/pipeline/config"
	"bulletin/pipeline/counter"
	"bulletin/pipeline/group"
	"bulletin/pipeline/news"
	"bulletin/pipeline/normalise"
	"bulletin/pipeline/source"
)

// ErrSources means a source has errors: nothing was rendered.
var ErrSources = errors.New("sources have errors")

// Options say what to build from and for when.
type Options struct {
	Config  *config.Config
	Sources fs.FS
	// SourcesDir names the sources folder in messages ("sources").
	SourcesDir string
	Published  time.Time // the publication instant; its day values the counters
	// Months restricts the build to these months; From and To bound it
	// (zero keys: no bound).
	Months   []news.MonthKey
	From, To news.MonthKey
}

// Catalogue is what the sources hold, normalised and grouped.
type Catalogue struct {
	// Account lists every item read and what became of it.
	Account  Account
	Items    []news.Item // items kept
	Months   []news.Month
	Counters []news.Counter
	Contact  []string
	Files    []string
	Problems []news.Problem
}

// Collect reads, normalises and groups; it renders nothing. Problems with
// the sources are in the Catalogue; the error is for failures to run.
func Collect(ctx context.Context, opts Options) (*Catalogue, error) {
	cfg := opts.Config
	read, err := source.Read(ctx, opts.Sources, opts.SourcesDir, cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	cat := &Catalogue{Files: read.Files, Problems: read.Problems}
	items, problems := normalise.New(cfg).Items(read.Items)
	cat.Items = items
	cat.Problems = append(cat.Problems, problems...)
	cat.Account = account(items, cat.Problems, cfg)

	counters, problems := counter.Merge(cfg.NewsCounters(), read.Counters)
	cat.Counters = counters
	cat.Problems = append(cat.Problems, problems...)
	pub := PublicationDay(opts)
	for _, c := range counters {
		if pub.Before(c.Origin) {
			cat.Problems = append(cat.Problems, news.Problem{Severity: news.Warning, At: c.From, Msg: fmt.Sprintf(
				"counter %q starts on %s, after the publication date %s: it will show a negative number; check --date", c.Key, c.Origin, pub)})
		}
	}
	cat.Contact = cfg.Contact
	if len(cat.Contact) == 0 {
		cat.Contact = read.Contact
	}
	if len(read.Files) == 0 && !news.HasErrors(cat.Problems) {
		cat.Problems = append(cat.Problems, news.Problem{Severity: news.Error, At: news.Origin{File: opts.SourcesDir},
			Msg: "the sources folder has no source files; add captures (.txt) or point --sources at the right folder"})
	}
	all := group.ByMonth(items, cfg, Labels(cfg.Language).Undated)
	cat.Months = group.Select(all, opts.Months, opts.From, opts.To)
	if len(all) > 0 && len(cat.Months) == 0 {
		cat.Problems = append(cat.Problems, news.Problem{Severity: news.Error, At: news.Origin{File: "."},
			Msg: "no items in the months asked for; check --month, --from and --to against `bulletin list`"})
	}
	return cat, nil
}

// PublicationDay is the publication instant's calendar day in the
// publisher's time zone.
func PublicationDay(opts Options) news.Date {
	return news.DateOf(opts.Published.In(opts.Config.Location))
}

// Labels are the interface words in lang.
func Labels(lang string) news.Labels {
	if len(lang) >= 2 && lang[:2] == "ru" {
		return news.Labels{Contents: "Содержание", Page: "Страница %d из %d", Published: "Опубликовано",
			Items: "{материал|материала|материалов}", Undated: "Без даты"}
	}
	return news.Labels{Contents: "Contents", Page: "Page %d of %d", Published: "Published",
		Items: "{item|items}", Undated: "Undated"}
}
