package feed

import (
	"bytes"
	"fmt"
	"regexp"
)

// The functions here look at the raw bytes of an XML feed without parsing
// it: the file may not be well-formed yet. They work on any ASCII-compatible
// encoding.

// skipSpecial returns the index just after the comment, CDATA section,
// processing instruction or DOCTYPE that starts at i, or -1 when none does.
// An unterminated one runs to the end of data.
func skipSpecial(data []byte, i int) int {
	rest := data[i:]
	var endMark string
	var start int
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		endMark, start = "-->", 4
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		endMark, start = "]]>", 9
	case bytes.HasPrefix(rest, []byte("<?")):
		endMark, start = "?>", 2
	case bytes.HasPrefix(rest, []byte("<!")):
		// DOCTYPE and other declarations; an internal subset ends with "]>".
		gt := bytes.IndexByte(rest, '>')
		br := bytes.IndexByte(rest, '[')
		if br >= 0 && (gt < 0 || br < gt) {
			endMark, start = "]>", br
		} else {
			endMark, start = ">", 2
		}
	default:
		return -1
	}
	j := bytes.Index(rest[start:], []byte(endMark))
	if j < 0 {
		return len(data)
	}
	return i + start + j + len(endMark)
}

func isNameByte(b byte) bool {
	return b == '_' || b == ':' || b == '-' || b == '.' || b >= 0x80 ||
		(b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}

// nameAt reads the XML name starting at i.
func nameAt(data []byte, i int) string {
	j := i
	for j < len(data) && isNameByte(data[j]) {
		j++
	}
	return string(data[i:j])
}

// rootName is the name of the first element of data ("rss", "feed",
// "rdf:RDF"), or "".
func rootName(data []byte) string {
	data = bytes.TrimPrefix(data, bom)
	i := 0
	for i < len(data) {
		switch {
		case isSpace(data[i]):
			i++
		case data[i] == '<':
			if j := skipSpecial(data, i); j >= 0 {
				i = j
				continue
			}
			return nameAt(data, i+1)
		default:
			return ""
		}
	}
	return ""
}

// elements calls fn for the start of every tag ("<" index) outside comments,
// CDATA sections, processing instructions and declarations.
func elements(data []byte, fn func(i int) bool) {
	for i := 0; i < len(data); {
		k := bytes.IndexByte(data[i:], '<')
		if k < 0 {
			return
		}
		i += k
		if j := skipSpecial(data, i); j >= 0 {
			i = j
			continue
		}
		if !fn(i) {
			return
		}
		i++
	}
}

// closingTagEnd is the index just after the first closing tag </name>, or -1.
func closingTagEnd(data []byte, name string) int {
	end := -1
	elements(data, func(i int) bool {
		if i+1 < len(data) && data[i+1] == '/' && nameAt(data, i+2) == name {
			if gt := bytes.IndexByte(data[i:], '>'); gt >= 0 {
				end = i + gt + 1
			}
			return false
		}
		return true
	})
	return end
}

// startLines lists the lines of the start tags of elements with the local
// name local ("item", "entry"), self-closing tags excepted.
func startLines(data []byte, local string) []int {
	var lines []int
	line, counted := 1, 0
	elements(data, func(i int) bool {
		name := nameAt(data, i+1)
		if k := bytes.LastIndexByte([]byte(name), ':'); k >= 0 {
			name = name[k+1:]
		}
		if name != local {
			return true
		}
		gt := bytes.IndexByte(data[i:], '>')
		if gt < 0 || data[i+gt-1] == '/' {
			return true
		}
		line += bytes.Count(data[counted:i], []byte("\n"))
		counted = i
		lines = append(lines, line)
		return true
	})
	return lines
}

var reReference = regexp.MustCompile(`^&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z_:][A-Za-z0-9_:.-]*);`)

// escapeBareAmpersands escapes every "&" that does not start a reference,
// outside comments, CDATA sections and processing instructions.
func (r *reader) escapeBareAmpersands(data []byte) []byte {
	var out []byte
	count, firstLine, copied := 0, 0, 0
	for i := 0; i < len(data); {
		switch data[i] {
		case '<':
			if j := skipSpecial(data, i); j >= 0 {
				i = j
				continue
			}
		case '&':
			if !reReference.Match(data[i:min(len(data), i+40)]) {
				if count == 0 {
					firstLine = lineAt(data, i)
				}
				count++
				out = append(out, data[copied:i+1]...)
				out = append(out, "amp;"...)
				copied = i + 1
			}
		}
		i++
	}
	if count == 0 {
		return data
	}
	out = append(out, data[copied:]...)
	r.warn(firstLine, fmt.Sprintf("%d bare ampersand(s) (\"&\" not starting an entity like \"&amp;\"), the first on line %d, read as a literal \"&\"; write \"&amp;\" in the file to silence this warning", count, firstLine))
	return out
}

var reEncoding = regexp.MustCompile(`^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']`)

// declaredEncoding is the encoding named in the XML declaration, or "".
func declaredEncoding(data []byte) string {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	if m := reEncoding.FindSubmatch(data[:min(len(data), 200)]); m != nil {
		return string(m[1])
	}
	return ""
}
