package pdf

import (
	"os/exec"
	"strings"
	"testing"

	"bulletin/internal/testenv"
	"bulletin/layouts"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

func itemWithBody(title, body string) news.Item {
	return news.Item{ID: "x1", Title: title, Date: news.Date{Year: 2020, Month: 6, Day: 30}, Body: body,
		Origins: []news.Origin{{File: "x.md", Line: 1}}}
}

func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	pdftotext := testenv.NeedTool(t, "pdftotext")
	p := writeFile(t, "b.pdf", data)
	out, err := exec.Command(pdftotext, p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// A 100,000-letter token with no break point is set whole, cut between
// letters where it must be (the emergency break), in the body's lines.
func TestLongTokenEmergencyBreak(t *testing.T) {
	tok := strings.Repeat("abcdefghij", 10000)
	data, _ := render(t, newRenderer(t), testEdition(itemWithBody("Long token", "Before "+tok+" after.")))
	text := pdfText(t, data)
	if got := strings.Count(text, "abcdefghij"); got < 9000 {
		t.Errorf("%d of the token's 10,000 groups printed", got)
	}
	lines := 0
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "abcdefghij") {
			lines++
		}
	}
	if lines < 100 {
		t.Errorf("the token takes %d lines: it was not cut", lines)
	}
}

// A no-break space holds in a title and a contents line as in the body.
func TestNoBreakSpaceInTitles(t *testing.T) {
	title := "A title long enough to wrap somewhere around the end of its first line: 10\u00a0000 words"
	for _, pad := range []string{"", "x ", "xx ", "xxx ", "xxxx ", "xxxxx "} {
		data, _ := render(t, newRenderer(t), testEdition(itemWithBody(pad+title, "Body.")))
		text := pdfText(t, data)
		for _, l := range strings.Split(text, "\n") {
			if strings.HasSuffix(strings.TrimSpace(l), " 10") || strings.HasSuffix(l, "10\u00a0") {
				t.Errorf("pad %q: a line ends at the no-break space: %q", pad, l)
			}
		}
	}
}

func BenchmarkLongInput(b *testing.B) {
	l, err := layouts.Default()
	if err != nil {
		b.Fatal(err)
	}
	lay, err := New(l, markup.New(false), "")
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		body string
	}{
		{"token-10k", strings.Repeat("x", 10_000)},
		{"token-100k", strings.Repeat("x", 100_000)},
		{"paragraph-100KB", strings.Repeat("The Embassy notes the extraordinary circumstances. ", 2_000)},
		{"paragraph-1MB", strings.Repeat("The Embassy notes the extraordinary circumstances. ", 20_000)},
	}
	for _, c := range cases {
		ed := testEdition(itemWithBody("Long input", c.body))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				var sb strings.Builder
				if _, err := lay.Render(b.Context(), &sb, ed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
