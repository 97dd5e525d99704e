package listing

import (
	"errors"
	"fmt"

	"bulletin/pipeline/news"
)

// reader walks the lines of one capture. Reading is two passes: first the
// lines are sorted into the preamble (date, clocks, contact, counters) and
// entries with their raw body lines; then, knowing every body line of the
// file, bodies are cut into blocks (indentation is judged file-wide).
type reader struct {
	file     string
	c        *Capture
	lines    []line
	i        int // next line to read
	drafts   []*draft
	cur      *draft // entry whose body is being read; nil in the preamble
	problems []news.Problem
}

// draft is an entry being read. A rejected entry (impossible date, no title)
// still collects its body, so that body is not pinned on the entry above.
type draft struct {
	entry Entry
	body  []line
	keep  bool
}

func (r *reader) errorf(n int, format string, args ...any) {
	r.problems = append(r.problems, news.Problem{Severity: news.Error,
		At: news.Origin{File: r.file, Line: n}, Msg: fmt.Sprintf(format, args...)})
}

// refusef reports an entry that is not kept.
func (r *reader) refusef(n int, format string, args ...any) {
	r.errorf(n, format, args...)
	r.problems[len(r.problems)-1].Fate = news.Refused
}

func (r *reader) warnf(n int, format string, args ...any) {
	r.problems = append(r.problems, news.Problem{Severity: news.Warning,
		At: news.Origin{File: r.file, Line: n}, Msg: fmt.Sprintf(format, args...)})
}

func (r *reader) read() {
	r.readCaptureDate()
	for r.i < len(r.lines) {
		l := r.lines[r.i]
		switch {
		case l.text == "":
			r.addBody(l) // blank lines tell how paragraphs are separated
			r.i++
		case r.readEntry():
		case isNavigation(l.text):
			r.i++
		case r.cur == nil && r.readPreamble():
		case r.cur == nil:
			r.startFeatured(l)
			r.i++
		default:
			r.addBody(l)
			r.i++
		}
	}
	r.finish()
}

func (r *reader) addBody(l line) {
	if r.cur != nil {
		r.cur.body = append(r.cur.body, l)
	}
}

// nextNonBlank is the index of the first non-blank line from i, or -1.
func (r *reader) nextNonBlank(i int) int {
	for ; i < len(r.lines); i++ {
		if r.lines[i].text != "" {
			return i
		}
	}
	return -1
}

// readCaptureDate reads the capture date: the first non-blank line when it
// is a whole date. It is an entry's date instead when a title follows right
// under it (the variant with the date on its own line and no capture date).
func (r *reader) readCaptureDate() {
	i := r.nextNonBlank(0)
	if i < 0 || !isWholeDate(r.lines[i].text) {
		return
	}
	if i+1 < len(r.lines) && r.titleFollows(r.lines[i+1].text) {
		return
	}
	l := r.lines[i]
	d, kind, err := readDate(l.text)
	if kind == badDate {
		r.errorf(l.n, "the capture date %s is not a real date: %v; correct the date in the capture", l.text, unwrap(err))
	} else {
		r.c.Date, r.c.DateLine = d, l.n
	}
	r.i = i + 1
}

// titleFollows reports whether a line right under a leading date reads as
// an entry title rather than as more of the page's top.
func (r *reader) titleFollows(s string) bool {
	if s == "" || isNavigation(s) || isContactHeading(s) || startsEntry(s) {
		return false
	}
	if _, ok := parseClocks(s); ok {
		return false
	}
	if _, ok := parseCounter(s); ok {
		return false
	}
	return !reLooksLikeCounter.MatchString(s)
}

// unwrap drops the "impossible date: " prefix of dates' errors, so messages
// read "February 2020 has no day 31".
func unwrap(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}

// readEntry reads an entry's opening line(s) at r.i, in either form:
// "24.06.2020 - Title", or the date alone with the title on the next
// non-blank line. It reports whether the line opened an entry.
func (r *reader) readEntry() bool {
	l := r.lines[r.i]
	if dateText, title, ok := splitDated(l.text); ok {
		r.i++
		r.openEntry(l, dateText, title, l.n)
		return true
	}
	if !isWholeDate(l.text) {
		return false
	}
	r.i++
	title, titleLine := "", l.n
	if j := r.nextNonBlank(r.i); j >= 0 && !startsEntry(r.lines[j].text) && !isNavigation(r.lines[j].text) {
		title, titleLine = r.lines[j].text, r.lines[j].n
		r.i = j + 1
	}
	r.openEntry(l, l.text, title, titleLine)
	return true
}

