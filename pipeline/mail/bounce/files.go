package bounce

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Message is one message read from a file, with where it is.
type Message struct {
	Where string // "bounces/1.eml", "Mail/bounces:120" (an mbox and the line of its From line)
	Raw   []byte
}

// maxFile bounds one file read whole (an mbox of a month's bounces).
const maxFile = 256 << 20

// Files reads the messages at path: a Maildir folder (its cur and new
// folders), any other folder (each regular file in it, one message each),
// an mbox (a file whose first line starts with "From "), or one message.
func Files(path string) ([]Message, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		dirs := []string{path}
		if isDir(filepath.Join(path, "cur")) || isDir(filepath.Join(path, "new")) {
			dirs = []string{filepath.Join(path, "cur"), filepath.Join(path, "new")}
		}
		var out []Message
		for _, d := range dirs {
			entries, err := os.ReadDir(d)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
			for _, e := range entries {
				if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
					continue
				}
				ms, err := Files(filepath.Join(d, e.Name()))
				if err != nil {
					return nil, err
				}
				out = append(out, ms...)
			}
		}
		return out, nil
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file or folder", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("%s is over %d MB; split it", path, maxFile>>20)
	}
	if bytes.HasPrefix(data, []byte("From ")) {
		return mbox(path, data), nil
	}
	return []Message{{Where: path, Raw: data}}, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// mbox splits an mbox at its "From " lines (mboxrd: ">From " lines inside
// a message lose one '>').
func mbox(path string, data []byte) []Message {
	var out []Message
	lines := bytes.SplitAfter(data, []byte("\n"))
	var cur bytes.Buffer
	start := 0
	flush := func() {
		if start > 0 {
			out = append(out, Message{Where: fmt.Sprintf("%s:%d", path, start), Raw: bytes.Clone(cur.Bytes())})
		}
		cur.Reset()
	}
	for i, l := range lines {
		if bytes.HasPrefix(l, []byte("From ")) && (i == 0 || len(bytes.TrimSpace(lines[i-1])) == 0) {
			flush()
			start = i + 1
			continue
		}
		if bytes.HasPrefix(bytes.TrimLeft(l, ">"), []byte("From ")) && l[0] == '>' {
			l = l[1:]
		}
		cur.Write(l)
	}
	flush()
	return out
}
