// Package source reads the sources folder: it picks a reader for each file
// by its kind and translates what the reader found into news items and
// counters. It reads an fs.FS and never the network.
package source

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"bulletin/internal/parallel"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
	"bulletin/pipeline/source/feed"
	"bulletin/pipeline/source/jsonl"
	"bulletin/pipeline/source/listing"
	"bulletin/pipeline/source/markdown"
)

// Result is everything read from a sources folder.
type Result struct {
	Items    []news.Item
	Counters []news.Counter // sightings, not yet merged
	Contact  []string       // the first contact block found
	Files    []string       // files read, in reading order
	Problems []news.Problem

	dir  string
	loc  *time.Location // the publisher's zone: dates are days there
	name string         // the file a part of a result is read from
}

// Kind is a source file format.
type Kind int

const (
	Unknown   Kind = iota
	Listing        // a text capture of a listing page (.txt)
	JSONLines      // one item per line (.jsonl)
	Markdown       // Markdown with YAML or TOML front matter (.md)
	Feed           // RSS 2.0, Atom 1.0 or JSON Feed
)

// KindOf picks the reader for a file by its name and, where the name does
// not settle it, by its first bytes. It is the one place that maps files to
// readers.
func KindOf(name string, data []byte) Kind {
	switch strings.ToLower(path.Ext(name)) {
	case ".rss", ".atom", ".xml", ".rdf", ".json":
		if feed.Sniff(data) {
			return Feed
		}
		return Unknown
	case ".txt":
		return Listing
	case ".jsonl", ".ndjson":
		return JSONLines
	case ".md", ".markdown":
		return Markdown
	}
	if feed.Sniff(data) {
		return Feed
	}
	return Unknown
}

// isImage reports whether name is an image file (png, jpg, jpeg, gif, svg,
// webp): an asset Markdown items link to, not an item.
func isImage(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp":
		return true
	}
	return false
}

