package normalise

import (
	"strings"
	"testing"

	"bulletin/pipeline/config"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

func TestResolveLinks(t *testing.T) {
	const base = "https://example.org/news/item?id=1"
	tests := []struct {
		name, body, base, want string
		lost                   []string // destinations kept as text only
	}{
		{"absolute path", "See [the variables](/layout/variables).", base,
			"See [the variables](<https://example.org/layout/variables>).", nil},
		{"relative path and title", "A [b](../c/d 'T') e.", base,
			"A [b](<https://example.org/c/d> 'T') e.", nil},
		{"fragment", "Up [top](#top).", base, "Up [top](<https://example.org/news/item?id=1#top>).", nil},
		{"pointy and parens", "[x](<a b>) and [y](p(1)) [z]()", base,
			"[x](<https://example.org/news/a%20b>) and [y](<https://example.org/news/p(1)>) [z](<https://example.org/news/item?id=1>)", nil},
		{"absolute and mail stay", "[a](https://other.org/x) [m](mailto:a@b.c) press@example.org", base,
			"[a](https://other.org/x) [m](mailto:a@b.c) press@example.org", nil},
		{"reference link", "[the site][s] and [s]\n\n[s]: /about \"About us\"\n", base,
			"[the site](<https://example.org/about> \"About us\") and [s](<https://example.org/about> \"About us\")\n\n[s]: /about \"About us\"\n", nil},
		{"nested label, image kept", "[![logo](img/logo.png) *home* `[x]`](/)", base,
			"[![logo](img/logo.png) *home* `[x]`](<https://example.org/>)", nil},
		{"in a list and a quote", "- [a](/a)\n\n> [b](/b)", base,
			"- [a](<https://example.org/a>)\n\n> [b](<https://example.org/b>)", nil},
		{"code is not a link", "`[a](/a)` and\n\n    [b](/b)\n", base, "`[a](/a)` and\n\n    [b](/b)\n", nil},
		{"no base: text kept", "Intro.\n\nSee *[the variables](/layout/variables \"v\")* and [c][r].\n\n[r]: ../c\n", "",
			"Intro.\n\nSee *the variables* and c.\n\n[r]: ../c\n", []string{"/layout/variables", "../c"}},
		{"no base: absolute stays", "[a](https://example.org/a)", "", "[a](https://example.org/a)", nil},
	}
	md := markup.New(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, lost := resolveLinks(md, tt.body, tt.base)
			if got != tt.want {
				t.Errorf("body =\n%q\nwant\n%q", got, tt.want)
			}
			var dests []string
			for _, l := range lost {
				dests = append(dests, l.dest)
			}
			if strings.Join(dests, " ") != strings.Join(tt.lost, " ") {
				t.Errorf("lost %q, want %q", dests, tt.lost)
			}
		})
	}
}

// Through Items: the warning names the item's file and line, and the line
// of the link in its text.
func TestItemsResolveLinks(t *testing.T) {
	items := []news.Item{
		{Title: "With a link", Date: date(2020, 6, 1), URL: "https://example.org/news/1", Body: "See [more](/more).",
			Origins: []news.Origin{{File: "a.jsonl", Line: 3}}},
		{Title: "Without", Date: date(2020, 6, 2), Body: "One.\n\nSee [more](/more) and [x](y).",
			Origins: []news.Origin{{File: "b.md", Line: 1}}},
	}
	got, ps := New(config.Default()).Items(items)
	if got[0].Body != "See [more](<https://example.org/more>)." || got[1].Body != "One.\n\nSee more and x." {
		t.Errorf("bodies %q, %q", got[0].Body, got[1].Body)
	}
	if len(ps) != 1 || ps[0].At != (news.Origin{File: "b.md", Line: 1}) || ps[0].Severity != news.Warning ||
		!strings.Contains(ps[0].Msg, `2 relative link(s)`) || !strings.Contains(ps[0].Msg, `"/more" (line 3 of its text)`) {
		t.Errorf("problems = %v", ps)
	}
	if items[1].Body != "One.\n\nSee [more](/more) and [x](y)." {
		t.Errorf("the caller's item changed")
	}
}
