package mail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// scripted is a small SMTP server on loopback that answers each recipient
// as its table says: the replies Mailpit cannot be told to give (a 4xx for
// one recipient, a 5xx after DATA, a 535 that echoes the AUTH token). The
// client on the other side is the real one (go-mail).
type scripted struct {
	addr string
	// rcpt and data map a recipient to the reply to RCPT TO and to the end
	// of DATA; absent means 250.
	rcpt, data map[string]string
	auth       string // reply to AUTH; "" for none offered
	mu         sync.Mutex
	delivered  []string
}

func startScripted(t *testing.T, s *scripted) *scripted {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s.addr = l.Addr().String()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *scripted) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { fmt.Fprintf(c, "%s\r\n", line) }
	say("220 scripted ESMTP")
	var rcpt string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		up := strings.ToUpper(cmd)
		switch {
		case strings.HasPrefix(up, "EHLO"):
			if s.auth != "" {
				say("250-scripted")
				say("250 AUTH PLAIN")
			} else {
				say("250 scripted")
			}
		case strings.HasPrefix(up, "AUTH"):
			reply := strings.ReplaceAll(s.auth, "{token}", strings.TrimPrefix(cmd, "AUTH PLAIN "))
			say(reply)
			if strings.HasPrefix(reply, "5") {
				return
			}
		case strings.HasPrefix(up, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(up, "RCPT TO:"):
			rcpt = strings.Trim(cmd[len("RCPT TO:"):], "<> ")
			if rep, ok := s.rcpt[rcpt]; ok {
				say(rep)
				if strings.HasPrefix(rep, "421") {
					return
				}
				continue
			}
			say("250 ok")
		case up == "DATA":
			say("354 go on")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			if rep, ok := s.data[rcpt]; ok {
				say(rep)
				continue
			}
			s.mu.Lock()
			s.delivered = append(s.delivered, rcpt)
			s.mu.Unlock()
			say("250 queued")
		case up == "RSET", up == "NOOP":
			say("250 ok")
		case up == "QUIT":
			say("221 bye")
			return
		default:
			say("502 unknown")
		}
	}
}

func testMailing(t *testing.T, rcpts ...string) Mailing {
	return Mailing{Month: "2020-06", From: "press@embassy.example", Recipients: rcpts,
		Log: filepath.Join(t.TempDir(), "sent-2020-06.log"), RatePerMin: 1e6,
		Now:      func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Progress: io.Discard,
		Message: func(rcpt string, sent time.Time) ([]byte, error) {
			c := sample()
			c.To, c.Sent = rcpt, sent
			return Compose(c)
		}}
}

