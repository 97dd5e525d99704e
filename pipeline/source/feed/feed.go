// Package feed reads syndication feeds — RSS 2.0 (and RSS 1.0/RDF), Atom 1.0
// and JSON Feed — into news items. It parses with gofeed's universal parser,
// never fetches anything (a remote image stays a Markdown image with its URL)
// and converts each item's HTML to Markdown.
//
// Each feed item becomes one news.Item:
//   - Title: HTML entities decoded, tags stripped, whitespace collapsed. An
//     item with no title is titled from the first sentence (at most about 80
//     characters) of its text, with a Warning; an item with neither title nor
//     text is left out, with a Warning that says so.
//   - Date: the published date, else the updated date, else the raw date text
//     read by dates.ParseInstant (gofeed gives up on some zone names); the
//     item's day is its instant's day in the publisher's time zone. Items with
//     no date are kept undated (they go under "Undated"), with one Warning per
//     feed counting them; a date that cannot be read gets its own Warning.
//   - Body: the content (Atom content, content:encoded, JSON content_html or
//     content_text, or yandex:full-text), else the description, as Markdown.
//     Summary: the description as plain text when a separate content exists.
//   - Authors: the item's authors, else the feed's (Atom, JSON Feed). Tags:
//     its categories (JSON Feed tags). URL: its link, resolved against the
//     feed's when relative; a link that stays relative is left out with a
//     Warning. Lang: the primary subtag of
//     the feed's language ("en-US" → "en"), empty when the feed names none.
//     Type is left empty: it is classified later from the title.
//   - Origins: the file and the line where the item's <item>/<entry> element
//     (for JSON Feed, the item's opening brace) starts; 0 when the elements in
//     the file cannot be matched one to one with the items parsed.
//
// Malformed files are read leniently where the intent is unambiguous, and
// every repair is reported as a Warning naming the line, so nothing changes
// silently:
//   - Text after the end of the document (the rubycocos files carry a line
//     "---" followed by test expectations after the closing root tag, or after
//     the JSON object) is cut: everything after the closing root tag / the end
//     of the top-level JSON value that is not whitespace, an XML comment or a
//     processing instruction is left out, and the Warning names the line where
//     the cut text starts and quotes that line. Inside the document a "---"
//     line is ordinary text and is kept.
//   - A bare ampersand (an "&" that does not start an entity or character
//     reference such as "&amp;", "&#8217;" or "&#xD;") is read as a literal
//     "&": it is escaped to "&amp;" before parsing, outside comments, CDATA
//     sections and processing instructions, and one Warning gives the count and
//     the first line. gofeed happens to cope with some of these itself; the
//     repair makes the result independent of its leniency.
//   - C1 control characters (U+0080–U+009F) in the text, which never stand for
//     themselves in a news item, are read as the Windows-1252 characters with
//     those byte values ("don\u0092t" → "don’t"); the five code points
//     Windows-1252 leaves undefined are dropped. One Warning per file.
//   - A file that declares no encoding (or UTF-8) but is not valid UTF-8 is
//     read as Windows-1252, with a Warning. Declared encodings (windows-1251,
//     ISO-8859-1, …) are decoded by gofeed; a UTF-8 byte order mark is removed.
//   - A file that still cannot be parsed is an Error with the parser's
//     message, its line when known, and what to do about it.
//
// A feed with no items at all is a Warning, not an Error.
package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"

	"bulletin/pipeline/news"
)

// Parse reads an RSS 2.0, Atom 1.0 or JSON Feed document. file names it in
// origins and problems. loc is the publisher's time zone: an item's day is
// its instant's day in loc.
func Parse(file string, data []byte, loc *time.Location) ([]news.Item, []news.Problem) {
	if loc == nil {
		loc = time.UTC
	}
	r := &reader{file: file, loc: loc}
	fd, src := r.parse(data)
	if fd == nil {
		return nil, r.problems
	}
	items := r.items(fd, src)
	if r.c1 > 0 {
		r.warn(0, fmt.Sprintf("%d C1 control character(s) (U+0080–U+009F) read as the Windows-1252 characters they stand for (U+0092 → ’); the file's text was probably saved from Windows-1252 without conversion", r.c1))
	}
	return items, r.problems
}

