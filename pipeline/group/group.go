// Package group arranges normalised items by month, then by type in the
// configured order, then by date and title.
package group

import (
	"sort"

	"bulletin/pipeline/config"
	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// ByMonth groups items. Months run oldest first with "Undated" last; types
// follow the vocabulary's order (unknown keys after, by key); items run by
// date, then title, then ID, so the result never depends on reading order.
func ByMonth(items []news.Item, cfg *config.Config, undatedTitle string) []news.Month {
	rank := map[string]int{}
	for i, t := range cfg.Types {
		rank[t.Key] = i
	}
	// Each item is copied once, into a slice made at its group's size: an
	// Item is large, and groups grown by appending copied an archive's
	// items several times over.
	type groupKey struct {
		month news.MonthKey
		typ   string
	}
	sizes := map[groupKey]int{}
	for i := range items {
		sizes[groupKey{items[i].Month(), items[i].Type}]++
	}
	groups := make(map[groupKey][]news.Item, len(sizes))
	types := map[news.MonthKey][]string{}
	for i := range items {
		k := groupKey{items[i].Month(), items[i].Type}
		g, ok := groups[k]
		if !ok {
			g = make([]news.Item, 0, sizes[k])
			types[k.month] = append(types[k.month], k.typ)
		}
		groups[k] = append(g, items[i])
	}
	keys := make([]news.MonthKey, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return monthLess(keys[i], keys[j]) })

	months := make([]news.Month, 0, len(keys))
	for _, k := range keys {
		m := news.Month{Key: k, Title: undatedTitle}
		if k.Year != 0 {
			m.Title = dates.MonthTitle(k, cfg.Language)
		}
		m.Types = byType(types[k], func(t string) []news.Item { return groups[groupKey{k, t}] }, cfg, rank)
		months = append(months, m)
	}
	return months
}

// byType is a month's groups, in the vocabulary's order, each sorted.
func byType(keys []string, items func(typ string) []news.Item, cfg *config.Config, rank map[string]int) []news.TypeGroup {
	sort.Slice(keys, func(i, j int) bool {
		ri, iok := rank[keys[i]]
		rj, jok := rank[keys[j]]
		if iok != jok {
			return iok
		}
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	out := make([]news.TypeGroup, 0, len(keys))
	for _, k := range keys {
		its := items(k)
		sort.Slice(its, func(i, j int) bool { return itemLess(its[i], its[j]) })
		name := k
		if t, ok := cfg.Lookup(k); ok {
			name = t.Name
		}
		out = append(out, news.TypeGroup{Type: k, Name: name, Items: its})
	}
	return out
}

func monthLess(a, b news.MonthKey) bool {
	if (a.Year == 0) != (b.Year == 0) {
		return b.Year == 0 // undated last
	}
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	return a.Month < b.Month
}

func itemLess(a, b news.Item) bool {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c < 0
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	return a.ID < b.ID
}

// Select keeps the months in want (all when want is empty) and within
// [from, to] when those are set (zero keys mean open ends).
func Select(months []news.Month, want []news.MonthKey, from, to news.MonthKey) []news.Month {
	var out []news.Month
	for _, m := range months {
		if len(want) > 0 && !contains(want, m.Key) {
			continue
		}
		if from.Year != 0 && (m.Key.Year == 0 || monthLess(m.Key, from)) {
			continue
		}
		if to.Year != 0 && (m.Key.Year == 0 || monthLess(to, m.Key)) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func contains(ks []news.MonthKey, k news.MonthKey) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
