package pipeline

import (
	"bulletin/pipeline/words"
	"errors"
	"fmt"
	"slices"
	"strings"

	bmail "bulletin/pipeline/mail"
	"bulletin/pipeline/news"
)

// ErrOverBudget means the month's message is larger than the mail budget.
var ErrOverBudget = errors.New("over the mail budget")

// ErrSubject means the subject template is wrong: a usage error.
var ErrSubject = errors.New("bad subject")

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
}

// Letter is a month's message composed from a build's own bytes; each
// recipient's copy differs only in To.
type Letter struct {
	Content bmail.Content // To empty
	Size    int           // bytes of the largest copy
	// Warning is set when Force let an over-budget message through.
	Warning string
}

// For is the message addressed to rcpt.
func (l *Letter) For(rcpt string) ([]byte, error) {
	c := l.Content
	c.To = rcpt
	return bmail.Compose(c)
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
	l := &Letter{Content: bmail.Content{From: req.From, Subject: subject, Date: opts.Published.In(cfg.Location),
		Text: text, HTML: html, UserAgent: "bulletin " + Version, Attachments: atts}}

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
		pdfOnly := l.Content
		pdfOnly.To, pdfOnly.Attachments = req.Longest, atts[:1]
		if m, err := bmail.Compose(pdfOnly); err == nil && len(m) <= budget {
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

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func megabytes(n int) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