// Sniff reports whether data looks like a feed: XML whose root element is
// <rss>, <feed> or <rdf:RDF> (UTF-8, or UTF-16 with a byte-order mark), or
// JSON that names a jsonfeed.org version anywhere, or whose top level has
// "items" beside a feed's other keys (a JSON Feed without its version, which
// Parse then refuses with an error rather than the file being skipped).
func Sniff(data []byte) bool {
	data = fromUTF16(data)
	data = bytes.TrimPrefix(data, bom)
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return false
	}
	if trimmed[0] == '{' {
		// The whole file: a big feed may name its version after its items.
		return reJSONFeedVersion.Match(trimmed) || jsonFeedKeys(trimmed)
	}
	switch rootName(data) {
	case "rss", "feed", "rdf:RDF":
		return true
	}
	return false
}

// jsonFeedKeys reports whether the top-level object has "items" and one of
// a JSON Feed's other keys.
func jsonFeedKeys(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	var items, other bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		switch t {
		case "items":
			items = true
		case "version", "title", "feed_url", "home_page_url":
			other = true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			break
		}
	}
	return items && other
}

// fromUTF16 converts a document that starts with a UTF-16 byte-order mark
// to UTF-8 (with its XML declaration's encoding corrected); anything else
// is returned as it is.
func fromUTF16(data []byte) []byte {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	default:
		return data
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return reUTF16Decl.ReplaceAll(out, []byte("${1}UTF-8${2}"))
}

// reUTF16Decl is the encoding in an XML declaration that said UTF-16.
var reUTF16Decl = regexp.MustCompile(`(?i)^(\s*<\?xml[^>]*encoding\s*=\s*["'])utf-16(?:[bl]e)?(["'])`)

var (
	bom               = []byte("\xef\xbb\xbf")
	reJSONFeedVersion = regexp.MustCompile(`"version"\s*:\s*"https?://jsonfeed\.org/`)
	reErrLine         = regexp.MustCompile(`line (\d+)`)
)

type reader struct {
	file     string
	loc      *time.Location
	problems []news.Problem
	c1       int // C1 control characters replaced
}

func (r *reader) warn(line int, msg string) {
	r.problems = append(r.problems, news.Problem{Severity: news.Warning, At: news.Origin{File: r.file, Line: line}, Msg: msg})
}

func (r *reader) fail(line int, msg string) {
	r.problems = append(r.problems, news.Problem{Severity: news.Error, At: news.Origin{File: r.file, Line: line}, Msg: msg})
}

// parse repairs what can be repaired and runs gofeed. It returns the feed and
// the bytes it was parsed from (for finding item lines), or nil after
// reporting an Error.
func (r *reader) parse(data []byte) (*gofeed.Feed, []byte) {
	data = bytes.TrimPrefix(fromUTF16(data), bom)
	if len(bytes.TrimSpace(data)) == 0 {
		r.fail(0, "the file is empty; remove it or put a feed in it")
		return nil, nil
	}
	isJSON := bytes.TrimLeft(data, " \t\r\n")[0] == '{'
	if isJSON {
		if !reJSONFeedVersion.Match(data) {
			r.fail(0, `not a JSON Feed: a JSON Feed names its version ("version": "https://jsonfeed.org/version/1.1"); add it, or remove the file from the sources folder`)
			return nil, nil
		}
		data = r.cutJSONTrailer(data)
	} else {
		data = r.cutXMLTrailer(data)
		data = r.escapeBareAmpersands(data)
	}
	data = r.fixUTF8(data, isJSON)

	fd, err := parseFeed(data)
	if err != nil {
		line := errLine(err, data)
		what := "check that the file is a complete, well-formed RSS 2.0, Atom 1.0 or JSON Feed document (an XML or JSON validator shows where it breaks), or remove it from the sources folder"
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			what = "it is not an RSS, Atom or JSON Feed document; give it the right extension or remove it from the sources folder"
		}
		r.fail(line, fmt.Sprintf("cannot read the feed: %v; %s", err, what))
		return nil, nil
	}
	return fd, data
}

