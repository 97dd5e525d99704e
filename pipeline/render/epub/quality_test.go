package epub

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/pipeline/asset"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

// A 1×1 lossless WebP.
const webp1x1 = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="

func encoded(t testing.TB, enc func(*bytes.Buffer, image.Image) error) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := enc(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sourceFiles is a sources folder with images in every accepted format,
// a file that only claims to be an image, and an unsafe SVG.
func sourceFiles(t testing.TB) fstest.MapFS {
	wp, _ := base64.StdEncoding.DecodeString(webp1x1)
	return fstest.MapFS{
		"posts/img/chart.png": {Data: encoded(t, func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) })},
		"posts/photo.jpeg":    {Data: encoded(t, func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) })},
		"posts/anim.gif":      {Data: encoded(t, func(b *bytes.Buffer, i image.Image) error { return gif.Encode(b, i, nil) })},
		"posts/pic.webp":      {Data: wp},
		"shared/emblem.svg": {Data: []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">` +
			`<circle cx="20" cy="20" r="18" fill="#7a1f2b"/></svg>`)},
		"posts/evil.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>`)},
		"posts/fake.png": {Data: []byte("not an image at all")},
		"secret.txt":     {Data: []byte("outside the item's folder, still inside the sources")},
	}
}

// featureEdition is a Russian-language book with English and Russian items
// using every Markdown feature, local images, a remote image and images
// that must not be read.
func featureEdition() news.Edition {
	d := func(m time.Month, day int) news.Date { return news.Date{Year: 2021, Month: m, Day: day} }
	en := item("en-features", "Every feature, in English", d(time.March, 3), "statement", `Intro with **bold**, *italic*, ***both***, `+"`code`"+`, ~~struck~~ and a [link](https://example.org/?a=1&b=2).

# Heading one
## Heading two
### Heading three

- one
  - nested *one*
    1. deep ordered
- two

1. first
2. second
   - inner

> A quotation with "quotes" -- and dashes... 
>
> > nested quote

`+"```go\nfunc main() { fmt.Println(\"<hi>\") }\n```"+`

    indented code & more

| Left | Centre | Right |
|:-----|:------:|------:|
| a    | **b**  | 1     |
| c    | `+"`d`"+`    | 2     |

---

Local: ![a chart](img/chart.png "Title") ![a photo](photo.jpeg) ![animated](anim.gif) ![webp pic](pic.webp) ![emblem](../shared/emblem.svg)

Linked: [![linked chart](img/chart.png)](https://example.org/chart)

Remote: ![remote photo](https://example.org/remote.jpg) and [![remote in link](http://example.org/r.png)](https://example.org/)

Refused: ![climbing](../../etc/passwd.png) ![absolute](/etc/logo.png) ![data](data:image/png;base64,iVBORw0KGgo=) ![file](file:///etc/x.png) ![unsafe svg](evil.svg) ![fake](fake.png) ![missing](nothere.png) ![text](../secret.txt)

- [ ] task open
- [x] task done

Autolink https://example.org/auto and footnote-like text[^1].

[^1]: Not a GFM feature; stays as text.`)
	en.Dir = "posts"
	ru := item("ru-features", "Все возможности, по-русски", d(time.April, 12), "comment", `Вступление с **полужирным**, *курсивом*, `+"`кодом`"+` и [ссылкой](https://mid.ru/).

# Заголовок
## Подзаголовок

- пункт
  - вложенный пункт
1. первый
2. второй

> Цитата с «ёлочками» -- и многоточием...

| Дата | Событие |
|------|---------|
| 12.04 | День космонавтики |

Изображение: ![диаграмма](img/chart.png) и удалённое ![фото](https://example.org/фото.jpg)`)
	ru.Lang = "ru"
	ru.Dir = "posts"
	en.Lang = "en"
	ed := news.Edition{
		Meta: news.Meta{
			Title: "Пресс-бюллетень — март – апрель 2021", Author: "Посольство России",
			Lang: "ru", Published: time.Date(2021, 5, 1, 10, 0, 0, 0, time.UTC),
			Labels: news.Labels{Contents: "Содержание", Published: "Опубликовано", Items: "материалов", Undated: "Без даты"},
		},
		Cover: news.Cover{
			Publisher: "Посольство Российской Федерации в Соединённом Королевстве", Title: "Пресс-бюллетень",
			Period: "март – апрель 2021", Published: "1 мая 2021",
			Clocks:    []news.Clock{{Place: "Москва", Time: "13:00"}, {Place: "Лондон", Time: "11:00"}},
			Counters:  []string{"Прошло 1154 дня с инцидента в Солсбери", "Прошло 1034 дня с инцидента в Эймсбери"},
			Tally:     []news.TypeCount{{Name: "Заявления", Count: 1}, {Name: "Комментарии", Count: 1}},
			Total:     2,
			TotalText: "2 материала",
		},
		Months: []news.Month{
			{Key: news.MonthKey{Year: 2021, Month: time.March}, Title: "Март 2021", Types: []news.TypeGroup{{Type: "statement", Name: "Заявления", Items: []news.Item{en}}}},
			{Key: news.MonthKey{Year: 2021, Month: time.April}, Title: "Апрель 2021", Types: []news.TypeGroup{{Type: "comment", Name: "Комментарии", Items: []news.Item{ru}}}},
		},
	}
	ed, _ = withImages(ed, sourceFiles(nil))
	return ed
}

