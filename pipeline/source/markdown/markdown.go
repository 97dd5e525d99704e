// Package markdown reads news items written as Markdown files with YAML
// (---) or TOML (+++) front matter, as static-site generators (Jekyll, Hugo,
// Eleventy) keep them: one file, one item.
package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// parser collects the problems of one file.
type parser struct {
	file     string
	problems []news.Problem
}

func (p *parser) errorf(line int, format string, args ...any) {
	p.problems = append(p.problems, news.Problem{Severity: news.Error,
		At: news.Origin{File: p.file, Line: line}, Msg: fmt.Sprintf(format, args...)})
}

// markRefused marks the problem that cost the file its one item: the first
// error, or else the first warning (a draft).
func (p *parser) markRefused() {
	for _, sev := range []news.Severity{news.Error, news.Warning} {
		for i := range p.problems {
			if p.problems[i].Severity == sev {
				p.problems[i].Fate = news.Refused
				return
			}
		}
	}
}

func (p *parser) warnf(line int, format string, args ...any) {
	p.problems = append(p.problems, news.Problem{Severity: news.Warning,
		At: news.Origin{File: p.file, Line: line}, Msg: fmt.Sprintf(format, args...)})
}

// Parse reads one Markdown file with YAML (---) or TOML (+++) front matter.
// file names the file in origins/problems (news.Origin{File: file, Line: n}).
// loc is the publisher's time zone. It returns at most one item; Problems
// with news.Error mean the file must not be built. A draft (draft: true)
// gives no item and a warning.
func Parse(file string, data []byte, loc *time.Location) ([]news.Item, []news.Problem) {
	p := &parser{file: file}
	it, ok := p.parse(data, loc)
	if !ok || news.HasErrors(p.problems) {
		p.markRefused()
		return nil, p.problems
	}
	return []news.Item{it}, p.problems
}

func (p *parser) parse(data []byte, loc *time.Location) (news.Item, bool) {
	if loc == nil {
		loc = time.UTC
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, bom))) == 0 {
		p.errorf(1, "the file is empty: write front matter (--- title: … date: … ---) and the text, or remove the file")
		return news.Item{}, false
	}
	if line, ok := checkUTF8(data); !ok {
		p.errorf(line, "the file is not UTF-8 text (the first bad byte is on this line): save it as UTF-8")
		return news.Item{}, false
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		// Classic Mac line ends (a lone CR) are line ends too: without
		// this the whole file is one line, and its front matter unseen.
		data = loneCRs(data)
	}
	kind, front, body, _, err := SplitFrontMatter(data)
	if err != nil {
		line := 1
		var se *SplitError
		if errors.As(err, &se) {
			line = se.Line
		}
		p.errorf(line, "%s", strings.TrimPrefix(err.Error(), fmt.Sprintf("line %d: ", line)))
		return news.Item{}, false
	}
	var fm frontMatter
	if !p.decode(kind, front, &fm) {
		return news.Item{}, false
	}
	if v := fm.Draft.String(); fm.Draft.Set && !isTrue(v) && !isFalse(v) {
		// "maybe" is neither: publishing a file its writer doubted, or
		// holding back one meant to go out, would both be silent.
		p.errorf(keyLine(front, "draft"), "draft: %s is neither true nor false; write draft: true to hold the item back or draft: false to publish it", v)
		return news.Item{}, false
	}
	if fm.Draft.Set && isTrue(fm.Draft.String()) {
		p.warnf(keyLine(front, "draft"), "a draft (draft: %s): not built; remove the draft key or set it to false to publish it", fm.Draft.String())
		return news.Item{}, false
	}

	it := news.Item{Origins: []news.Origin{{File: p.file, Line: 1}}}
	it.Title = oneLine(fm.Title.String())
	bodyText := string(body)
	if it.Title == "" {
		if h, rest, ok := headingTitle(bodyText); ok {
			it.Title, bodyText = h, rest
		}
	}
	if it.Title == "" {
		switch kind {
		case "":
			p.errorf(1, "no title: the file has no front matter and does not start with a # Heading; add front matter with `title:` (---, title: …, ---) or a first line # Title")
		case "toml":
			p.errorf(1, "no title: add `title = \"…\"` to the front matter")
		default:
			p.errorf(1, "no title: add `title:` to the front matter")
		}
	}
	it.Body = bodyText
	it.Type = fm.Type.String()
	it.TypeExplicit = it.Type != ""
	it.Summary = firstOf(fm.Summary, fm.Description, fm.Excerpt)
	it.Lang = firstOf(fm.Lang, fm.Language)
	// author and authors are both read: a file may name its writer in one
	// and its co-authors in the other, and nothing a source says is dropped.
	it.Authors = news.Distinct(fm.Author, fm.Authors)
	it.Tags = news.Distinct(fm.Tags)
	p.link(&it, fm, front)
	p.date(&it, fm.Date, front, loc)
	return it, true
}

