package pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"bulletin/internal/testenv"
	"bulletin/layouts"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

const counterSentence = "855 days have passed since the Salisbury incident - no credible information or response from the British authorities"

const richBody = `The Ministry **firmly rejects** the *unfounded* accusations.

## Background

Key points of the statement:

- the investigation has produced **no evidence**;
- consular access was denied:
  - to the embassy;
  - to relatives;
- see [the full text](https://example.org/statement) for details.

1. First request, sent in March.
2. Second request, sent in *April*.

> We call on the British side to stop the campaign of disinformation
> and to answer our questions.

Inline ` + "`code`" + ` and a rule:

---

| Date | Note |
|------|------|
| 1 June | Note sent |
`

func testEdition(extra ...news.Item) news.Edition {
	origin := func(f string) []news.Origin { return []news.Origin{{File: f, Line: 1}} }
	statements := []news.Item{
		{ID: "s1", Title: "Statement by the Embassy on the Salisbury incident anniversary and the continued absence of any credible response", Date: news.Date{Year: 2020, Month: 6, Day: 4},
			Summary: "The Embassy reminds the public of unanswered questions.", Body: richBody, Origins: origin("2020/06/s1.md")},
		{ID: "s2", Title: "Заявление МИД России о ситуации", Date: news.Date{Year: 2020, Month: 6, Day: 12},
			Body: "Министерство иностранных дел **решительно отвергает** обвинения.\n\n> Мы призываем британскую сторону к диалогу.\n", Origins: origin("2020/06/s2.md")},
	}
	comments := []news.Item{
		{ID: "c1", Title: "Comment on media reports about cyber attacks", Date: news.Date{Year: 2020, Month: 6, Day: 17},
			DatedBy: news.DatedByCapture, Body: richBody + "\n" + richBody, Origins: origin("2020/06/c1.md")},
		{ID: "c2", Title: "Comment on the sanctions list", Date: news.Date{Year: 2020, Month: 6, Day: 20}, Body: "Short comment.", Origins: origin("2020/06/c2.md")},
	}
	answers := []news.Item{
		{ID: "a1", Title: "Answer to a media question on consular access", Date: news.Date{Year: 2020, Month: 6, Day: 25}, Body: richBody, Origins: origin("2020/06/a1.md")},
		{ID: "a2", Title: "Answer to a question about the Skripals", Date: news.Date{Year: 2020, Month: 6, Day: 30}, Body: "Nothing new.\n\nStill nothing.", Origins: origin("2020/06/a2.md")},
	}
	answers = append(answers, extra...)
	month := news.Month{Key: news.MonthKey{Year: 2020, Month: 6}, Title: "June 2020", Types: []news.TypeGroup{
		{Type: "statement", Name: "Statements", Items: statements},
		{Type: "comment", Name: "Comments", Items: comments},
		{Type: "answer", Name: "Answers to media questions", Items: answers},
	}}
	var tally []news.TypeCount
	for _, g := range month.Types {
		tally = append(tally, news.TypeCount{Name: g.Name, Count: len(g.Items)})
	}
	return news.Edition{
		Meta: news.Meta{
			Title: "Embassy News Bulletin — June 2020", Author: "Embassy of the Russian Federation in the UK",
			Subject: "News of June 2020", Keywords: []string{"embassy", "bulletin"}, Lang: "en",
			Published: time.Date(2020, 7, 6, 0, 18, 0, 0, time.UTC),
			Labels: news.Labels{Contents: "Contents", Page: "Page %d of %d", Published: "Published", Items: "items", Undated: "Undated",
				DatedByCapture: "no date of its own: dated by the capture date, %s."},
		},
		Cover: news.Cover{
			Publisher: "Embassy of the Russian Federation in the UK", Title: "Embassy News Bulletin", Period: "June 2020",
			Published: "6 July 2020", Clocks: []news.Clock{{Place: "Moscow", Time: "02:18"}, {Place: "London", Time: "00:18"}},
			Contact:  []string{"Press Office", "13 Kensington Palace Gardens, London W8 4QX", "press@example.org"},
			Counters: []string{counterSentence, "In 2020, 120 days have passed without a reply to our consular notes."},
			Tally:    tally, Total: month.Count(), TotalText: strconv.Itoa(month.Count()) + " items",
		},
		Months: []news.Month{month},
	}
}

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(lay, markup.New(false), "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func render(t *testing.T, r *Renderer, ed news.Edition) ([]byte, []news.Problem) {
	t.Helper()
	var buf bytes.Buffer
	probs, err := r.Render(context.Background(), &buf, ed)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes(), probs
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(testenv.NeedTool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// writePDF renders the test edition into a temporary file (or into
// $PDF_KEEP, to look at it).
func writePDF(t *testing.T) (string, []byte) {
	t.Helper()
	data, probs := render(t, newRenderer(t), testEdition())
	if len(probs) != 0 {
		t.Errorf("unexpected warnings: %v", probs)
	}
	path := filepath.Join(t.TempDir(), "test.pdf")
	if keep := os.Getenv("PDF_KEEP"); keep != "" {
		path = keep
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestStructureIsValid(t *testing.T) {
	path, _ := writePDF(t)
	run(t, "qpdf", "--check", path)
}

func TestFontsEmbedded(t *testing.T) {
	path, _ := writePDF(t)
	out := run(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no fonts:\n%s", out)
	}
	// Columns: name type encoding emb sub uni object ID; the name may not
	// contain spaces, the type may ("CID TrueType").
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %q", l)
		}
	}
}

func TestTextAndPageNumbers(t *testing.T) {
	path, _ := writePDF(t)
	info := run(t, "pdfinfo", path)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("no page count in pdfinfo output:\n%s", info)
	}
	pages, _ := strconv.Atoi(m[1])
	if pages < 4 {
		t.Fatalf("only %d pages", pages)
	}
	raw := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	text := collapse(raw)
	ed := testEdition()
	for _, g := range ed.Months[0].Types {
		for _, it := range g.Items {
			if !strings.Contains(text, collapse(it.Title)) {
				t.Errorf("title missing from text: %q", it.Title)
			}
		}
	}
	for _, want := range []string{counterSentence, "Published 6 July 2020", "Moscow 02:18", "Contents", "4 June 2020",
		"firmly rejects", "Page 2 of " + m[1], "Page " + m[1] + " of " + m[1]} {
		if !strings.Contains(text, want) {
			t.Errorf("text missing %q", want)
		}
	}
	// Page 1 is the cover: it has no footer, so the numbers start at 2
	// and match the viewer's page numbers.
	if strings.Contains(text, "Page 1 of") {
		t.Errorf("the cover has a footer")
	}
	// pdftotext separates pages with form feeds: the cover has no footer.
	cover := strings.Split(raw, "\f")[0]
	if strings.Contains(cover, "Page ") {
		t.Errorf("cover has a footer:\n%s", cover)
	}
}

func TestContentsPageNumbersPointAtItems(t *testing.T) {
	path, _ := writePDF(t)
	raw := run(t, "pdftotext", "-enc", "UTF-8", "-layout", path, "-")
	pages := strings.Split(raw, "\f")
	// The contents line of "Comment on the sanctions list" ends in its page.
	re := regexp.MustCompile(`Comment on the sanctions list[ .]*?(\d+)\s*$`)
	var page int
	for _, l := range strings.Split(pages[1], "\n") {
		if m := re.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			page, _ = strconv.Atoi(m[1])
		}
	}
	if page < 3 || page > len(pages) {
		t.Fatalf("contents: no sensible page for the item (got %d):\n%s", page, pages[1])
	}
	if !strings.Contains(pages[page-1], "Comment on the sanctions list") {
		t.Errorf("page %d does not hold the item it is listed for", page)
	}
}

