package pipeline

import (
	"bulletin/pipeline/words"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	bmail "bulletin/pipeline/mail"
	"bulletin/pipeline/mail/dkimsign"
	"bulletin/pipeline/mail/unsubscribe"
	"bulletin/pipeline/news"
)

// ErrOverBudget means the month's message is larger than the mail budget.
var ErrOverBudget = errors.New("over the mail budget")

// ErrSubject means the subject template is wrong: a usage error.
var ErrSubject = errors.New("bad subject")

// ErrUnsubscribeSecret means the unsubscribe links cannot be signed: a
// usage error.
var ErrUnsubscribeSecret = errors.New("no unsubscribe secret")

// ErrNoOutput means a file the message should attach was not made.
var ErrNoOutput = errors.New("not built")

// LetterRequest says which month's message to compose, and how.
type LetterRequest struct {
	Month   news.MonthKey
	From    string // the sender, as it goes in From
	Subject string // a template (mail.Subject); "" for the configuration's
	EPUB    bool   // attach the month's EPUB besides its PDF
	Force   bool   // compose it even over the mail budget
	// Longest is the longest recipient address, for the size check: the
	// message is measured as the largest copy that will go out.
	Longest string
	// UnsubscribeSecret signs each recipient's unsubscribe link; it comes
	// from the environment (unsubscribe.SecretEnv) and is required when the
	// configuration names mail.unsubscribe_url.
	UnsubscribeSecret string
	// DKIM, when set, signs each copy sent (not the .eml draft, which
	// stays byte-identical run to run: a signature carries its time).
	DKIM *dkimsign.Signer
}

// Letter is a month's message composed from a build's own bytes; each
// recipient's copy differs only in To, its unsubscribe link and, when
// sent, its Date.
type Letter struct {
	Content bmail.Content // To empty, no footer
	Size    int           // bytes of the largest copy
	// Warning is set when Force let an over-budget message through.
	Warning string
	// OneClick says each copy carries a one-click unsubscribe link.
	OneClick bool

	unsubURL, secret string
	labels           news.Labels
	dkim             *dkimsign.Signer
}

// For is the message addressed to rcpt, dated with the publication date:
// the same inputs give the same bytes.
func (l *Letter) For(rcpt string) ([]byte, error) {
	c, err := l.content(rcpt, true)
	if err != nil {
		return nil, err
	}
	return bmail.Compose(c)
}

// Sending is the message to rcpt as handed to the server at sent: its Date
// is the time of sending; its Message-ID is still derived from the
// content, the same in a resumed run.
func (l *Letter) Sending(rcpt string, sent time.Time) ([]byte, error) {
	c, err := l.content(rcpt, true)
	if err != nil {
		return nil, err
	}
	c.Sent = sent
	msg, err := bmail.Compose(c)
	if err != nil || l.dkim == nil {
		return msg, err
	}
	return l.dkim.Sign(msg)
}

// Draft is the message as an .eml to look at or send by hand, addressed to
// to ("" for no To). With personal false (a draft for a whole list,
// addressed to the sender), it carries no recipient's unsubscribe link,
// only the mailto form.
func (l *Letter) Draft(to string, personal bool) ([]byte, error) {
	c, err := l.content(to, personal)
	if err != nil {
		return nil, err
	}
	c.Draft = true
	return bmail.Compose(c)
}

// content is the Content of rcpt's copy with its unsubscribe headers and
// footer.
func (l *Letter) content(rcpt string, personal bool) (bmail.Content, error) {
	c := l.Content
	c.To = rcpt
	if personal && l.unsubURL != "" && rcpt != "" {
		tok, err := unsubscribe.Token(l.secret, rcpt)
		if err != nil {
			return c, err
		}
		if c.Unsubscribe.URL, err = unsubscribe.URL(l.unsubURL, tok); err != nil {
			return c, err
		}
	}
	ft, fh := bmail.Footer(c.Unsubscribe, l.labels)
	c.Text, c.HTML = bmail.WithFooter(c.Text, c.HTML, ft, fh)
	return c, nil
}

