// Package counter merges the day counters found in captures with those in
// the configuration and words them as of a publication date.
package counter

import (
	"fmt"
	"strconv"
	"strings"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// Merge returns one counter per event. Configured counters win over
// sightings in captures; sightings of the same event that disagree on the
// origin day are reported, and the earliest-read sighting is kept.
// Order: configured counters first, then sightings in the order first seen.
func Merge(configured, sighted []news.Counter) ([]news.Counter, []news.Problem) {
	var out []news.Counter
	var problems []news.Problem
	index := map[string]int{}
	fromConfig := map[string]bool{}
	for _, c := range configured {
		if _, dup := index[c.Key]; dup {
			problems = append(problems, news.Problem{Severity: news.Error, At: c.From,
				Msg: fmt.Sprintf("counter %q is configured twice; keep one", c.Key)})
			continue
		}
		index[c.Key] = len(out)
		fromConfig[c.Key] = true
		out = append(out, c)
	}
	for _, s := range sighted {
		i, ok := index[s.Key]
		if !ok {
			index[s.Key] = len(out)
			out = append(out, s)
			continue
		}
		kept := out[i]
		if kept.Origin == s.Origin {
			continue
		}
		what := "the counter first read at " + kept.From.String()
		if fromConfig[s.Key] {
			what = "the configuration (" + kept.From.String() + "), which wins"
		}
		problems = append(problems, news.Problem{Severity: news.Warning, At: s.From, Msg: fmt.Sprintf(
			"counter %q implies origin %s, but %s says %s; check the capture date or the counter",
			s.Key, s.Origin, what, kept.Origin)})
	}
	return out, problems
}

// Days is the counter's value on day asOf.
func Days(c news.Counter, asOf news.Date) int { return c.Origin.DaysUntil(asOf) }

// Sentence words c as of asOf: "855 days have passed since …".
func Sentence(c news.Counter, asOf news.Date) string {
	return Fill(c.Template, Days(c, asOf))
}

// Fill replaces {n} with n and each {a|b} (English: one, other) or {a|b|c}
// (Russian: one, few, many) with the form n calls for.
func Fill(template string, n int) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			b.WriteString(template)
			return b.String()
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:i])
		b.WriteString(choose(template[i+1:i+j], n))
		template = template[i+j+1:]
	}
}

func choose(spec string, n int) string {
	if spec == "n" {
		return strconv.Itoa(n)
	}
	forms := strings.Split(spec, "|")
	switch len(forms) {
	case 2:
		if n == 1 || n == -1 {
			return forms[0]
		}
		return forms[1]
	case 3:
		return forms[russianForm(n)]
	}
	return "{" + spec + "}"
}

// russianForm picks день (0), дня (1) or дней (2) for n.
func russianForm(n int) int {
	if n < 0 {
		n = -n
	}
	switch {
	case n%10 == 1 && n%100 != 11:
		return 0
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return 1
	}
	return 2
}

// Describe is a one-line account of c for `bulletin list`.
func Describe(c news.Counter, asOf news.Date, lang string) string {
	return fmt.Sprintf("%s (since %s, from %s)", Sentence(c, asOf), dates.Format(c.Origin, lang), c.From)
}
