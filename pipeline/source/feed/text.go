package feed

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2"
	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"golang.org/x/text/encoding/charmap"
)

func validUTF8(data []byte) bool { return utf8.Valid(data) }

func firstInvalidUTF8Line(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return lineAt(data, i)
		}
		i += n
	}
	return 0
}

// decode1252 reads data as Windows-1252 into UTF-8.
func decode1252(data []byte) []byte {
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	return out
}

// fixC1 replaces C1 control characters with the Windows-1252 characters of
// the same byte value, dropping the undefined ones, and counts them.
func (r *reader) fixC1(s string) string {
	if !strings.ContainsFunc(s, isC1) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if !isC1(c) {
			b.WriteRune(c)
			continue
		}
		r.c1++
		if d := charmap.Windows1252.DecodeByte(byte(c)); !isC1(d) && d != utf8.RuneError {
			b.WriteRune(d)
		}
	}
	return b.String()
}

func isC1(c rune) bool { return c >= 0x80 && c <= 0x9f }

var (
	reBlockTag = regexp.MustCompile(`(?i)</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|hr)\b[^>]*>`)
	reTag      = regexp.MustCompile(`</?[A-Za-z!][^>]*>`)
)

// plain turns HTML (or text) into one line of plain text: tags stripped,
// entities decoded, whitespace collapsed (no-break spaces are kept).
func plain(s string) string {
	s = reBlockTag.ReplaceAllString(s, " ")
	s = reTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return strings.Join(strings.FieldsFunc(s, isCollapsible), " ")
}

// isCollapsible is white space other than the no-break spaces, which are
// typography and kept.
func isCollapsible(c rune) bool {
	return unicode.IsSpace(c) && c != '\u00a0' && c != '\u202f' && c != '\u2007'
}

// titleFrom makes a title of the first sentence of text, at most about 80
// characters, cut at a word boundary.
func titleFrom(text string) string {
	const max = 80
	runes := []rune(text)
	for i, c := range runes {
		if i >= max {
			break
		}
		if (c == '.' || c == '!' || c == '?' || c == '…') && (i+1 == len(runes) || unicode.IsSpace(runes[i+1])) && i > 0 {
			return strings.TrimSpace(string(runes[:i+1]))
		}
	}
	if len(runes) <= max {
		return text
	}
	cut := max
	for k := max; k > max/2; k-- {
		if unicode.IsSpace(runes[k]) {
			cut = k
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ,;:-–—") + "…"
}

var ltGt = strings.NewReplacer("&lt;", `\<`, "&gt;", `\>`)

// markdown converts HTML to Markdown; base resolves relative links. Text
// the converter escapes as "&lt;" is written with a backslash escape
// ("&gt;") instead, which Markdown reads the same way.
func markdown(src, base string) (string, error) {
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	var opts []converter.ConvertOptionFunc
	if base != "" {
		opts = append(opts, converter.WithDomain(base))
	}
	md, err := htmltomarkdown.ConvertString(src, opts...)
	if err != nil {
		return "", err
	}
	lines := strings.Split(md, "\n")
	fence := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
			fence = t[:3]
			continue
		}
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		lines[i] = ltGt.Replace(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n")), nil
}