// openEntry starts a dated entry; dateLine is where the date is written.
func (r *reader) openEntry(dateLine line, dateText, title string, titleLine int) {
	d, kind, err := readDate(dateText)
	e := Entry{Title: collapse(title), Date: d, Line: titleLine}
	keep := true
	if kind == badDate {
		r.refusef(dateLine.n, "%s is not a real date: %v; correct the date in the capture", trim(dateText), unwrap(err))
		keep = false
	}
	if e.Title == "" && keep {
		r.refusef(dateLine.n, "the entry dated %s has no title: write it after the date (24.06.2020 - Title) or on the next line", trim(dateText))
		keep = false
	}
	r.cur = &draft{entry: e, keep: keep}
	r.drafts = append(r.drafts, r.cur)
}

// startFeatured starts the featured article: the first line of content
// before any dated entry is its title.
func (r *reader) startFeatured(l line) {
	r.cur = &draft{entry: Entry{Title: collapse(l.text), Featured: true, Line: l.n}, keep: true}
	r.drafts = append(r.drafts, r.cur)
}

// readPreamble reads a clock, contact or counter line at r.i and reports
// whether it did.
func (r *reader) readPreamble() bool {
	l := r.lines[r.i]
	if clocks, ok := parseClocks(l.text); ok {
		r.addClocks(l, clocks)
		r.i++
		return true
	}
	if r.readContact() {
		return true
	}
	if r.readCounters(l) {
		r.i++
		return true
	}
	return false
}

func (r *reader) addClocks(l line, clocks []clockText) {
	for _, c := range clocks {
		if c.hour > 23 || c.minute > 59 {
			r.warnf(l.n, "%s: %02d:%02d is not a time of day; the clock was left out: correct it in the capture", c.place, c.hour, c.minute)
			continue
		}
		r.c.Clocks = append(r.c.Clocks, Clock{Place: c.place, Hour: c.hour, Minute: c.minute, Line: l.n})
	}
}

// readContact reads a contact block at r.i: a short heading ending in ":"
// and up to three short lines under it, ended by a blank line.
func (r *reader) readContact() bool {
	head := r.lines[r.i]
	if !isContactHeading(head.text) {
		return false
	}
	var body []line
	for j := r.i + 1; j < len(r.lines) && len(body) < maxContactLines; j++ {
		l := r.lines[j]
		if l.text == "" || runeLen(l.text) >= maxContactLine || startsEntry(l.text) ||
			isNavigation(l.text) || isContactHeading(l.text) || reLooksLikeCounter.MatchString(l.text) {
			break
		}
		body = append(body, l)
	}
	if len(body) == 0 {
		return false
	}
	for _, l := range append([]line{head}, body...) {
		r.c.Contact = append(r.c.Contact, ContactLine{Text: collapse(l.text), Line: l.n})
	}
	r.i += 1 + len(body)
	return true
}

// readCounters reads a line of counters. A line meant as counters that
// cannot be read is reported and skipped: taken as content, it would become
// the featured article.
func (r *reader) readCounters(l line) bool {
	var found bool
	var odd []string
	for _, part := range reWide.Split(l.text, -1) {
		c, ok := parseCounter(part)
		if !ok {
			odd = append(odd, part)
			continue
		}
		c.Line = l.n
		r.c.Counters = append(r.c.Counters, c)
		found = true
	}
	if !found && !reLooksLikeCounter.MatchString(l.text) {
		return false
	}
	for _, part := range odd {
		r.warnf(l.n, "%q looks like a counter but is not \"N days have passed since EVENT - …\"; it was left out: correct it in the capture or add the counter to the configuration", collapse(part))
	}
	return true
}

// finish cuts the bodies into blocks and checks that something was found.
func (r *reader) finish() {
	base := baseIndent(r.drafts)
	for _, d := range r.drafts {
		if !d.keep {
			continue
		}
		d.entry.Blocks = blocks(d.body, base)
		r.c.Entries = append(r.c.Entries, d.entry)
	}
	// A featured article is only recognisable on a page that also has a
	// capture date or dated entries; plain prose alone is not a capture.
	if len(r.drafts) == 1 && r.drafts[0].entry.Featured && r.c.Date.IsZero() {
		r.drafts = nil
		r.c.Entries = nil
	}
	if len(r.drafts) == 0 {
		r.errorf(0, "no news items found: a capture needs dated lines such as \"24.06.2020 - Title\" or a featured article; check that this is a capture of the listing page, or remove the file")
	}
}