// withImages runs the asset stage over ed's items with files as the
// sources folder, as a build does before rendering, and returns its
// warnings.
func withImages(ed news.Edition, files fs.FS) (news.Edition, []news.Problem) {
	md := markup.New(false)
	var problems []news.Problem
	for _, m := range ed.Months {
		for _, g := range m.Types {
			ps, err := asset.Resolve(context.Background(), files, "sources", md, g.Items)
			if err != nil {
				panic(err) // only a cancelled context fails
			}
			problems = append(problems, ps...)
		}
	}
	return ed, problems
}

// bigEdition spreads n items over the given number of months, several
// types a month, with Markdown bodies of a realistic length.
func bigEdition(n, months int) news.Edition {
	types := []struct{ key, name string }{{"statement", "Statements"}, {"speech", "Speeches"}, {"comment", "Comments"}, {"briefing", "Briefings"}, {"news", "News"}}
	ed := richEdition()
	ed.Months = nil
	ed.Cover.Tally = nil
	ed.Cover.Total = n
	counts := map[string]int{}
	for m := range months {
		key := news.MonthKey{Year: 2019 + (m+6)/12, Month: time.Month((m+6)%12 + 1)}
		month := news.Month{Key: key, Title: fmt.Sprintf("%s %d", key.Month, key.Year)}
		perMonth := n / months
		if m < n%months {
			perMonth++
		}
		for ti, ty := range types {
			g := news.TypeGroup{Type: ty.key, Name: ty.name}
			for k := ti; k < perMonth; k += len(types) {
				day := 1 + k%28
				id := fmt.Sprintf("%s-%s-%03d", ty.key, key, k)
				body := fmt.Sprintf("The %s of %d %s said \"talks will go on\" -- as before...\n\n## Background\n\n"+
					"- point **one**\n- point _two_\n\n> A quotation.\n\n%s", ty.key, day, key.Month, strings.Repeat("Words of the item. ", 60))
				it := item(id, fmt.Sprintf("%s no. %d on the situation", ty.name, k+1), news.Date{Year: key.Year, Month: key.Month, Day: day}, ty.key, body)
				if k%7 == 0 {
					it.Lang = "ru"
					it.Title = fmt.Sprintf("Комментарий № %d о ситуации", k+1)
				}
				g.Items = append(g.Items, it)
			}
			if len(g.Items) > 0 {
				month.Types = append(month.Types, g)
				counts[ty.name] += len(g.Items)
			}
		}
		ed.Months = append(ed.Months, month)
	}
	for _, ty := range types {
		ed.Cover.Tally = append(ed.Cover.Tally, news.TypeCount{Name: ty.name, Count: counts[ty.name]})
	}
	ed.Cover.Period = "July 2019 – June 2021"
	return ed
}

