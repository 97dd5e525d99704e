package bounce

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		file      string
		rcpt      string
		status    string
		hard      bool
		diagWords string
		err       string // substring of the error; "" for none
		notReport bool
	}{
		{file: "postfix-hard.eml", rcpt: "old.editor@paper.example", status: "5.1.1", hard: true, diagWords: "User unknown in local recipient table"},
		{file: "postfix-soft.eml", rcpt: "busy@paper.example", status: "4.2.2", hard: false, diagWords: "Mailbox full"},
		{file: "gmail.eml", rcpt: "nobody.here@gmail.example", status: "5.1.1", hard: true, diagWords: "does not exist"},
		{file: "exim-plain.eml", rcpt: "attache@mission.example", status: "5.2.1", hard: true, diagWords: "account that you tried to reach is disabled"},
		{file: "exim-text-only.eml", rcpt: "attache@mission.example", status: "5.0.0", hard: true},
		{file: "cp1251.eml", rcpt: "ushel@mid.ru.example", status: "5.1.1", hard: true},
		{file: "truncated.eml", err: "truncated"},
		{file: "not-a-report.eml", notReport: true},
		{file: "not-a-message.txt", err: "not a mail message"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			bs, err := Parse(raw)
			switch {
			case tt.notReport:
				if !errors.Is(err, ErrNotReport) {
					t.Fatalf("got %v, %v; want ErrNotReport", bs, err)
				}
				return
			case tt.err != "":
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, %v; want an error naming %q", bs, err, tt.err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if len(bs) != 1 {
				t.Fatalf("%d bounces: %+v", len(bs), bs)
			}
			b := bs[0]
			if b.Recipient != tt.rcpt || b.Status != tt.status || b.Hard() != tt.hard || !strings.Contains(b.Diagnostic, tt.diagWords) {
				t.Errorf("got %+v (hard %v), want %s %s hard=%v with %q", b, b.Hard(), tt.rcpt, tt.status, tt.hard, tt.diagWords)
			}
			if b.Report == "" {
				t.Error("no report id")
			}
		})
	}
}

// TestFiles reads the same reports as an mbox and as a Maildir.
func TestFiles(t *testing.T) {
	names := []string{"postfix-hard.eml", "gmail.eml", "not-a-report.eml"}
	dir := t.TempDir()
	var mbox strings.Builder
	for i, n := range names {
		raw, _ := os.ReadFile(filepath.Join("testdata", n))
		mbox.WriteString("From MAILER-DAEMON Mon Jul 13 09:12:40 2020\n")
		body := strings.ReplaceAll(string(raw), "\r\n", "\n")
		if i == 2 {
			body += "From the desk of the editor: a line mboxrd escapes.\n"
			body = strings.Replace(body, "From the desk", ">From the desk", 1)
		}
		mbox.WriteString(body + "\n")
		os.MkdirAll(filepath.Join(dir, "Maildir", "cur"), 0o755)
		os.MkdirAll(filepath.Join(dir, "Maildir", "new"), 0o755)
		os.WriteFile(filepath.Join(dir, "Maildir", []string{"cur", "new"}[i%2], n), raw, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "bounces.mbox"), []byte(mbox.String()), 0o644)
	for _, p := range []string{filepath.Join(dir, "bounces.mbox"), filepath.Join(dir, "Maildir")} {
		ms, err := Files(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 3 {
			t.Fatalf("%s: %d messages, want 3", p, len(ms))
		}
		hard := 0
		for _, m := range ms {
			bs, err := Parse(m.Raw)
			if err == nil && len(bs) == 1 && bs[0].Hard() {
				hard++
			}
		}
		if hard != 2 {
			t.Errorf("%s: %d hard bounces, want 2", p, hard)
		}
	}
	ms, _ := Files(filepath.Join(dir, "bounces.mbox"))
	if !strings.Contains(string(ms[2].Raw), "\nFrom the desk") || !strings.HasSuffix(ms[1].Where, "bounces.mbox:"+fmt.Sprint(strings.Count(mbox.String()[:strings.Index(mbox.String(), "Delivered-To")], "\n"))) {
		t.Errorf("mbox message 3 not unescaped or places wrong: %q", ms[2].Where)
	}
}
