package mail

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"bulletin/pipeline/lockfile"
)

// Server says where and how to send.
type Server struct {
	Addr string // HOST:PORT; port 465 is implicit TLS, any other STARTTLS
	// ImplicitTLS speaks TLS from the first byte (SMTPS) whatever the port;
	// StartTLS insists on STARTTLS even on port 465.
	ImplicitTLS, StartTLS bool
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
	// To) as sent at the given instant (its Date).
	Message    func(rcpt string, sent time.Time) ([]byte, error)
	Log        string // path of the send log; its lock is Log+".lock"
	RatePerMin int    // at most this many messages a minute (0: 30)
	Now        func() time.Time
	Progress   io.Writer // one line per recipient
	// ResendUncertain sends again to recipients whose delivery an earlier,
	// interrupted run cannot vouch for (see Report.Uncertain).
	ResendUncertain bool
}

// Refusal is a server's refusal of one recipient's message.
type Refusal struct {
	Rcpt  string
	Code  int    // the SMTP reply code, 550
	Stage string // "RCPT TO" or "DATA": when the server refused
	Text  string // the server's words, credentials removed
}

// Permanent reports a 5xx refusal: sending again will not help.
func (r Refusal) Permanent() bool { return r.Code >= 500 }

func (r Refusal) String() string {
	return fmt.Sprintf("%s: %s refused with %d: %s", r.Rcpt, r.Stage, r.Code, r.Text)
}

// Report says what a mailing did.
type Report struct {
	Sent    []string // delivered now
	Skipped []string // already delivered, by the send log
	// Uncertain are recipients whose message an earlier run handed to the
	// server without seeing the answer (it was killed, or the connection
	// dropped after the message's last byte): it may have been delivered.
	// They are skipped unless Mailing.ResendUncertain.
	Uncertain []string
	Refused   []Refusal // refused by the server now; the others were still served
}

// ErrInterrupted wraps the failure that stopped a mailing part-way.
var ErrInterrupted = errors.New("mailing interrupted")

// ErrCertificate means the server's TLS certificate was not trusted.
var ErrCertificate = errors.New("the SMTP server's certificate is not trusted")

// ErrBusy means another run is sending the same month.
var ErrBusy = errors.New("another bulletin mail is sending this month")

