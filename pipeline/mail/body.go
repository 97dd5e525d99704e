package mail

import (
	"fmt"
	"html"
	"regexp"
	"strings"

	"bulletin/pipeline/counter"
	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
)

// Body words a month's message: the cover's title, period, publication
// date, counters and contact, then the month's items by type, then the
// attachments. It returns the plain text and the HTML alternative. The
// interface words are the bulletin's own (words.Labels(lang)); the item
// count takes its plural from labels.Items.
func Body(cover news.Cover, month news.Month, lang string, labels news.Labels, attachments []Attachment) (text, htmlBody string) {
	w := labels
	count := fmt.Sprintf("%d %s", month.Count(), counter.Fill(w.Items, month.Count()))
	var t strings.Builder
	heading := cover.Title + " — " + month.Title
	fmt.Fprintf(&t, "%s\n%s\n%s: %s\n", heading, cover.Publisher, w.Published, cover.Published)
	if len(cover.Counters) > 0 {
		t.WriteString("\n")
		for _, c := range cover.Counters {
			fmt.Fprintf(&t, "%s\n", c)
		}
	}
	fmt.Fprintf(&t, "\n%s: %s\n", month.Title, count)
	for _, g := range month.Types {
		fmt.Fprintf(&t, "\n%s (%d)\n", g.Name, len(g.Items))
		for _, it := range g.Items {
			fmt.Fprintf(&t, "- %s — %s\n", itemDate(it, lang, w), it.Title)
		}
	}
	if len(cover.Contact) > 0 {
		t.WriteString("\n")
		for _, c := range cover.Contact {
			fmt.Fprintf(&t, "%s\n", c)
		}
	}
	if len(attachments) > 0 {
		fmt.Fprintf(&t, "\n%s:\n", w.Attached)
		for _, a := range attachments {
			fmt.Fprintf(&t, "- %s (%s)\n", a.Name, humanSize(len(a.Data)))
		}
	}

	e := html.EscapeString
	var h strings.Builder
	fmt.Fprintf(&h, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head><meta charset=\"utf-8\"><title>%s</title></head>\n", e(lang), e(heading))
	h.WriteString("<body style=\"font-family: Georgia, 'PT Serif', serif; max-width: 40em;\">\n")
	fmt.Fprintf(&h, "<h1 style=\"font-size: 1.4em;\">%s</h1>\n<p>%s<br>%s: %s</p>\n", e(heading), e(cover.Publisher), e(w.Published), e(cover.Published))
	if len(cover.Counters) > 0 {
		h.WriteString("<ul>\n")
		for _, c := range cover.Counters {
			fmt.Fprintf(&h, "<li>%s</li>\n", e(c))
		}
		h.WriteString("</ul>\n")
	}
	fmt.Fprintf(&h, "<h2 style=\"font-size: 1.2em;\">%s: %s</h2>\n", e(month.Title), e(count))
	for _, g := range month.Types {
		fmt.Fprintf(&h, "<h3 style=\"font-size: 1em;\">%s (%d)</h3>\n<ul>\n", e(g.Name), len(g.Items))
		for _, it := range g.Items {
			fmt.Fprintf(&h, "<li>%s — %s</li>\n", e(itemDate(it, lang, w)), e(it.Title))
		}
		h.WriteString("</ul>\n")
	}
	if len(cover.Contact) > 0 {
		h.WriteString("<p>")
		for i, c := range cover.Contact {
			if i > 0 {
				h.WriteString("<br>")
			}
			h.WriteString(e(c))
		}
		h.WriteString("</p>\n")
	}
	if len(attachments) > 0 {
		fmt.Fprintf(&h, "<p>%s:</p>\n<ul>\n", e(w.Attached))
		for _, a := range attachments {
			fmt.Fprintf(&h, "<li>%s (%s)</li>\n", e(a.Name), humanSize(len(a.Data)))
		}
		h.WriteString("</ul>\n")
	}
	h.WriteString("</body>\n</html>\n")
	return t.String(), h.String()
}

// Footer is the line that ends each recipient's bodies: how to leave the
// list, by the recipient's own link when there is one, else by mail.
func Footer(u Unsubscribe, w news.Labels) (text, htmlLine string) {
	e := html.EscapeString
	switch {
	case u.URL != "":
		text = fmt.Sprintf(w.UnsubscribeLink, u.URL)
		a := fmt.Sprintf(`<a href="%s">%s</a>`, e(u.URL), e(u.URL))
		htmlLine = strings.Replace(e(w.UnsubscribeLink), "%s", a, 1)
	case u.Mailto != "":
		text = fmt.Sprintf(w.UnsubscribeMail, u.Mailto)
		a := fmt.Sprintf(`<a href="mailto:%s?subject=unsubscribe">%s</a>`, e(u.Mailto), e(u.Mailto))
		htmlLine = strings.Replace(e(w.UnsubscribeMail), "%s", a, 1)
	default:
		return "", ""
	}
	return text, htmlLine
}

// WithFooter adds a footer line (from Footer) to bodies made by Body.
func WithFooter(text, htmlBody, footText, footHTML string) (string, string) {
	if footText == "" {
		return text, htmlBody
	}
	text += "\n-- \n" + footText + "\n"
	p := "<hr>\n<p style=\"font-size: 0.85em; color: #555;\">" + footHTML + "</p>\n</body>"
	return text, strings.Replace(htmlBody, "</body>", p, 1)
}

func itemDate(it news.Item, lang string, w news.Labels) string {
	if it.Date.IsZero() {
		return strings.ToLower(w.Undated) // "undated", "без даты" in a list line
	}
	return dates.Format(it.Date, lang)
}

func humanSize(n int) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%d kB", (n+500)/1000)
	}
	return fmt.Sprintf("%d bytes", n)
}

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// Subject fills a subject template: {title}, {period}, {month} (YYYY-MM),
// {publisher} and {items}. An unknown placeholder is an error naming it.
func Subject(tmpl string, cover news.Cover, month news.Month) (string, error) {
	if tmpl == "" {
		tmpl = "{title} — {period}"
	}
	r := strings.NewReplacer(
		"{title}", cover.Title,
		"{period}", month.Title,
		"{month}", month.Key.String(),
		"{publisher}", cover.Publisher,
		"{items}", fmt.Sprint(month.Count()),
	)
	for _, ph := range placeholder.FindAllString(tmpl, -1) {
		switch ph {
		case "{title}", "{period}", "{month}", "{publisher}", "{items}":
		default:
			return "", fmt.Errorf("subject %q: unknown placeholder %s; use {title}, {period}, {month}, {publisher} or {items}", tmpl, ph)
		}
	}
	out := r.Replace(tmpl)
	return strings.Join(strings.Fields(out), " "), nil
}
