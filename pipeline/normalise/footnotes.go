package normalise

import (
	"fmt"
	"strings"

	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

// footnotesItem warns of a note nothing refers to and of a reference to a
// note that does not exist. Neither is dropped: the renderers set the first
// as a note (after the referred ones) and the second as the text it is
// ("[^2]").
func (n *Normaliser) footnotesItem(it *news.Item) *news.Problem {
	if !strings.Contains(it.Body, "[^") {
		return nil // no footnote syntax: the common case, and cheap
	}
	ps := n.md.CheckFootnotes(it.Body)
	if len(ps) == 0 {
		return nil
	}
	return &news.Problem{Severity: news.Warning, At: it.Origin(), Msg: footnoteMessage(ps)}
}

func footnoteMessage(ps []markup.FootnoteProblem) string {
	var parts []string
	for _, p := range ps {
		if p.Note {
			parts = append(parts, fmt.Sprintf("the note [^%s] (line %d of its text) is referred to nowhere: it is printed after the others; add [^%s] where it belongs or remove the note", p.Label, p.Line, p.Label))
		} else {
			parts = append(parts, fmt.Sprintf("[^%s] (line %d of its text) refers to no note: it is printed as written; add a line \"[^%s]: the note\" or remove the reference", p.Label, p.Line, p.Label))
		}
	}
	return "footnotes: " + strings.Join(parts, "; ")
}
