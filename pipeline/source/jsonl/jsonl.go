// Package jsonl reads JSON Lines sources: one news item per line, as
// systems export them. The schema is in the README ("JSON Lines").
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// record is one line. Unknown keys are refused so a misspelt key is not
// lost without a word.
type record struct {
	Title   string `json:"title"`
	Date    string `json:"date"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
	Body    string `json:"body"`
	Lang    string `json:"lang"`
	Author  words  `json:"author"`
	Authors words  `json:"authors"`
	Tags    words  `json:"tags"`
	URL     string `json:"url"`
}

// words is a list of names or tags, written as a list of strings or as
// one string (a single author is usually written that way).
type words []string

func (w *words) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*w = words{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("expected a string or a list of strings, found %s", data)
	}
	*w = list
	return nil
}

// maxLine bounds one line (one item) at 16 MiB.
const maxLine = 16 << 20

// Parse reads data, one item per non-blank line. Every bad line is an
// error naming its line; good lines are still returned so `check` can
// account for them, but the caller builds nothing when any error exists.
func Parse(file string, data []byte, loc *time.Location) ([]news.Item, []news.Problem) {
	var items []news.Item
	var problems []news.Problem
	fail := func(line int, format string, args ...any) {
		problems = append(problems, news.Problem{Severity: news.Error, At: news.Origin{File: file, Line: line},
			Msg: fmt.Sprintf(format, args...), Fate: news.Refused})
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n, nonBlank := 0, 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		nonBlank++
		if !utf8.Valid(line) {
			fail(n, "line is not valid UTF-8; save the file as UTF-8")
			continue
		}
		var r record
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			fail(n, "not a JSON object of the item schema: %v; see the README's JSON Lines schema", cleanJSONError(err))
			continue
		}
		if dec.More() {
			fail(n, "more than one JSON value on the line; put one item per line")
			continue
		}
		if key := duplicateKey(line); key != "" {
			// encoding/json keeps the last value without a word.
			fail(n, "the key %q appears twice on the line, and only one value can be kept; remove the one that is wrong", key)
			continue
		}
		it, msg := r.item(loc)
		if msg != "" {
			fail(n, "%s", msg)
			continue
		}
		it.Origins = []news.Origin{{File: file, Line: n}}
		if u := strings.TrimSpace(r.URL); u != "" && !news.IsWebURL(u) {
			// The item is kept: only its link is lost, and said so.
			problems = append(problems, news.Problem{Severity: news.Warning, At: it.Origins[0], Msg: fmt.Sprintf(
				"\"url\" %q is not an absolute http(s) address: the item is kept without its link; write the full address (https://…)", u)})
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		fail(n+1, "cannot read line: %v; lines must be under 16 MiB", err)
		problems[len(problems)-1].Fate = news.NoFate
	}
	if nonBlank == 0 && len(problems) == 0 {
		fail(0, "the file has no items: add one JSON object per line, or remove the file")
		problems[len(problems)-1].Fate = news.NoFate
	}
	return items, problems
}

func (r record) item(loc *time.Location) (news.Item, string) {
	title := strings.TrimSpace(r.Title)
	if title == "" {
		return news.Item{}, `no "title": every item needs one`
	}
	it := news.Item{Title: title, Type: strings.TrimSpace(r.Type), TypeExplicit: strings.TrimSpace(r.Type) != "",
		Summary: r.Summary, Body: r.Body, Lang: r.Lang,
		Authors: news.Distinct(r.Author, r.Authors), Tags: news.Distinct(r.Tags)}
	if u := strings.TrimSpace(r.URL); news.IsWebURL(u) {
		it.URL = u
	}
	if r.Date != "" {
		d, err := dates.Parse(r.Date, loc)
		if err != nil {
			return news.Item{}, fmt.Sprintf("date %q: %v; write it as YYYY-MM-DD or RFC 3339", r.Date, err)
		}
		it.Date = d
	}
	return it, ""
}

// duplicateKey returns a key that the line's object has twice, or "".
// The line has decoded already, so it is one well-formed object.
func duplicateKey(line []byte) string {
	dec := json.NewDecoder(bytes.NewReader(line))
	if _, err := dec.Token(); err != nil {
		return ""
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		key, _ := t.(string)
		// Keys match case-insensitively, as encoding/json matches fields.
		if k := strings.ToLower(key); seen[k] {
			return key
		} else {
			seen[k] = true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return ""
		}
	}
	return ""
}

func cleanJSONError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s at column %d", se.Error(), se.Offset)
	}
	return err
}
