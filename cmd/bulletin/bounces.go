package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"bulletin/pipeline"
	"bulletin/pipeline/mail/suppress"
)

// runBounces reads delivery reports and updates the suppression list.
func runBounces(_ context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("bulletin bounces", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	config := fs.String("config", "", "configuration file (default bulletin.yaml when present)")
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "bulletin bounces: "+format+"\n", a...)
		return code
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return exitOK
	} else if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if fs.NArg() == 0 {
		return fail(exitUsage, "give the delivery reports to read: .eml files, mboxes or Maildir folders")
	}
	cfg, err := loadConfig(*config)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	rep, err := pipeline.ReadBounces(fs.Args(), cfg.Mail.SuppressFile, e.now())
	if err != nil {
		return fail(exitSources, "%v; the suppression list was not changed", err)
	}
	for _, b := range rep.Hard {
		fmt.Fprintf(e.stdout, "hard     %s\t%s\t%s\n", b.Recipient, b.Status, b.Diagnostic)
	}
	for _, b := range rep.Soft {
		fmt.Fprintf(e.stdout, "soft     %s\t%s\t%s (%d of %d before suppressing)\n", b.Recipient, b.Status, b.Diagnostic, b.Count, suppress.SoftBounces)
	}
	for _, a := range rep.Suppressed {
		fmt.Fprintf(e.stdout, "suppressed %s\n", a)
	}
	for _, w := range rep.NotReports {
		fmt.Fprintf(e.stdout, "not a delivery report, left alone: %s\n", w)
	}
	for _, d := range rep.Damaged {
		fmt.Fprintf(e.stderr, "cannot read: %s\n", d)
	}
	fmt.Fprintf(e.stdout, "%d messages: %d hard bounces, %d soft, %d not delivery reports, %d unreadable; %d addresses newly suppressed in %s\n",
		rep.Messages, len(rep.Hard), len(rep.Soft), len(rep.NotReports), len(rep.Damaged), len(rep.Suppressed), cfg.Mail.SuppressFile)
	if len(rep.Damaged) > 0 {
		fmt.Fprintf(e.stderr, "bulletin bounces: %d reports could not be read (listed above) and changed nothing: look at them by hand\n", len(rep.Damaged))
		return exitSources
	}
	return exitOK
}
