// Package source reads the sources folder: it picks a reader for each file
// by its kind and translates what the reader found into news items and
// counters. It reads an fs.FS and never the network.
package source

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
	"unicode/utf8"

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
	lim  config.Limits
	name string // the file a part of a result is read from
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
	case ".rss", ".atom", ".rdf":
		// Named as a feed: one that cannot be read is an error, not a
		// file skipped with a warning.
		return Feed
	case ".xml", ".json":
		// Other XML and JSON are common beside sources (sitemaps, data):
		// the content decides.
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
// folder's name as the user gave it: origins are named under it. Only
// regular files are read (a named pipe or a device is refused without being
// opened), and a file or item above lim is refused before it is read whole.
func Read(ctx context.Context, fsys fs.FS, dir string, loc *time.Location, lim config.Limits) (*Result, error) {
	parts, err := ReadParts(ctx, fsys, dir, loc, lim, nil)
	if err != nil {
		return nil, err
	}
	return Join(parts), nil
}

// Part is what one file read to, or a folder that could not be listed.
type Part struct {
	Result
	// File is the file's name as shown (under the sources folder); ""
	// for a folder that could not be listed.
	File string
	// Sum is the SHA-256 of the file's bytes when it was read whole;
	// zero when it was not (refused, or an image).
	Sum [sha256.Size]byte
	// Known says the file was not parsed: the Memory held what its bytes
	// read to. The part's Result is then empty.
	Known bool
	// Stat is the file's stat, taken before it was read (or trusted);
	// zero when it was not read.
	Stat Stat
}

// Memory is what ReadParts asks about the files it reads. It may be
// called from several goroutines at once.
type Memory interface {
	// Recorded returns the SHA-256 of file's bytes when st, taken just
	// now, is the stat recorded with them: the file is then taken to
	// hold those bytes without being read.
	Recorded(file string, st Stat) (sum [sha256.Size]byte, ok bool)
	// Known reports whether the caller holds what file with these bytes
	// reads to: the file is then not parsed.
	Known(file string, sum [sha256.Size]byte) bool
}

