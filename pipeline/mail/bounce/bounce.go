// Package bounce reads delivery status notifications — the reports a mail
// server sends back when it could not deliver a message — and says, for
// each, which recipient failed, how (the RFC 3463 status: 5.x.x permanent,
// 4.x.x temporary) and the server's words.
//
// It reads RFC 3464 reports (multipart/report; report-type=delivery-status,
// as Postfix, Exim, Gmail and Microsoft send them) and, for the servers
// that send none, the plain-text forms: an X-Failed-Recipients header
// (Exim, Gmail) and Exim's "The following address(es) failed" text. Input
// is one message (.eml), an mbox, or a Maildir folder; see Files.
package bounce

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
)

// Bounce is one recipient's failure in one report.
type Bounce struct {
	Recipient  string
	Status     string // "5.1.1"; "" when the report gives none (then Action decides)
	Action     string // "failed", "delayed", …
	Diagnostic string // the remote server's words, one line
	Report     string // the report's Message-ID, or where it was read
}

// Hard reports a permanent failure: a 5.x.x status, or a failed action
// without a status.
func (b Bounce) Hard() bool {
	if b.Status != "" {
		return strings.HasPrefix(b.Status, "5")
	}
	return b.Action == "failed"
}

// ErrNotReport means a message is not a delivery report: nothing in it
// says that a delivery failed.
var ErrNotReport = errors.New("not a delivery status notification")

// maxMessage bounds one message read whole.
const maxMessage = 32 << 20

// Parse reads one message and returns the failures it reports.
func Parse(raw []byte) ([]Bounce, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("not a mail message: %w", err)
	}
	id := strings.TrimSpace(msg.Header.Get("Message-Id"))
	body, err := io.ReadAll(io.LimitReader(msg.Body, maxMessage))
	if err != nil {
		return nil, fmt.Errorf("read the message: %w", err)
	}
	ct := msg.Header.Get("Content-Type")
	mt, params, _ := mime.ParseMediaType(ct)
	if mt == "multipart/report" {
		bs, err := fromReport(body, params["boundary"])
		if err != nil {
			return nil, err
		}
		if len(bs) > 0 {
			return stamp(bs, id), nil
		}
	}
	// The plain forms: a header naming the failed addresses, or Exim's text.
	text := plainText(msg.Header, body, mt, params)
	var addrs []string
	for _, a := range strings.Split(msg.Header.Get("X-Failed-Recipients"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		addrs = eximFailed(text)
	}
	if len(addrs) == 0 {
		return nil, ErrNotReport
	}
	status, diag := statusIn(text)
	var out []Bounce
	for _, a := range addrs {
		b := Bounce{Recipient: a, Status: status, Action: "failed", Diagnostic: diag}
		if status == "" && strings.Contains(strings.ToLower(text), "permanent error") {
			b.Status = "5.0.0"
		}
		out = append(out, b)
	}
	return stamp(out, id), nil
}

func stamp(bs []Bounce, id string) []Bounce {
	for i := range bs {
		bs[i].Report = id
	}
	return bs
}

// fromReport reads the message/delivery-status part of a multipart/report.
func fromReport(body []byte, boundary string) ([]Bounce, error) {
	if boundary == "" {
		return nil, errors.New("multipart/report without a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, errors.New("multipart/report without a message/delivery-status part")
		}
		if err != nil {
			return nil, fmt.Errorf("multipart/report: %w (the message may be truncated)", err)
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if pt != "message/delivery-status" && pt != "message/global-delivery-status" {
			continue
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("delivery-status part: %w (the message may be truncated)", err)
		}
		return deliveryStatus(data)
	}
}

// deliveryStatus parses the fields of a delivery-status part: one block
// for the message, then one block per recipient, separated by blank lines.
func deliveryStatus(data []byte) ([]Bounce, error) {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	var out []Bounce
	for i, block := range regexp.MustCompile(`\n[ \t]*\n`).Split(string(data), -1) {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		h, err := textproto.NewReader(bufio.NewReader(strings.NewReader(block + "\n\n"))).ReadMIMEHeader()
		if err != nil && len(h) == 0 {
			return nil, fmt.Errorf("delivery-status block %d: %w", i+1, err)
		}
		rcpt := h.Get("Final-Recipient")
		if rcpt == "" {
			rcpt = h.Get("Original-Recipient")
		}
		if rcpt == "" {
			continue // the per-message block
		}
		if _, a, ok := strings.Cut(rcpt, ";"); ok {
			rcpt = a
		}
		diag := h.Get("Diagnostic-Code")
		if _, d, ok := strings.Cut(diag, ";"); ok {
			diag = d
		}
		status := strings.TrimSpace(h.Get("Status"))
		if m := statusCode.FindString(status); m != "" {
			status = m
		}
		out = append(out, Bounce{Recipient: strings.Trim(strings.TrimSpace(rcpt), "<>"), Status: status,
			Action: strings.ToLower(strings.TrimSpace(h.Get("Action"))), Diagnostic: oneLine(diag)})
	}
	return out, nil
}

var statusCode = regexp.MustCompile(`\b[245]\.\d{1,3}\.\d{1,3}\b`)

// statusIn finds the first enhanced status code in a text and the line
// that holds it.
func statusIn(text string) (status, line string) {
	for _, l := range strings.Split(text, "\n") {
		if m := statusCode.FindString(l); m != "" {
			return m, oneLine(l)
		}
	}
	return "", ""
}

// eximFailed reads the addresses under Exim's "The following address(es)
// failed:" line.
func eximFailed(text string) []string {
	i := strings.Index(text, "following address(es) failed:")
	if i < 0 {
		return nil
	}
	var out []string
	for _, l := range strings.Split(text[i:], "\n")[1:] {
		t := strings.TrimSpace(l)
		if t == "" {
			if len(out) > 0 {
				break
			}
			continue
		}
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "    ") && strings.Contains(t, "@") && !strings.Contains(t, " ") {
			out = append(out, strings.Trim(t, "<>:"))
		}
	}
	return out
}

// plainText is the text of a message for the plain forms: the body, or its
// first text/plain part, decoded.
func plainText(h mail.Header, body []byte, mt string, params map[string]string) string {
	if strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		var all strings.Builder
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if pt == "text/plain" || pt == "" {
				b, _ := io.ReadAll(io.LimitReader(p, maxMessage)) // multipart decodes quoted-printable
				all.Write(b)
				all.WriteByte('\n')
			}
		}
		return all.String()
	}
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
		if b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body))); err == nil {
			return string(b)
		}
	}
	return string(body)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