// Read reads every file under fsys in lexical order. Hidden files (".…")
// and images (assets of Markdown items) are skipped; any other file that
// no reader takes is reported. dir is the
// folder's name as the user gave it: origins are named under it.
func Read(ctx context.Context, fsys fs.FS, dir string, loc *time.Location) (*Result, error) {
	// The walk lists the files (and what could not be listed) in order;
	// the files are then parsed on every core, each into its own part, and
	// the parts joined in the walk's order: the result is the same as
	// reading them one by one.
	var parts []*Result
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			p := &Result{dir: dir, loc: loc}
			p.Problems = append(p.Problems, news.Problem{Severity: news.Error, At: news.Origin{File: p.shown(name)},
				Msg: fmt.Sprintf("cannot read: %v; check that the file exists and is readable", err)})
			parts = append(parts, p)
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		base := path.Base(name)
		if name != "." && strings.HasPrefix(base, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		parts = append(parts, &Result{dir: dir, loc: loc, name: name})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("source: read folder: %w", err)
	}
	parallel.For(ctx, len(parts), func(i int) {
		if p := parts[i]; p.name != "" {
			p.readFile(fsys, p.name)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("source: read folder: %w", err)
	}
	res := &Result{dir: dir, loc: loc}
	for _, p := range parts {
		res.Items = append(res.Items, p.Items...)
		res.Counters = append(res.Counters, p.Counters...)
		res.Files = append(res.Files, p.Files...)
		res.Problems = append(res.Problems, p.Problems...)
		if len(res.Contact) == 0 {
			res.Contact = p.Contact
		}
	}
	return res, nil
}

// shown is name as the user knows it, under the sources folder.
func (res *Result) shown(name string) string { return path.Join(res.dir, name) }

func (res *Result) readFile(fsys fs.FS, name string) {
	if isImage(name) {
		return // an asset of a Markdown item, not an item
	}
	shown := res.shown(name)
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		res.Problems = append(res.Problems, news.Problem{Severity: news.Error, At: news.Origin{File: shown},
			Msg: fmt.Sprintf("cannot read: %v; check that the file exists and is readable", unwrapPath(err))})
		return
	}
	kind := KindOf(name, data)
	if kind == Unknown {
		res.Problems = append(res.Problems, news.Problem{Severity: news.Warning, At: news.Origin{File: shown},
			Msg: "not read: bulletin reads listing captures (.txt), Markdown (.md), JSON Lines (.jsonl) and RSS, Atom or JSON feeds; rename the file or move it out of the sources folder"})
		return
	}
	res.Files = append(res.Files, shown)
	before := len(res.Items)
	defer func() {
		for i := before; i < len(res.Items); i++ {
			res.Items[i].Dir = path.Dir(name)
		}
	}()
	switch kind {
	case Listing:
		// Good entries are kept even when others in the file are refused:
		// the build stops on any error anyway, and check accounts for them.
		capture, problems := listing.Parse(shown, data)
		res.Problems = append(res.Problems, problems...)
		res.addCapture(capture)
	case JSONLines:
		res.addItems(jsonl.Parse(shown, data, res.loc))
	case Markdown:
		res.addItems(markdown.Parse(shown, data, res.loc))
	case Feed:
		items, problems := feed.Parse(shown, data, res.loc)
		for i := range items {
			if items[i].Lang == "" {
				items[i].Lang = langOf(items[i].Title + " " + items[i].Summary)
			}
		}
		res.addItems(items, problems)
	}
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func (res *Result) addItems(items []news.Item, problems []news.Problem) {
	res.Problems = append(res.Problems, problems...)
	res.Items = append(res.Items, items...)
}

// addCapture translates a listing capture into items and counters.
func (res *Result) addCapture(c *listing.Capture) {
	if len(res.Contact) == 0 {
		for _, l := range c.Contact {
			res.Contact = append(res.Contact, l.Text)
		}
	}
	for _, k := range c.Counters {
		at := news.Origin{File: c.File, Line: k.Line}
		if c.Date.IsZero() {
			res.Problems = append(res.Problems, news.Problem{Severity: news.Warning, At: at,
				Msg: "a counter needs the capture date to find its origin, and this capture has none; add the date as the first line, or configure the counter in bulletin.yaml"})
			continue
		}
		origin := c.Date.AddDays(-k.Days)
		if origin.Year < 1 {
			res.Problems = append(res.Problems, news.Problem{Severity: news.Warning, At: at, Msg: fmt.Sprintf(
				"the counter says %d days, which puts its event before the year 1 (%d); check the number in the capture", k.Days, origin.Year)})
		}
		res.Counters = append(res.Counters, news.Counter{
			Key:      config.EventKey(k.Event),
			Origin:   origin,
			Template: k.Template,
			Lang:     langOf(k.Sentence),
			From:     at,
		})
	}
	for _, e := range c.Entries {
		it := news.Item{
			Title:   e.Title,
			Date:    e.Date,
			Body:    blocksMarkdown(e.Blocks),
			Lang:    langOf(e.Title),
			Origins: []news.Origin{{File: c.File, Line: e.Line}},
		}
		if e.Date.IsZero() && !c.Date.IsZero() {
			// pipeline.Collect words the note in the configured language.
			it.Date = c.Date
			it.DatedBy = news.DatedByCapture
		}
		if e.Date.IsZero() && c.Date.IsZero() && e.Featured {
			res.Problems = append(res.Problems, news.Problem{Severity: news.Warning, At: it.Origins[0],
				Msg: "the featured article has no date of its own and the capture has no date line, so it goes under Undated; add the date line at the top of the capture to date it"})
		}
		res.Items = append(res.Items, it)
	}
}

// langOf guesses "ru" for mostly Cyrillic text, else "en".
func langOf(s string) string { return news.ScriptLang(s) }

// blocksMarkdown writes a capture's text blocks as Markdown, escaping what
// Markdown would otherwise read as markup.
func blocksMarkdown(blocks []listing.Block) string {
	var b strings.Builder
	prevBullet := false
	for i, bl := range blocks {
		bullet := bl.Kind == listing.Bullet
		if i > 0 {
			if bullet && prevBullet {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		switch bl.Kind {
		case listing.Heading:
			b.WriteString("### ")
			b.WriteString(escapeInline(bl.Text))
		case listing.Bullet:
			b.WriteString("- ")
			// A list item's text can open a block too ("- 1. …" nests a list).
			b.WriteString(escapeLineStart(escapeInline(bl.Text)))
		default:
			b.WriteString(escapeLineStart(escapeInline(bl.Text)))
		}
		prevBullet = bullet
	}
	return b.String()
}

var inlineEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`,
)

func escapeInline(s string) string { return inlineEscaper.Replace(s) }

// escapeLineStart stops a paragraph that begins like a heading, list item
// or rule from becoming one.
func escapeLineStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '-', '+', '=':
		return `\` + s
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}