// ReadParts is Read, file by file, in the same order: Join of its parts
// is Read's result. mem, when not nil, is asked about each file to read
// (its name as shown, its stat, the SHA-256 of its bytes): a file whose
// stat it recorded is not read, and a file it knows is not parsed.
func ReadParts(ctx context.Context, fsys fs.FS, dir string, loc *time.Location, lim config.Limits, mem Memory) ([]*Part, error) {
	// The walk lists the files (and what could not be listed) in order;
	// the files are then parsed on every core, each into its own part, and
	// the parts joined in the walk's order: the result is the same as
	// reading them one by one.
	var parts []*Part
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			p := &Part{Result: Result{dir: dir, loc: loc, lim: lim}}
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
		p := &Part{Result: Result{dir: dir, loc: loc, lim: lim, name: name}}
		p.File = p.shown(name)
		parts = append(parts, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("source: read folder: %w", err)
	}
	parallel.For(ctx, len(parts), func(i int) {
		if p := parts[i]; p.name != "" {
			p.readFile(fsys, mem)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("source: read folder: %w", err)
	}
	return parts, nil
}

// Join puts parts together in their order, as Read does.
func Join(parts []*Part) *Result {
	var res Result
	for _, p := range parts {
		res.Items = append(res.Items, p.Items...)
		res.Counters = append(res.Counters, p.Counters...)
		res.Files = append(res.Files, p.Files...)
		res.Problems = append(res.Problems, p.Problems...)
		if len(res.Contact) == 0 {
			res.Contact = p.Contact
		}
	}
	return &res
}

// shown is name as the user knows it, under the sources folder.
func (res *Result) shown(name string) string { return path.Join(res.dir, name) }

func (p *Part) readFile(fsys fs.FS, mem Memory) {
	res, name := &p.Result, p.name
	if isImage(name) {
		return // an asset of a Markdown item, not an item
	}
	shown := res.shown(name)
	limit, what, key := res.lim.SourceBytes(), "a source file", "limits.source_mb"
	if KindOf(name, nil) == Markdown {
		// A Markdown file is one item.
		limit, what, key = res.lim.ItemBytes(), "an item", "limits.item_kb"
	}
	fi, err := statRegular(fsys, name, limit)
	var data []byte
	if err == nil {
		p.Stat = StatOf(fi)
		if mem != nil {
			// A file whose stat is as recorded is not read at all: most
			// of a rebuild after one edit would be reading the others.
			if sum, ok := mem.Recorded(shown, p.Stat); ok && mem.Known(shown, sum) {
				p.Sum, p.Known = sum, true
				return
			}
		}
		data, err = readBounded(fsys, name, limit)
	}
	if err != nil {
		var big *tooBig
		msg := fmt.Sprintf("cannot read: %v; check that the file exists and is readable", unwrapPath(err))
		switch {
		case errors.As(err, &big):
			msg = fmt.Sprintf("the file is %s, above the limit of %s for %s: split it, or raise %s in bulletin.yaml", size(big.size), size(limit), what, key)
		case errors.Is(err, errNameNotUTF8):
			msg = "the file name is not UTF-8 text, so it cannot be read; rename the file (its name is shown quoted, byte by byte)"
		case errors.Is(err, errNotRegular):
			msg = fmt.Sprintf("%v: bulletin reads only regular files; replace it with a file or move it out of the sources folder", unwrapPath(err))
		}
		// The file may hold items: it is refused as a whole.
		res.Problems = append(res.Problems, news.Problem{Severity: news.Error, At: news.Origin{File: shown}, Msg: msg, Fate: news.Refused})
		return
	}
	p.Sum = sha256.Sum256(data)
	if mem != nil && mem.Known(shown, p.Sum) {
		p.Known = true
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
		kept := res.Items[:before]
		for _, it := range res.Items[before:] {
			if msg := res.oversized(it); msg != "" {
				res.Problems = append(res.Problems, news.Problem{Severity: news.Error, At: it.Origin(), Msg: msg, Fate: news.Refused})
				continue
			}
			it.Dir = path.Dir(name)
			kept = append(kept, it)
		}
		res.Items = kept
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

// oversized says why an item is too big to build, or "".
func (res *Result) oversized(it news.Item) string {
	if len(it.Title) > config.MaxTitle {
		return fmt.Sprintf("the title is %d bytes long, above the limit of %d: a title is one line; move the text into the body", len(it.Title), config.MaxTitle)
	}
	if n := int64(len(it.Title) + len(it.Summary) + len(it.Body)); n > res.lim.ItemBytes() {
		return fmt.Sprintf("the item is %s, above the limit of %s for an item: split it, or raise limits.item_kb in bulletin.yaml", size(n), size(res.lim.ItemBytes()))
	}
	return ""
}

// errNameNotUTF8 is a file name in another encoding than UTF-8.
var errNameNotUTF8 = errors.New("the file name is not UTF-8")

// errNotRegular is a source that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// tooBig is a file above its size limit.
type tooBig struct{ size int64 }

func (e *tooBig) Error() string { return fmt.Sprintf("%d bytes: above the size limit", e.size) }

// statRegular is name's stat when it is a regular file of at most limit
// bytes. The type and size are checked on a stat before the file is
// opened (readBounded): opening a named pipe would block until something
// writes to it, and a device such as /dev/zero never ends.
func statRegular(fsys fs.FS, name string, limit int64) (fs.FileInfo, error) {
	if !utf8.ValidString(name) {
		// fs.FS paths are UTF-8: the open would fail with "invalid argument".
		return nil, &fs.PathError{Op: "read", Path: name, Err: errNameNotUTF8}
	}
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (%s)", errNotRegular, fileType(fi.Mode()))}
	}
	if fi.Size() > limit {
		return nil, &tooBig{fi.Size()}
	}
	return fi, nil
}

// readBounded reads name, which statRegular passed, to at most limit
// bytes: the read is bounded too, in case the file grew since.
func readBounded(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &tooBig{int64(len(data))}
	}
	return data, nil
}

// fileType names a file mode's type as a user knows it.
func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	}
	return "a special file"
}

// size words a byte count for a message.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
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
