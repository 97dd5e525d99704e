package pipeline

import (
	"context"
	"fmt"

	"bulletin/internal/parallel"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

// heavyMonths refuses every month whose items weigh more than the limit:
// a month is one PDF, laid out in memory whole, so this is what bounds a
// build's memory. The error is at the month's heaviest item.
// The months are weighed on every core.
//
// weightOf gives an item's news.Weight (worked out as the items were
// prepared, and kept in the memo).
func heavyMonths(ctx context.Context, months []news.Month, lim config.Limits, weightOf func(news.Item) int64) []news.Problem {
	type weighed struct {
		total, most int64
		heaviest    news.Item
	}
	ws := make([]weighed, len(months))
	parallel.For(ctx, len(months), func(i int) {
		w := &ws[i]
		for _, t := range months[i].Types {
			for _, it := range t.Items {
				n := weightOf(it)
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
