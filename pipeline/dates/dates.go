// Package dates reads the date forms press offices and feeds write, and
// formats dates for readers in English and Russian.
package dates

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"bulletin/pipeline/news"
)

// ErrNoDate means the text is not a date in any form this package knows.
var ErrNoDate = errors.New("not a date")

var months = map[string]time.Month{}

func init() {
	// Read-only after init: English full and short names, Russian
	// nominative and genitive forms.
	for m := time.January; m <= time.December; m++ {
		months[strings.ToLower(m.String())] = m
		months[strings.ToLower(m.String()[:3])] = m
	}
	months["sept"] = time.September
	for i, ru := range ruNominative {
		months[ru] = time.Month(i + 1)
	}
	for i, ru := range ruGenitive {
		months[ru] = time.Month(i + 1)
	}
}

var ruNominative = [...]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
var ruGenitive = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}

var (
	reDotted   = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	reDayMonth = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+(\pL+)\.?,?\s+(\d{4})(?:\s*(?:г\.?|года))?$`)
	reMonthDay = regexp.MustCompile(`^(\pL+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$`)
	reISODate  = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
)

// instantLayouts are tried in order for strings that carry a time of day.
var instantLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	time.RFC822Z,
	time.RFC822,
}

// localLayouts carry no zone: the time is read in the publisher's zone.
var localLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
}

// maxDateBytes bounds what Parse tries, whitespace collapsed.
const maxDateBytes = 64

// Parse reads s as a calendar day in loc. Instants with a zone are converted
// to loc first, so an evening UTC timestamp may fall on the next day in
// Moscow. Impossible days (31.02.2020) are errors that say why.
func Parse(s string, loc *time.Location) (news.Date, error) {
	// Readers try whole lines and paragraphs as dates: what cannot be one
	// is refused before the layouts are tried (each failed time.Parse
	// copies its input into an error). The longest form read is about 40
	// bytes ("15 сентября 2020 года", RFC 3339 with nanoseconds).
	if s = strings.TrimSpace(s); len(s) > 4*maxDateBytes {
		return news.Date{}, ErrNoDate
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || len(s) > maxDateBytes || !strings.ContainsAny(s, "0123456789") {
		return news.Date{}, ErrNoDate
	}
	if m := reDotted.FindStringSubmatch(s); m != nil {
		return ymd(m[3], m[2], m[1])
	}
	if m := reISODate.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := reDayMonth.FindStringSubmatch(s); m != nil {
		if mon, ok := months[strings.ToLower(m[2])]; ok {
			return ymdMonth(m[3], mon, m[1])
		}
	}
	if m := reMonthDay.FindStringSubmatch(s); m != nil {
		if mon, ok := months[strings.ToLower(m[1])]; ok {
			return ymdMonth(m[3], mon, m[2])
		}
	}
	if t, ok := parseInstant(s, loc); ok {
		d := news.DateOf(t)
		// Go's time accepts years news.MakeDate refuses (year 0).
		if _, err := news.MakeDate(d.Year, d.Month, d.Day); err != nil {
			return news.Date{}, fmt.Errorf("impossible date: %w", err)
		}
		return d, nil
	}
	return news.Date{}, ErrNoDate
}

// ParseInstant reads s as an instant (RFC 3339, RFC 1123…); a form with no
// zone is read in loc, a bare date is midnight in loc.
func ParseInstant(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, ok := parseInstant(s, loc); ok {
		return t, nil
	}
	d, err := Parse(s, loc)
	if err != nil {
		return time.Time{}, err
	}
	return d.Time(loc), nil
}

func parseInstant(s string, loc *time.Location) (time.Time, bool) {
	for _, l := range instantLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return zoneNamed(t).In(loc), true
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// zoneNamed fixes times parsed with a zone abbreviation Go does not know
// (time.Parse then gives offset 0 under that name): EST, PDT and friends.
func zoneNamed(t time.Time) time.Time {
	name, off := t.Zone()
	if off != 0 || name == "UTC" || name == "GMT" || name == "Z" || name == "" {
		return t
	}
	if o, ok := zoneOffsets[name]; ok {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(name, o*3600)).UTC()
	}
	return t
}

var zoneOffsets = map[string]int{
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"BST": 1, "CET": 1, "CEST": 2, "MSK": 3, "UT": 0,
}

func ymd(y, m, d string) (news.Date, error) {
	mi, _ := strconv.Atoi(m)
	return ymdMonth(y, time.Month(mi), d)
}

func ymdMonth(y string, m time.Month, d string) (news.Date, error) {
	yi, _ := strconv.Atoi(y)
	di, _ := strconv.Atoi(d)
	date, err := news.MakeDate(yi, m, di)
	if err != nil {
		return news.Date{}, fmt.Errorf("impossible date: %w", err)
	}
	return date, nil
}

// Format writes d for readers: "6 July 2020" or "6 июля 2020".
func Format(d news.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	// Without fmt: every item's date line is formatted, in each output.
	month := d.Month.String()
	if IsRussian(lang) {
		month = ruGenitive[d.Month-1]
	}
	return strconv.Itoa(d.Day) + " " + month + " " + strconv.Itoa(d.Year)
}

// MonthTitle writes a month for headings: "June 2020" or "Июнь 2020".
func MonthTitle(k news.MonthKey, lang string) string {
	if IsRussian(lang) {
		n := []rune(ruNominative[k.Month-1])
		return strings.ToUpper(string(n[:1])) + string(n[1:]) + " " + strconv.Itoa(k.Year)
	}
	return fmt.Sprintf("%s %d", k.Month, k.Year)
}

// IsRussian reports whether lang is Russian: a case-insensitive "ru"
// prefix ("ru", "RU", "ru-RU"). Every stage tells Russian by it.
func IsRussian(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "ru") }
