// Package words holds the interface words bulletin prints itself, in each
// language it speaks: English, and Russian for any "ru…" language tag.
// Renderers and mail get them as news.Labels; the items' own words come
// from the sources. Month names are in package dates, with the parsing
// that shares them.
package words

import (
	"strconv"
	"strings"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// Labels are the interface words in lang.
func Labels(lang string) news.Labels {
	if dates.IsRussian(lang) {
		return news.Labels{Contents: "Содержание", Page: "Страница %d из %d", Published: "Опубликовано",
			Items: "{материал|материала|материалов}", Undated: "Без даты", Attached: "Вложения",
			UnsubscribeLink: "Чтобы отписаться от рассылки, откройте ссылку: %s",
			UnsubscribeMail: "Чтобы отписаться от рассылки, напишите на %s с темой «unsubscribe».",
			DatedByCapture:  "В источнике без даты; датировано по дате снимка страницы, %s.",
			DatedByFileName: "В источнике без даты; датировано по имени файла, %s.",
			Cover:           "Обложка", TitlePage: "Титульный лист",
			ReadOnline: "Читать на сайте", Tags: "Метки", NoteContinued: "продолжение",
			SkipToContent: "Перейти к содержанию", Editions: "Выпуски", Collection: "Все выпуски в одной книге EPUB",
			Feed: "Лента выпусков Atom", Catalogue: "Каталог OPDS для приложений чтения",
			SizeKB: "%s КБ", SizeMB: "%s МБ", Decimal: ",",
			AccessibilitySummary: "Сборник материалов с содержанием по месяцам, типам и материалам, " +
				"с заголовками для навигации. У каждого изображения есть текстовое описание; " +
				"текст обложки повторён на титульной странице."}
	}
	return news.Labels{Contents: "Contents", Page: "Page %d of %d", Published: "Published",
		Items: "{item|items}", Undated: "Undated", Attached: "Attached",
		UnsubscribeLink: "To stop receiving this bulletin, open: %s",
		UnsubscribeMail: "To stop receiving this bulletin, write to %s with the subject “unsubscribe”.",
		DatedByCapture:  "Undated in the source; dated by its capture date, %s.",
		DatedByFileName: "Undated in the source; dated by its file name, %s.",
		Cover:           "Cover", TitlePage: "Title page",
		ReadOnline: "Read online", Tags: "Tags", NoteContinued: "continued",
		SkipToContent: "Skip to content", Editions: "Editions", Collection: "All editions in one EPUB",
		Feed: "Atom feed of the editions", Catalogue: "OPDS catalogue for e-reader apps",
		SizeKB: "%s KB", SizeMB: "%s MB", Decimal: ".",
		AccessibilitySummary: "A collection of news items with a table of contents by month, type and item, " +
			"and headings for navigation. Every image has a text alternative; " +
			"the cover's words are repeated as text on the title page."}
}

// typeNames are the display names of the built-in types: English, Russian.
var typeNames = map[string][2]string{
	"statement":     {"Statements", "Заявления"},
	"speech":        {"Speeches", "Выступления"},
	"remarks":       {"Remarks", "Ремарки"},
	"interview":     {"Interviews", "Интервью"},
	"article":       {"Articles", "Статьи"},
	"comment":       {"Comments", "Комментарии"},
	"press-release": {"Press releases", "Пресс-релизы"},
	"appeal":        {"Appeals", "Обращения"},
	"briefing":      {"Briefings", "Брифинги"},
	"news":          {"News", "Новости"},
}

// TypeName is the display name of a built-in type key in lang, or "" for a
// key that is not built in.
func TypeName(key, lang string) string {
	n, ok := typeNames[key]
	if !ok {
		return ""
	}
	if dates.IsRussian(lang) {
		return n[1]
	}
	return n[0]
}

// Number writes n with the language's digit grouping: 1,000 in English,
// 1 000 (no-break space) in Russian; below 1,000 as it is.
func Number(n int, lang string) string {
	sep := ","
	if dates.IsRussian(lang) {
		sep = "\u00a0"
	}
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return neg + s
	}
	var b strings.Builder
	b.WriteString(neg)
	first := len(s) % 3
	if first > 0 {
		b.WriteString(s[:first])
	}
	for i := first; i < len(s); i += 3 {
		if b.Len() > len(neg) {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
