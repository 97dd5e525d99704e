package pipeline

import (
	"context"
	"fmt"

	"bulletin/internal/parallel"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

// markupWeight is what a byte of markup (a heading mark, an emphasis or
// link delimiter…) weighs against a byte of text, and lineWeight what a
// line break weighs: each line may open a block (a list item, a heading,
// a table row), which becomes a node, boxes and tags. Measured on whole
// builds of a month at the limit (the bodies of BenchmarkHostile): with
// these weights, a month of "- item" lines, "# h" lines, table rows or
// "_*" needs no more memory than a month of prose of the same weight.
const (
	markupWeight = 10
	lineWeight   = 64
)

// Weight is what an item costs to lay out, in bytes of prose: its title,
// summary and body, with markup and lines counted heavier.
func Weight(it news.Item) int64 { return weigh(it.Title) + weigh(it.Summary) + weigh(it.Body) }

func weigh(s string) int64 {
	n := int64(len(s))
	extra := weightExtra()
	for i := 0; i < len(s); i++ {
		n += int64(extra[s[i]])
	}
	return n
}

// weightExtra is what each byte weighs beyond its own: a table rather
// than a switch, as every build weighs the whole archive's text (a tenth
// of a second for ten years).
func weightExtra() [256]int8 {
	var t [256]int8
	t['\n'] = lineWeight - 1
	for _, c := range []byte("#*_[]`<>|!~&") {
		t[c] = markupWeight - 1
	}
	return t
}

// heavyMonths refuses every month whose items weigh more than the limit:
// a month is one PDF, laid out in memory whole, so this is what bounds a
// build's memory. The error is at the month's heaviest item.
// The months are weighed on every core.
func heavyMonths(ctx context.Context, months []news.Month, lim config.Limits) []news.Problem {
	type weighed struct {
		total, most int64
		heaviest    news.Item
	}
	ws := make([]weighed, len(months))
	parallel.For(ctx, len(months), func(i int) {
		w := &ws[i]
		for _, t := range months[i].Types {
			for _, it := range t.Items {
				n := Weight(it)
				w.total += n
				if n > w.most {
					w.most, w.heaviest = n, it
				}
			}
		}
	})
	var problems []news.Problem
	for i, m := range months {
		total, most, heaviest := ws[i].total, ws[i].most, ws[i].heaviest
		if total <= lim.MonthWeight() {
			continue
		}
		var at news.Origin
		if len(heaviest.Origins) > 0 {
			at = heaviest.Origins[0]
		}
		problems = append(problems, news.Problem{Severity: news.Error, At: at, Msg: fmt.Sprintf(
			"%s is too heavy to lay out: its %d items weigh %s (text, with markup and lines counted heavier), above limits.month_mb (%g MB); "+
				"the heaviest is %q here (%s). Check for runaway markup, or raise limits.month_mb in bulletin.yaml (allow about 100 MB of memory per MB)",
			m.Title, m.Count(), mb(total), lim.MonthMB, heaviest.Title, mb(most))})
	}
	return problems
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