// TestSendServesOthersAfterRefusals: a 4xx or 5xx for one recipient, at
// RCPT TO or after DATA, is recorded and the mailing goes on (issue 16,
// #15); the log tells a rerun to retry only the 4xx one.
func TestSendServesOthersAfterRefusals(t *testing.T) {
	srv := startScripted(t, &scripted{
		rcpt: map[string]string{"busy@x.example": "451 4.2.1 mailbox busy, try later", "gone@x.example": "550 5.1.1 no such user"},
		data: map[string]string{"spamtrap@x.example": "554 5.7.1 message refused"},
	})
	m := testMailing(t, "a@x.example", "busy@x.example", "b@x.example", "gone@x.example", "spamtrap@x.example", "c@x.example")
	rep, err := Send(context.Background(), Server{Addr: srv.addr, Insecure: true}, m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := strings.Join(rep.Sent, " "); got != "a@x.example b@x.example c@x.example" {
		t.Errorf("sent %q", got)
	}
	if got := strings.Join(srv.delivered, " "); got != "a@x.example b@x.example c@x.example" {
		t.Errorf("server got %q", got)
	}
	want := map[string]struct {
		code      int
		stage     string
		permanent bool
	}{
		"busy@x.example": {451, "RCPT TO", false}, "gone@x.example": {550, "RCPT TO", true}, "spamtrap@x.example": {554, "DATA", true},
	}
	if len(rep.Refused) != len(want) {
		t.Fatalf("refused %v", rep.Refused)
	}
	for _, r := range rep.Refused {
		w := want[r.Rcpt]
		if r.Code != w.code || r.Stage != w.stage || r.Permanent() != w.permanent || r.Text == "" {
			t.Errorf("refusal %+v, want %+v", r, w)
		}
	}
	// A rerun: delivered ones skipped, the refused ones tried again (the
	// caller keeps the permanent ones out through the suppression list).
	srv.rcpt = nil
	srv.data = nil
	rep, err = Send(context.Background(), Server{Addr: srv.addr, Insecure: true}, m)
	if err != nil || len(rep.Skipped) != 3 || len(rep.Sent) != 3 || len(rep.Uncertain) != 0 {
		t.Fatalf("rerun: %+v, %v", rep, err)
	}
}

// TestSend421Stops: a 421 closes the connection: the mailing stops, the
// recipient is not delivered and not uncertain.
func TestSend421Stops(t *testing.T) {
	srv := startScripted(t, &scripted{rcpt: map[string]string{"b@x.example": "421 4.3.2 shutting down"}})
	m := testMailing(t, "a@x.example", "b@x.example", "c@x.example")
	rep, err := Send(context.Background(), Server{Addr: srv.addr, Insecure: true}, m)
	if err == nil || !strings.Contains(err.Error(), "interrupted") || len(rep.Sent) != 1 || len(rep.Uncertain) != 0 {
		t.Fatalf("rep %+v, err %v", rep, err)
	}
	st, _ := ReadLog(m.Log)
	if len(st.Uncertain) != 0 || !st.Sent["a@x.example"] {
		t.Fatalf("log state %+v", st)
	}
}

// TestSendRedactsEchoedToken: a 535 that echoes the AUTH PLAIN token shows
// neither it nor the password (issue 16, #13).
func TestSendRedactsEchoedToken(t *testing.T) {
	srv := startScripted(t, &scripted{auth: "535 5.7.8 authentication failed for {token}"})
	s := Server{Addr: srv.addr, Insecure: true, User: "press-user", Password: "Wrong-Pa55word-xyz"}
	_, err := Send(context.Background(), s, testMailing(t, "a@x.example"))
	if err == nil {
		t.Fatal("a refused login sent the mailing")
	}
	token := base64.StdEncoding.EncodeToString([]byte("\x00press-user\x00Wrong-Pa55word-xyz"))
	for _, secret := range []string{token, "Wrong-Pa55word-xyz", "press-user", strings.TrimRight(token, "=")} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error shows %q: %v", secret, err)
		}
	}
	if !strings.Contains(err.Error(), "535") || !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("error %q should keep the code and say what was removed", err)
	}
	t.Logf("refused login: %v", err)
}

// TestSendBusy: a second run for the same month while one holds the lock
// stops before sending anything.
func TestSendBusy(t *testing.T) {
	srv := startScripted(t, &scripted{})
	m := testMailing(t, "a@x.example")
	f, err := os.OpenFile(m.Log+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	hold := testMailing(t)
	hold.Log = m.Log
	first := make(chan struct{})
	release := make(chan struct{})
	go func() {
		hold.Recipients = []string{"first@x.example"}
		hold.Message = func(rcpt string, sent time.Time) ([]byte, error) {
			close(first)
			<-release
			return Compose(sample())
		}
		Send(context.Background(), Server{Addr: srv.addr, Insecure: true}, hold)
	}()
	<-first
	rep, err := Send(context.Background(), Server{Addr: srv.addr, Insecure: true}, m)
	close(release)
	if err == nil || !strings.Contains(err.Error(), "another bulletin mail") || len(rep.Sent) != 0 {
		t.Fatalf("second run: %+v, %v", rep, err)
	}
}

// TestSentDateKeepsMessageID: the Date of a sent copy is the time of
// sending; its Message-ID and boundaries are the content's, so a resumed
// run sends the same Message-ID.
func TestSentDateKeepsMessageID(t *testing.T) {
	a, b := sample(), sample()
	a.Sent = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b.Sent = time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC)
	ma, _ := Compose(a)
	mb, _ := Compose(b)
	ha, _ := mail.ReadMessage(bytes.NewReader(ma))
	hb, _ := mail.ReadMessage(bytes.NewReader(mb))
	if ha.Header.Get("Message-Id") != hb.Header.Get("Message-Id") {
		t.Error("the Message-ID changed with the time of sending")
	}
	if got := ha.Header.Get("Date"); got != "Fri, 02 Jan 2026 04:04:05 +0100" {
		t.Errorf("Date = %q, want the time of sending in the publisher's zone", got)
	}
	if bytes.Equal(bytes.ReplaceAll(ma, []byte("Fri, 02 Jan 2026 04:04:05"), []byte("Sat, 03 Jan 2026 10:00:00")), mb) == false {
		t.Error("two sendings differ in more than Date")
	}
}
