package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"bulletin/internal/parallel"
	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
	"bulletin/pipeline/render"
	"bulletin/pipeline/words"
)

// Version is bulletin's version, written into the manifest.
const Version = "0.1.0"

// Result is what a build made and everything it had to say.
type Result struct {
	Catalogue *Catalogue
	// Made lists every file the build made, in the manifest's order; the
	// manifest itself is last.
	Made []news.File
	// Kept names the files of Made that the incremental cache found
	// unchanged: the sink kept them (Keeper.Keep) and they were not put.
	Kept []string
}

// Sink receives each rendered file as soon as it is done, so a build holds
// one month's PDF at a time rather than the archive. outdir.Stage is one.
// Put is called from several goroutines at once.
type Sink interface {
	Put(name string, data []byte) error
}

// job is one file to render: an output for some months.
type job struct {
	out    render.Output
	name   string
	months []news.Month
}

// Build collects the catalogue, renders every output and puts each file
// into sink. When a source has errors it returns the catalogue with
// ErrSources and renders nothing. On any error, what was put must be
// discarded.
func Build(ctx context.Context, opts Options, lay *layouts.Layout, sink Sink) (*Result, error) {
	return build(ctx, opts, lay, func() ([]render.Output, error) { return Outputs(opts.Config, lay) }, sink)
}

