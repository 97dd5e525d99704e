package normalise

import (
	"fmt"
	"strings"

	"bulletin/pipeline/news"
)

// MaxNesting is the deepest a line's block containers (list items, quotes)
// may nest. goldmark checks the rest of the line at every level (is it a
// thematic break?), so a line of 64,000 "- " took minutes; no press text
// nests a tenth as deep.
const MaxNesting = 32

// flattenDeepNesting cuts every line's leading list and quote markers to
// MaxNesting, keeping the text; it reports the first line it cut (1-based,
// in the body) or 0. It runs before any Markdown parse.
func flattenDeepNesting(body string) (string, int) {
	first := 0
	lines := strings.SplitAfter(body, "\n")
	for i, line := range lines {
		cut, depth := containerPrefix(line)
		if depth <= MaxNesting {
			continue
		}
		if first == 0 {
			first = i + 1
		}
		lines[i] = line[:cut[MaxNesting-1]] + " " + strings.TrimLeft(line[cut[len(cut)-1]:], " \t")
	}
	if first == 0 {
		return body, 0
	}
	return strings.Join(lines, ""), first
}

// containerPrefix returns the offsets just after each leading container
// marker of line ("- ", "* ", "+ ", "> ", "1. ", "1) ") and their number,
// in one pass over the prefix: the work is linear in the line.
func containerPrefix(line string) ([]int, int) {
	var ends []int
	i := 0
	for {
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		k := j
		switch {
		case k < len(line) && strings.IndexByte("-*+>", line[k]) >= 0:
			k++
		case k < len(line) && line[k] >= '0' && line[k] <= '9':
			for k < len(line) && k-j < 9 && line[k] >= '0' && line[k] <= '9' {
				k++
			}
			if k >= len(line) || (line[k] != '.' && line[k] != ')') {
				return ends, len(ends)
			}
			k++
		default:
			return ends, len(ends)
		}
		// A marker is followed by a space (or the line's end), except ">".
		if line[k-1] != '>' && k < len(line) && line[k] != ' ' && line[k] != '\t' && line[k] != '\n' && line[k] != '\r' {
			return ends, len(ends)
		}
		ends = append(ends, k)
		i = k
	}
}

// nestingProblem is the warning for an item whose body nested too deep
// from line (of its text) on.
func nestingProblem(it news.Item, line int) news.Problem {
	return news.Problem{Severity: news.Warning, At: it.Origin(), Msg: fmt.Sprintf(
		"lists or quotes nest more than %d deep (from line %d of its text): the deeper levels are set at level %d; nest less deeply",
		MaxNesting, line, MaxNesting)}
}
