package pipeline

import (
	"errors"
	"fmt"
	"time"

	"bulletin/pipeline/mail/bounce"
	"bulletin/pipeline/mail/suppress"
)

// BounceReport is what reading delivery reports did.
type BounceReport struct {
	Messages int // messages read
	// Hard are permanent failures, now on the suppression list (or already).
	Hard []bounce.Bounce
	// Soft are temporary failures with the number of reports of each
	// address so far; at suppress.SoftBounces the address is suppressed.
	Soft       []SoftBounce
	Suppressed []string // addresses added to the list by this run
	// NotReports are messages that are not delivery reports (an
	// auto-reply, a person's answer), with where they are: nothing is
	// changed for them, and they are listed so none is lost silently.
	NotReports []string
	// Damaged are reports that cannot be read (truncated, malformed), with
	// where and why: look at them by hand.
	Damaged []string
}

// SoftBounce is a temporary failure and the count of its address.
type SoftBounce struct {
	bounce.Bounce
	Count int
}

// ReadBounces reads the delivery reports at paths (.eml files, mboxes,
// Maildir folders), adds hard bounces to the suppression list at
// suppressFile with their status and diagnostic, counts soft bounces and
// suppresses an address at its third. A path that cannot be read is an
// error; a message that is not a report is listed in Ignored.
func ReadBounces(paths []string, suppressFile string, now time.Time) (BounceReport, error) {
	var rep BounceReport
	date := now.UTC().Format(time.DateOnly)
	var add []suppress.Entry
	var soft []suppress.Soft
	var softB []bounce.Bounce
	for _, p := range paths {
		msgs, err := bounce.Files(p)
		if err != nil {
			return rep, fmt.Errorf("bounces: %w", err)
		}
		for _, m := range msgs {
			rep.Messages++
			bs, err := bounce.Parse(m.Raw)
			if errors.Is(err, bounce.ErrNotReport) {
				rep.NotReports = append(rep.NotReports, m.Where)
				continue
			}
			if err != nil {
				rep.Damaged = append(rep.Damaged, fmt.Sprintf("%s: %v", m.Where, err))
				continue
			}
			for _, b := range bs {
				if b.Report == "" {
					b.Report = m.Where
				}
				if _, err := suppress.Key(b.Recipient); err != nil {
					rep.Damaged = append(rep.Damaged, fmt.Sprintf("%s: recipient %v", m.Where, err))
					continue
				}
				switch {
				case b.Hard():
					rep.Hard = append(rep.Hard, b)
					add = append(add, suppress.Entry{Address: b.Recipient, Date: date,
						Reason: fmt.Sprintf("bounce %s: %s", firstOf(b.Status, b.Action), b.Diagnostic)})
				case b.Action == "delivered" || b.Action == "relayed" || b.Action == "expanded":
					// A success report: nothing to do.
				default:
					soft = append(soft, suppress.Soft{Address: b.Recipient, Date: date, Status: firstOf(b.Status, b.Action), Report: b.Report})
					softB = append(softB, b)
				}
			}
		}
	}
	if len(soft) > 0 {
		counts, err := suppress.CountSoft(suppressFile, soft)
		if err != nil {
			return rep, err
		}
		for _, b := range softB {
			n := counts[b.Recipient]
			rep.Soft = append(rep.Soft, SoftBounce{b, n})
			if n >= suppress.SoftBounces {
				add = append(add, suppress.Entry{Address: b.Recipient, Date: date,
					Reason: fmt.Sprintf("%d soft bounces, the last %s: %s", n, firstOf(b.Status, b.Action), b.Diagnostic)})
			}
		}
	}
	for i := range add {
		add[i].Reason = clean(add[i].Reason)
	}
	added, err := suppress.Add(suppressFile, add)
	if err != nil {
		return rep, err
	}
	for _, e := range added {
		rep.Suppressed = append(rep.Suppressed, e.Address)
	}
	return rep, nil
}

// clean makes a reason one line without tabs, as the list's format needs.
func clean(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\t' || r == '\r' || r == '\n' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}
