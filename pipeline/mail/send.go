package mail

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Server says where and how to send.
type Server struct {
	Addr string // HOST:PORT; port 465 is implicit TLS, any other STARTTLS
	// Insecure sends in plain text, without TLS; allowed only to a loopback
	// address (a test server on this machine).
	Insecure bool
	// User and Password come from the environment, never from flags; they
	// are never written to logs or errors.
	User, Password string
	Timeout        time.Duration
	TLSConfig      *tls.Config // nil: the system's roots, the server's name
}

// CheckServer validates s before anything is built or sent.
func CheckServer(s Server) error {
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil || host == "" {
		return fmt.Errorf("--smtp %q: write it as HOST:PORT, e.g. smtp.example.org:587", s.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return fmt.Errorf("--smtp %q: port %q is not a port number", s.Addr, port)
	}
	if s.Insecure && !IsLoopback(host) {
		return fmt.Errorf("--insecure sends the bulletin and any password in plain text: it is allowed only to a server on this machine (127.0.0.1, ::1, localhost), not to %s; drop --insecure to use STARTTLS or TLS", host)
	}
	if (s.User == "") != (s.Password == "") {
		return errors.New("set both BULLETIN_SMTP_USER and BULLETIN_SMTP_PASSWORD in the environment, or neither")
	}
	return nil
}

// IsLoopback reports whether host names this machine: localhost or a
// loopback IP literal. Other names are not resolved, so DNS cannot turn
// them into "loopback".
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Mailing is one month sent to a list.
type Mailing struct {
	Month      string   // "2020-06": the send log's key
	From       string   // envelope sender, a bare address
	Recipients []string // bare addresses, deduplicated
	// Message renders the message for one recipient (only that address in
	// To).
	Message    func(rcpt string) ([]byte, error)
	Log        string // path of the send log
	RatePerMin int    // at most this many messages a minute (0: 30)
	Now        func() time.Time
	Progress   io.Writer // one line per recipient
}

// Report says what a mailing did.
type Report struct {
	Sent    []string // delivered now
	Skipped []string // already in the send log
	Refused []string // refused by the server for this recipient (address: reason)
}

// ErrInterrupted wraps the failure that stopped a mailing part-way.
var ErrInterrupted = errors.New("mailing interrupted")

// Send delivers m over s: one SMTP transaction per recipient, recipients
// already in the send log skipped, each delivery appended to the log and
// synced before the next. A connection failure stops the mailing; running
// it again resumes it.
func Send(ctx context.Context, s Server, m Mailing) (Report, error) {
	var rep Report
	if err := CheckServer(s); err != nil {
		return rep, err
	}
	done, err := ReadLog(m.Log)
	if err != nil {
		return rep, err
	}
	var todo []string
	for _, r := range m.Recipients {
		if done[strings.ToLower(r)] {
			rep.Skipped = append(rep.Skipped, r)
			continue
		}
		todo = append(todo, r)
	}
	if len(todo) == 0 {
		return rep, nil
	}
	logf, err := os.OpenFile(m.Log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return rep, fmt.Errorf("send log: %w", err)
	}
	defer logf.Close()

	red := redactor(s)
	client, err := newClient(s)
	if err != nil {
		return rep, red(err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return rep, red(fmt.Errorf("connect to %s: %w", s.Addr, err))
	}
	defer func() { _ = client.CloseWithSMTPClient(sc) }()

	rate := m.RatePerMin
	if rate <= 0 {
		rate = 30
	}
	gap := time.Minute / time.Duration(rate)
	var last time.Time
	for i, rcpt := range todo {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("%w: %v", ErrInterrupted, err)
		}
		if i > 0 {
			if wait := gap - time.Since(last); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-ctx.Done():
					t.Stop()
					return rep, fmt.Errorf("%w: %v", ErrInterrupted, ctx.Err())
				case <-t.C:
				}
			}
		}
		last = time.Now()
		msg, err := m.Message(rcpt)
		if err != nil {
			return rep, err
		}
		id := messageID(msg)
		err = sendOne(sc, s.timeout(), m.From, rcpt, msg)
		var refused *refusal
		switch {
		case errors.As(err, &refused):
			rep.Refused = append(rep.Refused, rcpt+": "+red(refused.err).Error())
			fmt.Fprintf(m.Progress, "refused  %s: %v\n", rcpt, red(refused.err))
			continue
		case err != nil:
			return rep, fmt.Errorf("%w after %d of %d: %v", ErrInterrupted, len(rep.Sent), len(todo), red(err))
		}
		line := fmt.Sprintf("%s\t%s\t%s\n", m.Now().UTC().Format(time.RFC3339), rcpt, id)
		if _, err := logf.WriteString(line); err != nil {
			return rep, fmt.Errorf("send log: %w (the message to %s was delivered)", err, rcpt)
		}
		if err := logf.Sync(); err != nil {
			return rep, fmt.Errorf("send log: %w (the message to %s was delivered)", err, rcpt)
		}
		rep.Sent = append(rep.Sent, rcpt)
		fmt.Fprintf(m.Progress, "sent     %s\n", rcpt)
	}
	return rep, nil
}