// ComposeLetter makes the month's message from res, which must come from a
// Build with Options.Keep naming the month: the attachments are the bytes
// the build made, not files read back. The cover, subject and body say
// what the bulletin's cover says, as of the publication date.
func ComposeLetter(res *Result, opts Options, req LetterRequest) (*Letter, error) {
	cfg := opts.Config
	var month *news.Month
	var have []string
	for i, m := range res.Catalogue.Months {
		have = append(have, m.Key.String())
		if m.Key == req.Month {
			month = &res.Catalogue.Months[i]
		}
	}
	if month == nil {
		return nil, fmt.Errorf("%w: there is no bulletin for %s; the sources have items in %s", ErrNoMonths, req.Month, strings.Join(have, ", "))
	}
	want := []string{MediaPDF}
	if req.EPUB {
		want = append(want, MediaEPUB)
	}
	var atts []bmail.Attachment
	for _, mt := range want {
		a, err := monthFile(res.Made, req.Month, mt)
		if err != nil {
			return nil, err
		}
		atts = append(atts, a)
	}
	cover := res.Catalogue.Cover(opts, []news.Month{*month})
	subject, err := bmail.Subject(firstOf(req.Subject, cfg.Mail.Subject), cover, *month)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSubject, err)
	}
	labels := words.Labels(cfg.Language)
	text, html := bmail.Body(cover, *month, cfg.Language, labels, atts)
	listID, err := listID(cfg.Mail.ListID, cfg.Title, req.From)
	if err != nil {
		return nil, err
	}
	mailto := cfg.Mail.UnsubscribeTo
	if mailto == "" {
		if a, err := mail.ParseAddress(req.From); err == nil {
			mailto = a.Address
		}
	}
	if cfg.Mail.UnsubscribeURL != "" {
		if err := unsubscribe.CheckSecret(req.UnsubscribeSecret); err != nil {
			return nil, fmt.Errorf("%w: mail.unsubscribe_url is set: %w", ErrUnsubscribeSecret, err)
		}
	}
	l := &Letter{Content: bmail.Content{From: req.From, Subject: subject, Date: opts.Published.In(cfg.Location),
		Text: text, HTML: html, UserAgent: "bulletin " + Version, Attachments: atts,
		ListID: listID, Unsubscribe: bmail.Unsubscribe{Mailto: mailto}},
		OneClick: cfg.Mail.UnsubscribeURL != "",
		unsubURL: cfg.Mail.UnsubscribeURL, secret: req.UnsubscribeSecret, labels: labels, dkim: req.DKIM}

	// The size is checked before anything is written or sent.
	msg, err := l.For(req.Longest)
	if err != nil {
		return nil, err
	}
	l.Size = len(msg)
	budget := cfg.Mail.Budget()
	if l.Size <= budget {
		return l, nil
	}
	advice := "send a link to the files instead of attaching them, or split the period"
	if req.EPUB {
		pdfOnly := *l
		pdfOnly.Content.Attachments = atts[:1]
		if m, err := pdfOnly.For(req.Longest); err == nil && len(m) <= budget {
			advice = fmt.Sprintf("drop --epub (the PDF alone makes %s) and share the EPUB as a link", megabytes(len(m)))
		}
	}
	if !req.Force {
		return nil, fmt.Errorf("%w: the message for %s is %s (%d bytes) once encoded, over the mail budget of %s (mail.budget_mb): %s; --force sends it anyway",
			ErrOverBudget, req.Month, megabytes(l.Size), l.Size, megabytes(budget), advice)
	}
	l.Warning = fmt.Sprintf("the message is %s, over the mail budget of %s; sending anyway (--force)", megabytes(l.Size), megabytes(budget))
	return l, nil
}

// monthFile is the attachment of the file of mediaType made for month alone.
func monthFile(made []news.File, month news.MonthKey, mediaType string) (bmail.Attachment, error) {
	for _, f := range made {
		if f.MediaType == mediaType && slices.Equal(f.Months, []news.MonthKey{month}) {
			if f.Data == nil {
				return bmail.Attachment{}, fmt.Errorf("pipeline: %s was made but not kept for mail (Options.Keep)", f.Name)
			}
			return bmail.Attachment{Name: f.Name, MediaType: f.MediaType, Data: f.Data}, nil
		}
	}
	if mediaType == MediaEPUB {
		return bmail.Attachment{}, fmt.Errorf("%w: the EPUB of %s: monthly EPUBs are off (epub: {monthly: false} in the configuration); turn them on to attach one", ErrNoOutput, month)
	}
	return bmail.Attachment{}, fmt.Errorf("%w: the %s of %s", ErrNoOutput, mediaType, month)
}

// listID is the List-Id value: the configured id, else bulletin.<the
// sender's domain>, after the bulletin's title when that is plain ASCII
// (a header phrase in another script would need encoding some filters
// mishandle; the id alone is enough).
func listID(id, title, from string) (string, error) {
	if id == "" {
		dom, err := bmail.Domain(from)
		if err != nil {
			return "", fmt.Errorf("mail: from: %w", err)
		}
		id = "bulletin." + dom
	}
	for _, r := range title {
		if r < 0x20 || r > 0x7e || strings.ContainsRune(`"<>()\,;:@[]`, r) {
			return "<" + id + ">", nil
		}
	}
	if strings.TrimSpace(title) == "" {
		return "<" + id + ">", nil
	}
	return title + " <" + id + ">", nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func megabytes(n int) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
