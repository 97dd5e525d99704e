package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bulletin/pipeline/render/manifest"
)

// The mail tests build the example project, write .eml files, and send
// through a real SMTP server on loopback: Mailpit, checked through its API.

const mailpitVersion = "v1.33.1"

// mailProject is the repository's example project with a sender and a
// rate high enough for tests.
func mailProject(t *testing.T, extraMail string) string {
	t.Helper()
	root := repoRoot(t)
	srcs := map[string][]byte{}
	entries, err := os.ReadDir(filepath.Join(root, "sources"))
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if !en.IsDir() && !strings.HasPrefix(en.Name(), ".") {
			srcs[en.Name()] = read(t, filepath.Join(root, "sources", en.Name()))
		}
	}
	dir := project(t, srcs)
	cfg := read(t, filepath.Join(dir, "bulletin.yaml"))
	rate := "  rate_per_minute: 60000\n"
	if strings.Contains(extraMail, "rate_per_minute") {
		rate = ""
	}
	cfg = append(cfg, []byte("\nmail:\n  from: Press Office <press@embassy.example>\n"+rate+extraMail)...)
	write(t, filepath.Join(dir, "bulletin.yaml"), cfg)
	return dir
}

type mailRun struct {
	code           int
	stdout, stderr string
}

// runMailCLI runs bulletin in dir with the given environment and a fixed
// clock (the send log's times).
func runMailCLI(t *testing.T, dir string, environ map[string]string, args ...string) mailRun {
	t.Helper()
	var out, errb bytes.Buffer
	t.Chdir(dir)
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb,
		getenv: func(k string) string { return environ[k] },
		now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	return mailRun{code, out.String(), errb.String()}
}