func TestReproducible(t *testing.T) {
	r := newRenderer(t)
	a, _ := render(t, r, testEdition())
	b, _ := render(t, r, testEdition())
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same edition differ")
	}
}

func TestConcurrentRendersAgree(t *testing.T) {
	r := newRenderer(t)
	want, _ := render(t, r, testEdition())
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Go(func() {
			var buf bytes.Buffer
			if _, err := r.Render(context.Background(), &buf, testEdition()); err != nil {
				t.Error(err)
			}
			got[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i, g := range got {
		if !bytes.Equal(g, want) {
			t.Errorf("concurrent render %d differs", i)
		}
	}
}

func TestMissingGlyphsWarn(t *testing.T) {
	odd := news.Item{ID: "odd", Title: "Celebration 🎉 and 中文 text", Date: news.Date{Year: 2020, Month: 6, Day: 30},
		Body: "Body with 🎉 again, a control\x07char and 中.", Origins: []news.Origin{{File: "2020/06/odd.md", Line: 3}}}
	data, probs := render(t, newRenderer(t), testEdition(odd))
	if len(data) == 0 {
		t.Fatal("no output")
	}
	found := map[string]bool{}
	for _, p := range probs {
		if p.Severity != news.Warning {
			t.Errorf("not a warning: %v", p)
		}
		if p.At.File != "2020/06/odd.md" || p.At.Line != 3 {
			t.Errorf("warning not at the item's origin: %v", p)
		}
		for _, code := range []string{"U+1F389", "U+4E2D", "U+6587"} {
			if strings.Contains(p.Msg, code) {
				found[code] = true
			}
		}
		if strings.Contains(p.Msg, "U+0007") {
			t.Errorf("control character should be dropped silently: %v", p)
		}
	}
	for _, code := range []string{"U+1F389", "U+4E2D", "U+6587"} {
		if !found[code] {
			t.Errorf("no warning for %s in %v", code, probs)
		}
	}
	path := filepath.Join(t.TempDir(), "odd.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "qpdf", "--check", path)
}

func TestRejectsSeveralMonths(t *testing.T) {
	ed := testEdition()
	ed.Months = append(ed.Months, ed.Months[0])
	if _, err := newRenderer(t).Render(context.Background(), &bytes.Buffer{}, ed); err == nil {
		t.Fatal("want an error for two months")
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newRenderer(t).Render(ctx, &bytes.Buffer{}, testEdition())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}

func TestPageSizes(t *testing.T) {
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(lay, markup.New(false), "A5"); err == nil {
		t.Error("A5 accepted")
	}
	r, err := New(lay, markup.New(false), "letter")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := render(t, r, testEdition())
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if info := run(t, "pdfinfo", path); !strings.Contains(info, "612 x 792 pts") {
		t.Errorf("not Letter size:\n%s", info)
	}
}

func TestFormatDate(t *testing.T) {
	d := news.Date{Year: 2020, Month: 7, Day: 6}
	if got := formatDate(d, "en", "Undated"); got != "6 July 2020" {
		t.Errorf("en: %q", got)
	}
	if got := formatDate(d, "ru", "Без даты"); got != "6 июля 2020" {
		t.Errorf("ru: %q", got)
	}
	if got := formatDate(news.Date{}, "en", "Undated"); got != "Undated" {
		t.Errorf("zero: %q", got)
	}
}

// TestLongRussianEdition stresses page breaks: contents over several pages,
// a block quote and a code block across page breaks, an undated item, an
// unbreakable word, Russian dates.
func TestLongRussianEdition(t *testing.T) {
	ed := testEdition()
	ed.Meta.Lang = "ru"
	ed.Meta.Labels = news.Labels{Contents: "Содержание", Page: "Страница %d из %d", Published: "Опубликовано", Items: "материалов", Undated: "Без даты"}
	long := strings.Repeat("Посольство России в Великобритании вновь обращает внимание на отсутствие ответа. ", 12)
	quote := "> " + strings.Repeat("Цитата, которая тянется долго и переходит на следующую страницу. ", 60)
	code := "```\n" + strings.Repeat("func main() { println(\"строка кода\") }\n", 50) + "```\n"
	g := &ed.Months[0].Types[1]
	for i := range 20 {
		it := news.Item{ID: "l" + strconv.Itoa(i), Title: "Комментарий официального представителя МИД России номер " + strconv.Itoa(i) + strings.Repeat(" о текущей ситуации", i%4),
			Date: news.Date{Year: 2020, Month: 6, Day: 1 + i%30}, Body: long + "\n\n" + quote + "\n\n" + code + "\n\n" + strings.Repeat("x", 300),
			Origins: []news.Origin{{File: "long.md"}}}
		if i == 7 {
			it.Date = news.Date{}
		}
		g.Items = append(g.Items, it)
	}
	data, probs := render(t, newRenderer(t), ed)
	if len(probs) != 0 {
		t.Errorf("unexpected warnings: %v", probs)
	}
	path := filepath.Join(t.TempDir(), "long.pdf")
	if keep := os.Getenv("PDF_KEEP_LONG"); keep != "" {
		path = keep
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "qpdf", "--check", path)
	text := collapse(run(t, "pdftotext", "-enc", "UTF-8", path, "-"))
	for _, want := range []string{"Содержание", "12 июня 2020", "Без даты", "Опубликовано 6 July 2020"} {
		if !strings.Contains(text, want) {
			t.Errorf("text missing %q", want)
		}
	}
	m := regexp.MustCompile(`Страница (\d+) из (\d+)`).FindAllStringSubmatch(text, -1)
	if len(m) == 0 || m[0][1] != "2" || m[len(m)-1][1] != m[len(m)-1][2] {
		t.Errorf("footers wrong: first %v last %v", m[0], m[len(m)-1])
	}
}
