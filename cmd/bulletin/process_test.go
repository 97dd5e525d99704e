package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	bmail "bulletin/pipeline/mail"
)

// runMainEnv makes the test binary run bulletin's main instead of the
// tests, so a test can start bulletin as a real process (and kill it)
// without building it separately.
const runMainEnv = "BULLETIN_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// mainCommand is bulletin with args, run in dir as its own process: the
// test binary itself, made to run main (TestMain).
func mainCommand(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	return cmd
}

// bulletinProcess starts bulletin in dir as its own process.
func bulletinProcess(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := mainCommand(context.Background(), dir, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

func listOf(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("r%03d@list.example", i))
	}
	return out
}

// perRecipient counts Mailpit's messages by recipient.
func perRecipient(t *testing.T, mp mailpit) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, s := range mp.messages(t) {
		for _, to := range s.To {
			got[strings.ToLower(to.Address)]++
		}
	}
	return got
}

// waitForMessages polls until at least n messages are in Mailpit.
func waitForMessages(t *testing.T, mp mailpit, n int, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if got := len(mp.messages(t)); got >= n {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("fewer than %d messages after %s", n, limit)
	return 0
}

// TestMailKillAndRerun kills a mailing to 200 recipients with SIGKILL three
// times in the middle, then runs it again: every recipient has exactly one
// copy, except at most the one a kill caught in flight, which the rerun
// reports as "may have been delivered" and which --resend-uncertain then
// serves.
func TestMailKillAndRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bulletin as a process and sends 200 messages; CI runs it")
	}
	mp := startMailpit(t)
	dir := mailProject(t, "")
	rcpts := listOf(200)
	write(t, filepath.Join(dir, "list.txt"), []byte(strings.Join(rcpts, "\n")+"\n"))
	args := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure", "--to-file", "list.txt"}

	// Three kills at different points, each while messages are flowing.
	logName := filepath.Join(dir, "out", "sent-2020-06.log")
	for _, at := range []int{40, 100, 160} {
		cmd, out := bulletinProcess(t, dir, args...)
		atKill := waitForMessages(t, mp, at, 2*time.Minute)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		st, err := bmail.ReadLog(logName)
		if err != nil {
			t.Fatalf("the send log after kill -9: %v", err)
		}
		t.Logf("kill -9 with %d messages in Mailpit (it had printed %d lines): the log holds %d delivered, %d uncertain",
			atKill, strings.Count(out.String(), "\n"), len(st.Sent), len(st.Uncertain))
	}
	st, _ := bmail.ReadLog(logName)
	var uncertain []string
	for rc := range st.Uncertain {
		uncertain = append(uncertain, rc)
	}
	sort.Strings(uncertain)
	r := runMailCLI(t, dir, nil, args...)
	t.Logf("rerun: %s", lastLines(r.stdout+r.stderr, 3))
	got := perRecipient(t, mp)
	for _, u := range uncertain {
		if !strings.Contains(r.stderr, u) || !strings.Contains(r.stderr, "may have been delivered") {
			t.Errorf("the rerun does not report %s: %s", u, r.stderr)
		}
	}
	if len(uncertain) > 3 {
		t.Fatalf("%d recipients uncertain after 3 kills, want at most one a kill: %v", len(uncertain), uncertain)
	}
	isUncertain := map[string]bool{}
	for _, u := range uncertain {
		isUncertain[u] = true
	}
	twice, missing := 0, 0
	for _, rc := range rcpts {
		switch {
		case got[rc] > 1:
			twice++
		case got[rc] == 0 && !isUncertain[rc]:
			missing++
		}
	}
	t.Logf("after kill and rerun: %d recipients, %d with one copy, %d with two, %d missing, %d reported uncertain %v",
		len(rcpts), len(got)-twice, twice, missing, len(uncertain), uncertain)
	if twice > 0 || missing > 0 {
		t.Fatalf("%d recipients got two copies, %d none", twice, missing)
	}
	if len(uncertain) > 0 {
		if r.code != exitSources {
			t.Errorf("rerun with an uncertain recipient: exit %d, want 1", r.code)
		}
		r = runMailCLI(t, dir, nil, append(args, "--resend-uncertain")...)
		if r.code != 0 {
			t.Fatalf("--resend-uncertain: exit %d: %s", r.code, r.stderr)
		}
		after := perRecipient(t, mp)
		for _, u := range uncertain {
			if n := after[u]; n < 1 || n > 2 {
				t.Fatalf("%s has %d copies after --resend-uncertain", u, n)
			}
		}
	} else if r.code != 0 {
		t.Fatalf("rerun: exit %d", r.code)
	}
}

// TestMailTwoRunsAtOnce: a second `bulletin mail --smtp` for the same month
// while the first is sending stops with a clear message and sends nothing
// (issue 16, #4: 35 of 50 got two copies).
func TestMailTwoRunsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bulletin as a process; CI runs it")
	}
	mp := startMailpit(t)
	dir := mailProject(t, "  rate_per_minute: 1200\n") // 50 ms apart: the first run lasts 2.5 s
	rcpts := listOf(50)
	args := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure", "--to", strings.Join(rcpts, ",")}
	first, out := bulletinProcess(t, dir, args...)
	waitForMessages(t, mp, 2, 2*time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	second := mainCommand(ctx, dir, args...)
	sout, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(sout), "another bulletin") {
		t.Fatalf("second run: %v\n%s", err, sout)
	}
	t.Logf("second run: %s", lastLines(string(sout), 1))
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	got := perRecipient(t, mp)
	for _, rc := range rcpts {
		if got[rc] != 1 {
			t.Errorf("%s got %d copies", rc, got[rc])
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
