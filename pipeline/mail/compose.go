// Package mail makes a month's bulletin into a MIME message and sends it.
//
// Compose is deterministic: the same content gives the same bytes (Date from
// the publication instant, Message-ID and MIME boundaries derived from a hash
// of the content), so an .eml written twice is byte-identical. A message
// being sent carries the time of sending in Date instead (Content.Sent): a
// relay stamps Received with today, and a Date years before it is scored
// as spam and filed in the past; its Message-ID still derives from the
// content alone, so a resumed mailing reuses it. Send delivers
// one message per recipient over SMTP with TLS, a rate limit and a send log
// that lets an interrupted mailing resume without sending anyone the month
// twice.
package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Attachment is one file attached to the message.
type Attachment struct {
	Name      string // ASCII file name, "bulletin-2020-06.pdf"
	MediaType string // "application/pdf"
	Data      []byte
}

// Content is everything a message says.
type Content struct {
	From    string // "Name <addr>" or "addr"
	To      string // one address, or empty for no To header
	Subject string
	Date    time.Time // the publication instant
	// Sent, when set, is the instant the message goes to the server: the
	// Date header carries it. It is not part of ContentKey.
	Sent time.Time
	Text string // plain-text body
	HTML string // HTML alternative
	// Draft marks the message as unsent (X-Unsent: 1), so Outlook opens an
	// .eml as a message ready to send.
	Draft       bool
	UserAgent   string
	Attachments []Attachment
	// ListID is the List-Id header's value (RFC 2919), "" for none.
	ListID string
	// Unsubscribe, when set, gives List-Unsubscribe (RFC 2369) and, with
	// a URL, List-Unsubscribe-Post (RFC 8058 one-click).
	Unsubscribe Unsubscribe
}

// Unsubscribe is how one recipient leaves the list.
type Unsubscribe struct {
	Mailto string // an address that takes "unsubscribe" requests
	URL    string // the recipient's own HTTPS link, token included; "" for none
}

// Header is the List-Unsubscribe value: the mailto form, then the link.
func (u Unsubscribe) Header() string {
	var parts []string
	if u.Mailto != "" {
		parts = append(parts, "<mailto:"+u.Mailto+"?subject=unsubscribe>")
	}
	if u.URL != "" {
		parts = append(parts, "<"+u.URL+">")
	}
	return strings.Join(parts, ", ")
}

var asciiName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Domain is the domain of an address ("press@embassy.example" →
// "embassy.example").
func Domain(addr string) (string, error) {
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return "", fmt.Errorf("%q is not an e-mail address: %w", addr, err)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 || at == len(a.Address)-1 {
		return "", fmt.Errorf("%q has no domain", addr)
	}
	return strings.ToLower(a.Address[at+1:]), nil
}

// ContentKey is a hash of everything the message says, the recipient
// included; the Message-ID and the boundaries derive from it.
func (c Content) ContentKey() [32]byte {
	h := sha256.New()
	field := func(s string) {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	field(c.From)
	field(c.To)
	field(c.Subject)
	field(c.Date.UTC().Format(time.RFC3339Nano))
	field(c.Text)
	field(c.HTML)
	field(fmt.Sprint(c.Draft))
	field(c.ListID)
	field(c.Unsubscribe.Mailto)
	field(c.Unsubscribe.URL)
	for _, a := range c.Attachments {
		sum := sha256.Sum256(a.Data)
		field(a.Name)
		field(a.MediaType)
		field(hex.EncodeToString(sum[:]))
	}
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}

// MessageID is the message's identifier without angle brackets:
// a hash of its content at the sender's domain.
func (c Content) MessageID() (string, error) {
	dom, err := Domain(c.From)
	if err != nil {
		return "", err
	}
	k := c.ContentKey()
	return "bulletin." + hex.EncodeToString(k[:16]) + "@" + dom, nil
}

// Compose renders the message as RFC 5322 bytes with CRLF line ends:
// multipart/mixed holding a multipart/alternative (text, HTML) and the
// attachments in base64.
func Compose(c Content) ([]byte, error) {
	for _, a := range c.Attachments {
		if !asciiName.MatchString(a.Name) {
			return nil, fmt.Errorf("mail: attachment name %q must be plain ASCII (letters, digits, '.', '-', '_')", a.Name)
		}
		if a.MediaType == "" {
			return nil, fmt.Errorf("mail: attachment %s has no media type", a.Name)
		}
	}
	id, err := c.MessageID()
	if err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.From(c.From); err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", c.From, err)
	}
	if c.To != "" {
		if err := m.To(c.To); err != nil {
			return nil, fmt.Errorf("mail: to %q: %w", c.To, err)
		}
	}
	for _, v := range []string{c.Unsubscribe.Mailto, c.Unsubscribe.URL} {
		if strings.ContainsAny(v, "\r\n\t <>\",") || !isASCII(v) {
			return nil, fmt.Errorf("mail: unsubscribe address or link %q must be plain ASCII without spaces, commas, <, > or quotes", v)
		}
	}
	if strings.ContainsAny(c.ListID, "\r\n") || !isASCII(c.ListID) {
		return nil, fmt.Errorf("mail: List-Id %q must be one line of plain ASCII", c.ListID)
	}
	m.Subject(c.Subject)
	date := c.Date
	if !c.Sent.IsZero() {
		date = c.Sent.In(c.Date.Location())
	}
	m.SetDateWithValue(date)
	m.SetMessageIDWithValue(id)
	if c.ListID != "" {
		m.SetGenHeader("List-Id", c.ListID)
	}
	if h := c.Unsubscribe.Header(); h != "" {
		m.SetGenHeader("List-Unsubscribe", h)
		if c.Unsubscribe.URL != "" {
			m.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		}
	}
	if c.UserAgent != "" {
		m.SetUserAgent(c.UserAgent)
	}
	if c.Draft {
		m.SetGenHeader("X-Unsent", "1")
	}
	m.SetBodyString(gomail.TypeTextPlain, c.Text)
	if c.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, c.HTML)
	}
	for _, a := range c.Attachments {
		if err := m.AttachReader(a.Name, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(a.MediaType)),
			gomail.WithFileEncoding(gomail.EncodingB64)); err != nil {
			return nil, fmt.Errorf("mail: attach %s: %w", a.Name, err)
		}
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("mail: render: %w", err)
	}
	return fixBoundaries(buf.Bytes(), c.ContentKey())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

var boundaryParam = regexp.MustCompile(`boundary=([0-9A-Za-z'()+_,./:=?-]+)`)

// fixBoundaries replaces the random multipart boundaries go-mail draws with
// boundaries derived from the content key, so the same content always gives
// the same bytes.
func fixBoundaries(raw []byte, key [32]byte) ([]byte, error) {
	var olds []string
	for _, m := range boundaryParam.FindAllSubmatch(raw, -1) {
		olds = append(olds, string(m[1]))
	}
	if len(olds) == 0 {
		return raw, nil
	}
	out := raw
	for i, old := range olds {
		if len(old) < 24 {
			return nil, errors.New("mail: unexpected short MIME boundary from go-mail")
		}
		h := sha256.Sum256(append(key[:], byte(i)))
		nb := fmt.Sprintf("bulletin-%d-%s", i+1, hex.EncodeToString(h[:20]))
		if bytes.Contains(raw, []byte(nb)) {
			return nil, errors.New("mail: derived MIME boundary occurs in the content")
		}
		out = bytes.ReplaceAll(out, []byte(old), []byte(nb))
	}
	return out, nil
}