// build is Build with the outputs made by newOutputs, so tests can render
// through outputs of their own. lay is hashed into the incremental cache's
// keys; with no layout there is no cache.
func build(ctx context.Context, opts Options, lay *layouts.Layout, newOutputs func() ([]render.Output, error), sink Sink) (*Result, error) {
	cfg := opts.Config
	// The renderers read their fonts while the sources are read.
	var outs []render.Output
	var outErr error
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		outs, outErr = newOutputs()
	}()
	keeper, _ := sink.(Keeper)
	st, err := newStats(opts, keeper)
	if err != nil {
		<-ready
		return nil, err
	}
	m, err := newMemo(ctx, opts, sink, st)
	if err != nil {
		<-ready
		return nil, err
	}
	cat, err := collect(ctx, opts, m)
	<-ready
	if err != nil {
		return nil, err
	}
	res := &Result{Catalogue: cat}
	if news.HasErrors(cat.Problems) {
		return res, ErrSources
	}
	if outErr != nil {
		return nil, outErr
	}
	// The sources memo is complete once the sources are read: put now,
	// its encoded entries (50 MB at 20,000 items) are not held through
	// the rendering.
	if err := m.save(ctx, sink); err != nil {
		return nil, err
	}
	ch, err := newCache(opts, lay, sink, st)
	if err != nil {
		return nil, err
	}

	if partial(opts) {
		// A folder output (the site) links every month's files, but a
		// build of some months knows only theirs: it leaves the folder as
		// the last full build made it, as it leaves the other months'
		// files.
		outs = slices.DeleteFunc(slices.Clone(outs), func(o render.Output) bool { return o.Folder() })
	}
	jobs, summaries := plan(outs, cat)
	total := len(jobs) + len(summaries)
	var done atomic.Int32
	progress := func(name string) {
		if opts.Progress != nil {
			opts.Progress(int(done.Add(1)), total, name)
		}
	}

	// Files are independent: render them on every core, largest first so
	// that no core is left with a big one at the end while the others idle;
	// results keep the outputs' order. The first failure stops the rest.
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return size(jobs[order[a]].months) > size(jobs[order[b]].months) })
	made := make([][]news.File, len(jobs))
	warnings := make([][]news.Problem, len(jobs))
	kept := make([]bool, len(jobs))
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var once sync.Once
	var firstErr error
	parallel.For(rctx, len(order), func(k int) {
		j := jobs[order[k]]
		keep := j.out.Scope == render.Monthly && slices.Contains(opts.Keep, j.months[0].Key)
		fs, w, hit, err := ch.renderFile(rctx, j, cat.edition(opts, j.months, nil), cfg.Types, sink, keep)
		if err != nil {
			once.Do(func() { firstErr = err; cancel(err) })
			return
		}
		if !keep {
			for i := range fs {
				fs[i].Data = nil
			}
		}
		made[order[k]], warnings[order[k]], kept[order[k]] = fs, w, hit
		progress(j.name)
	})
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	for i, w := range warnings {
		cat.Problems = append(cat.Problems, w...)
		if kept[i] {
			res.Kept = append(res.Kept, made[i][0].Name)
		}
	}
	all := slices.Concat(made...)
	// Summaries describe what the others made, so they come last, each
	// seeing the files made before it (the manifest lists the site's).
	for _, j := range summaries {
		fs, w, _, err := renderFile(ctx, j, cat.edition(opts, j.months, all), cfg.Types, sink, ch)
		if err != nil {
			return nil, err
		}
		cat.Problems = append(cat.Problems, w...)
		all = append(all, fs...)
		progress(j.name)
	}
	res.Made = all
	if err := removeStale(opts, outs, all, sink); err != nil {
		return nil, err
	}
	if err := ch.save(sink, partial(opts)); err != nil {
		return nil, err
	}
	if keeper != nil {
		names := make([]string, len(all))
		for i, f := range all {
			names[i] = f.Name
		}
		if err := st.save(sink, partial(opts), names); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Remover is a Sink that can also remove a file a previous build made.
type Remover interface {
	Remove(name string) error
}

// removeStale asks sink to remove what the previous build made and this
// one did not, on a full build only (a build of some months leaves the
// others' files alone). Only names of bulletin's outputs are removed,
// whatever the old manifest says: bulletin-notes.pdf is not one of ours.
func removeStale(opts Options, outs []render.Output, made []news.File, sink Sink) error {
	rm, ok := sink.(Remover)
	if !ok || partial(opts) {
		return nil
	}
	now := map[string]bool{}
	for _, f := range made {
		now[f.Name] = true
	}
	for _, name := range opts.Previous {
		if now[name] {
			continue
		}
		for _, o := range outs {
			if (o.Scope == render.Monthly || o.Folder()) && o.Matches(name) {
				if err := rm.Remove(name); err != nil {
					return fmt.Errorf("pipeline: %w", err)
				}
				break
			}
		}
	}
	return nil
}

// renderFile makes one job's file: kept as the last build made it when
// the cache says its inputs are unchanged (hit), else rendered and put
// into sink; either way described, and recorded in the cache. Folder
// outputs (the site) are always made: the cache keeps whole files. A kept
// file's bytes are read only when needData asks for them (mail).
func (c *cache) renderFile(ctx context.Context, j job, ed news.Edition, types []config.Type, sink Sink, needData bool) (fs []news.File, warnings []news.Problem, hit bool, err error) {
	if j.out.Folder() {
		fs, warnings, _, err = renderFile(ctx, j, ed, types, sink, c)
		return fs, warnings, false, err
	}
	key, err := c.key(j, ed)
	if err != nil {
		return nil, nil, false, err
	}
	v, e, hit, err := c.reuse(j.name, key, needData)
	if err != nil {
		return nil, nil, false, err
	}
	if hit {
		f := describeSum(j.name, j.out.MediaType, v.size, e.SHA256, j.months, types)
		f.Data = v.data
		return []news.File{f}, e.Warnings, true, nil
	}
	fs, warnings, parts, err := renderFile(ctx, j, ed, types, sink, c)
	if err != nil {
		return nil, nil, false, err
	}
	c.record(j.name, cacheEntry{Key: key, SHA256: fs[0].SHA256, Warnings: warnings, Parts: parts})
	return fs, warnings, false, nil
}

// plan lists the files to make: a Monthly output once for each month asked
// for, a Collection output once for all months; Summary outputs apart, as
// they are made last.
func plan(outs []render.Output, cat *Catalogue) (jobs, summaries []job) {
	for _, o := range outs {
		switch o.Scope {
		case render.Monthly:
			for _, m := range cat.Months {
				jobs = append(jobs, job{o, o.FileName(m.Key), []news.Month{m}})
			}
		case render.Collection:
			jobs = append(jobs, job{o, o.FileName(news.MonthKey{}), cat.All})
		case render.Summary:
			summaries = append(summaries, job{o, o.FileName(news.MonthKey{}), cat.All})
		}
	}
	return jobs, summaries
}

// partial reports whether the build is of some months only.
func partial(opts Options) bool {
	return len(opts.Months) > 0 || opts.From.Year != 0 || opts.To.Year != 0
}

// renderFile renders one job, puts the bytes into sink and describes them:
// one file, or each file of a folder output. The renderer may reuse parts
// of what the last build made (render.Reuse, through c); parts are the
// keys of a one-file output's parts, for the cache to record with it (a
// folder's files are recorded as they are put).
func renderFile(ctx context.Context, j job, ed news.Edition, types []config.Type, sink Sink, c *cache) (made []news.File, warnings []news.Problem, parts map[string]string, err error) {
	fail := func(err error) ([]news.File, []news.Problem, map[string]string, error) {
		if errors.Is(err, context.Canceled) && context.Cause(ctx) != nil && !errors.Is(context.Cause(ctx), context.Canceled) {
			err = context.Cause(ctx) // stopped by another file's failure: report that one
		}
		return nil, nil, nil, fmt.Errorf("pipeline: render %s: %w", j.name, err)
	}
	if j.out.Folder() {
		dir := &folder{prefix: j.name, sink: sink, c: c, keys: map[string]string{}, same: map[string]verifiedFile{}, unchanged: map[string]verifiedFile{}}
		warnings, err := j.out.Renderer.Render(ctx, dir, ed)
		if err != nil {
			return fail(err)
		}
		return dir.made, warnings, nil, nil
	}
	w := c.fileParts(j.name)
	warnings, err = j.out.Renderer.Render(ctx, w, ed)
	if err == nil {
		err = sink.Put(j.name, w.Bytes())
	}
	if err != nil {
		return fail(err)
	}
	f := describe(j.name, j.out.MediaType, w.Bytes(), j.months, types)
	f.Data = w.Bytes()
	return []news.File{f}, warnings, w.made, nil
}

// folder is the w a folder output's Renderer gets (render.Files): each
// file goes into the sink under the folder's name and is described for
// the manifest, by the media type its extension says. Its files belong to
// no month, so mail never takes one for a bulletin.
//
// It offers the folder's renderer the files the last build made
// (render.Reuse): a file put again with the very bytes Previous returned
// is kept where it is, not written again, and each file put with a key
// (Record) is recorded in the cache under its full name. A file found
// Unchanged is kept unread (render.Keep).
type folder struct {
	prefix string // "site/"
	sink   Sink
	c      *cache
	made   []news.File
	keys   map[string]string       // name → salted key, from Record
	same   map[string]verifiedFile // name → the verified file Previous returned
	// unchanged are the files Unchanged found as the last build left
	// them (their bytes not read), for Keep.
	unchanged map[string]verifiedFile
}

func (d *folder) Write([]byte) (int, error) { return 0, render.ErrNotFolder }

func (d *folder) Previous(name, key string) ([]byte, bool) {
	full := d.prefix + name
	e, ok := d.c.old[full]
	if d.c.keeper == nil || !ok || e.Key != d.c.salt(key) {
		return nil, false
	}
	v, ok := d.c.verified(full, e, true)
	if !ok {
		return nil, false
	}
	d.same[name] = v
	return v.data, true
}

func (d *folder) Record(name, key string) { d.keys[name] = d.c.salt(key) }

func (d *folder) Unchanged(name, key string) bool {
	full := d.prefix + name
	e, ok := d.c.old[full]
	if d.c.keeper == nil || !ok || e.Key != d.c.salt(key) {
		return false
	}
	v, ok := d.c.verified(full, e, false)
	if ok {
		d.unchanged[name] = v
	}
	return ok
}

func (d *folder) Keep(name string) error {
	if err := render.CleanName(name); err != nil {
		return err
	}
	v, ok := d.unchanged[name]
	if !ok {
		return fmt.Errorf("pipeline: keep %s%s: the last build's file was not found unchanged", d.prefix, name)
	}
	full := d.prefix + name
	if err := d.c.keeper.Keep(full); err != nil {
		return err
	}
	d.c.kept(full, v)
	f := describeSum(full, mediaTypeOf(name), v.size, hex.EncodeToString(v.sum[:]), nil, nil)
	if k, ok := d.keys[name]; ok {
		d.c.record(full, cacheEntry{Key: k, SHA256: f.SHA256})
	}
	d.made = append(d.made, f)
	return nil
}

func (d *folder) Put(name string, data []byte) error {
	if err := render.CleanName(name); err != nil {
		return err
	}
	full := d.prefix + name
	var f news.File
	if old, ok := d.same[name]; ok && bytes.Equal(old.data, data) {
		if err := d.c.keeper.Keep(full); err != nil {
			return err
		}
		d.c.kept(full, old)
		f = describeSum(full, mediaTypeOf(name), len(data), hex.EncodeToString(old.sum[:]), nil, nil)
	} else {
		if err := d.sink.Put(full, data); err != nil {
			return err
		}
		f = describe(full, mediaTypeOf(name), data, nil, nil)
	}
	if k, ok := d.keys[name]; ok {
		d.c.record(full, cacheEntry{Key: k, SHA256: f.SHA256})
	}
	d.made = append(d.made, f)
	return nil
}

// mediaTypeOf names the media type of a file in a folder output by its
// extension; the manifest records it.
func mediaTypeOf(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".atom":
		return "application/atom+xml"
	case ".xml":
		return "application/atom+xml;profile=opds-catalog;kind=acquisition"
	case ".png":
		return "image/png"
	case ".jpg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".svg":
		return "image/svg+xml"
	}
	// Not mime.TypeByExtension: it reads the machine's tables, and the
	// manifest must not differ from machine to machine.
	return "application/octet-stream"
}