func TestMailEML(t *testing.T) {
	dir := mailProject(t, "")
	args := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--to", "editor@paper.example"}
	r1 := runMailCLI(t, dir, nil, append(args, "--eml", "a.eml")...)
	r2 := runMailCLI(t, dir, nil, append(args, "--eml", "b.eml")...)
	r3 := runMailCLI(t, dir, nil, append(args, "--eml", "c.eml", "--epub")...)
	for _, r := range []mailRun{r1, r2, r3} {
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	a, b, c := read(t, filepath.Join(dir, "a.eml")), read(t, filepath.Join(dir, "b.eml")), read(t, filepath.Join(dir, "c.eml"))
	if !bytes.Equal(a, b) {
		t.Fatal("the same inputs and --date gave different .eml files")
	}
	t.Logf("2020-06 message: %d bytes; with --epub: %d bytes", len(a), len(c))

	man := readManifest(t, filepath.Join(dir, "out", "manifest.json"))
	hdr, atts := parseMessage(t, c)
	if got := hdr.Get("Date"); got != "Mon, 06 Jul 2020 00:00:00 +0100" {
		t.Errorf("Date = %q, want the publication instant", got)
	}
	if got := hdr.Get("X-Unsent"); got != "1" {
		t.Errorf("X-Unsent = %q, want 1 (Outlook opens it ready to send)", got)
	}
	if got := hdr.Get("To"); got != "<editor@paper.example>" {
		t.Errorf("To = %q", got)
	}
	want := map[string]string{"bulletin-2020-06.pdf": "application/pdf", "bulletin-2020-06.epub": "application/epub+zip"}
	if len(atts) != 2 {
		t.Fatalf("%d attachments, want 2", len(atts))
	}
	for _, at := range atts {
		if want[at.name] != at.mediaType {
			t.Errorf("attachment %q has media type %q", at.name, at.mediaType)
		}
		for _, ch := range at.name {
			if ch > 127 {
				t.Errorf("attachment name %q is not ASCII", at.name)
			}
		}
		if got, wantSum := sha(at.data), man[at.name].SHA256; got != wantSum {
			t.Errorf("%s: SHA-256 %s, manifest says %s", at.name, got, wantSum)
		}
	}
	if strings.Contains(string(a), "go-mail") {
		t.Error("the message names go-mail's version: bytes would change with the library")
	}
}

func TestMailBudget(t *testing.T) {
	// Measure the messages first, so the budget sits between the PDF alone
	// and the PDF with the EPUB whatever the renderers make.
	probe, dir, small := mailProject(t, ""), mailProject(t, ""), mailProject(t, "")
	base := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--eml", "m.eml"}
	sizeOf := func(extra ...string) int {
		r := runMailCLI(t, probe, nil, append(base, extra...)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		return len(read(t, filepath.Join(probe, "m.eml")))
	}
	pdfOnly, withEPUB := sizeOf(), sizeOf("--epub")
	if withEPUB <= pdfOnly {
		t.Fatalf("with the EPUB %d bytes, without %d", withEPUB, pdfOnly)
	}
	setBudget := func(dir string, bytes int) {
		cfg := read(t, filepath.Join(dir, "bulletin.yaml"))
		write(t, filepath.Join(dir, "bulletin.yaml"), append(cfg, fmt.Sprintf("  budget_mb: %.6f\n", float64(bytes)/1e6)...))
	}
	setBudget(dir, pdfOnly+(withEPUB-pdfOnly)/2)
	setBudget(small, pdfOnly/2)

	r := runMailCLI(t, dir, nil, append(base, "--epub")...)
	if r.code != exitSources || !strings.Contains(r.stderr, "over the mail budget") || !strings.Contains(r.stderr, "drop --epub") ||
		!strings.Contains(r.stderr, "--force") {
		t.Fatalf("over budget with --epub: exit %d, %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "m.eml")); err == nil {
		t.Fatal("a refused message was written")
	}
	if r := runMailCLI(t, dir, nil, base...); r.code != 0 {
		t.Fatalf("the PDF alone fits: exit %d, %s", r.code, r.stderr)
	}
	if r := runMailCLI(t, dir, nil, append(base, "--epub", "--force")...); r.code != 0 || !strings.Contains(r.stderr, "warning") {
		t.Fatalf("--force: exit %d, %s", r.code, r.stderr)
	}
	r = runMailCLI(t, small, nil, base...)
	if r.code != exitSources || !strings.Contains(r.stderr, "link") {
		t.Fatalf("PDF over budget: exit %d, %s", r.code, r.stderr)
	}
}

func TestMailUsage(t *testing.T) {
	dir := mailProject(t, "")
	write(t, filepath.Join(dir, "list.txt"), []byte("# subscribers\na@example.org\n\nnot an address\n"))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"mail", "--eml", "x.eml"}, "--month"},
		{[]string{"mail", "--month", "2020-06"}, "--eml FILE"},
		{[]string{"mail", "--month", "2020-06", "--eml", "x", "--smtp", "127.0.0.1:25"}, "exclude"},
		{[]string{"mail", "--month", "2020-06", "--to", "a@example.org", "--smtp", "smtp.example.org:25", "--insecure"}, "only to a server on this machine"},
		{[]string{"mail", "--month", "2020-06", "--to", "a@example.org", "--smtp", "192.0.2.1:25", "--insecure"}, "only to a server on this machine"},
		{[]string{"mail", "--month", "2020-06", "--to-file", "list.txt", "--eml", "x.eml"}, "list.txt:4"},
		{[]string{"mail", "--month", "2020-13", "--eml", "x.eml"}, "YYYY-MM"},
		{[]string{"mail", "--month", "2020-06", "--eml", "x.eml", "--subject", "{title} {perod}"}, "{perod}"},
		{[]string{"mail", "--month", "2019-01", "--date", "2020-07-06", "--eml", "x.eml"}, "2020-05, 2020-06"},
		{[]string{"mail", "--month", "2020-06", "--eml", "out/manifest.json"}, "is in the output folder"},
		{[]string{"mail", "--month", "2020-06", "--eml", "./out/../out/june.eml"}, "is in the output folder"},
	} {
		r := runMailCLI(t, dir, nil, tt.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// With monthly EPUBs turned off, --epub says how to turn them on, and a
// build makes no month EPUB at all.
func TestMailEPUBMonthlyOff(t *testing.T) {
	dir := mailProject(t, "")
	cfg := read(t, filepath.Join(dir, "bulletin.yaml"))
	write(t, filepath.Join(dir, "bulletin.yaml"), append(cfg, []byte("epub:\n  monthly: false\n")...))
	r := runMailCLI(t, dir, nil, "mail", "--month", "2020-06", "--date", "2020-07-06", "--eml", "x.eml", "--epub")
	if r.code != exitSources || !strings.Contains(r.stderr, "monthly: false") {
		t.Fatalf("--epub with monthly EPUBs off: exit %d, %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.eml")); !os.IsNotExist(err) {
		t.Errorf("a message was written: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "bulletin-2020-06.epub")); !os.IsNotExist(err) {
		t.Errorf("a month EPUB was made with epub.monthly false: %v", err)
	}
	if r := runMailCLI(t, dir, nil, "mail", "--month", "2020-06", "--date", "2020-07-06", "--eml", "x.eml"); r.code != 0 {
		t.Errorf("the PDF alone: exit %d, %s", r.code, r.stderr)
	}
}

// ---- Mailpit ----

// mailpitBin finds Mailpit: $MAILPIT, then mailpit on PATH, then a copy
// cached by an earlier run, else it is built with `go install`. Without it
// the SMTP tests skip loudly, or fail under CI=true.
func mailpitBin(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MAILPIT"); p != "" {
		return p
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	gobin := filepath.Join(cache, "bulletin-test", "mailpit-"+mailpitVersion)
	bin := filepath.Join(gobin, "mailpit")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	mailpitOnce.Do(func() {
		t.Logf("building Mailpit %s with go install (once; cached in %s)", mailpitVersion, gobin)
		cmd := exec.Command("go", "install", "github.com/axllent/mailpit@"+mailpitVersion)
		cmd.Dir = os.TempDir() // outside this module
		cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			mailpitErr = fmt.Errorf("go install github.com/axllent/mailpit@%s: %v\n%s", mailpitVersion, err, out)
		}
	})
	if mailpitErr == nil {
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("Mailpit %s is not available: %v; CI must install it (set MAILPIT or put mailpit on PATH)", mailpitVersion, mailpitErr)
	}
	t.Skipf("SKIPPED: Mailpit %s is not available (%v); install it with `go install github.com/axllent/mailpit@%s` or set MAILPIT", mailpitVersion, mailpitErr, mailpitVersion)
	return ""
}

var (
	mailpitOnce sync.Once
	mailpitErr  error
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type mailpit struct {
	smtp, api string
}

// startMailpit runs Mailpit on two free loopback ports until the test ends.
func startMailpit(t *testing.T, extra ...string) mailpit {
	t.Helper()
	bin := mailpitBin(t)
	for attempt := 0; attempt < 3; attempt++ {
		mp := mailpit{smtp: fmt.Sprintf("127.0.0.1:%d", freePort(t)), api: fmt.Sprintf("http://127.0.0.1:%d", freePort(t))}
		args := append([]string{"--smtp", mp.smtp, "--listen", strings.TrimPrefix(mp.api, "http://"),
			"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--smtp-disable-rdns"}, extra...)
		cmd := exec.Command(bin, args...)
		var logb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logb, &logb
		if err := cmd.Start(); err != nil {
			t.Fatalf("start mailpit: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-exited:
				deadline = time.Time{}
				continue
			default:
			}
			if resp, err := http.Get(mp.api + "/api/v1/messages"); err == nil {
				resp.Body.Close()
				if c, err := net.Dial("tcp", mp.smtp); err == nil {
					c.Close()
					t.Cleanup(func() { cmd.Process.Kill(); <-exited })
					return mp
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		cmd.Process.Kill()
		<-exited
		t.Logf("mailpit did not start (attempt %d): %s", attempt+1, logb.String())
	}
	t.Fatal("mailpit did not start")
	return mailpit{}
}

type mpAddr struct {
	Name, Address string
}

type mpSummary struct {
	ID        string
	MessageID string
	To        []mpAddr
	Subject   string
}

type mpMessage struct {
	ID          string
	MessageID   string
	From        mpAddr
	To          []mpAddr
	Cc          []mpAddr
	Bcc         []mpAddr
	Subject     string
	Text        string
	Attachments []struct {
		PartID, FileName, ContentType string
		Size                          int
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func getBytes(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return b
}

func (mp mailpit) messages(t *testing.T) []mpSummary {
	t.Helper()
	var list struct {
		Total    int
		Messages []mpSummary
	}
	getJSON(t, mp.api+"/api/v1/messages?limit=1000", &list)
	return list.Messages
}

// checkDelivered checks that each recipient got exactly one message, to
// them alone, with the right subject, headers and attachment bytes.
func checkDelivered(t *testing.T, mp mailpit, rcpts []string, man map[string]manifest.File) {
	t.Helper()
	msgs := mp.messages(t)
	if len(msgs) != len(rcpts) {
		t.Errorf("Mailpit holds %d messages, want %d (one per recipient)", len(msgs), len(rcpts))
	}
	per := map[string]int{}
	ids := map[string]bool{}
	for _, s := range msgs {
		var m mpMessage
		getJSON(t, mp.api+"/api/v1/message/"+s.ID, &m)
		if len(m.To) != 1 || len(m.Cc) != 0 {
			t.Errorf("message %s is addressed to %v %v: want only its recipient", s.ID, m.To, m.Cc)
			continue
		}
		per[strings.ToLower(m.To[0].Address)]++
		ids[m.MessageID] = true
		if m.Subject != "Press Bulletin — June 2020" {
			t.Errorf("subject %q", m.Subject)
		}
		if m.From.Address != "press@embassy.example" {
			t.Errorf("from %v", m.From)
		}
		if !strings.Contains(m.Text, "855 days have passed") || !strings.Contains(m.Text, "Statements (1)") {
			t.Errorf("text body lacks the counters or the list: %q", m.Text)
		}
		var headers map[string][]string
		getJSON(t, mp.api+"/api/v1/message/"+s.ID+"/headers", &headers)
		// Sent mail carries the time of sending (the test's clock), not
		// the publication date.
		if got := strings.Join(headers["Date"], ""); got != "Fri, 02 Jan 2026 03:04:05 +0000" {
			t.Errorf("Date header %q, want the time of sending", got)
		}
		if got := strings.Join(headers["List-Id"], ""); got != "Press Bulletin <bulletin.embassy.example>" {
			t.Errorf("List-Id %q", got)
		}
		if got := strings.Join(headers["List-Unsubscribe"], ""); !strings.Contains(got, "<mailto:press@embassy.example?subject=unsubscribe>") {
			t.Errorf("List-Unsubscribe %q, want the mailto form", got)
		}
		if !strings.Contains(m.Text, "To stop receiving this bulletin") {
			t.Errorf("text body has no unsubscribe footer: %q", m.Text)
		}
		if len(headers["X-Unsent"]) != 0 {
			t.Error("a sent message carries X-Unsent")
		}
		if len(m.Attachments) != 1 || m.Attachments[0].FileName != "bulletin-2020-06.pdf" || m.Attachments[0].ContentType != "application/pdf" {
			t.Errorf("attachments %+v", m.Attachments)
			continue
		}
		data := getBytes(t, mp.api+"/api/v1/message/"+s.ID+"/part/"+m.Attachments[0].PartID)
		if got := sha(data); got != man["bulletin-2020-06.pdf"].SHA256 {
			t.Errorf("attachment SHA-256 %s, manifest %s", got, man["bulletin-2020-06.pdf"].SHA256)
		}
	}
	for _, r := range rcpts {
		if per[r] != 1 {
			t.Errorf("%s got %d messages, want exactly 1", r, per[r])
		}
	}
	if len(ids) != len(msgs) {
		t.Errorf("%d distinct Message-IDs for %d messages", len(ids), len(msgs))
	}
}

var subscribers = []string{"a@paper.example", "b@paper.example", "c@mp.example", "d@mission.example", "e@mission.example"}

func TestMailSMTP(t *testing.T) {
	mp := startMailpit(t)
	dir := mailProject(t, "")
	args := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure",
		"--to", strings.Join(subscribers, ",")}
	r := runMailCLI(t, dir, nil, args...)
	t.Logf("bulletin mail printed:\n%s%s", r.stdout, r.stderr)
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	man := readManifest(t, filepath.Join(dir, "out", "manifest.json"))
	checkDelivered(t, mp, subscribers, man)
	logText := string(read(t, filepath.Join(dir, "out", "sent-2020-06.log")))
	if n, m := strings.Count(logText, "\tintent\t"), strings.Count(logText, "\tsent\t"); n != len(subscribers) || m != len(subscribers) {
		t.Errorf("send log has %d intents and %d deliveries, want %d of each:\n%s", n, m, len(subscribers), logText)
	}

	// Again: everyone is in the log, nothing is sent.
	r = runMailCLI(t, dir, nil, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "0 sent, 5 skipped") {
		t.Fatalf("second run: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	checkDelivered(t, mp, subscribers, man)
}

// cutProxy forwards connections to target and cuts the connection in the
// middle of the (after+1)th message: the server never sees its end, so it
// is not delivered. It then refuses further connections until healed.
type cutProxy struct {
	l     net.Listener
	after int
	mu    sync.Mutex
	ends  int
	cut   bool
}

func startCutProxy(t *testing.T, target string, after int) *cutProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{l: l, after: after}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			cut := p.cut
			p.mu.Unlock()
			if cut {
				c.Close()
				continue
			}
			go p.serve(c, target)
		}
	}()
	return p
}

func (p *cutProxy) serve(c net.Conn, target string) {
	s, err := net.Dial("tcp", target)
	if err != nil {
		c.Close()
		return
	}
	go func() { io.Copy(c, s); c.Close() }()
	defer s.Close()
	defer c.Close()
	// Watch the client's stream for the end of DATA, CRLF.CRLF.
	end := []byte("\r\n.\r\n")
	state := 0
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		for i := 0; i < n; i++ {
			if buf[i] == end[state] {
				state++
			} else if buf[i] == end[0] {
				state = 1
			} else {
				state = 0
			}
			if state == 3 { // at the dot of the end marker
				p.mu.Lock()
				if p.ends == p.after {
					p.cut = true
					p.mu.Unlock()
					s.Write(buf[:i-0]) // everything before the dot
					return
				}
				p.mu.Unlock()
			}
			if state == len(end) {
				p.mu.Lock()
				p.ends++
				p.mu.Unlock()
				state = 0
			}
		}
		if n > 0 {
			if _, werr := s.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func TestMailResumeAfterDrop(t *testing.T) {
	mp := startMailpit(t)
	dir := mailProject(t, "")
	proxy := startCutProxy(t, mp.smtp, 2)
	base := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--insecure", "--to", strings.Join(subscribers, ",")}

	r := runMailCLI(t, dir, nil, append(base, "--smtp", proxy.l.Addr().String())...)
	t.Logf("interrupted run printed:\n%s%s", r.stdout, r.stderr)
	if r.code != exitSources || !strings.Contains(r.stderr, "run the same command again") {
		t.Fatalf("cut connection: exit %d, want 1 and advice to run again", r.code)
	}
	if got := len(mp.messages(t)); got != 2 {
		t.Fatalf("Mailpit holds %d messages after the cut, want 2", got)
	}

	// The third message's last byte went out before the cut: the client
	// cannot know whether it was delivered, so it is reported, not resent.
	r = runMailCLI(t, dir, nil, append(base, "--smtp", mp.smtp)...)
	t.Logf("resumed run printed:\n%s%s", r.stdout, r.stderr)
	if r.code != exitSources || !strings.Contains(r.stdout, "2 sent, 2 skipped, 0 suppressed, 0 refused, 1 may have been delivered") ||
		!strings.Contains(r.stderr, "c@mp.example") || !strings.Contains(r.stderr, "--resend-uncertain") {
		t.Fatalf("resume: exit %d", r.code)
	}
	r = runMailCLI(t, dir, nil, append(base, "--smtp", mp.smtp, "--resend-uncertain")...)
	if r.code != 0 || !strings.Contains(r.stdout, "1 sent, 4 skipped") {
		t.Fatalf("--resend-uncertain: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	checkDelivered(t, mp, subscribers, readManifest(t, filepath.Join(dir, "out", "manifest.json")))
}

func TestMailCredentialsNeverShown(t *testing.T) {
	auth := filepath.Join(t.TempDir(), "auth")
	write(t, auth, []byte("press-user:right-password\n"))
	mp := startMailpit(t, "--smtp-auth-file", auth, "--smtp-auth-allow-insecure")
	dir := mailProject(t, "")
	args := []string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure", "--to", "a@paper.example"}

	secret := map[string]string{"BULLETIN_SMTP_USER": "press-user", "BULLETIN_SMTP_PASSWORD": "Wrong-Pa55word-xyz"}
	r := runMailCLI(t, dir, secret, args...)
	if r.code == 0 {
		t.Fatal("a wrong password was accepted")
	}
	all := r.stdout + r.stderr + string(readIfExists(filepath.Join(dir, "out", "sent-2020-06.log")))
	for _, s := range secret {
		if strings.Contains(all, s) {
			t.Fatalf("output shows a credential %q:\n%s", s, all)
		}
	}
	t.Logf("wrong password: %s", strings.TrimSpace(r.stderr))

	secret["BULLETIN_SMTP_PASSWORD"] = "right-password"
	r = runMailCLI(t, dir, secret, args...)
	if r.code != 0 {
		t.Fatalf("right password: exit %d: %s", r.code, r.stderr)
	}
	if all := r.stdout + r.stderr + string(read(t, filepath.Join(dir, "out", "sent-2020-06.log"))); strings.Contains(all, "right-password") || strings.Contains(all, "press-user") {
		t.Fatalf("output shows a credential:\n%s", all)
	}
	if len(mp.messages(t)) != 1 {
		t.Fatal("the authenticated message did not arrive")
	}
}

// ---- helpers ----

func readIfExists(name string) []byte {
	b, _ := os.ReadFile(name)
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readManifest(t *testing.T, name string) map[string]manifest.File {
	t.Helper()
	var m manifest.Manifest
	if err := json.Unmarshal(read(t, name), &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]manifest.File{}
	for _, f := range m.Files {
		out[f.Path] = f
	}
	return out
}

type attached struct {
	name, mediaType string
	data            []byte
}

// parseMessage reads a message with the standard library, independently of
// go-mail, and decodes its attachments.
func parseMessage(t *testing.T, raw []byte) (mail.Header, []attached) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var out []attached
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() == "" {
			continue
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		data, err := io.ReadAll(p) // multipart decodes quoted-printable only
		if err != nil {
			t.Fatal(err)
		}
		dec, err := decodeBase64(data)
		if err != nil {
			t.Fatalf("%s: %v", p.FileName(), err)
		}
		out = append(out, attached{p.FileName(), ct, dec})
	}
	return msg.Header, out
}

func decodeBase64(b []byte) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
}