// parseFeed runs gofeed, turning a panic inside it into an error.
func parseFeed(data []byte) (fd *gofeed.Feed, err error) {
	defer func() {
		if p := recover(); p != nil {
			fd, err = nil, fmt.Errorf("the feed parser failed: %v", p)
		}
	}()
	return gofeed.NewParser().Parse(bytes.NewReader(data))
}

// errLine finds the line an error points at, or 0.
func errLine(err error, data []byte) int {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Line
	}
	var je *json.SyntaxError
	if errors.As(err, &je) && je.Offset > 0 && je.Offset <= int64(len(data)) {
		return lineAt(data, int(je.Offset)-1)
	}
	if m := reErrLine.FindStringSubmatch(err.Error()); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 0
}

// lineAt is the 1-based line of byte offset off.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// cutJSONTrailer cuts anything after the top-level JSON value.
func (r *reader) cutJSONTrailer(data []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return data // the parser reports it
	}
	end := int(dec.InputOffset())
	return r.cutAt(data, end, "the JSON object")
}

// cutXMLTrailer cuts anything after the root element's closing tag.
func (r *reader) cutXMLTrailer(data []byte) []byte {
	root := rootName(data)
	if root == "" {
		return data
	}
	end := closingTagEnd(data, root)
	if end < 0 {
		return data
	}
	return r.cutAt(data, end, "</"+root+">")
}

// cutAt cuts data at end when what follows is more than whitespace, XML
// comments and processing instructions, and says so.
func (r *reader) cutAt(data []byte, end int, after string) []byte {
	i := end
	for i < len(data) {
		switch {
		case isSpace(data[i]):
			i++
			continue
		case bytes.HasPrefix(data[i:], []byte("<!--")):
			if j := bytes.Index(data[i+4:], []byte("-->")); j >= 0 {
				i += 4 + j + 3
				continue
			}
		case bytes.HasPrefix(data[i:], []byte("<?")):
			if j := bytes.Index(data[i+2:], []byte("?>")); j >= 0 {
				i += 2 + j + 2
				continue
			}
		}
		break
	}
	if i >= len(data) {
		return data
	}
	lineStart := bytes.LastIndexByte(data[:i], '\n') + 1
	first := data[lineStart:]
	if k := bytes.IndexByte(first, '\n'); k >= 0 {
		first = first[:k]
	}
	first = bytes.TrimRight(first, "\r")
	if len(first) > 40 {
		first = append(append([]byte(nil), first[:40]...), "…"...)
	}
	line := lineAt(data, i)
	r.warn(line, fmt.Sprintf("text after the end of the feed (after %s), from line %d to the end of the file, starting %q, is not part of the feed and was left out; remove it from the file to silence this warning", after, line, strings.ToValidUTF8(string(first), "?")))
	out := make([]byte, end, end+1)
	copy(out, data[:end])
	return append(out, '\n')
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// fixUTF8 reads a file that should be UTF-8 but is not as Windows-1252.
func (r *reader) fixUTF8(data []byte, isJSON bool) []byte {
	if validUTF8(data) {
		return data
	}
	if !isJSON {
		enc := strings.ToLower(declaredEncoding(data))
		if enc != "" && enc != "utf-8" && enc != "utf8" {
			return data // gofeed decodes the declared encoding
		}
	}
	line := firstInvalidUTF8Line(data)
	r.warn(line, fmt.Sprintf("the file is not valid UTF-8 (first bad byte on line %d) and declares no other encoding; it was read as Windows-1252; declare its encoding in the XML declaration or save it as UTF-8", line))
	return decode1252(data)
}
