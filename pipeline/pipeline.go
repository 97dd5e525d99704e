// Package pipeline runs bulletin's stages: read the sources, normalise the
// items, group them by month and type, and render the monthly PDF
// bulletins, the EPUB collection and the manifest.
package pipeline

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"bulletin/internal/parallel"
	"bulletin/pipeline/asset"
	"bulletin/pipeline/config"
	"bulletin/pipeline/counter"
	"bulletin/pipeline/group"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
	"bulletin/pipeline/normalise"
	"bulletin/pipeline/source"
	"bulletin/pipeline/words"
)

// ErrSources means a source has errors: nothing was rendered.
var ErrSources = errors.New("sources have errors")

// ErrNoMonths means --month, --from and --to select no month that has
// items: a usage error, not a problem with the sources.
var ErrNoMonths = errors.New("no items in the months asked for")

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
	// Previous names the files the last build into the same folder made
	// (its manifest's list). A full build removes those that are outputs
	// of bulletin's and that it did not make again: a month gone from the
	// sources must not leave its old PDF to be attached by mistake.
	Previous []string
	// Keep names the months whose own files (PDF, EPUB) the Result keeps
	// in memory, for mail.
	Keep []news.MonthKey
	// NoCache renders every file even when the incremental cache says the
	// output folder holds it already (bulletin build --no-cache); the
	// cache is still written for the next build.
	NoCache bool
	// Progress, when set, is told each time an output is done (done of
	// total); it may be called from several goroutines at once.
	Progress func(done, total int, name string)
}

// Catalogue is what the sources hold, normalised and grouped.
type Catalogue struct {
	Items    []news.Item  // items kept
	Months   []news.Month // the months asked for (--month, --from, --to): one PDF each
	All      []news.Month // every month: the EPUB is always the whole collection
	Counters []news.Counter
	Contact  []string
	Files    []string
	Problems []news.Problem

	// account is made when asked for (Account): only check prints it,
	// and over a ten-year archive it is a tenth of a rebuild's work.
	account func() Account
}

// Account lists every item read and what became of it.
func (cat *Catalogue) Account() Account {
	if cat.account == nil {
		return Account{}
	}
	return cat.account()
}

// Collect reads, normalises and groups; it renders nothing. Problems with
// the sources are in the Catalogue; the error is for failures to run.
func Collect(ctx context.Context, opts Options) (*Catalogue, error) {
	return collect(ctx, opts, nil)
}

// collect is Collect that parses and prepares only the source files m
// does not know (nil: every file), and tells m what the others read to.
func collect(ctx context.Context, opts Options, m *memo) (*Catalogue, error) {
	cfg := opts.Config
	var mem source.Memory // not a nil *memo: ReadParts would call it
	if m != nil {
		mem = m
	}
	parts, err := source.ReadParts(ctx, opts.Sources, opts.SourcesDir, cfg.Location, cfg.Limits, mem)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	prepared, err := prepare(ctx, normalise.New(cfg), parts, m)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	read := source.Join(parts)
	cat := &Catalogue{Files: read.Files, Problems: read.Problems}
	items, facts, problems := normalise.Finish(prepared)
	cat.Items = items
	cat.Problems = append(cat.Problems, problems...)
	problems, err = asset.Resolve(ctx, opts.Sources, opts.SourcesDir, markup.New(cfg.AllowHTML), items)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	cat.Problems = append(cat.Problems, problems...)
	// The account of what was read and kept is of the items and the
	// problems so far, which nothing changes any more (later problems are
	// appended beyond the clipped slice it keeps).
	sofar := slices.Clip(cat.Problems)
	cat.account = sync.OnceValue(func() Account { return account(items, sofar, cfg) })

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
	// The items' facts were worked out as they were prepared (and kept in
	// the memo): the months are weighed and digested without reading an
	// archive's text again.
	factsByID := make(map[string]normalise.Facts, len(items))
	for i, it := range items {
		factsByID[it.ID] = facts[i]
	}
	weightOf := func(it news.Item) int64 {
		if f, ok := factsByID[it.ID]; ok {
			return f.Weight
		}
		return news.Weight(it)
	}
	sumOf := func(it news.Item) [sha256.Size]byte {
		if f, ok := factsByID[it.ID]; ok {
			return f.TextSum
		}
		return news.TextSum(it)
	}
	all := group.ByMonth(items, cfg, words.Labels(cfg.Language).Undated)
	cat.Problems = append(cat.Problems, heavyMonths(ctx, all, cfg.Limits, weightOf)...)
	// The incremental cache's keys take each month's digest; worked out
	// here once, on every core, rather than by each output.
	parallel.For(ctx, len(all), func(i int) { all[i].SetDigest(sumOf) })
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	cat.All = all
	cat.Months = group.Select(all, opts.Months, opts.From, opts.To)
	if len(all) > 0 && len(cat.Months) == 0 {
		var have []string
		for _, m := range all {
			have = append(have, m.Key.String())
		}
		return cat, fmt.Errorf("%w: the sources have items in %s", ErrNoMonths, strings.Join(have, ", "))
	}
	if len(all) > 0 && len(opts.Months) == 0 && (opts.From.Year != 0 || opts.To.Year != 0) {
		if last := all[len(all)-1]; last.Key.Year == 0 {
			cat.Problems = append(cat.Problems, news.Problem{Severity: news.Warning, At: news.Origin{File: opts.SourcesDir},
				Msg: fmt.Sprintf("%d undated items are outside --from/--to, so no PDF has them; build them with --month undated", last.Count())})
		}
	}
	return cat, nil
}

// prepare runs the per-item normalising steps on the items of the parts m
// did not know (it takes them: those parts' Items are nil after), and
// puts back what the known ones read to from m (their part's counters,
// contact, files and problems too); it returns every prepared item in the
// parts' order, and records the new parts in m.
func prepare(ctx context.Context, n *normalise.Normaliser, parts []*source.Part, m *memo) ([]normalise.Prepared, error) {
	// The parts' items are moved into fresh, which Prepare clears as it
	// goes: the raw texts are not held once prepared.
	var fresh []news.Item
	total := 0
	counts := make([]int, len(parts))
	for i, p := range parts {
		if p.Known {
			total += len(m.recalled(p.File).Items)
		} else {
			fresh = append(fresh, p.Items...)
			counts[i] = len(p.Items)
			p.Items = nil
		}
	}
	done, err := n.Prepare(ctx, fresh)
	if err != nil {
		return nil, err
	}
	all := make([]normalise.Prepared, 0, total+len(done))
	var newParts []*source.Part
	var newEntries []memoEntry
	for i, p := range parts {
		if p.Known {
			e := m.recalled(p.File)
			p.Counters, p.Contact, p.Files, p.Problems = e.Counters, e.Contact, e.Files, e.Problems
			all = append(all, e.Items...)
			continue
		}
		mine := done[:counts[i]:counts[i]]
		done = done[counts[i]:]
		all = append(all, mine...)
		if m != nil && p.Sum != [32]byte{} {
			newParts = append(newParts, p)
			newEntries = append(newEntries, memoEntry{Items: mine, Counters: p.Counters, Contact: p.Contact, Files: p.Files, Problems: p.Problems})
		}
	}
	if m != nil {
		m.stats.noteSources(parts)
		m.remember(newParts, newEntries)
	}
	return all, nil
}

// PublicationDay is the publication instant's calendar day in the
// publisher's time zone.
func PublicationDay(opts Options) news.Date {
	return news.DateOf(opts.Published.In(opts.Config.Location))
}
