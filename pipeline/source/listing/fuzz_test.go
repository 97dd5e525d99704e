package listing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"bulletin/pipeline/news"
)

// FuzzParse: any bytes give a capture and problems, never a panic; every
// entry kept has a title, and every problem names a line inside the file.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, name := range seeds {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("6 July 2020\n\n24.06.2020 - Title\n\nLead.\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, problems := Parse("f.txt", data)
		if c == nil {
			t.Fatal("Parse returned a nil capture")
		}
		// Lines end at \n, \r\n or a lone \r (old Mac files).
		lines := len(strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n"), "\n"))
		for _, p := range problems {
			if p.At.Line < 0 || p.At.Line > lines {
				t.Errorf("problem at line %d of a %d-line file: %v", p.At.Line, lines, p)
			}
		}
		if news.HasErrors(problems) {
			return
		}
		for _, e := range c.Entries {
			if e.Title == "" || !utf8.ValidString(e.Title) {
				t.Errorf("entry at line %d has title %q", e.Line, e.Title)
			}
		}
	})
}
