package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bulletin/pipeline/mail/unsubscribe"
)

const testSecret = "test-secret-0123456789abcdef"

// TestMailListRules: a mailing to a list carries List-Id, List-Unsubscribe
// (mailto and the recipient's own one-click link) and a footer; a token
// from a link unsubscribes its address; a recipient refused with 550 is
// reported while the others are served, and suppressed; the next mailing
// skips the suppressed addresses, saying why.
func TestMailListRules(t *testing.T) {
	mp := startMailpit(t, "--smtp-allowed-recipients", `@(paper|mp|mission)\.example$`)
	dir := mailProject(t, "  unsubscribe_url: https://embassy.example/unsubscribe?list=press\n  list_id: press.embassy.example\n")
	rcpts := append(append([]string{}, subscribers...), "gone@refused.example")
	args := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure", "--to", strings.Join(rcpts, ",")}

	r := runMailCLI(t, dir, nil, "mail", "--month", "2020-06", "--date", "2020-07-06", "--eml", "x.eml")
	if r.code != exitUsage || !strings.Contains(r.stderr, unsubscribe.SecretEnv) {
		t.Fatalf("without the secret: exit %d, %s", r.code, r.stderr)
	}

	environ := map[string]string{unsubscribe.SecretEnv: testSecret}
	r = runMailCLI(t, dir, environ, args...)
	t.Logf("bulletin mail printed:\n%s%s", r.stdout, r.stderr)
	if r.code != exitSources || !strings.Contains(r.stdout, "5 sent, 0 skipped, 0 suppressed, 1 refused") ||
		!strings.Contains(r.stderr, "gone@refused.example: RCPT TO refused with 550") ||
		!strings.Contains(r.stderr, "added to the suppression list: gone@refused.example") {
		t.Fatalf("exit %d", r.code)
	}
	tokens := map[string]string{}
	for _, s := range mp.messages(t) {
		var m mpMessage
		getJSON(t, mp.api+"/api/v1/message/"+s.ID, &m)
		var headers map[string][]string
		getJSON(t, mp.api+"/api/v1/message/"+s.ID+"/headers", &headers)
		to := m.To[0].Address
		lu := strings.Join(headers["List-Unsubscribe"], "")
		if got := strings.Join(headers["List-Id"], ""); got != "Press Bulletin <press.embassy.example>" {
			t.Errorf("%s: List-Id %q", to, got)
		}
		if got := strings.Join(headers["List-Unsubscribe-Post"], ""); got != "List-Unsubscribe=One-Click" {
			t.Errorf("%s: List-Unsubscribe-Post %q", to, got)
		}
		parts := strings.Split(lu, ", ")
		if len(parts) != 2 || parts[0] != "<mailto:press@embassy.example?subject=unsubscribe>" || !strings.HasPrefix(parts[1], "<https://embassy.example/unsubscribe?") {
			t.Errorf("%s: List-Unsubscribe %q", to, lu)
			continue
		}
		link := strings.Trim(parts[1], "<>")
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		if u.Query().Get("list") != "press" {
			t.Errorf("%s: the configured query was lost: %s", to, link)
		}
		tok := u.Query().Get("token")
		if addr, err := unsubscribe.Verify(testSecret, tok); err != nil || addr != to {
			t.Errorf("%s: token verifies to %q, %v", to, addr, err)
		}
		tokens[to] = tok
		if !strings.Contains(m.Text, "To stop receiving this bulletin, open: "+link) {
			t.Errorf("%s: text footer lacks the link:\n%s", to, m.Text)
		}
		var full struct{ HTML string }
		getJSON(t, mp.api+"/api/v1/message/"+s.ID, &full)
		if !strings.Contains(full.HTML, `<a href="`+strings.ReplaceAll(link, "&", "&amp;")+`">`) {
			t.Errorf("%s: HTML footer lacks the link", to)
		}
	}
	if len(tokens) != 5 {
		t.Fatalf("%d distinct recipients with a token", len(tokens))
	}

	// Unsubscribe one by its link's token, one by hand, and one with a
	// forged token.
	if r := runMailCLI(t, dir, environ, "unsubscribe", "--token", tokens["a@paper.example"]); r.code != 0 || !strings.Contains(r.stdout, "suppressed a@paper.example") {
		t.Fatalf("unsubscribe --token: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	forged := tokens["b@paper.example"][:strings.Index(tokens["b@paper.example"], ".")] + "." + tokens["c@mp.example"][strings.Index(tokens["c@mp.example"], ".")+1:]
	if r := runMailCLI(t, dir, environ, "unsubscribe", "--token", forged); r.code != exitSources || !strings.Contains(r.stderr, "does not verify") {
		t.Fatalf("forged token: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	if r := runMailCLI(t, dir, nil, "unsubscribe", "--token", tokens["b@paper.example"]); r.code != exitUsage {
		t.Fatalf("--token without the secret: exit %d", r.code)
	}
	if r := runMailCLI(t, dir, nil, "unsubscribe", "--reason", "asked by phone", " d@MISSION.example "); r.code != 0 || !strings.Contains(r.stdout, "suppressed d@mission.example (asked by phone)") {
		t.Fatalf("unsubscribe ADDR: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	if r := runMailCLI(t, dir, nil, "unsubscribe", "d@mission.EXAMPLE"); r.code != 0 || !strings.Contains(r.stdout, "already suppressed") {
		t.Fatalf("again: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	list := string(read(t, filepath.Join(dir, "suppressed.txt")))
	for _, want := range []string{"gone@refused.example\t2026-01-02\trefused 550 at RCPT TO", "a@paper.example\t2026-01-02\tunsubscribed by link", "d@mission.example\t2026-01-02\tasked by phone"} {
		if !strings.Contains(list, want) {
			t.Errorf("suppressed.txt lacks %q:\n%s", want, list)
		}
	}

	// Next month's mailing (a fresh log) skips them and says why.
	if err := os.Remove(filepath.Join(dir, "out", "sent-2020-06.log")); err != nil {
		t.Fatal(err)
	}
	r = runMailCLI(t, dir, environ, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "3 sent, 0 skipped, 3 suppressed, 0 refused") ||
		!strings.Contains(r.stdout, "skipped  a@paper.example: on the suppression list since 2026-01-02 (unsubscribed by link)") {
		t.Fatalf("with the suppression list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestMailWarnsWithoutOneClick: more than a handful of recipients and no
// unsubscribe link gives a warning (the mailto form is still there).
func TestMailWarnsWithoutOneClick(t *testing.T) {
	mp := startMailpit(t)
	dir := mailProject(t, "")
	many := append(append([]string{}, subscribers...), "f@paper.example")
	r := runMailCLI(t, dir, nil, "mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure", "--to", strings.Join(many, ","))
	if r.code != 0 || !strings.Contains(r.stderr, "warning: 6 recipients and no one-click unsubscribe link") {
		t.Fatalf("exit %d, %s", r.code, r.stderr)
	}
}
