package pipeline

import (
	"bulletin/pipeline/words"
	"fmt"
	"time"

	"bulletin/pipeline/counter"
	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
	"bulletin/pipeline/normalise"
)

// Cover words what a cover shows for months, as of the publication date.
func (cat *Catalogue) Cover(opts Options, months []news.Month) news.Cover {
	cfg := opts.Config
	pub := PublicationDay(opts)
	c := news.Cover{
		Publisher: cfg.Publisher,
		Title:     cfg.Title,
		Period:    period(months),
		Published: dates.Format(pub, cfg.Language),
		Contact:   cat.Contact,
	}
	for _, cl := range cfg.Clocks {
		loc := cl.Location
		if loc == nil { // a configuration made in code, not by Parse
			var err error
			if loc, err = time.LoadLocation(cl.Zone); err != nil {
				continue
			}
		}
		c.Clocks = append(c.Clocks, news.Clock{Place: cl.Place, Time: opts.Published.In(loc).Format("15:04")})
	}
	for _, k := range cat.Counters {
		sentence := counter.Sentence(k, pub)
		c.Counters = append(c.Counters, normalise.Typography(sentence, normalise.TextLang(sentence, cfg.Language)))
	}
	counts := map[string]int{}
	var order []string
	for _, m := range months {
		for _, t := range m.Types {
			if _, seen := counts[t.Name]; !seen {
				order = append(order, t.Name)
			}
			counts[t.Name] += len(t.Items)
			c.Total += len(t.Items)
		}
	}
	// Type order follows the vocabulary, as within each month.
	for _, t := range cfg.Types {
		if n, ok := counts[t.Name]; ok {
			c.Tally = append(c.Tally, news.TypeCount{Name: t.Name, Count: n})
			delete(counts, t.Name)
		}
	}
	for _, name := range order {
		if n, ok := counts[name]; ok {
			c.Tally = append(c.Tally, news.TypeCount{Name: name, Count: n})
		}
	}
	c.TotalText = fmt.Sprintf("%s %s", words.Number(c.Total, cfg.Language), counter.Fill(words.Labels(cfg.Language).Items, c.Total))
	return c
}

// period names the months covered: "June 2020", or "May 2020 – July 2020".
func period(months []news.Month) string {
	switch len(months) {
	case 0:
		return ""
	case 1:
		return months[0].Title
	}
	first, last := months[0], months[len(months)-1]
	if last.Key.Year == 0 && len(months) > 1 {
		last = months[len(months)-2]
	}
	if first.Key == last.Key {
		return first.Title
	}
	return first.Title + " – " + last.Title
}