// Send delivers m over s: one SMTP transaction per recipient. The send log
// records, synced before the next step, the intent to send (recipient and
// Message-ID) before each message and the outcome after it, so a run
// killed at any moment leaves at most one recipient whose fate is unknown,
// and the next run names it instead of guessing. A refusal of one
// recipient (4xx or 5xx) is recorded and the others are served; a broken
// connection stops the mailing, and running it again resumes it. The log's
// lock keeps a second run for the same month from sending at the same time.
func Send(ctx context.Context, s Server, m Mailing) (Report, error) {
	var rep Report
	if err := CheckServer(s); err != nil {
		return rep, err
	}
	lock, err := lockfile.Take(m.Log + ".lock")
	if errors.Is(err, lockfile.ErrBusy) {
		return rep, fmt.Errorf("%w (%v): wait for it to finish; a lock left by a killed run is taken over by itself", ErrBusy, err)
	}
	if err != nil {
		return rep, fmt.Errorf("send log: %w", err)
	}
	defer lock.Release()
	state, err := ReadLog(m.Log)
	if err != nil {
		return rep, err
	}
	var todo []string
	for _, r := range m.Recipients {
		k := strings.ToLower(r)
		switch {
		case state.Sent[k]:
			rep.Skipped = append(rep.Skipped, r)
		case state.Uncertain[k] != "" && !m.ResendUncertain:
			rep.Uncertain = append(rep.Uncertain, r)
		default:
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return rep, nil
	}
	logf, err := os.OpenFile(m.Log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return rep, fmt.Errorf("send log: %w", err)
	}
	defer logf.Close()
	if data, err := os.ReadFile(m.Log); err == nil && len(data) > 0 && data[len(data)-1] != '\n' {
		// A line cut short by a crash: end it, so the next starts clean.
		if _, err := logf.WriteString("\n"); err != nil {
			return rep, fmt.Errorf("send log: %w", err)
		}
	}
	record := func(event, rcpt, id, detail string) error {
		line := fmt.Sprintf("%s\t%s\t%s\t%s", m.Now().UTC().Format(time.RFC3339), event, rcpt, id)
		if detail != "" {
			line += "\t" + strings.Join(strings.Fields(detail), " ")
		}
		if _, err := logf.WriteString(line + "\n"); err != nil {
			return fmt.Errorf("send log: %w", err)
		}
		if err := logf.Sync(); err != nil {
			return fmt.Errorf("send log: %w", err)
		}
		return nil
	}

	red := redactor(s)
	client, err := newClient(s)
	if err != nil {
		return rep, red(err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		var cv *tls.CertificateVerificationError
		if errors.As(err, &cv) {
			return rep, fmt.Errorf("%w: connect to %s: %v", ErrCertificate, s.Addr, red(err))
		}
		return rep, red(fmt.Errorf("connect to %s: %w", s.Addr, err))
	}
	defer func() { _ = client.CloseWithSMTPClient(sc) }()

	rate := m.RatePerMin
	if rate <= 0 {
		rate = 30
	}
	gap := time.Minute / time.Duration(rate)
	var last time.Time
	stopped := func(err error) error {
		return fmt.Errorf("%w after %d of %d: %v", ErrInterrupted, len(rep.Sent)+len(rep.Refused), len(todo), red(err))
	}
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
		msg, err := m.Message(rcpt, m.Now())
		if err != nil {
			return rep, err
		}
		id := messageID(msg)
		if err := record("intent", rcpt, id, ""); err != nil {
			return rep, err
		}
		stage, afterDot, err := sendOne(sc, s.timeout(), m.From, rcpt, msg)
		var te *textproto.Error
		switch {
		case err == nil:
			if err := record("sent", rcpt, id, ""); err != nil {
				return rep, fmt.Errorf("%w (the message to %s was delivered)", err, rcpt)
			}
			rep.Sent = append(rep.Sent, rcpt)
			fmt.Fprintf(m.Progress, "sent     %s\n", rcpt)
		case errors.As(err, &te) && stage != "MAIL FROM" && te.Code != 421:
			// The server answered for this recipient alone: record it,
			// end the transaction, serve the others.
			ref := Refusal{Rcpt: rcpt, Code: te.Code, Stage: stage, Text: strings.Join(strings.Fields(red(errors.New(te.Msg)).Error()), " ")}
			event := "deferred"
			if ref.Permanent() {
				event = "refused"
			}
			if err := record(event, rcpt, id, fmt.Sprintf("%d %s: %s", ref.Code, ref.Stage, ref.Text)); err != nil {
				return rep, err
			}
			rep.Refused = append(rep.Refused, ref)
			fmt.Fprintf(m.Progress, "refused  %s: %d %s\n", rcpt, ref.Code, ref.Text)
			if err := sc.Reset(); err != nil {
				return rep, stopped(fmt.Errorf("RSET: %w", err))
			}
		case afterDot:
			// The whole message went out but no answer came back: it may
			// have been delivered. The intent stays unresolved in the log.
			rep.Uncertain = append(rep.Uncertain, rcpt)
			fmt.Fprintf(m.Progress, "unknown  %s: the connection failed after the whole message was sent; it may have been delivered\n", rcpt)
			return rep, stopped(err)
		default:
			if rerr := record("failed", rcpt, id, red(err).Error()); rerr != nil {
				return rep, rerr
			}
			return rep, stopped(err)
		}
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
	case s.ImplicitTLS || port == 465 && !s.StartTLS:
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

// sendOne sends the exact bytes msg (not re-rendered, so what was sized
// is what goes out) in one transaction. It returns the stage that failed
// and whether the message's end had been written when it did: after that
// point the server may have taken the message without our seeing it.
func sendOne(sc *smtp.Client, timeout time.Duration, from, rcpt string, msg []byte) (stage string, afterDot bool, err error) {
	if err := sc.UpdateDeadline(timeout); err != nil {
		return "connection", false, err
	}
	if err := sc.Mail("<" + from + ">"); err != nil {
		return "MAIL FROM", false, fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := sc.Rcpt("<" + rcpt + ">"); err != nil {
		return "RCPT TO", false, fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := sc.Data()
	if err != nil {
		return "DATA", false, fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return "DATA", false, fmt.Errorf("DATA: %w", err)
	}
	// Close writes the final dot, then reads the server's verdict.
	if err := w.Close(); err != nil {
		return "DATA", true, fmt.Errorf("end of DATA: %w", err)
	}
	return "", false, nil
}

// redactor returns a function that removes the credentials from an error's
// text, whatever library or server put them there: the password, and the
// forms an AUTH exchange sends and a server may echo (the PLAIN token and
// the LOGIN user and password, base64 with or without padding). The user
// name (from three letters) and a short password are removed only where
// they stand alone, so a one-letter user name does not garble every
// message.
func redactor(s Server) func(error) error {
	type secret struct {
		text  string
		whole bool // only as a whole word
	}
	var secrets []secret
	if s.User != "" || s.Password != "" {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
			for _, raw := range []string{"\x00" + s.User + "\x00" + s.Password, s.User + "\x00" + s.Password, s.Password, s.User} {
				if len(raw) >= 2 {
					secrets = append(secrets, secret{enc.EncodeToString([]byte(raw)), len(raw) < 6})
				}
			}
		}
		if s.Password != "" {
			secrets = append(secrets, secret{s.Password, len(s.Password) < 8})
		}
		// A user name of one or two letters is no secret worth a garbled
		// message: any "a" would read as the name.
		if len(s.User) >= 3 {
			secrets = append(secrets, secret{s.User, true})
		}
	}
	// Longest first, so a token is removed whole before its parts.
	sort.SliceStable(secrets, func(i, j int) bool { return len(secrets[i].text) > len(secrets[j].text) })
	return func(err error) error {
		if err == nil {
			return nil
		}
		msg := err.Error()
		for _, sec := range secrets {
			msg = replaceSecret(msg, sec.text, sec.whole)
		}
		if msg == err.Error() {
			return err
		}
		return errors.New(msg)
	}
}

// replaceSecret replaces each occurrence of sec in msg by [redacted]; with
// whole, only occurrences not inside a longer word (letters, digits and
// the characters of addresses and base64).
func replaceSecret(msg, sec string, whole bool) string {
	if sec == "" {
		return msg
	}
	inWord := func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("+/=._-@", b) >= 0
	}
	var out strings.Builder
	for {
		i := strings.Index(msg, sec)
		if i < 0 {
			out.WriteString(msg)
			return out.String()
		}
		end := i + len(sec)
		if whole && (i > 0 && inWord(msg[i-1]) || end < len(msg) && inWord(msg[end])) {
			out.WriteString(msg[:end])
		} else {
			out.WriteString(msg[:i])
			out.WriteString("[redacted]")
		}
		msg = msg[end:]
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

// LogState is what a send log says of each recipient (lower-cased).
type LogState struct {
	Sent map[string]bool
	// Uncertain maps recipients whose last intent has no outcome to its
	// Message-ID: a run stopped while sending to them.
	Uncertain map[string]string
}

// ReadLog reads a send log. Each line is TIME, EVENT, ADDRESS and
// MESSAGE-ID, then maybe a detail, separated by tabs; EVENT is intent,
// sent, refused (5xx), deferred (4xx) or failed (not delivered). Lines of
// three fields (TIME, ADDRESS, MESSAGE-ID) are deliveries logged by earlier
// versions. A line that does not parse is an error naming it, so a damaged
// log never sends twice silently.
func ReadLog(name string) (LogState, error) {
	st := LogState{Sent: map[string]bool{}, Uncertain: map[string]string{}}
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("send log: %w", err)
	}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		event, addr, id := "", "", ""
		switch {
		case len(f) == 3:
			event, addr, id = "sent", f[1], f[2]
		case len(f) >= 4:
			event, addr, id = f[1], f[2], f[3]
		default:
			if i == len(lines)-1 {
				// A last line cut short by a crash: its write was not
				// synced, so nothing after it was sent.
				continue
			}
			return st, fmt.Errorf("%s:%d: not a send-log line (TIME, EVENT, ADDRESS, MESSAGE-ID separated by tabs); fix or remove the line", name, i+1)
		}
		if _, err := mail.ParseAddress(addr); err != nil {
			return st, fmt.Errorf("%s:%d: %q is not an address; fix or remove the line", name, i+1, addr)
		}
		k := strings.ToLower(addr)
		switch event {
		case "intent":
			st.Uncertain[k] = id
		case "sent":
			st.Sent[k] = true
			delete(st.Uncertain, k)
		case "refused", "deferred", "failed":
			delete(st.Uncertain, k)
		default:
			return st, fmt.Errorf("%s:%d: unknown event %q (intent, sent, refused, deferred or failed); fix or remove the line", name, i+1, event)
		}
	}
	return st, nil
}

// TLSConfig is the TLS configuration for the server at addr: the system's
// roots, or the CA certificates in the PEM file caFile when it is named
// (a private relay's own CA). The server's name must match either way.
func TLSConfig(addr, caFile string) (*tls.Config, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--smtp %q: write it as HOST:PORT", addr)
	}
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("mail.tls_ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("mail.tls_ca_file %s: no PEM certificate in it; give the CA certificate (-----BEGIN CERTIFICATE-----)", caFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
}
