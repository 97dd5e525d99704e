package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The benchmark text reads as real text: no format errors, no placeholder
// left, Russian verbs agreeing with their subject.
func TestCorpusText(t *testing.T) {
	out := t.TempDir()
	if err := run(400, 1, 1, out); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(out, "*", "*"))
	if err != nil || len(files) < 400 {
		t.Fatalf("%d files: %v", len(files), err)
	}
	bad := []struct {
		what string
		re   *regexp.Regexp
	}{
		{"a format error", regexp.MustCompile(`%!`)},
		{"a placeholder", regexp.MustCompile(`\{(subject|ending|topic|place|in)\}`)},
		{"a masculine verb after a neuter subject", regexp.MustCompile(`(?i)посольство (\p{L}+л)[ ,.]`)},
		{"a capital inside a Russian sentence", regexp.MustCompile(`\p{Ll} (Посол|Министр|Посольство|Пресс-секретарь)\b`)},
	}
	russian := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		if strings.Contains(text, "посольство") || strings.Contains(text, "Посольство") {
			russian++
		}
		for _, b := range bad {
			if m := b.re.FindString(text); m != "" {
				t.Errorf("%s: %s: %q", filepath.Base(f), b.what, m)
			}
		}
	}
	if russian == 0 {
		t.Error("no file names the embassy in Russian: the agreement check tested nothing")
	}
}
