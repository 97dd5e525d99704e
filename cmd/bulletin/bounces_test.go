package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBounces reads Postfix, Exim and Gmail-style reports and garbage:
// hard bounces are suppressed with their status and diagnostic, a soft
// bounce is counted (the same report read twice counts once) and the third
// suppresses, a non-report is listed and left alone, a truncated report is
// an error naming the file.
func TestBounces(t *testing.T) {
	testdata := filepath.Join(repoRoot(t), "pipeline", "mail", "bounce", "testdata")
	dir := mailProject(t, "")
	in := func(name string) string { return filepath.Join(testdata, name) }
	soft := read(t, in("postfix-soft.eml"))
	for i := 2; i <= 3; i++ {
		write(t, filepath.Join(dir, "soft"+string(rune('0'+i))+".eml"), []byte(strings.Replace(string(soft), "<20200713091240.1111@", "<20200713091240.111"+string(rune('0'+i))+"@", 1)))
	}

	r := runMailCLI(t, dir, nil, "bounces", in("postfix-hard.eml"), in("gmail.eml"), in("exim-plain.eml"), in("postfix-soft.eml"), in("not-a-report.eml"))
	t.Logf("bulletin bounces printed:\n%s%s", r.stdout, r.stderr)
	if r.code != 0 || !strings.Contains(r.stdout, "5 messages: 3 hard bounces, 1 soft, 1 not delivery reports, 0 unreadable; 3 addresses newly suppressed") ||
		!strings.Contains(r.stdout, "busy@paper.example\t4.2.2") || !strings.Contains(r.stdout, "(1 of 3 before suppressing)") ||
		!strings.Contains(r.stdout, "not a delivery report, left alone: "+in("not-a-report.eml")) {
		t.Fatalf("exit %d", r.code)
	}
	list := string(read(t, filepath.Join(dir, "suppressed.txt")))
	for _, want := range []string{"old.editor@paper.example\t2026-01-02\tbounce 5.1.1: 550 5.1.1", "nobody.here@gmail.example\t2026-01-02\tbounce 5.1.1",
		"attache@mission.example\t2026-01-02\tbounce 5.2.1"} {
		if !strings.Contains(list, want) {
			t.Errorf("suppressed.txt lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "busy@") {
		t.Error("one soft bounce suppressed the address")
	}

	// The same soft report again counts once; two more reports make three.
	r = runMailCLI(t, dir, nil, "bounces", in("postfix-soft.eml"))
	if r.code != 0 || !strings.Contains(r.stdout, "(1 of 3") {
		t.Fatalf("same report again: exit %d\n%s", r.code, r.stdout)
	}
	r = runMailCLI(t, dir, nil, "bounces", filepath.Join(dir, "soft2.eml"), filepath.Join(dir, "soft3.eml"))
	if r.code != 0 || !strings.Contains(r.stdout, "(3 of 3") || !strings.Contains(r.stdout, "suppressed busy@paper.example") {
		t.Fatalf("third soft bounce: exit %d\n%s", r.code, r.stdout)
	}

	// Garbage: a truncated report is named and changes nothing; a path
	// that does not exist is an error.
	before := read(t, filepath.Join(dir, "suppressed.txt"))
	r = runMailCLI(t, dir, nil, "bounces", in("truncated.eml"))
	if r.code != exitSources || !strings.Contains(r.stderr, "truncated.eml") || !strings.Contains(r.stderr, "truncated") {
		t.Fatalf("truncated: exit %d, %s", r.code, r.stderr)
	}
	if r := runMailCLI(t, dir, nil, "bounces", filepath.Join(dir, "absent.mbox")); r.code != exitSources || !strings.Contains(r.stderr, "absent.mbox") {
		t.Fatalf("absent: exit %d, %s", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "suppressed.txt")); string(after) != string(before) {
		t.Fatal("garbage changed the suppression list")
	}
}
