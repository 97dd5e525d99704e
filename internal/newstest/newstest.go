// Package newstest has the test helpers the source readers share: what a
// test expects a reader to report, and the check of what it reported.
package newstest

import (
	"fmt"
	"strings"
	"testing"

	"bulletin/pipeline/news"
)

// Problem is an expected problem: its severity, its line in the file and a
// piece of its message.
type Problem struct {
	Severity news.Severity
	Line     int
	Msg      string
}

// CheckProblems fails t unless got are the wanted problems, in order, all
// in file.
func CheckProblems(t testing.TB, file string, got []news.Problem, want []Problem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), List(got))
	}
	for i, w := range want {
		g := got[i]
		if g.Severity != w.Severity || g.At.File != file || g.At.Line != w.Line || !strings.Contains(g.Msg, w.Msg) {
			t.Errorf("problem %d = %v\nwant %s:%d: %v: …%s…", i, g, file, w.Line, w.Severity, w.Msg)
		}
	}
}

// List prints problems one a line, for failure messages.
func List(ps []news.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintln(&b, p)
	}
	return b.String()
}
