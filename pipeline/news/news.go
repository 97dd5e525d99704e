// Package news holds the domain of bulletin: the items a press office
// published, the counters on its cover, and the editions rendered from them.
// It has no dependencies on readers or renderers, so every stage can share it.
package news

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Date is a calendar day in the publisher's time zone. Items are dated by
// day, never by instant, so a plain triple avoids time-zone surprises.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether d is the zero Date (no date known).
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// String formats d as ISO 8601 (2020-07-06).
func (d Date) String() string {
	// Without fmt in the common case: the IDs and keys of a whole archive
	// are made of dates at every build.
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	y, m := d.Year, int(d.Month)
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d.Day/10), byte('0' + d.Day%10)}
	return string(b[:])
}

// Time is midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// AddDays returns d moved by n calendar days (time.Date normalises any n
// an int holds into a valid day).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// DaysUntil is the number of calendar days from d to e (negative if e is
// earlier). It counts on the calendar, not in time.Duration, which
// saturates at about 292 years.
func (d Date) DaysUntil(e Date) int { return e.dayNumber() - d.dayNumber() }

// dayNumber counts days from 1970-01-01 in the proleptic Gregorian
// calendar, for any year (Howard Hinnant's days_from_civil).
func (d Date) dayNumber() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// MakeDate validates y-m-d and returns the Date, or an error naming what is
// impossible about it (31.02.2020 has no such day).
func MakeDate(y int, m time.Month, d int) (Date, error) {
	if m < 1 || m > 12 {
		return Date{}, fmt.Errorf("month %d does not exist", int(m))
	}
	if y < 1 || y > 9999 {
		return Date{}, fmt.Errorf("year %d is out of range", y)
	}
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	if d < 1 || t.Day() != d {
		return Date{}, fmt.Errorf("%s %d has no day %d", m, y, d)
	}
	return Date{y, m, d}, nil
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// MonthKey names a calendar month, "2020-06"; the zero key stands for items
// with no date at all ("Undated").
type MonthKey struct {
	Year  int
	Month time.Month
}

// String is "2020-06", or "undated" for the zero key.
func (k MonthKey) String() string {
	if k.Year == 0 {
		return "undated"
	}
	return fmt.Sprintf("%04d-%02d", k.Year, int(k.Month))
}

// Origin says where an item or a problem came from.
type Origin struct {
	File string // path relative to the sources folder, slash-separated
	Line int    // 1-based; 0 when the whole file is meant
}

func (o Origin) String() string {
	file := QuoteName(o.File)
	if o.Line > 0 {
		return fmt.Sprintf("%s:%d", file, o.Line)
	}
	return file
}

// unsafeInName is a control character or an invisible format character (a
// bidirectional override can make a name read backwards).
func unsafeInName(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

// QuoteName returns a file name as it is when it is printable UTF-8, else
// quoted in Go syntax ("esc\x1b[31m.md"): a name is the user's input, and
// escape sequences in it must not reach the terminal.
func QuoteName(name string) string {
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unsafeInName) {
		return strconv.Quote(name)
	}
	return name
}

// Item is one published news item after reading. Body is Markdown.
type Item struct {
	ID    string // stable, XML-safe identifier derived from date and title
	Title string
	Date  Date // zero when undated
	// DatedBy says where Date came from when not from the item itself;
	// renderers word it (Labels.DateNote).
	DatedBy DatedBy
	Type    string // a type key from the configuration ("statement")
	// TypeExplicit is true when the source named the type.
	TypeExplicit bool
	Summary      string
	Body         string
	Lang         string
	// URL is the item's page on the web, an absolute http(s) URL, or ""
	// when the source gave none (or only a relative one, which is reported).
	URL string
	// Authors are the names of the item's writers, in source order.
	Authors []string
	// Tags are the source's keywords, trimmed, in source order, without
	// repeats that differ only in case (the first spelling is kept).
	Tags    []string
	Origins []Origin
	// Dir is the folder of the item's source file inside the sources
	// folder ("." at its top): relative image paths start there. It is a
	// fact for the asset stage; renderers use Images instead.
	Dir string
	// Images are the local images the body refers to that the asset stage
	// read and checked, in body order, one per Src. An image the body
	// names but Images lacks was refused (or is remote): renderers show
	// its alt text.
	Images []Image
}

// Image is a local image an item's body refers to, read once from the
// sources folder and checked: a regular file inside the folder, of a known
// type by its content, within the size limits, and decoded in full.
type Image struct {
	Src       string // the destination as written in the body ("img/chart.png")
	Name      string // slash-separated path under the sources folder
	MediaType string // image/png, image/jpeg, image/gif or image/svg+xml
	Data      []byte
	// Width and Height are in pixels; zero for SVG.
	Width, Height int
}

// Distinct joins lists of words (tags, author names): each trimmed, empty
// ones dropped, and a word that differs from an earlier one only in case
// left out, so merging two sightings of an item loses nothing and repeats
// nothing. The order is the order first seen.
func Distinct(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, w := range l {
			w = strings.TrimSpace(w)
			k := strings.ToLower(w)
			if w == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, w)
		}
	}
	return out
}

// IsWebURL reports whether s is an absolute http or https URL with a host:
// the only kind of link an item may carry, since a printed bulletin and an
// e-book have no page a relative link could be relative to.
func IsWebURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == "http" || scheme == "https"
}

// DatedBy says where an item's date came from; the zero value means the
// item's own date (or no date at all).
type DatedBy int

const (
	DatedByOwn      DatedBy = iota // the item's own date, or none
	DatedByCapture                 // the date line of the capture it was read from
	DatedByFileName                // the date in its file name
)

// Origin is where the item was first read (its first origin).
func (it Item) Origin() Origin {
	if len(it.Origins) == 0 {
		return Origin{}
	}
	return it.Origins[0]
}

// Month returns the month the item belongs to (the zero key when undated).
func (it Item) Month() MonthKey {
	if it.Date.IsZero() {
		return MonthKey{}
	}
	return MonthKey{it.Date.Year, it.Date.Month}
}

// Severity of a Problem.
type Severity int

const (
	Warning Severity = iota // reported; the build goes on
	Error                   // reported; nothing is rendered
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Fate says what a problem did to the input item it is about, so that
// every item read can be accounted for: kept, merged or refused.
type Fate int

const (
	NoFate  Fate = iota // the problem does not stand for a lost item
	Refused             // the item was not kept (a bad line, a draft…)
	Merged              // the item was merged into another (a duplicate)
)

// Problem is something wrong with an input, with where it is and what to do.
type Problem struct {
	Severity Severity
	At       Origin
	Msg      string // what is wrong, and what to do about it
	Fate     Fate
	// Into is the kept item a Merged item went into.
	Into Origin
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.At, p.Severity, p.Msg) }

// HasErrors reports whether any problem is an Error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// ScriptLang guesses a language from the script of s: "ru" for mostly
// Cyrillic text, "en" otherwise. It is what renderers fall back on for an
// item whose source gives no language, so that the PDF's hyphenation and
// the EPUB's lang attribute agree.
func ScriptLang(s string) string {
	var cyr, lat int
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	if cyr > lat {
		return "ru"
	}
	return "en"
}

// LangOrGuess is the item's language, or when it has none, the one its
// title and summary are written in (ScriptLang).
func (it Item) LangOrGuess() string {
	if l := strings.TrimSpace(it.Lang); l != "" {
		return l
	}
	return ScriptLang(it.Title + " " + it.Summary + " " + it.Body)
}
