package pipeline

import (
	"sort"
	"unicode/utf8"

	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

// Fates of an input item in the account.
const (
	FateKept    = "kept"
	FateMerged  = "merged"
	FateRefused = "refused"
)

// Entry is one input item in the account: where it came from and what it
// became, or why it was not kept.
type Entry struct {
	Origin news.Origin `json:"-"`
	At     string      `json:"at"`
	Fate   string      `json:"fate"`
	Month  string      `json:"month,omitempty"`
	Type   string      `json:"type,omitempty"`
	Title  string      `json:"title,omitempty"`
	Into   string      `json:"into,omitempty"`   // merged: the kept item's origin
	Reason string      `json:"reason,omitempty"` // merged or refused: why
	// Fields are what a kept item carries into the outputs.
	Fields *Fields `json:"fields,omitempty"`
}

// Fields lists every field a kept item carries, so that a reader of
// `check --json` can see that nothing a source said was lost. Lists are
// never null, texts are given by length (in characters).
type Fields struct {
	Title        string   `json:"title"`
	Date         string   `json:"date"` // YYYY-MM-DD, "" when undated
	Type         string   `json:"type"` // the type's key
	TypeExplicit bool     `json:"type_explicit"`
	URL          string   `json:"url"`
	Authors      []string `json:"authors"`
	Tags         []string `json:"tags"`
	Lang         string   `json:"lang"`
	SummaryChars int      `json:"summary_chars"`
	BodyChars    int      `json:"body_chars"`
	// Origins are every sighting merged into the item, the first-read first.
	Origins []string `json:"origins"`
}

// fieldsOf is the account's view of a kept item.
func fieldsOf(it news.Item) *Fields {
	f := &Fields{Title: it.Title, Type: it.Type, TypeExplicit: it.TypeExplicit, URL: it.URL,
		Authors: append([]string{}, it.Authors...), Tags: append([]string{}, it.Tags...), Lang: it.Lang,
		SummaryChars: utf8.RuneCountInString(it.Summary), BodyChars: utf8.RuneCountInString(it.Body), Origins: []string{}}
	if !it.Date.IsZero() {
		f.Date = it.Date.String()
	}
	for _, o := range it.Origins {
		f.Origins = append(f.Origins, o.String())
	}
	return f
}

// Account lists every input item once; Read = Kept + Merged + Refused.
type Account struct {
	Entries []Entry `json:"items"`
	Read    int     `json:"read"`
	Kept    int     `json:"kept"`
	Merged  int     `json:"merged"`
	Refused int     `json:"refused"`
}

// account builds the Account of the kept items and the problems that stand
// for merged or refused ones.
func account(items []news.Item, problems []news.Problem, cfg *config.Config) Account {
	var a Account
	for _, it := range items {
		name := it.Type
		if t, ok := cfg.Lookup(it.Type); ok {
			name = t.Name
		}
		o := it.Origin()
		a.Entries = append(a.Entries, Entry{Origin: o, Fate: FateKept, Month: it.Month().String(), Type: name, Title: it.Title,
			Fields: fieldsOf(it)})
		a.Kept++
	}
	for _, p := range problems {
		switch p.Fate {
		case news.Merged:
			a.Entries = append(a.Entries, Entry{Origin: p.At, Fate: FateMerged, Into: p.Into.String(), Reason: p.Msg})
			a.Merged++
		case news.Refused:
			a.Entries = append(a.Entries, Entry{Origin: p.At, Fate: FateRefused, Reason: p.Msg})
			a.Refused++
		}
	}
	a.Read = a.Kept + a.Merged + a.Refused
	sort.SliceStable(a.Entries, func(i, j int) bool {
		x, y := a.Entries[i].Origin, a.Entries[j].Origin
		if x.File != y.File {
			return x.File < y.File
		}
		return x.Line < y.Line
	})
	for i := range a.Entries {
		a.Entries[i].At = a.Entries[i].Origin.String()
	}
	return a
}