// link sets the item's web address from url (else link). Static-site
// generators use url for a path on their own site ("/about/"): such a
// relative address is reported and left out, since nothing says what site
// it is relative to.
func (p *parser) link(it *news.Item, fm frontMatter, front []byte) {
	for _, k := range []struct {
		key string
		val scalar
	}{{"url", fm.URL}, {"link", fm.Link}} {
		u := k.val.String()
		if u == "" {
			continue
		}
		if news.IsWebURL(u) {
			it.URL = u
			return
		}
		p.warnf(keyLine(front, k.key), "%s %q is not an absolute http(s) address: the item is kept without its link; write the full address (https://…)", k.key, u)
	}
}

// decode reads the front matter into fm, reporting a malformed one at its
// line in the file (the front matter starts on line 2).
func (p *parser) decode(kind string, front []byte, fm *frontMatter) bool {
	const offset = 1 // the opening delimiter is line 1
	var err error
	switch kind {
	case "yaml":
		err = yaml.Unmarshal(front, fm)
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
			shift := offset
			if isYAMLParserError(msg) {
				shift++ // yaml counts the lines of these from 0
			}
			line := 0
			msg = reLine.ReplaceAllStringFunc(msg, func(s string) string {
				n, _ := strconv.Atoi(reLine.FindStringSubmatch(s)[1])
				if line == 0 {
					line = n + shift
				}
				return "line " + strconv.Itoa(n+shift)
			})
			msg = strings.Join(strings.Fields(msg), " ")
			if line == 0 {
				line = offset + 1 // yaml gives no line for its first one
			}
			p.errorf(line, "the YAML front matter cannot be read: %s; correct the YAML (quote values that contain \": \" or start with a special character)", msg)
			return false
		}
	case "toml":
		_, err = toml.Decode(string(front), fm)
		if err != nil {
			line, msg := 1, err.Error()
			var pe toml.ParseError
			if errors.As(err, &pe) {
				msg = pe.Message
				if pe.LastKey != "" {
					msg = fmt.Sprintf("%s (key %s)", msg, pe.LastKey)
				}
				if pe.Position.Line > 0 {
					line = pe.Position.Line + offset
				}
			} else if m := reLine.FindStringSubmatch(msg); m != nil {
				n, _ := strconv.Atoi(m[1])
				line = n + offset
			}
			p.errorf(line, "the TOML front matter cannot be read: %s; correct the TOML", strings.TrimPrefix(msg, "toml: "))
			return false
		}
	}
	return true
}

var reLine = regexp.MustCompile(`line (\d+)`)

// isYAMLParserError reports whether msg is one of yaml's parser (not
// scanner or unmarshal) errors, whose "line N" counts from 0.
func isYAMLParserError(msg string) bool {
	for _, s := range []string{
		"did not find expected <stream-start>", "did not find expected <document start>",
		"did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or ']'", "did not find expected ',' or '}'",
		"found duplicate %YAML directive", "found incompatible YAML document",
		"found duplicate %TAG directive", "found undefined tag handle",
	} {
		if strings.HasSuffix(msg, s) {
			return true
		}
	}
	return false
}

// date sets the item's date from the front matter, else from a file name
// that starts with a date, else leaves it undated with a warning.
func (p *parser) date(it *news.Item, s scalar, front []byte, loc *time.Location) {
	if s.Set && s.String() != "" {
		d, err := parseDate(s, loc)
		if err != nil {
			line := keyLine(front, "date")
			if errors.Is(err, dates.ErrNoDate) {
				p.errorf(line, "date %q is not a date: write it as 2020-07-06 or 2020-07-06T15:04:05+03:00", s.String())
			} else {
				p.errorf(line, "date %q: %v; correct the date", s.String(), err)
			}
			return
		}
		it.Date = d
		return
	}
	if d, ok := fileDate(p.file); ok {
		it.Date = d
		it.DatedBy = news.DatedByFileName // pipeline.Collect words the note
		return
	}
	p.warnf(1, "no date: the item goes under \"Undated\"; add `date: YYYY-MM-DD` to the front matter")
}

