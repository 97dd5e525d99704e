package pdf

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/pipeline/asset"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const featuresEN = `The Embassy **firmly rejects** the *unfounded* and ***entirely baseless*** accusations, which
have been repeated without any verification whatsoever by several internationally distributed
newspapers. Inline ` + "`code`" + ` stays in its face; a [link to the statement](https://example.org/statement)
and an autolink <https://example.org/> are clickable; ~~struck~~ text and a hard line break\
end the paragraph, with 10 000 words joined by a no-break space.

# First-level heading

## Second-level heading

### Third-level heading

- an unordered item with enough words in it to wrap onto a second line of the column, naturally;
- a nested list follows:
  - first nested item;
  - second nested item;
- [x] a done task
- [ ] an open task

1. First ordered item.
2. Second ordered item, in *italic*.

> A block quote that the press office uses for the words of the Ambassador, long enough to wrap
> onto a second line.

` + "```" + `
func main() { println("code block") }
` + "```" + `

---

| Date | Event | Amount |
|:-----|:-----:|-------:|
| 1 June | A note sent to the Foreign, Commonwealth and Development Office asking for consular access | 1 |
| 2 June | No answer | 20 |

![A chart of the replies](chart.png)

![A remote picture](https://example.org/picture.png)

![A picture outside the sources](../../../secret.png)
`

const featuresRU = `Министерство иностранных дел **решительно отвергает** *необоснованные* обвинения, которые
без всякой проверки повторяются многочисленными международными информационными агентствами.
Посольство напоминает о [заявлении](https://example.org/ru) и о 2020 годе.

## Подзаголовок

- первый пункт списка, достаточно длинный, чтобы перенестись на следующую строку колонки;
- второй пункт.

1. Первый.
2. Второй.

> Мы призываем британскую сторону к конструктивному диалогу по всем вопросам двусторонней повестки.

| Дата | Событие |
|------|---------|
| 1 июня | Направлена нота |
`

// testPNG is a small chart-like picture.
func testPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 400, 160))
	for y := range 160 {
		for x := range 400 {
			c := color.RGBA{240, 236, 228, 255}
			if x%80 < 50 && y > 160-(x/80+1)*28 {
				c = color.RGBA{122, 31, 43, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// featuresEdition is the features fixture with its images read and
// checked by the asset stage, and the stage's warnings.
func featuresEdition(t *testing.T) (news.Edition, []news.Problem) {
	ed := testEdition()
	files := fstest.MapFS{
		"2020/06/chart.png": {Data: testPNG(t)},
		"secret.png":        {Data: testPNG(t)},
	}
	ed.Months[0].Types = []news.TypeGroup{
		{Type: "statement", Name: "Statements", Items: []news.Item{
			{ID: "en", Title: "Statement with every Markdown feature", Date: news.Date{Year: 2020, Month: 6, Day: 4},
				Body: strings.ReplaceAll(featuresEN, "10 000", "10\u00a0000"), Lang: "en", Dir: "2020/06", Origins: []news.Origin{{File: "2020/06/en.md", Line: 1}}},
			{ID: "ru", Title: "Заявление со всеми элементами разметки", Date: news.Date{Year: 2020, Month: 6, Day: 5},
				Body: featuresRU, Lang: "ru", Dir: "2020/06", Origins: []news.Origin{{File: "2020/06/ru.md", Line: 1}}},
		}},
	}
	ed.Cover.Tally = []news.TypeCount{{Name: "Statements", Count: 2}}
	ed.Cover.Total = 2
	ed.Cover.TotalText = "2 items"
	return withImages(t, ed, files)
}

// withImages runs the asset stage over ed's items with files as the
// sources folder, as a build does before rendering, and returns its
// warnings.
func withImages(t *testing.T, ed news.Edition, files fs.FS) (news.Edition, []news.Problem) {
	t.Helper()
	md := markup.New(false)
	var problems []news.Problem
	for _, m := range ed.Months {
		for _, g := range m.Types {
			ps, err := asset.Resolve(context.Background(), files, "sources", md, g.Items)
			if err != nil {
				t.Fatal(err)
			}
			problems = append(problems, ps...)
		}
	}
	return ed, problems
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGoldenText compares pdftotext -layout of the features fixture with
// testdata/features.txt (go test -run Golden -update rewrites it). Words
// hyphenated at line ends stay hyphenated in the extracted text.
func TestGoldenText(t *testing.T) {
	ed, stageProbs := featuresEdition(t)
	data, probs := render(t, newRenderer(t), ed)
	probs = append(stageProbs, probs...)
	path := writeFile(t, "features.pdf", data)
	if keep := os.Getenv("PDF_KEEP_FEATURES"); keep != "" {
		_ = os.WriteFile(keep, data, 0o644)
	}
	run(t, "qpdf", "--check", path)
	got := run(t, "pdftotext", "-enc", "UTF-8", "-layout", path, "-")
	golden := filepath.Join("testdata", "features.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update)", err)
	}
	if got != string(want) {
		t.Errorf("pdftotext -layout differs from %s (go test -run Golden -update, then review the diff)\n%s", golden, got)
	}
	// Warnings name the two images that were not read; the local one was.
	var msgs []string
	for _, p := range probs {
		msgs = append(msgs, p.Msg)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"https://example.org/picture.png", "../../../secret.png"} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning names %s:\n%s", want, all)
		}
	}
	if strings.Contains(all, "chart.png") || len(probs) != 2 {
		t.Errorf("want exactly two image warnings:\n%s", all)
	}
	if out, err := exec.Command("pdfimages", "-list", path).CombinedOutput(); err == nil {
		if n := strings.Count(string(out), "\n") - 2; n != 1 {
			t.Errorf("want one image in the PDF, got %d:\n%s", n, out)
		}
	}
	text := collapse(got)
	if !regexp.MustCompile(`(?m)10 000 words`).MatchString(got) {
		t.Errorf("the no-break space was broken: 10 and 000 are on different lines")
	}
	for _, want := range []string{"A remote picture", "A picture outside the sources", "Событие"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	fonts := run(t, "pdffonts", path)
	for _, l := range strings.Split(strings.TrimSpace(fonts), "\n")[2:] {
		if f := strings.Fields(l); len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %q", l)
		}
	}
}

// TestArchival checks the output intent, the XMP packet and the /ID.
func TestArchival(t *testing.T) {
	r := newRenderer(t)
	a, _ := render(t, r, testEdition())
	path := writeFile(t, "a.pdf", a)
	run(t, "qpdf", "--check", path)
	qdf := run(t, "qpdf", "--qdf", "--object-streams=disable", path, "-")
	for _, want := range []string{"/OutputIntents", "/S /GTS_PDFA1", "/Metadata", "xmpMM:DocumentID>uuid:", "/ID ["} {
		if !strings.Contains(qdf, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	meta := run(t, "pdfinfo", "-meta", path)
	if !strings.Contains(meta, "Embassy News Bulletin") {
		t.Errorf("XMP lacks the title:\n%s", meta)
	}
	ed := testEdition()
	ed.Months[0].Types[0].Items[0].Body += "\n\nOne more line."
	b, _ := render(t, r, ed)
	id := regexp.MustCompile(`/ID \[<([0-9A-F]+)>`)
	ia, ib := id.FindSubmatch(a), id.FindSubmatch(b)
	if ia == nil || ib == nil || bytes.Equal(ia[1], ib[1]) {
		t.Errorf("document IDs should differ with the content: %s %s", ia, ib)
	}
}

// TestPageTotalDigitsOnlyInFooter: a document whose digits occur nowhere
// but in the footers still shows "Page N of M" right on every page.
func TestPageTotalDigitsOnlyInFooter(t *testing.T) {
	ed := testEdition()
	ed.Cover = news.Cover{Title: "Bulletin"}
	ed.Meta.Published = time.Time{}
	words := strings.Repeat("Nothing here but letters and words without any numbers at all. ", 40)
	var items []news.Item
	for i := range 3 {
		items = append(items, news.Item{ID: "i" + strconv.Itoa(i), Title: "An undated item " + strings.Repeat("again ", i),
			Body: words + "\n\n" + words + "\n\n" + words})
	}
	ed.Months[0].Types = []news.TypeGroup{{Type: "statement", Name: "Statements", Items: items}}
	data, _ := render(t, newRenderer(t), ed)
	path := writeFile(t, "digits.pdf", data)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))
	total := m[1]
	raw := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	pages := strings.Split(strings.TrimSuffix(raw, "\f"), "\f")
	footer := regexp.MustCompile(`Page (\d+) of (\d+)`)
	for i, p := range pages {
		rest := footer.ReplaceAllString(p, "")
		if strings.Contains(rest, total) && i != 1 {
			t.Fatalf("fixture: %s occurs outside the footers on page %d", total, i+1)
		}
		if i == 0 {
			continue
		}
		f := footer.FindStringSubmatch(p)
		if f == nil || f[1] != strconv.Itoa(i+1) || f[2] != total {
			t.Errorf("page %d: footer %v, want Page %d of %s", i+1, f, i+1, total)
		}
	}
}

// TestWidowsAndOrphans builds paragraphs of many lengths, headings and
// items so that page breaks fall everywhere, then reads each page back:
// no paragraph has a single line at the top or the foot of a page, no
// heading ends a page, every title has two lines of text below it.
func TestWidowsAndOrphans(t *testing.T) {
	ed := testEdition()
	lengths := []int{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5}
	var items []news.Item
	k := 0
	for it := range 8 {
		var body strings.Builder
		for p := range 4 {
			n := lengths[k%len(lengths)]
			k++
			if p == 2 {
				body.WriteString("## Heading " + strconv.Itoa(k) + "\n\n")
			}
			// about ten words a line
			body.WriteString(strings.TrimSpace(strings.Repeat("par"+strconv.Itoa(k)+" ", 10*n-3)) + "\n\n")
		}
		items = append(items, news.Item{ID: "w" + strconv.Itoa(it), Title: "Title " + strconv.Itoa(it),
			Date: news.Date{Year: 2020, Month: 6, Day: 1 + it}, Body: body.String()})
	}
	ed.Months[0].Types = []news.TypeGroup{{Type: "statement", Name: "Statements", Items: items}}
	data, _ := render(t, newRenderer(t), ed)
	path := writeFile(t, "widows.pdf", data)
	if keep := os.Getenv("PDF_KEEP_WIDOWS"); keep != "" {
		_ = os.WriteFile(keep, data, 0o644)
	}
	raw := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	pages := strings.Split(strings.TrimSuffix(raw, "\f"), "\f")
	if len(pages) < 6 {
		t.Fatalf("fixture too short: %d pages", len(pages))
	}
	label := func(l string) string { // the paragraph a body line belongs to
		f := strings.Fields(l)
		if len(f) == 0 || !strings.HasPrefix(f[0], "par") {
			return ""
		}
		return f[0]
	}
	var prevLast string
	var prevFootRun int
	for pi, p := range pages[2:] {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "Page ") || strings.HasPrefix(l, "Embassy of") {
				continue
			}
			lines = append(lines, l)
		}
		if len(lines) == 0 {
			continue
		}
		page := pi + 3
		// Lines of the paragraph at the top and at the foot.
		top := label(lines[0])
		topRun := 0
		for _, l := range lines {
			if label(l) != top || top == "" {
				break
			}
			topRun++
		}
		if top != "" && top == prevLast {
			if topRun < 2 {
				t.Errorf("page %d starts with a single line of %s", page, top)
			}
			if prevFootRun < 2 {
				t.Errorf("page %d ends with a single line of %s", page-1, top)
			}
		}
		last := lines[len(lines)-1]
		if strings.HasPrefix(last, "Heading") || strings.HasPrefix(last, "Title") {
			t.Errorf("page %d ends with a heading: %q", page, last)
		}
		for i, l := range lines {
			if strings.HasPrefix(l, "Title ") {
				// title, meta line, then two lines of text
				if i+3 >= len(lines) || label(lines[i+2]) == "" || label(lines[i+3]) == "" {
					t.Errorf("page %d: %q is not followed by two lines of text", page, l)
				}
			}
		}
		prevLast = label(last)
		prevFootRun = 0
		for i := len(lines) - 1; i >= 0 && label(lines[i]) == prevLast && prevLast != ""; i-- {
			prevFootRun++
		}
	}
}
