package listing

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// This file recognises the shapes of single lines: dates, entry lines,
// navigation, clocks. Each function looks at the trimmed text only.

// dateKind says whether a text is a date.
type dateKind int

const (
	notDate dateKind = iota
	goodDate
	badDate // shaped like a date but impossible (31.02.2020)
)

// readDate reads s as a whole date in any form dates.Parse knows. A date in
// a capture is a calendar day as printed, so the zone only matters for
// instants, which listing pages do not print.
func readDate(s string) (news.Date, dateKind, error) {
	d, err := dates.Parse(s, time.UTC)
	switch {
	case err == nil:
		return d, goodDate, nil
	case errors.Is(err, dates.ErrNoDate):
		return news.Date{}, notDate, nil
	default:
		return news.Date{}, badDate, err
	}
}

// dashSpace is what may surround a date's dash: RE2's \s and the Unicode
// space separators (no-break spaces among them).
func dashSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// nextDash finds the next candidate separator between an entry's date and
// its title at or after off: a hyphen, en dash or em dash with the spaces
// around it (the leftmost match of [\s\p{Zs}]*[-–—][\s\p{Zs}]*).
func nextDash(s string, off int) (start, end int, ok bool) {
	i := strings.IndexAny(s[off:], "-–—")
	if i < 0 {
		return 0, 0, false
	}
	dash := off + i
	start = dash
	for start > off {
		r, size := utf8.DecodeLastRuneInString(s[off:start])
		if !dashSpace(r) {
			break
		}
		start -= size
	}
	_, size := utf8.DecodeRuneInString(s[dash:])
	end = dash + size
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !dashSpace(r) {
			break
		}
		end += size
	}
	return start, end, true
}

// maxDateLen bounds the text tried as a date before a dash ("15 сентября
// 2020 года", "Mon, 06 Jul 2020 23:30:00 +0000"), so long paragraphs with
// a dash are not parsed over and over.
const maxDateLen = 48

// splitDated splits "24.06.2020 - Title" into its date text and title. The
// first dash whose left side is a date wins, so dashes inside ISO dates and
// inside the title are handled. ok is false when the line does not start
// with a date and a dash. Dashes are looked for from the left and no
// further than a date can reach: a paragraph is not scanned to its end.
func splitDated(s string) (date, title string, ok bool) {
	for off := 0; off < len(s); {
		start, end, found := nextDash(s, off)
		if !found || start > maxDateLen {
			break
		}
		if start > 0 {
			if _, kind, _ := readDate(s[:start]); kind != notDate {
				return s[:start], trim(s[end:]), true
			}
		}
		off = end
	}
	return "", "", false
}

// isWholeDate reports whether the line is nothing but a date (possibly an
// impossible one, which the caller reports).
func isWholeDate(s string) bool {
	_, kind, _ := readDate(s)
	return kind != notDate
}

// startsEntry reports whether the line opens a dated entry in either form.
func startsEntry(s string) bool {
	if _, _, ok := splitDated(s); ok {
		return true
	}
	return isWholeDate(s)
}

var (
	// reMore is the link under the list ("all messages") and its kin.
	reMore = regexp.MustCompile(`(?i)^(all (messages|news|items|publications)|read more|more|все (сообщения|новости|публикации)|подробнее|далее)$`)
	// rePager is "Pages: ««« :: 123456789 :: »»»" and bare "« 1 2 3 »".
	rePager     = regexp.MustCompile(`(?i)^(pages?|страницы)\s*:`)
	rePagerOnly = regexp.MustCompile(`^[\d\s\p{Zs}«»‹›<>:|.…,–—-]+$`)
)

// isNavigation reports whether a line is what is left of the page's
// navigation: links, pagers, section headings. It is not content.
func isNavigation(s string) bool {
	switch {
	case reMore.MatchString(s), rePager.MatchString(s):
		return true
	case rePagerOnly.MatchString(s) && (strings.ContainsAny(s, "«»‹›|") ||
		strings.Contains(s, "::") || strings.Contains(s, "<<") || strings.Contains(s, ">>")):
		return true
	}
	return isSectionHeading(s)
}

// isSectionHeading reports whether s is an all-capitals line such as
// "PRESS RELEASES AND NEWS": the site's section title, not an item. Four
// letters at least, so an acronym on its own is not taken for one.
func isSectionHeading(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 4 && runeLen(s) <= 80 && !strings.HasSuffix(s, ".")
}

// reClocks matches a line of one or more "Place: HH:MM".
var (
	reClock  = regexp.MustCompile(`(\pL[\pL\pM .'’-]*?)[\s\p{Zs}]*:[\s\p{Zs}]*(\d{1,2}):(\d{2})`)
	reClocks = regexp.MustCompile(`^(?:\pL[\pL\pM .'’-]*?[\s\p{Zs}]*:[\s\p{Zs}]*\d{1,2}:\d{2}[\s\p{Zs}]*)+$`)
)

// clockText is one clock as read, before its time is checked.
type clockText struct {
	place        string
	hour, minute int
}

// parseClocks reads "Moscow: 02:18" (several may share a line). ok is false
// when the line is not made of clocks.
func parseClocks(s string) (clocks []clockText, ok bool) {
	if !reClocks.MatchString(s) {
		return nil, false
	}
	for _, m := range reClock.FindAllStringSubmatch(s, -1) {
		h, _ := strconv.Atoi(m[2])
		min, _ := strconv.Atoi(m[3])
		clocks = append(clocks, clockText{place: collapse(m[1]), hour: h, minute: min})
	}
	return clocks, true
}

// Limits of the contact block: a short heading ending in ":" followed by a
// few short lines (phone, e-mail, hours).
const (
	maxContactHeading = 40
	maxContactLine    = 60
	maxContactLines   = 3
)

// isContactHeading reports whether s may head a contact block.
func isContactHeading(s string) bool {
	return (strings.HasSuffix(s, ":") || strings.HasSuffix(s, "：")) &&
		runeLen(s) > 1 && runeLen(s) < maxContactHeading
}
