package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"bulletin/pipeline"
	"bulletin/pipeline/news"
)

// printAccount lists every item read, where it came from and what it
// became, then the totals, which add up: read = kept + merged + refused.
func printAccount(w io.Writer, cat *pipeline.Catalogue) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range cat.Account().Entries {
		switch e.Fate {
		case pipeline.FateKept:
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At, e.Fate, e.Month, e.Type, e.Title)
		case pipeline.FateMerged:
			fmt.Fprintf(tw, "%s\t%s\t\t\tinto %s\n", e.At, e.Fate, e.Into)
		default:
			fmt.Fprintf(tw, "%s\t%s\t\t\t%s\n", e.At, e.Fate, e.Reason)
		}
	}
	tw.Flush()
	a := cat.Account()
	fmt.Fprintf(w, "%d %s: %d %s read = %d kept + %d merged + %d refused; %d %s\n",
		len(cat.Files), plural(len(cat.Files), "file", "files"), a.Read, plural(a.Read, "item", "items"),
		a.Kept, a.Merged, a.Refused, len(cat.Months), plural(len(cat.Months), "month", "months"))
}

// jsonCheck is `bulletin check --json`.
type jsonCheck struct {
	Files    []string         `json:"files"`
	Account  pipeline.Account `json:"account"`
	Months   []string         `json:"months"`
	Problems []jsonProblem    `json:"problems"`
	Errors   int              `json:"errors"`
}

type jsonProblem struct {
	Severity string `json:"severity"`
	At       string `json:"at"`
	Message  string `json:"message"`
}

func printAccountJSON(w io.Writer, cat *pipeline.Catalogue) error {
	out := jsonCheck{Files: cat.Files, Account: cat.Account(), Months: []string{}, Problems: []jsonProblem{}}
	if out.Files == nil {
		out.Files = []string{}
	}
	if out.Account.Entries == nil {
		out.Account.Entries = []pipeline.Entry{}
	}
	for _, m := range cat.Months {
		out.Months = append(out.Months, m.Key.String())
	}
	for _, p := range cat.Problems {
		out.Problems = append(out.Problems, jsonProblem{p.Severity.String(), p.At.String(), p.Msg})
		if p.Severity == news.Error {
			out.Errors++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("encode the account: %w", err)
	}
	return nil
}