func (s Server) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 30 * time.Second
}

func newClient(s Server) (*gomail.Client, error) {
	host, portS, _ := net.SplitHostPort(s.Addr)
	port, _ := strconv.Atoi(portS)
	// The message is 7-bit (quoted-printable, base64, encoded words): no
	// SMTPUTF8 needed.
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(s.timeout()), gomail.WithoutSMTPUTF8()}
	switch {
	case s.Insecure:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case port == 465:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.User != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if s.Insecure {
			auth = gomail.SMTPAuthPlainNoEnc // loopback only, checked above
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.User), gomail.WithPassword(s.Password))
	}
	return gomail.NewClient(host, opts...)
}

// refusal is a server's refusal of one recipient: the mailing goes on.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }

// sendOne sends the exact bytes msg (not re-rendered, so what was sized
// and written as .eml is what goes out) in one transaction.
func sendOne(sc *smtp.Client, timeout time.Duration, from, rcpt string, msg []byte) error {
	if err := sc.UpdateDeadline(timeout); err != nil {
		return err
	}
	if err := sc.Mail("<" + from + ">"); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := sc.Rcpt("<" + rcpt + ">"); err != nil {
		if permanent(err) {
			_ = sc.Reset()
			return &refusal{err}
		}
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of DATA: %w", err)
	}
	return nil
}

// permanent reports a 5xx reply from the server.
func permanent(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// redactor returns a function that removes the credentials from an error's
// text, whatever library or server put them there.
func redactor(s Server) func(error) error {
	return func(err error) error {
		if err == nil {
			return nil
		}
		msg := err.Error()
		for _, secret := range []string{s.Password, s.User} {
			if len(secret) >= 1 {
				msg = strings.ReplaceAll(msg, secret, "[redacted]")
			}
		}
		if msg == err.Error() {
			return err
		}
		return errors.New(msg)
	}
}

// messageID finds the Message-ID header of msg, for the send log.
func messageID(msg []byte) string {
	r := bufio.NewReader(strings.NewReader(string(msg[:min(len(msg), 8192)])))
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" || err != nil {
			return "-"
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Message-ID") {
			return strings.TrimSpace(v)
		}
	}
}

// ReadLog reads a send log: the lower-cased addresses already sent.
// Each line is "TIME<TAB>ADDRESS<TAB>MESSAGE-ID"; a line that does not
// parse is an error naming it, so a damaged log never sends twice silently.
func ReadLog(name string) (map[string]bool, error) {
	done := map[string]bool{}
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, fmt.Errorf("send log: %w", err)
	}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: not a send-log line (TIME, ADDRESS, MESSAGE-ID separated by tabs); fix or remove the line", name, i+1)
		}
		if _, err := mail.ParseAddress(f[1]); err != nil {
			return nil, fmt.Errorf("%s:%d: %q is not an address; fix or remove the line", name, i+1, f[1])
		}
		done[strings.ToLower(f[1])] = true
	}
	return done, nil
}
