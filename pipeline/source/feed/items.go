package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// items converts the parsed feed; src is the text it was parsed from.
func (r *reader) items(fd *gofeed.Feed, src []byte) []news.Item {
	if len(fd.Items) == 0 {
		r.warn(0, "the feed has no items; nothing is read from it")
		return nil
	}
	lines := itemLines(fd, src)
	lang := langTag(fd.Language)
	// An RSS channel's "author" is its managingEditor, not the writer of
	// its items; Atom and JSON Feed authors are inherited by their items.
	var feedAuthors []string
	if fd.FeedType != "rss" {
		feedAuthors = r.authors(fd.Authors, fd.Author)
	}
	var out []news.Item
	undated := 0
	for n, fi := range fd.Items {
		if fi == nil {
			continue
		}
		line := lines[n]
		it := news.Item{Lang: lang, Origins: []news.Origin{{File: r.file, Line: line}}}

		desc := r.fixC1(fi.Description)
		content := r.fixC1(fi.Content)
		if strings.TrimSpace(content) == "" {
			content = r.fixC1(extValue(fi, "yandex", "full-text"))
		}
		bodySrc := content
		if strings.TrimSpace(bodySrc) == "" {
			bodySrc = desc
		} else if s := plain(desc); s != "" && s != plain(content) {
			it.Summary = s
		}
		body, err := markdown(bodySrc, baseURL(fi.Link, fd.Link))
		if err != nil {
			r.warn(line, fmt.Sprintf("item %d: its HTML could not be converted (%v); its text is kept without formatting", n+1, err))
			body = plain(bodySrc)
		}
		it.Body = body

		it.Title = plain(r.fixC1(fi.Title))
		if it.Title == "" {
			text := plain(bodySrc)
			if text == "" {
				text = it.Summary
			}
			if text == "" {
				r.warn(line, fmt.Sprintf("item %d has neither a title nor any text; it was left out", n+1))
				r.problems[len(r.problems)-1].Fate = news.Refused
				continue
			}
			it.Title = titleFrom(text)
			r.warn(line, fmt.Sprintf("item %d has no title; titled from its text: %q", n+1, it.Title))
		}

		switch t, raw, ok := r.instant(fi); {
		case ok:
			it.Date = news.DateOf(t.In(r.loc))
		case raw != "":
			r.warn(line, fmt.Sprintf("item %d (%q): its date %q is not a date this reader knows; it goes under Undated", n+1, it.Title, raw))
		default:
			undated++
		}

		it.Authors = r.authors(fi.Authors, fi.Author)
		if len(it.Authors) == 0 {
			it.Authors = feedAuthors
		}
		// RSS category, Atom category's term and JSON Feed tags alike.
		it.Tags = news.Distinct(r.fixC1All(fi.Categories))
		it.URL = r.link(fi, fd, n, line)
		out = append(out, it)
	}
	if undated > 0 {
		r.warn(0, fmt.Sprintf("%d item(s) have no date: they go under Undated", undated))
	}
	return out
}

// instant is the item's publication instant. When there is none, raw is the
// date text that could not be read, if any.
func (r *reader) instant(fi *gofeed.Item) (t time.Time, raw string, ok bool) {
	for _, p := range []*time.Time{fi.PublishedParsed, fi.UpdatedParsed} {
		if p != nil && !p.IsZero() && p.Year() >= 1 && p.Year() <= 9999 {
			return *p, "", true
		}
	}
	for _, s := range []string{fi.Published, fi.Updated} {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if t, err := dates.ParseInstant(s, r.loc); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
			return t, "", true
		}
		if raw == "" {
			raw = s
		}
	}
	return time.Time{}, raw, false
}

// link is the item's web address. A relative one is resolved against the
// feed's own address when that is absolute (as a feed reader would);
// otherwise it is reported and left out.
func (r *reader) link(fi *gofeed.Item, fd *gofeed.Feed, n, line int) string {
	raw := strings.TrimSpace(fi.Link)
	if raw == "" {
		return ""
	}
	if news.IsWebURL(raw) {
		return raw
	}
	if base := baseURL(fd.Link, fd.FeedLink); base != "" {
		if b, err := url.Parse(base); err == nil {
			if ref, err := url.Parse(raw); err == nil {
				if abs := b.ResolveReference(ref).String(); news.IsWebURL(abs) {
					return abs
				}
			}
		}
	}
	r.warn(line, fmt.Sprintf("item %d: its link %q is not an absolute http(s) address and the feed has none to resolve it against: the item is kept without its link", n+1, raw))
	return ""
}

// fixC1All is fixC1 of each string.
func (r *reader) fixC1All(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = plain(r.fixC1(s))
	}
	return out
}

// authors lists the names (else e-mail addresses) of people, once each.
func (r *reader) authors(ps []*gofeed.Person, single *gofeed.Person) []string {
	if len(ps) == 0 && single != nil {
		ps = []*gofeed.Person{single}
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range ps {
		if p == nil {
			continue
		}
		name := plain(r.fixC1(p.Name))
		if len(name) > 3 && strings.EqualFold(name[:3], "by ") {
			name = strings.TrimSpace(name[3:]) // "By PAUL KRUGMAN"
		}
		if name == "" {
			name = plain(r.fixC1(p.Email))
		}
		if name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

// extValue is the text of the extension element prefix:name of an item.
func extValue(fi *gofeed.Item, prefix, name string) string {
	if fi.Extensions == nil {
		return ""
	}
	for _, e := range fi.Extensions[prefix][name] {
		if strings.TrimSpace(e.Value) != "" {
			return e.Value
		}
	}
	return ""
}

// langTag is the primary subtag of a language tag, lower case.
func langTag(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return s
}

// baseURL is the first absolute http(s) URL among candidates, for resolving
// relative links and images.
func baseURL(candidates ...string) string {
	for _, c := range candidates {
		c = strings.TrimSpace(c)
		if strings.HasPrefix(c, "http://") || strings.HasPrefix(c, "https://") {
			return c
		}
	}
	return ""
}

// itemLines gives the line of each item's element in src, all 0 when the
// elements found do not match the items one to one.
func itemLines(fd *gofeed.Feed, src []byte) []int {
	var found []int
	switch fd.FeedType {
	case "rss":
		found = startLines(src, "item")
	case "atom":
		found = startLines(src, "entry")
	case "json":
		found = jsonItemLines(src)
	}
	if len(found) != len(fd.Items) {
		return make([]int, len(fd.Items))
	}
	return found
}

// jsonItemLines lists the lines of the opening braces of the objects in the
// top-level "items" array.
func jsonItemLines(src []byte) []int {
	dec := json.NewDecoder(bytes.NewReader(src))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key != "items" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return nil
		}
		var lines []int
		for dec.More() {
			off := int(dec.InputOffset())
			for off < len(src) && (isSpace(src[off]) || src[off] == ',') {
				off++
			}
			lines = append(lines, lineAt(src, off))
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
		return lines
	}
	return nil
}
