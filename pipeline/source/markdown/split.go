package markdown

import (
	"bytes"
	"fmt"
)

// SplitError is a front matter that cannot be separated from the body; Line
// is 1-based in the file.
type SplitError struct {
	Line int
	Msg  string
}

func (e *SplitError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

var bom = []byte("\xef\xbb\xbf")

// SplitFrontMatter separates front matter from body: kind is "yaml" (opened
// and closed by a line ---), "toml" (+++) or "" (none: body is the whole
// file); bodyLine is the 1-based line where the body starts. A UTF-8 byte
// order mark is skipped, delimiter lines may carry trailing blanks and CRLF.
// An opened but never closed front matter is a *SplitError.
func SplitFrontMatter(data []byte) (kind string, front, body []byte, bodyLine int, err error) {
	data = bytes.TrimPrefix(data, bom)
	first, pos := nextLine(data, 0)
	delim := string(trimBlanks(first))
	switch delim {
	case "---":
		kind = "yaml"
	case "+++":
		kind = "toml"
	default:
		return "", nil, data, 1, nil
	}
	start := pos
	for line := 2; pos < len(data); line++ {
		lineStart := pos
		var l []byte
		l, pos = nextLine(data, pos)
		if string(trimBlanks(l)) == delim {
			return kind, data[start:lineStart], data[pos:], line + 1, nil
		}
	}
	return kind, nil, nil, 0, &SplitError{Line: 1, Msg: fmt.Sprintf(
		"the front matter opened by %s on line 1 is never closed: add a line %s after its last key", delim, delim)}
}

// nextLine returns the line starting at pos (without its line ending) and
// the position after its line ending.
func nextLine(data []byte, pos int) ([]byte, int) {
	i := bytes.IndexByte(data[pos:], '\n')
	if i < 0 {
		return data[pos:], len(data)
	}
	return data[pos : pos+i], pos + i + 1
}

func trimBlanks(b []byte) []byte { return bytes.TrimRight(b, " \t\r") }