func TestBigEdition(t *testing.T) {
	ed := bigEdition(1000, 24)
	total := 0
	for _, m := range ed.Months {
		total += m.Count()
	}
	if total != 1000 || len(ed.Months) != 24 {
		t.Fatalf("bigEdition: %d items over %d months", total, len(ed.Months))
	}
	a := render(t, ed)
	b := render(t, bigEdition(1000, 24))
	if !bytes.Equal(a, b) {
		t.Fatalf("1,000-item book: two renders differ (%d vs %d bytes)", len(a), len(b))
	}
	t.Logf("1,000 items over 24 months: %d bytes", len(a))
	files, _ := entries(t, a)
	noRemoteResources(t, files)
	if n := strings.Count(files["EPUB/nav.xhtml"], "<li>"); n != 1+24+24*5+1000+4 {
		t.Errorf("nav.xhtml has %d entries, want %d (title page, months, types, items, landmarks)", n, 1+24+24*5+1000+4)
	}
}

// noRemoteResources fails when a document refers to a resource outside
// the book: links to the web are fine, pictures and styles are not.
func noRemoteResources(t *testing.T, files map[string]string) {
	t.Helper()
	remote := regexp.MustCompile(`(?i)\s(src|xlink:href)="[a-z][a-z0-9+.-]*:|<link [^>]*href="[a-z]+:|url\(["']?[a-z]+:`)
	for name, doc := range files {
		if !strings.HasSuffix(name, ".xhtml") && !strings.HasSuffix(name, ".css") {
			continue
		}
		if m := remote.FindString(doc); m != "" {
			t.Errorf("%s refers to a remote resource: %s", name, m)
		}
	}
}

func TestCoverImage(t *testing.T) {
	for _, ed := range []news.Edition{richEdition(), featureEdition(), bigEdition(1000, 24)} {
		files, _ := entries(t, render(t, ed))
		img := files["EPUB/images/cover.png"]
		cfg, format, err := image.DecodeConfig(strings.NewReader(img))
		if err != nil || format != "png" || cfg.Width != coverWidth || cfg.Height != coverHeight {
			t.Fatalf("cover image: %s %dx%d (%v), want png %dx%d", format, cfg.Width, cfg.Height, err, coverWidth, coverHeight)
		}
		if len(img) > 300<<10 {
			t.Errorf("cover image is %d bytes, want < 300 KB", len(img))
		}
		t.Logf("%s: cover.png %d bytes", ed.Meta.Lang, len(img))
		if os.Getenv("EPUB_COVER_OUT") != "" && ed.Meta.Lang == "en" && ed.Cover.Total == 8 {
			_ = os.WriteFile(os.Getenv("EPUB_COVER_OUT"), []byte(img), 0o644)
		}
		if os.Getenv("EPUB_COVER_OUT") != "" && ed.Meta.Lang == "ru" {
			_ = os.WriteFile(strings.TrimSuffix(os.Getenv("EPUB_COVER_OUT"), ".png")+"-ru.png", []byte(img), 0o644)
		}
		opf := files["EPUB/package.opf"]
		for _, want := range []string{
			`<item id="cover" href="images/cover.png" media-type="image/png" properties="cover-image" />`,
			`<meta name="cover" content="cover" />`,
		} {
			if !strings.Contains(opf, want) {
				t.Errorf("package.opf lacks %s", want)
			}
		}
		alt := regexp.MustCompile(`<img src="\.\./images/cover\.png" alt="([^"]*)"`).FindStringSubmatch(files["EPUB/xhtml/cover.xhtml"])
		if alt == nil || strings.TrimSpace(alt[1]) == "" {
			t.Error("cover.xhtml does not show the cover image with alt text")
		}
		if !strings.Contains(files["EPUB/xhtml/cover.xhtml"], `epub:type="cover"`) {
			t.Error(`cover.xhtml is not marked epub:type="cover"`)
		}
	}
}

func TestCoverIsReproducibleAndFitsLongText(t *testing.T) {
	r := newRenderer(t)
	ed := richEdition()
	ed.Cover.Counters = append(ed.Cover.Counters, strings.Repeat("A very long counter sentence that must wrap ", 12),
		"Прошло 1154 дня с инцидента в Солсбери", "Word"+strings.Repeat("x", 200))
	b1, _ := newBook(ed)
	b2, _ := newBook(ed)
	p1, err := r.art.coverPNG(b1)
	if err != nil {
		t.Fatal(err)
	}
	// Drawn afresh, and from the shared top drawn for the first.
	p2, _ := newCoverArt(r.lay).coverPNG(b2)
	p3, _ := r.art.coverPNG(b2)
	if !bytes.Equal(p1, p3) {
		t.Error("a cover drawn from the shared top differs from one drawn afresh")
	}
	if !bytes.Equal(p1, p2) {
		t.Error("the same cover gives different bytes")
	}
}

