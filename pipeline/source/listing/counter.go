package listing

import (
	"regexp"
	"strconv"
	"strings"
)

// ws is whitespace as captures write it: ASCII or no-break.
const ws = `[\s\p{Zs}]+`

// counterForm is one way of writing a counter sentence. Its pattern's named
// groups are n (the number), rest (from the event on) and the words that
// agree with the number, which the template turns into plural choices.
type counterForm struct {
	lang    string
	re      *regexp.Regexp
	choices map[string]string // group name → plural choice in the template
}

var counterForms = []counterForm{
	{
		lang: "en",
		re: regexp.MustCompile(`(?i)^(?P<n>\d[\d,]*)` + ws + `(?P<day>days?)` + ws +
			`(?P<verb>has|have)` + ws + `passed` + ws + `since` + ws + `(?P<rest>\S.*)$`),
		choices: map[string]string{"day": "{day|days}", "verb": "{has|have}"},
	},
	{
		lang: "ru",
		re: regexp.MustCompile(`(?i)^(?P<n>\d+)` + ws + `(?P<day>день|дня|дней)` + ws +
			`(?P<verb>прошёл|прошел|прошло|прошли)` + ws + `со?` + ws + `(?P<rest>\S.*)$`),
		choices: map[string]string{"day": "{день|дня|дней}", "verb": "{прошёл|прошло|прошло}"},
	},
	{
		lang: "ru",
		re: regexp.MustCompile(`(?i)^(?P<verb>прошёл|прошел|прошло|прошли)` + ws + `(?P<n>\d+)` + ws +
			`(?P<day>день|дня|дней)` + ws + `со?` + ws + `(?P<rest>\S.*)$`),
		choices: map[string]string{"day": "{день|дня|дней}", "verb": "{Прошёл|Прошло|Прошло}"},
	},
}

// reLooksLikeCounter catches sentences meant as counters that the forms
// above do not read ("Eight hundred days have passed since …"), so they are
// reported instead of becoming an article.
var reLooksLikeCounter = regexp.MustCompile(`(?i)(passed` + ws + `since|(день|дня|дней)` + ws + `прош|прош\S*` + ws + `\S+` + ws + `(день|дня|дней))`)

// reWide separates counters sharing a line: the page laid them out side by
// side, and the capture left long runs of (no-break) spaces between them.
var reWide = regexp.MustCompile(`[\s\p{Zs}]{3,}`)

// reEventEnd ends the event at the dash before the sentence's tail.
var reEventEnd = regexp.MustCompile(ws + `[-–—]` + ws)

// parseCounter reads one counter sentence; ok is false if s is not one.
func parseCounter(s string) (Counter, bool) {
	s = collapse(s)
	for _, f := range counterForms {
		m := f.re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		days, err := strconv.Atoi(strings.ReplaceAll(group(f.re, s, m, "n"), ",", ""))
		if err != nil {
			return Counter{}, false
		}
		return Counter{
			Days:     days,
			Sentence: s,
			Template: template(f, s, m),
			Event:    event(group(f.re, s, m, "rest")),
			Lang:     f.lang,
		}, true
	}
	return Counter{}, false
}

// group is the text of the named group of match m.
func group(re *regexp.Regexp, s string, m []int, name string) string {
	i := re.SubexpIndex(name)
	return s[m[2*i]:m[2*i+1]]
}

// template replaces the number with {n} and each agreeing word with its
// plural choice, keeping the rest of the sentence as written.
func template(f counterForm, s string, m []int) string {
	type span struct {
		from, to int
		with     string
	}
	var spans []span
	for i, name := range f.re.SubexpNames() {
		with, ok := f.choices[name]
		if name == "n" {
			with, ok = "{n}", true
		}
		if ok {
			spans = append(spans, span{m[2*i], m[2*i+1], with})
		}
	}
	// Groups appear in the pattern in text order, so spans are sorted.
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.from])
		b.WriteString(sp.with)
		last = sp.to
	}
	b.WriteString(s[last:])
	return b.String()
}

// event is the counter's event: the text up to the dash before the tail
// ("the Salisbury incident - no credible information …"), or all of it.
func event(rest string) string {
	if loc := reEventEnd.FindStringIndex(rest); loc != nil {
		rest = rest[:loc[0]]
	}
	return strings.TrimRight(trim(rest), ".!")
}
