// Command corpus writes a realistic, deterministic corpus of press-office
// items for benchmarks: English and Russian text, 3–8 paragraphs each,
// several types, spread over years, as Markdown files with front matter
// and as listing-page captures. The same -seed and -n give the same files.
//
//	go run ./cmd/corpus -n 1000 -seed 1 -out /tmp/corpus
//
// writes /tmp/corpus/md/*.md, /tmp/corpus/txt/*.txt (one capture a month),
// and, for the side-by-side benchmark, the same items as one document for
// each other tool: /tmp/corpus/typst/main.typ (Typst markup) and
// /tmp/corpus/pandoc/all.md (Markdown with each item's title as a heading:
// given the separate files, pandoc reads every front matter block as
// metadata of its one document and drops the items' titles, dates and types).
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 1000, "number of items")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "corpus", "output folder")
	years := flag.Int("years", 0, "years the items are spread over, ending in 2024 (default: 2,000 items a year, as a ministry publishes; at least 1)")
	flag.Parse()
	if *years <= 0 {
		*years = max(1, *n/2000)
	}
	if err := run(*n, *seed, *years, *out); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

type item struct {
	date  time.Time
	title string
	kind  string
	lang  string
	paras []string
}

func run(n int, seed uint64, years int, out string) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2025-years, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	items := make([]item, n)
	for i := range items {
		// Spread evenly with jitter so every month has items, as in an archive.
		day := i*days/n + r.IntN(max(1, days/n))
		items[i] = makeItem(r, start.AddDate(0, 0, day), i)
	}
	for _, sub := range []string{"md", "txt", "typst", "pandoc"} {
		if err := os.MkdirAll(filepath.Join(out, sub), 0o755); err != nil {
			return err
		}
	}
	for i, it := range items {
		name := filepath.Join(out, "md", fmt.Sprintf("%s-%05d.md", it.date.Format("2006-01-02"), i))
		if err := os.WriteFile(name, []byte(markdown(it)), 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(out, "typst", "main.typ"), []byte(typst(items)), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "pandoc", "all.md"), []byte(pandoc(items)), 0o644); err != nil {
		return err
	}
	byMonth := map[string][]item{}
	var months []string
	for _, it := range items {
		k := it.date.Format("2006-01")
		if _, ok := byMonth[k]; !ok {
			months = append(months, k)
		}
		byMonth[k] = append(byMonth[k], it)
	}
	for _, k := range months {
		name := filepath.Join(out, "txt", "capture-"+k+".txt")
		if err := os.WriteFile(name, []byte(capture(byMonth[k])), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func markdown(it item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\ntype: %s\nlang: %s\n---\n\n", it.title, it.date.Format("2006-01-02"), it.kind, it.lang)
	for i, p := range it.paras {
		if i == 2 && len(it.paras) > 4 {
			b.WriteString("## " + heading[it.lang] + "\n\n")
		}
		b.WriteString(p + "\n\n")
	}
	return b.String()
}

// capture writes a month's items in the listing-page format, newest first,
// each dated entry with its text as paragraphs.
func capture(items []item) string {
	last := items[len(items)-1].date
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s %d\n\n", last.Day(), last.Month(), last.Year())
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		fmt.Fprintf(&b, "%s - %s\n\n", it.date.Format("02.01.2006"), it.title)
		for _, p := range it.paras {
			b.WriteString(p + "\n\n")
		}
	}
	b.WriteString("all messages\n")
	return b.String()
}

// typst writes all items as one justified, hyphenated A4 Typst document,
// the closest Typst counterpart of the bulletins.
func typst(items []item) string {
	var b strings.Builder
	b.WriteString("#set page(paper: \"a4\", margin: 24mm, numbering: \"1 / 1\")\n")
	b.WriteString("#set text(font: \"PT Serif\", size: 10.5pt, hyphenate: true)\n")
	b.WriteString("#set par(justify: true)\n#outline()\n\n")
	esc := strings.NewReplacer(`\`, `\\`, "#", `\#`, "*", `\*`, "_", `\_`, "$", `\$`, "<", `\<`, ">", `\>`, "@", `\@`, "`", "\\`", "[", `\[`, "]", `\]`)
	for _, it := range items {
		fmt.Fprintf(&b, "#text(lang: %q)[\n= %s\n\n_%s_\n\n", it.lang, esc.Replace(it.title), it.date.Format("2 January 2006"))
		for _, p := range it.paras {
			b.WriteString(esc.Replace(p) + "\n\n")
		}
		b.WriteString("]\n\n")
	}
	return b.String()
}

// pandoc writes all items as one Markdown document: a title block, then
// each item as a chapter with its title, its date and type, and its text.
func pandoc(items []item) string {
	var b strings.Builder
	b.WriteString("---\ntitle: Collection\nlang: en\n---\n\n")
	for _, it := range items {
		fmt.Fprintf(&b, "# %s\n\n*%s · %s*\n\n", it.title, it.date.Format("2 January 2006"), it.kind)
		for i, p := range it.paras {
			if i == 2 && len(it.paras) > 4 {
				b.WriteString("## " + heading[it.lang] + "\n\n")
			}
			b.WriteString(p + "\n\n")
		}
	}
	return b.String()
}

var heading = map[string]string{"en": "Main points", "ru": "Основные положения"}

func makeItem(r *rand.Rand, date time.Time, i int) item {
	lang := "en"
	if r.IntN(3) == 0 {
		lang = "ru"
	}
	k := kinds[r.IntN(len(kinds))]
	it := item{date: date, kind: k.key, lang: lang}
	v := vocab[lang]
	subject := v.subjects[r.IntN(len(v.subjects))]
	topic := v.topics[r.IntN(len(v.topics))]
	place := v.places[r.IntN(len(v.places))]
	it.title = capitalise(fmt.Sprintf(k.title[lang], subject.name, topic, place.name)) + fmt.Sprintf(" (%d)", i+1)
	for p := 3 + r.IntN(6); p > 0; p-- {
		it.paras = append(it.paras, paragraph(r, v))
	}
	return it
}

func paragraph(r *rand.Rand, v words) string {
	var s []string
	for n := 2 + r.IntN(4); n > 0; n-- {
		subj := v.subjects[r.IntN(len(v.subjects))]
		place := v.places[r.IntN(len(v.places))]
		// Placeholders, not format verbs: a sentence uses what it needs and
		// never prints a format error for what it does not.
		sent := strings.NewReplacer(
			"{subject}", subj.name, "{ending}", subj.ending,
			"{topic}", v.topics[r.IntN(len(v.topics))],
			"{place}", place.name, "{in}", place.in,
		).Replace(v.sentences[r.IntN(len(v.sentences))])
		s = append(s, capitalise(sent))
	}
	return strings.Join(s, " ")
}

func capitalise(s string) string {
	for i, c := range s {
		return strings.ToUpper(string(c)) + s[i+len(string(c)):]
	}
	return s
}

type kind struct {
	key   string
	title map[string]string
}

var kinds = []kind{
	{"statement", map[string]string{"en": "Statement by %s on %s, %s", "ru": "Заявление: %s о теме «%s», %s"}},
	{"speech", map[string]string{"en": "Speech by %s at the conference on %s, %s", "ru": "Выступление: %s на конференции «%s», %s"}},
	{"interview", map[string]string{"en": "Interview with %s on %s, %s", "ru": "Интервью: %s о теме «%s», %s"}},
	{"article", map[string]string{"en": "Article by %s: %s, %s", "ru": "Статья: %s, «%s», %s"}},
	{"comment", map[string]string{"en": "Comment by %s on %s, %s", "ru": "Комментарий: %s по теме «%s», %s"}},
	{"briefing", map[string]string{"en": "Briefing by %s on %s, %s", "ru": "Брифинг: %s по теме «%s», %s"}},
	{"news", map[string]string{"en": "%s opens an exhibition on %s in %s", "ru": "%s открывает выставку «%s», %s"}},
}

type words struct {
	subjects  []subject
	topics    []string
	places    []place
	sentences []string // with {subject}, {ending}, {topic}, {place}, {in}
}

// subject is who speaks, with the ending a Russian past-tense verb takes
// after it ("Посол изложил", "Посольство изложило").
type subject struct{ name, ending string }

// place is a city, and "in" it (Russian takes the prepositional case: "в Лондоне").
type place struct{ name, in string }

var vocab = map[string]words{
	"en": {
		subjects: []subject{{"the Ambassador", ""}, {"the Minister", ""}, {"the Press Secretary", ""}, {"the Deputy Minister", ""}, {"the Consul General", ""}, {"the Embassy", ""}},
		topics:   []string{"energy security", "cultural exchange", "the climate agenda", "trade relations", "consular services", "international law", "arms control", "the Arctic"},
		places:   []place{{"London", "in London"}, {"Moscow", "in Moscow"}, {"Geneva", "in Geneva"}, {"New York", "in New York"}, {"Vienna", "in Vienna"}, {"Edinburgh", "in Edinburgh"}},
		sentences: []string{
			"In {place}, {subject} set out the main principles of the approach to {topic}.",
			"{subject} stressed that progress on {topic} depends on dialogue and mutual respect.",
			"The talks in {place} covered {topic} as well as practical questions of cooperation.",
			"According to {subject}, the results achieved so far in {topic} are encouraging, though much remains to be done.",
			"Journalists asked about {topic}; the answer was that the position “has not changed”.",
			"Experts gathered in {place} — some 120 of them — discussed {topic} for two days.",
			"{subject} recalled the agreements reached earlier and called for their full implementation.",
			"A joint statement on {topic} is expected to be adopted after the meeting in {place}.",
		},
	},
	"ru": {
		subjects: []subject{{"посол", ""}, {"министр", ""}, {"пресс-секретарь", ""}, {"заместитель министра", ""}, {"генеральный консул", ""}, {"посольство", "о"}},
		topics:   []string{"энергетическая безопасность", "культурный обмен", "климатическая повестка", "торговые отношения", "консульские услуги", "международное право", "контроль над вооружениями", "Арктика"},
		places:   []place{{"Лондон", "в Лондоне"}, {"Москва", "в Москве"}, {"Женева", "в Женеве"}, {"Нью-Йорк", "в Нью-Йорке"}, {"Вена", "в Вене"}, {"Эдинбург", "в Эдинбурге"}},
		sentences: []string{
			"{in} {subject} изложил{ending} основные принципы подхода к теме «{topic}».",
			"{subject} подчеркнул{ending}, что прогресс в области «{topic}» зависит от диалога и взаимного уважения.",
			"Переговоры {in} охватили тему «{topic}», а также практические вопросы сотрудничества.",
			"По словам представителя, достигнутые результаты обнадёживают, хотя многое ещё предстоит сделать.",
			"Журналисты спросили о теме «{topic}»; ответ — позиция «не изменилась».",
			"Около 120 экспертов {in} обсуждали тему «{topic}» в течение двух дней.",
			"{subject} напомнил{ending} о ранее достигнутых договорённостях и призвал{ending} к их полному выполнению.",
			"Совместное заявление ожидается по итогам встречи {in}.",
		},
	},
}
