// Package listing reads text captures of a press office's listing page: the
// front page of the site saved as plain text. A capture holds, top to bottom,
// the capture date and the clocks in named places, a contact block, the
// "N days have passed since …" counters, a featured article and the dated
// entries, with navigation left over from the page in between.
//
// Real captures vary (counters absent, the date on its own line above the
// title, paragraphs indented by 8 spaces, single newlines between paragraphs,
// pager lines, section headings), so the reader recognises each part by its
// shape, never by its position in one particular capture.
package listing

import (
	"fmt"

	"bulletin/pipeline/news"
)

// Capture is what one capture file holds.
type Capture struct {
	File     string
	Date     news.Date // capture date (a whole-line date at the top); zero if absent
	DateLine int
	Clocks   []Clock       // "Moscow: 02:18", "London: 00:18"
	Contact  []ContactLine // heading line ("Consular queries:") and the lines after it, trimmed
	Counters []Counter
	// Entries holds the featured article first (Featured, Date zero) when
	// there is one, then the dated entries in file order.
	Entries []Entry
}

// Clock is the time of the capture in a named place.
type Clock struct {
	Place        string
	Hour, Minute int
	Line         int
}

// ContactLine is one line of the contact block.
type ContactLine struct {
	Text string
	Line int
}

// Counter is one "N days have passed since EVENT - TAIL" sentence.
type Counter struct {
	Days int
	// Sentence is the counter as written, whitespace collapsed.
	Sentence string
	// Template is Sentence with the number as {n} and the words that agree
	// with it as plural choices: "{n} {day|days} {has|have} passed since …",
	// or "{n} {день|дня|дней} {прошёл|прошло|прошло} с …" in Russian.
	Template string
	// Event is the text between "since " and " - " (or the end): the
	// counter's identity when the same counter is seen in several captures.
	Event string
	Lang  string // "en" or "ru"
	Line  int
}

// Entry is the featured article or one dated entry.
type Entry struct {
	Title    string
	Date     news.Date // zero for the featured article
	Featured bool
	Line     int     // line of the title
	Blocks   []Block // the text after the title, in order
}

// BlockKind says what a Block is.
type BlockKind int

// The kinds of Block.
const (
	Paragraph BlockKind = iota
	Heading
	Bullet
)

func (k BlockKind) String() string {
	switch k {
	case Paragraph:
		return "paragraph"
	case Heading:
		return "heading"
	case Bullet:
		return "bullet"
	}
	return fmt.Sprintf("BlockKind(%d)", int(k))
}

// Block is one paragraph, sub-heading or list item of an entry's text.
type Block struct {
	Kind BlockKind
	// Text has runs of whitespace collapsed into one space (a run holding a
	// no-break space becomes one no-break space); other characters are kept
	// as written (curly quotes, dashes).
	Text string
	Line int
}

// Parse reads one capture of a listing page. file is the name used in
// problems (news.Origin{File: file, Line: n}). Problems with Severity
// news.Error mean the file must not be built; warnings are reported and the
// build goes on. The Capture is never nil; when the file cannot be read at
// all (empty, not UTF-8) it holds only File.
func Parse(file string, data []byte) (*Capture, []news.Problem) {
	c := &Capture{File: file}
	text, p := decode(file, data)
	if p != nil {
		return c, []news.Problem{*p}
	}
	r := &reader{file: file, c: c, lines: splitLines(text)}
	r.read()
	return c, r.problems
}