func size(months []news.Month) int {
	n := 0
	for _, m := range months {
		n += m.Count()
	}
	return n
}

func (cat *Catalogue) edition(opts Options, months []news.Month, made []news.File) news.Edition {
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
			Labels:    words.Labels(cfg.Language),
		},
		Cover:  cover,
		Months: months,
		Made:   made,
	}
}

// describe is a file as the manifest and mail see it; item counts by type
// follow the vocabulary's order, as everywhere else.
func describe(name, mediaType string, data []byte, months []news.Month, types []config.Type) news.File {
	sum := sha256.Sum256(data)
	return describeSum(name, mediaType, len(data), hex.EncodeToString(sum[:]), months, types)
}

// describeSum is describe of a file of size bytes whose SHA-256 (hex) is
// known: a kept file is not read or hashed again.
func describeSum(name, mediaType string, size int, sum string, months []news.Month, types []config.Type) news.File {
	f := news.File{Name: name, MediaType: mediaType, Bytes: size, SHA256: sum}
	counts := map[string]int{}
	for _, m := range months {
		f.Months = append(f.Months, m.Key)
		f.Items += m.Count()
		for _, t := range m.Types {
			counts[t.Type] += len(t.Items)
		}
	}
	for _, t := range types {
		if n, ok := counts[t.Key]; ok {
			f.ItemsByType = append(f.ItemsByType, news.TypeTally{Type: t.Key, Items: n})
			delete(counts, t.Key)
		}
	}
	rest := make([]string, 0, len(counts))
	for k := range counts {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		f.ItemsByType = append(f.ItemsByType, news.TypeTally{Type: k, Items: counts[k]})
	}
	return f
}