// parseDate reads a front-matter date in every form found in the real
// files; a date with a zone is converted to loc before taking the day.
func parseDate(s scalar, loc *time.Location) (news.Date, error) {
	if t := s.Time; t != nil { // a TOML datetime
		switch t.Location().String() {
		case "date-local", "datetime-local": // no zone: wall clock in loc
			return news.MakeDate(t.Year(), t.Month(), t.Day())
		case "time-local":
			return news.Date{}, dates.ErrNoDate
		}
		return news.DateOf(t.In(loc)), nil
	}
	text := s.String()
	d, err := dates.Parse(text, loc)
	if errors.Is(err, dates.ErrNoDate) {
		if norm, ok := normaliseInstant(text); ok {
			return dates.Parse(norm, loc)
		}
	}
	return d, err
}

// reInstant is a date and time with an optional zone in the loose forms
// front matter has: "2015-03-17 14:00:00 -4", "2018-03-09 09:00:00 -0400".
var reInstant = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?|(Z|UTC|GMT))?$`)

// normaliseInstant rewrites a loose instant as RFC 3339 (or as a local
// 2006-01-02T15:04:05 when it has no zone), which dates.Parse reads.
func normaliseInstant(s string) (string, bool) {
	m := reInstant.FindStringSubmatch(strings.Join(strings.Fields(s), " "))
	if m == nil {
		return "", false
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	out := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d%s", n(1), n(2), n(3), n(4), n(5), n(6), m[7])
	switch {
	case m[8] != "":
		out += fmt.Sprintf("%s%02d:%02d", m[8], n(9), n(10))
	case m[11] != "":
		out += "Z"
	}
	return out, true
}

var reFileDate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:\D|$)`)

// fileDate reads a Jekyll-style date at the start of the file name
// (2020-06-30-title.md, also 2024-12-5-title.md).
func fileDate(file string) (news.Date, bool) {
	m := reFileDate.FindStringSubmatch(path.Base(strings.ReplaceAll(file, "\\", "/")))
	if m == nil {
		return news.Date{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	date, err := news.MakeDate(y, time.Month(mo), d)
	return date, err == nil
}

// checkUTF8 reports whether data is UTF-8, and if not the line of the
// first bad byte.
func checkUTF8(data []byte) (int, bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return bytes.Count(data[:i], []byte("\n")) + 1, false
		}
		i += size
	}
	return 0, true
}

// keyLine is the file line of a top-level key in the front matter (1 when
// it cannot be found).
func keyLine(front []byte, key string) int {
	for i, l := range strings.Split(string(front), "\n") {
		rest, ok := strings.CutPrefix(l, key)
		if !ok {
			rest, ok = strings.CutPrefix(l, `"`+key+`"`)
		}
		if ok {
			if r := strings.TrimLeft(rest, " \t"); strings.HasPrefix(r, ":") || strings.HasPrefix(r, "=") {
				return i + 2
			}
		}
	}
	return 1
}

// loneCRs turns each CR not followed by LF into LF (CRLF stays as it is).
func loneCRs(data []byte) []byte {
	out := bytes.Clone(data)
	for i, c := range out {
		if c == '\r' && (i+1 == len(out) || out[i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}

func isFalse(s string) bool {
	switch strings.ToLower(s) {
	case "false", "no", "off", "0", "":
		return true
	}
	return false
}

func isTrue(s string) bool {
	switch strings.ToLower(s) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// oneLine joins a title written over several lines (a literal block) and
// trims it; a no-break space inside stays (French « … » and " :").
func oneLine(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
	return strings.TrimSpace(s)
}

func firstOf(ss ...scalar) string {
	for _, s := range ss {
		if v := s.String(); v != "" {
			return v
		}
	}
	return ""
}

var (
	reATX       = regexp.MustCompile(`^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	reSetextOne = regexp.MustCompile(`^ {0,3}=+[ \t]*$`)
)

// headingTitle takes a first-level heading that opens the body (# Title, or
// Title underlined with ===) as the title, and returns the body without it.
func headingTitle(body string) (title, rest string, ok bool) {
	lines := strings.SplitAfter(body, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) {
		return "", body, false
	}
	first := strings.TrimRight(lines[i], "\r\n")
	next := i + 1
	if m := reATX.FindStringSubmatch(first); m != nil {
		title = m[1]
	} else if next < len(lines) && reSetextOne.MatchString(strings.TrimRight(lines[next], "\r\n")) &&
		!strings.HasPrefix(strings.TrimSpace(first), "<") {
		title, next = first, next+1
	}
	title = strings.TrimSpace(title)
	if title == "" {
		return "", body, false
	}
	for next < len(lines) && strings.TrimSpace(lines[next]) == "" {
		next++
	}
	return title, strings.Join(lines[next:], ""), true
}
