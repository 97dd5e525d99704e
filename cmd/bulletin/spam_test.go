package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"bulletin/internal/testenv"
)

// relayed is msg as a relay on the Internet would hand it to the
// recipient's filter: its own Received line, stamped at the given time,
// from a public address (not loopback, which SpamAssassin trusts and
// scores down, nor a documentation range, which it scores up).
func relayed(msg []byte, at time.Time) []byte {
	rcvd := fmt.Sprintf("Received: from press.embassy.example (press.embassy.example [81.2.69.142])\r\n"+
		"\tby mx.paper.example (Postfix) with ESMTPS id 4F2B1C0A\r\n\tfor <a@paper.example>; %s\r\n", at.Format(time.RFC1123Z))
	return append([]byte(rcvd), msg...)
}

var saScore = regexp.MustCompile(`X-Spam-Status: \w+, score=(-?[0-9.]+) required=[0-9.]+ tests=([^\n]*(\n\t[^\n]*)*)`)

// spamassassin scores msg with the offline rules and returns the score and
// the rules that hit.
func spamassassin(t *testing.T, sa string, msg []byte) (float64, []string) {
	t.Helper()
	// Offline rules only, and no Bayes: its learning would write to HOME
	// and make the score depend on earlier runs.
	cmd := exec.Command(sa, "-L", "-t", "--cf=use_bayes 0", "--cf=bayes_auto_learn 0")
	cmd.Stdin = bytes.NewReader(msg)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("spamassassin: %v", err)
	}
	m := saScore.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no X-Spam-Status in spamassassin's output:\n%s", out[:min(len(out), 2000)])
	}
	var score float64
	fmt.Sscan(string(m[1]), &score)
	tests, _, _ := strings.Cut(string(m[2]), "autolearn=")
	tests, _, _ = strings.Cut(tests, " version=")
	rules := strings.FieldsFunc(tests, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	return score, rules
}

// TestMailSpamAssassin scores the June message as sent (with the time of
// sending in Date and a relay's Received line) with SpamAssassin's offline
// rules: below 1.0 and none of the DATE_IN_PAST, MISSING_* or *_NO_TEXT
// rules. As a control, the same message dated with the publication date
// (what was sent before) must hit DATE_IN_PAST, or the check proves nothing.
func TestMailSpamAssassin(t *testing.T) {
	sa := testenv.NeedTool(t, "spamassassin")
	mp := startMailpit(t)
	dir := mailProject(t, "  unsubscribe_url: https://embassy.example/unsubscribe\n")
	var out, errb bytes.Buffer
	t.Chdir(dir)
	code := run(context.Background(), []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure", "--to", "a@paper.example"},
		env{stdout: &out, stderr: &errb, getenv: func(k string) string {
			if k == "BULLETIN_UNSUBSCRIBE_SECRET" {
				return testSecret
			}
			return ""
		}, now: time.Now})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	msgs := mp.messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	raw := getBytes(t, mp.api+"/api/v1/message/"+msgs[0].ID+"/raw")
	// Mailpit's own Return-Path and Received (loopback) go; a relay's come.
	for bytes.HasPrefix(raw, []byte("Return-Path:")) || bytes.HasPrefix(raw, []byte("Received:")) {
		i := bytes.Index(raw, []byte("\r\n"))
		raw = raw[i+2:]
		for bytes.HasPrefix(raw, []byte("\t")) || bytes.HasPrefix(raw, []byte(" ")) {
			raw = raw[bytes.Index(raw, []byte("\r\n"))+2:]
		}
	}
	now := time.Now()
	score, rules := spamassassin(t, sa, relayed(raw, now))
	t.Logf("SpamAssassin on the sent June message: score=%.1f tests=%s", score, strings.Join(rules, ","))
	if score >= 1.0 {
		t.Errorf("score %.1f, want below 1.0", score)
	}
	for _, r := range rules {
		if strings.HasPrefix(r, "DATE_IN_PAST") || strings.HasPrefix(r, "MISSING_") || strings.HasSuffix(r, "_NO_TEXT") || r == "ALL_TRUSTED" {
			t.Errorf("rule %s hit", r)
		}
	}

	pubDated := regexp.MustCompile(`(?m)^Date: [^\r\n]*`).ReplaceAll(raw, []byte("Date: Mon, 06 Jul 2020 00:00:00 +0100"))
	score, rules = spamassassin(t, sa, relayed(pubDated, now))
	t.Logf("control, dated with the publication date: score=%.1f tests=%s", score, strings.Join(rules, ","))
	if !strings.Contains(strings.Join(rules, ","), "DATE_IN_PAST") {
		t.Errorf("the control did not hit DATE_IN_PAST: the check cannot tell")
	}
}
