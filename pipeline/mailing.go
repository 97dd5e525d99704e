package pipeline

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	bmail "bulletin/pipeline/mail"
	"bulletin/pipeline/mail/suppress"
	"bulletin/pipeline/news"
)

// FewRecipients is how many recipients may be mailed without a one-click
// unsubscribe link before a warning: a handful of colleagues is not a list.
const FewRecipients = 5

// MailRequest says to whom and how a Letter is sent.
type MailRequest struct {
	Month      news.MonthKey
	From       string   // envelope sender, a bare address
	Recipients []string // bare addresses, deduplicated
	LogDir     string   // folder of the send log (sent-YYYY-MM.log)
	// SuppressFile is the suppression list; addresses on it are skipped
	// and permanent refusals are added to it.
	SuppressFile    string
	RatePerMin      int
	ResendUncertain bool
	Now             func() time.Time
	Progress        io.Writer
}

// Suppressed is a recipient left out because of the suppression list.
type Suppressed struct {
	Rcpt string
	suppress.Entry
}

// MailReport is what a mailing did: bmail.Report plus what the
// suppression list changed.
type MailReport struct {
	bmail.Report
	Log        string       // the send log's path
	Suppressed []Suppressed // on the list, not sent to
	// NewlySuppressed are the addresses permanently refused in this run,
	// now on the suppression list.
	NewlySuppressed []string
	// Warnings are things the sender should know, worded for them.
	Warnings []string
}

// SendLetter sends l to req.Recipients over s: addresses on the suppression
// list are skipped with their reason, the others get one copy each (see
// bmail.Send), and a recipient refused permanently at RCPT TO is added to
// the list so next month's mailing skips it.
func SendLetter(ctx context.Context, l *Letter, s bmail.Server, req MailRequest) (MailReport, error) {
	rep := MailReport{Log: filepath.Join(req.LogDir, "sent-"+req.Month.String()+".log")}
	list, err := suppress.Load(req.SuppressFile)
	if err != nil {
		return rep, err
	}
	var todo []string
	for _, r := range req.Recipients {
		if e, on := list.Lookup(r); on {
			rep.Suppressed = append(rep.Suppressed, Suppressed{r, e})
			continue
		}
		todo = append(todo, r)
	}
	if !l.OneClick && len(todo) > FewRecipients {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%d recipients and no one-click unsubscribe link: large mail providers expect one for bulk mail (RFC 8058); set mail.unsubscribe_url and %s", len(todo), "BULLETIN_UNSUBSCRIBE_SECRET"))
	}
	r, sendErr := bmail.Send(ctx, s, bmail.Mailing{
		Month: req.Month.String(), From: req.From, Recipients: todo, Log: rep.Log,
		RatePerMin: req.RatePerMin, Now: req.Now, Progress: req.Progress,
		ResendUncertain: req.ResendUncertain, Message: l.Sending,
	})
	rep.Report = r
	var add []suppress.Entry
	for _, ref := range r.Refused {
		if ref.Permanent() && ref.Stage == "RCPT TO" {
			add = append(add, suppress.Entry{Address: ref.Rcpt, Date: req.Now().UTC().Format(time.DateOnly),
				Reason: fmt.Sprintf("refused %d at RCPT TO: %s", ref.Code, ref.Text)})
		}
	}
	if len(add) > 0 {
		added, err := suppress.Add(req.SuppressFile, add)
		if err != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("the permanently refused addresses could not be added to %s: %v", req.SuppressFile, err))
		}
		for _, e := range added {
			rep.NewlySuppressed = append(rep.NewlySuppressed, e.Address)
		}
	}
	return rep, sendErr
}