func TestAccessibilityMetadata(t *testing.T) {
	files, _ := entries(t, render(t, richEdition()))
	opf := files["EPUB/package.opf"]
	for _, want := range []string{
		`<meta property="schema:accessMode">textual</meta>`,
		`<meta property="schema:accessMode">visual</meta>`,
		`<meta property="schema:accessModeSufficient">textual</meta>`,
		`<meta property="schema:accessibilityFeature">structuralNavigation</meta>`,
		`<meta property="schema:accessibilityFeature">tableOfContents</meta>`,
		`<meta property="schema:accessibilityFeature">readingOrder</meta>`,
		`<meta property="schema:accessibilityFeature">alternativeText</meta>`,
		`<meta property="schema:accessibilityHazard">none</meta>`,
		`<meta property="schema:accessibilitySummary">A collection`,
	} {
		if !strings.Contains(opf, want) {
			t.Errorf("package.opf lacks %s", want)
		}
	}
	ru, _ := entries(t, render(t, featureEdition()))
	if !strings.Contains(ru["EPUB/package.opf"], `<meta property="schema:accessibilitySummary">Сборник`) {
		t.Error("Russian book: accessibility summary not in Russian")
	}
}

func TestLocalImages(t *testing.T) {
	files, _ := entries(t, render(t, featureEdition()))
	noRemoteResources(t, files)
	opf := files["EPUB/package.opf"]
	march := files["EPUB/xhtml/m2021-03.xhtml"]
	imgs := regexp.MustCompile(`<img src="\.\./(images/[0-9a-f]{16}\.(png|jpg|gif|svg))" alt="([^"]*)" />`).FindAllStringSubmatch(march, -1)
	got := map[string]string{}
	for _, m := range imgs {
		got[m[3]] = m[1]
		if _, ok := files["EPUB/"+m[1]]; !ok {
			t.Errorf("%s is referenced but not in the archive", m[1])
		}
		if !strings.Contains(opf, `href="`+m[1]+`"`) {
			t.Errorf("%s is not in the manifest", m[1])
		}
	}
	for alt, ext := range map[string]string{"a chart": ".png", "a photo": ".jpg", "animated": ".gif", "webp pic": ".png", "emblem": ".svg", "linked chart": ".png"} {
		if !strings.HasSuffix(got[alt], ext) {
			t.Errorf("image %q: copied as %q, want *%s", alt, got[alt], ext)
		}
	}
	if got["a chart"] != got["linked chart"] {
		t.Error("the same image was copied twice")
	}
	for _, mt := range []string{"image/png", "image/jpeg", "image/gif", "image/svg+xml"} {
		if !strings.Contains(opf, `media-type="`+mt+`"`) {
			t.Errorf("manifest has no %s", mt)
		}
	}
	if strings.Contains(opf, "webp") {
		t.Error("WebP kept as WebP: not a core media type of EPUB 3.2")
	}
	for _, alt := range []string{"climbing", "absolute", "data", "file", "unsafe svg", "fake", "missing", "text"} {
		if !strings.Contains(march, `<span class="image-alt">`+alt+`</span>`) {
			t.Errorf("refused image %q: alt text not shown", alt)
		}
	}
	for _, want := range []string{
		`<span class="image-alt"><a href="https://example.org/remote.jpg">remote photo</a></span>`,
		`<a href="https://example.org/"><span class="image-alt">remote in link</span></a>`,
		`<a href="https://example.org/chart"><img src="../images/`,
	} {
		if !strings.Contains(march, want) {
			t.Errorf("m2021-03.xhtml lacks %s", want)
		}
	}
	if n := strings.Count(strings.Join(keys(files), " "), "EPUB/images/"); n != 6 {
		t.Errorf("%d images in the archive, want 6 (cover, png, jpeg, gif, webp→png, svg)", n)
	}
	// No sources folder: every image is its alt text.
	ed, _ := withImages(featureEdition(), nil)
	none, _ := entries(t, render(t, ed))
	if strings.Contains(none["EPUB/xhtml/m2021-03.xhtml"], "<img") {
		t.Error("an image was copied with no sources folder")
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestEmbedFonts(t *testing.T) {
	plain, _ := entries(t, render(t, richEdition()))
	if strings.Contains(plain["EPUB/css/epub.css"], "@font-face") || len(filesUnder(plain, "EPUB/fonts/")) != 0 {
		t.Error("fonts embedded by default")
	}
	files, _ := entries(t, renderWith(t, richEdition(), Options{EmbedFonts: true}))
	css := files["EPUB/css/epub.css"]
	for _, want := range []string{
		`@font-face { font-family: "PT Serif"; font-weight: normal; font-style: normal; src: url("../fonts/PTSerif-Regular.ttf"); }`,
		`font-family: "PT Serif"; font-weight: bold; font-style: italic; src: url("../fonts/PTSerif-BoldItalic.ttf")`,
		`@font-face { font-family: "PT Sans"; font-weight: bold; font-style: normal; src: url("../fonts/PTSans-Bold.ttf"); }`,
		`@font-face { font-family: "PT Mono"; font-weight: normal; font-style: normal; src: url("../fonts/PTMono-Regular.ttf"); }`,
	} {
		if !strings.Contains(css, want) {
			t.Errorf("epub.css lacks %s", want)
		}
	}
	if n := len(filesUnder(files, "EPUB/fonts/")); n != 7 {
		t.Errorf("%d font files, want 7 (PT Serif ×4, PT Sans ×2, PT Mono)", n)
	}
	if !strings.Contains(files["EPUB/package.opf"], `href="fonts/PTSans-Regular.ttf" media-type="font/ttf"`) {
		t.Error("font not in the manifest as font/ttf")
	}
}

func filesUnder(files map[string]string, dir string) []string {
	var out []string
	for k := range files {
		if strings.HasPrefix(k, dir) {
			out = append(out, k)
		}
	}
	return out
}

// TestRussianEdition: the interface words come from Meta.Labels.
func TestRussianEdition(t *testing.T) {
	files, _ := entries(t, render(t, featureEdition()))
	nav := files["EPUB/nav.xhtml"]
	for _, want := range []string{"<h1>Содержание</h1>", "<title>Содержание</title>", `xml:lang="ru"`, ">Март 2021</a>", ">Заявления</a>"} {
		if !strings.Contains(nav, want) {
			t.Errorf("nav.xhtml lacks %s", want)
		}
	}
	for _, bad := range []string{"Contents", "Table of Contents"} {
		if strings.Contains(nav, bad) {
			t.Errorf("Russian nav.xhtml says %q", bad)
		}
	}
	title := files["EPUB/xhtml/title.xhtml"]
	for _, want := range []string{"Опубликовано 1 мая 2021", "2 материала", "<h1>Пресс-бюллетень</h1>", `xml:lang="ru"`} {
		if !strings.Contains(title, want) {
			t.Errorf("title.xhtml lacks %s", want)
		}
	}
	for _, want := range []string{`<a epub:type="cover" href="xhtml/cover.xhtml">Обложка</a>`, `<a epub:type="titlepage" href="xhtml/title.xhtml">Титульный лист</a>`} {
		if !strings.Contains(nav, want) {
			t.Errorf("nav.xhtml lacks %s", want)
		}
	}
	april := files["EPUB/xhtml/m2021-04.xhtml"]
	if !strings.Contains(april, `<time datetime="2021-04-12">12 апреля 2021</time>`) {
		t.Error("Russian dates are not in the genitive")
	}
	march := files["EPUB/xhtml/m2021-03.xhtml"]
	if !strings.Contains(march, `<section class="item" id="en-features" xml:lang="en" lang="en">`) || !strings.Contains(march, `<time datetime="2021-03-03">3 марта 2021</time>`) {
		t.Error("English item in a Russian book: no xml:lang, or the date is not in the book's language")
	}
	if !strings.Contains(files["EPUB/toc.ncx"], `xml:lang="ru"`) || !strings.Contains(files["EPUB/package.opf"], "<dc:language>ru</dc:language>") {
		t.Error("NCX or package not declared ru")
	}
}

// BenchmarkRender1000 renders the 1,000-item, 24-month collection.
func BenchmarkRender1000(b *testing.B) {
	ed := bigEdition(1000, 24)
	var size int
	for b.Loop() {
		size = len(renderWith(b, ed, Options{}))
	}
	b.ReportMetric(float64(size), "bytes/book")
}
