package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"bulletin/pipeline/mail/suppress"
	"bulletin/pipeline/mail/unsubscribe"
)

// runUnsubscribe adds addresses to the suppression list: given on the
// command line, or proved by the token of an unsubscribe link.
func runUnsubscribe(_ context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("bulletin unsubscribe", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	config := fs.String("config", "", "configuration file (default bulletin.yaml when present)")
	token := fs.String("token", "", "the token of an unsubscribe link (…?token=T): checked with BULLETIN_UNSUBSCRIBE_SECRET")
	reason := fs.String("reason", "", "why, written beside each address (default: unsubscribed)")
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "bulletin unsubscribe: "+format+"\n", a...)
		return code
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return exitOK
	} else if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if (*token == "") == (fs.NArg() == 0) {
		return fail(exitUsage, "give the addresses to suppress (bulletin unsubscribe ADDR...) or one link's token (--token T), not both")
	}
	cfg, err := loadConfig(*config)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	why := strings.Join(strings.Fields(*reason), " ")
	var entries []suppress.Entry
	date := e.now().UTC().Format(time.DateOnly)
	if *token != "" {
		secret := e.getenv(unsubscribe.SecretEnv)
		if err := unsubscribe.CheckSecret(secret); err != nil {
			return fail(exitUsage, "%v", err)
		}
		addr, err := unsubscribe.Verify(secret, *token)
		if err != nil {
			return fail(exitSources, "%v: it was not made with this secret, or it was altered; nothing was changed", err)
		}
		entries = append(entries, suppress.Entry{Address: addr, Date: date, Reason: firstOf(why, "unsubscribed by link")})
	}
	var bad []string
	for _, a := range fs.Args() {
		k, err := suppress.Key(a)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		entries = append(entries, suppress.Entry{Address: k, Date: date, Reason: firstOf(why, "unsubscribed")})
	}
	if len(bad) > 0 {
		return fail(exitUsage, "%s; nothing was changed", strings.Join(bad, "; "))
	}
	added, err := suppress.Add(cfg.Mail.SuppressFile, entries)
	if err != nil {
		return fail(exitSources, "%v", err)
	}
	isNew := map[string]bool{}
	for _, a := range added {
		isNew[a.Address] = true
	}
	for _, en := range entries {
		if isNew[en.Address] {
			fmt.Fprintf(e.stdout, "suppressed %s (%s) in %s\n", en.Address, en.Reason, cfg.Mail.SuppressFile)
		} else {
			fmt.Fprintf(e.stdout, "already suppressed %s\n", en.Address)
		}
	}
	return exitOK
}
