package normalise

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"

	"bulletin/pipeline/markup"
)

// Relative links in bodies ("[the variables](/layout/variables)") point
// into the site the item came from; neither a PDF nor an e-book has that
// site around it. They are made absolute against the item's own address,
// or, when it has none, the link is dropped and its text kept. The links
// are found in goldmark's syntax tree (the renderers' own parser, so what is
// a link here is a link there), and only their destinations are rewritten
// in the Markdown text: everything else in the body stays byte for byte.

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// unlinked is a relative link that could not be kept.
type unlinked struct {
	dest string
	line int // in the body, 1-based
}

// resolveLinks rewrites the relative link destinations of body against base
// (an absolute http(s) URL, or "" for none). It returns the new body and
// the links whose text was kept without them. Images are left alone: a
// relative image is a file beside the source, which the renderers resolve.
func resolveLinks(md *markup.Converter, body, base string) (string, []unlinked) {
	if !strings.Contains(body, "[") {
		return body, nil // no link syntax at all: the common case, and cheap
	}
	var baseURL *url.URL
	if base != "" {
		u, err := url.Parse(base)
		if err == nil {
			baseURL = u
		}
	}
	src := []byte(body)
	var edits []edit
	var lost []unlinked
	_ = ast.Walk(md.Parse(src), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if _, ok := n.(*ast.Image); ok {
			return ast.WalkSkipChildren, nil
		}
		link, ok := n.(*ast.Link)
		if !ok || !isRelative(string(link.Destination)) {
			return ast.WalkContinue, nil
		}
		span, ok := linkSpan(src, link.Pos())
		if !ok {
			return ast.WalkSkipChildren, nil // not where the parser said: leave it
		}
		if baseURL != nil {
			ref, err := url.Parse(string(link.Destination))
			if err == nil {
				abs := baseURL.ResolveReference(ref).String()
				edits = append(edits, span.withDestination(src, abs, string(link.Title)))
				return ast.WalkSkipChildren, nil
			}
		}
		edits = append(edits, edit{span.start, span.end, string(src[span.start+1 : span.labelEnd])})
		lost = append(lost, unlinked{dest: string(link.Destination), line: span.start}) // an offset until numbered below
		return ast.WalkSkipChildren, nil
	})
	numberLines(src, lost)
	if len(edits) == 0 {
		return body, lost
	}
	// One pass, in order: splicing each edit into the whole text would be
	// quadratic in the number of links.
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b strings.Builder
	b.Grow(len(src))
	at := 0
	for _, e := range edits {
		if e.start < at {
			continue // inside a link already rewritten (the walk skips them; be safe)
		}
		b.Write(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.Write(src[at:])
	return b.String(), lost
}

// numberLines turns the byte offsets the walk put in lost[i].line into line
// numbers, counting newlines once over the text rather than from its start
// for every link.
func numberLines(src []byte, lost []unlinked) {
	order := make([]int, len(lost))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lost[order[a]].line < lost[order[b]].line })
	line, at := 1, 0
	for _, i := range order {
		off := lost[i].line
		line += bytes.Count(src[at:off], []byte("\n"))
		at = off
		lost[i].line = line
	}
}

// isRelative reports whether a link destination has no scheme: a path, a
// fragment, a query, a network-path reference (//host/…) or nothing.
func isRelative(dest string) bool {
	u, err := url.Parse(strings.TrimSpace(dest))
	return err == nil && u.Scheme == ""
}

// span is where a link is written: [label](dest "title") or a reference
// link [label][ref], [label][] or [label].
type span struct {
	start, labelEnd, end int // '[', its ']', and just after the whole link
	destStart, destEnd   int // the destination of an inline link; 0, 0 for a reference link
}

// withDestination is the edit that points the link at abs: the destination
// of an inline link is replaced, a reference link becomes an inline one
// (its definition may serve other links, and stays).
func (s span) withDestination(src []byte, abs, title string) edit {
	dest := "<" + strings.NewReplacer(`\`, `\\`, "<", `\<`, ">", `\>`).Replace(abs) + ">"
	if s.destEnd > s.destStart {
		return edit{s.destStart, s.destEnd, dest}
	}
	text := "[" + string(src[s.start+1:s.labelEnd]) + "](" + dest
	if title != "" {
		text += ` "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(title) + `"`
	}
	return edit{s.start, s.end, text + ")"}
}

// linkSpan reads the link that starts at src[start] == '['.
func linkSpan(src []byte, start int) (span, bool) {
	if start < 0 || start >= len(src) || src[start] != '[' {
		return span{}, false
	}
	close := closing(src, start)
	if close < 0 {
		return span{}, false
	}
	s := span{start: start, labelEnd: close, end: close + 1}
	if close+1 < len(src) && src[close+1] == '[' { // [label][ref] or [label][]
		ref := closing(src, close+1)
		if ref < 0 {
			return span{}, false
		}
		s.end = ref + 1
		return s, true
	}
	if close+1 >= len(src) || src[close+1] != '(' {
		return s, true // [label]: a shortcut reference
	}
	i := skipSpace(src, close+2)
	s.destStart = i
	if i < len(src) && src[i] == '<' {
		for i++; i < len(src) && src[i] != '>'; i++ {
			if src[i] == '\\' {
				i++
			}
		}
		i++
	} else {
		depth := 0
	dest:
		for ; i < len(src); i++ {
			switch c := src[i]; {
			case c == '\\':
				i++
			case c == '(':
				depth++
			case c == ')' && depth == 0, c <= ' ':
				break dest
			case c == ')':
				depth--
			}
		}
	}
	s.destEnd = min(i, len(src))
	i = skipSpace(src, s.destEnd)
	if i < len(src) && (src[i] == '"' || src[i] == '\'' || src[i] == '(') { // a title
		want := src[i]
		if want == '(' {
			want = ')'
		}
		for i++; i < len(src) && src[i] != want; i++ {
			if src[i] == '\\' {
				i++
			}
		}
		i = skipSpace(src, i+1)
	}
	if i >= len(src) || src[i] != ')' {
		return span{}, false
	}
	s.end = i + 1
	return s, true
}

// closing is the index of the ']' that closes the '[' at open, skipping
// backslash escapes and code spans, or -1.
func closing(src []byte, open int) int {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '`':
			n := 1
			for i+n < len(src) && src[i+n] == '`' {
				n++
			}
			fence := bytes.Repeat([]byte("`"), n)
			if j := bytes.Index(src[i+n:], fence); j >= 0 {
				i += n + j + n - 1
			} else {
				i += n - 1
			}
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func skipSpace(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	return i
}

// unlinkedMessage words the warning for an item's links kept as text.
func unlinkedMessage(lost []unlinked) string {
	var parts []string
	for i, u := range lost {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(lost)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%q (line %d of its text)", u.dest, u.line))
	}
	return fmt.Sprintf("%d relative link(s) and the item has no web address to resolve them against: %s; "+
		"their text is kept without the link; give the item its address (url: in front matter, \"url\" in JSON Lines) or write full addresses",
		len(lost), strings.Join(parts, ", "))
}
