package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"bulletin/layouts"
	"bulletin/pipeline"
	"bulletin/pipeline/config"
	bmail "bulletin/pipeline/mail"
	"bulletin/pipeline/mail/dkimsign"
	"bulletin/pipeline/mail/unsubscribe"
	"bulletin/pipeline/news"
	"bulletin/pipeline/source"
)

// mailFlags are the flags of bulletin mail.
type mailFlags struct {
	projectFlags
	month                     string
	to, toFile, from, subject string
	eml, smtp, tls            string
	insecure, epub, force     bool
	resendUncertain           bool
}

func parseMailFlags(args []string, e env) (*mailFlags, error) {
	fs := flag.NewFlagSet("bulletin mail", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := &mailFlags{}
	f.register(fs, "output folder (the send log goes there too)")
	fs.StringVar(&f.month, "month", "", "the month to send, YYYY-MM (required)")
	fs.StringVar(&f.to, "to", "", "recipients, comma-separated (default mail.to)")
	fs.StringVar(&f.toFile, "to-file", "", "file of recipients, one a line (default mail.to_file)")
	fs.StringVar(&f.from, "from", "", "sender address (default mail.from)")
	fs.StringVar(&f.subject, "subject", "", "subject, or a template with {title} {period} {month} {publisher} {items} (default mail.subject)")
	fs.StringVar(&f.eml, "eml", "", "write the message to this .eml file; nothing is sent")
	fs.StringVar(&f.smtp, "smtp", "", "send through this SMTP server, HOST:PORT (465: TLS, others: STARTTLS)")
	fs.StringVar(&f.tls, "tls", "auto", "how to speak TLS to --smtp: starttls, implicit (SMTPS), or auto (implicit on port 465, else STARTTLS)")
	fs.BoolVar(&f.insecure, "insecure", false, "send without TLS; only to a server on this machine (tests)")
	fs.BoolVar(&f.resendUncertain, "resend-uncertain", false, "send again to recipients an interrupted run may have reached (see the send log)")
	fs.BoolVar(&f.epub, "epub", false, "attach the month's EPUB too (bulletin-YYYY-MM.epub)")
	fs.BoolVar(&f.force, "force", false, "send even when the message is over the mail budget")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case f.month == "":
		return nil, errors.New("--month YYYY-MM is required: which month's bulletin to send")
	case f.eml == "" && f.smtp == "":
		return nil, errors.New("say where the message goes: --eml FILE (write it, send nothing) or --smtp HOST:PORT")
	case f.eml != "" && f.smtp != "":
		return nil, errors.New("--eml and --smtp exclude each other: write the file or send, one at a time")
	case f.to != "" && f.toFile != "":
		return nil, errors.New("--to and --to-file exclude each other")
	case f.insecure && f.smtp == "":
		return nil, errors.New("--insecure goes with --smtp only")
	case f.eml != "" && inside(f.eml, f.out):
		// The next build would remove it, or it would overwrite an output.
		return nil, fmt.Errorf("--eml %s is in the output folder %s, which holds the build's own files; write it elsewhere", strconv.Quote(f.eml), strconv.Quote(f.out))
	case f.tls != "auto" && f.tls != "starttls" && f.tls != "implicit":
		return nil, fmt.Errorf("--tls %q: use starttls, implicit or auto", f.tls)
	case f.tls == "implicit" && f.insecure:
		return nil, errors.New("--tls implicit and --insecure exclude each other")
	}
	return f, nil
}

func runMail(ctx context.Context, args []string, e env) int {
	f, err := parseMailFlags(args, e)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "bulletin mail: "+format+"\n", a...)
		return code
	}
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	month, err := parseMonth(f.month, "--month")
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	cfg, err := loadConfig(f.config)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	from := firstOf(f.from, cfg.Mail.From)
	if from == "" {
		return fail(exitUsage, "no sender: set mail.from in bulletin.yaml or pass --from press@example.org")
	}
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return fail(exitUsage, "sender %q is not an e-mail address", from)
	}
	rcpts, err := recipients(f, cfg)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	var server bmail.Server
	if f.smtp != "" {
		if len(rcpts) == 0 {
			return fail(exitUsage, "no recipients: pass --to A,B or --to-file FILE, or set mail.to / mail.to_file in bulletin.yaml")
		}
		server = bmail.Server{Addr: f.smtp, Insecure: f.insecure, ImplicitTLS: f.tls == "implicit", StartTLS: f.tls == "starttls",
			User: e.getenv("BULLETIN_SMTP_USER"), Password: e.getenv("BULLETIN_SMTP_PASSWORD")}
		if err := bmail.CheckServer(server); err != nil {
			return fail(exitUsage, "%v", err)
		}
		if server.TLSConfig, err = bmail.TLSConfig(f.smtp, cfg.Mail.TLSCAFile); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}
	if f.smtp != "" && f.date == "" && e.getenv("SOURCE_DATE_EPOCH") == "" {
		// A mailing resumed tomorrow must send the same message as today.
		return fail(exitUsage, "sending needs a fixed publication date: pass --date YYYY-MM-DD (or set SOURCE_DATE_EPOCH), so a resumed mailing sends the same bulletin")
	}
	pub, err := publication(f.date, cfg.Location, e)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	var signer *dkimsign.Signer
	if d := cfg.Mail.DKIM; d != nil && f.smtp != "" {
		if signer, err = dkimsign.Load(d.Domain, d.Selector, d.KeyFile); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}
	root, err := f.openSources()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	defer root.Close()
	lay, err := layouts.Load(f.layouts)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	opts := f.pipelineOptions(cfg, pub)
	opts.Keep = []news.MonthKey{month}
	opts.Sources = source.Files(root)

	// Build everything, as `bulletin build` does, so out/ is the same
	// whichever command wrote it; a source error stops here: a partial
	// bulletin is never mailed.
	res, code := buildOutputs(ctx, "mail", f.out, opts, lay, e, "nothing was rendered or sent")
	if code != exitOK {
		return code
	}
	longest := ""
	for _, r := range rcpts {
		if len(r) > len(longest) {
			longest = r
		}
	}
	letter, err := pipeline.ComposeLetter(res, opts, pipeline.LetterRequest{Month: month, From: from,
		Subject: f.subject, EPUB: f.epub, Force: f.force, Longest: longest,
		UnsubscribeSecret: e.getenv(unsubscribe.SecretEnv), DKIM: signer})
	switch {
	case errors.Is(err, pipeline.ErrNoMonths), errors.Is(err, pipeline.ErrSubject), errors.Is(err, pipeline.ErrUnsubscribeSecret):
		return fail(exitUsage, "%v", err)
	case err != nil:
		return fail(exitSources, "%v", err)
	case letter.Warning != "":
		fmt.Fprintf(e.stderr, "warning: %s\n", letter.Warning)
	}
	subject := letter.Content.Subject

	if f.eml != "" {
		to, personal := "", true
		switch len(rcpts) {
		case 0:
		case 1:
			to = rcpts[0]
		default:
			// Never put the whole list in one To header.
			to, personal = fromAddr.Address, false
			fmt.Fprintf(e.stderr, "note: the .eml is addressed to %s; put the %d recipients in Bcc when you send it, or use --smtp, which sends each their own copy with their own unsubscribe link\n", fromAddr.Address, len(rcpts))
		}
		msg, err := letter.Draft(to, personal)
		if err != nil {
			return fail(exitSources, "%v", err)
		}
		if err := writeAtomic(f.eml, msg); err != nil {
			return fail(exitSources, "%v", err)
		}
		fmt.Fprintf(e.stdout, "%s\t%d bytes\t%s\n", f.eml, len(msg), subject)
		return exitOK
	}

	rate := cfg.Mail.RatePerMin
	fmt.Fprintf(e.stderr, "bulletin: sending %q to %d %s through %s, at most %d a minute; log %s\n",
		subject, len(rcpts), plural(len(rcpts), "recipient", "recipients"), f.smtp, rate, filepath.Join(f.out, "sent-"+month.String()+".log"))
	rep, err := pipeline.SendLetter(ctx, letter, server, pipeline.MailRequest{
		Month: month, From: fromAddr.Address, Recipients: rcpts, LogDir: f.out, SuppressFile: cfg.Mail.SuppressFile,
		RatePerMin: rate, ResendUncertain: f.resendUncertain, Now: e.now, Progress: e.stdout,
	})
	return printMailReport(e, rep, err, month, len(rcpts))
}

// printMailReport says what a mailing did and returns the exit code.
func printMailReport(e env, rep pipeline.MailReport, err error, month news.MonthKey, total int) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "bulletin mail: "+format+"\n", a...)
		return code
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	for _, s := range rep.Suppressed {
		fmt.Fprintf(e.stdout, "skipped  %s: on the suppression list since %s (%s)\n", s.Rcpt, s.Date, s.Reason)
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(e.stdout, "skipped %d already sent %s (in %s): %s\n", len(rep.Skipped), month, rep.Log, strings.Join(rep.Skipped, ", "))
	}
	fmt.Fprintf(e.stdout, "%d sent, %d skipped, %d suppressed, %d refused, %d may have been delivered, of %d recipients\n",
		len(rep.Sent), len(rep.Skipped), len(rep.Suppressed), len(rep.Refused), len(rep.Uncertain), total)
	code := exitOK
	if len(rep.Uncertain) > 0 {
		fmt.Fprintf(e.stderr, "bulletin mail: %d %s may have been delivered: a run was stopped after handing the message over and before the server's answer: %s; check with them or the server's log, and pass --resend-uncertain to send them a copy anyway\n",
			len(rep.Uncertain), plural(len(rep.Uncertain), "message", "messages"), strings.Join(rep.Uncertain, ", "))
		code = exitSources
	}
	if len(rep.Refused) > 0 {
		temporary := 0
		for _, r := range rep.Refused {
			fmt.Fprintf(e.stderr, "refused: %s\n", r)
			if !r.Permanent() {
				temporary++
			}
		}
		if temporary > 0 {
			fmt.Fprintf(e.stderr, "bulletin mail: %d refused for now (4xx): run the same command again later to retry them (those sent are skipped)\n", temporary)
		}
		if len(rep.NewlySuppressed) > 0 {
			fmt.Fprintf(e.stderr, "bulletin mail: refused for good and added to the suppression list: %s\n", strings.Join(rep.NewlySuppressed, ", "))
		}
		code = exitSources
	}
	switch {
	case errors.Is(err, bmail.ErrBusy):
		return fail(exitSources, "%v", err)
	case errors.Is(err, bmail.ErrCertificate):
		return fail(exitSources, "%v; nothing was sent: check that --smtp names the server as its certificate does, and if your relay uses its own certificate authority, name the CA's certificate (PEM) in mail.tls_ca_file", err)
	case errors.Is(err, bmail.ErrInterrupted):
		left := total - len(rep.Sent) - len(rep.Skipped) - len(rep.Refused) - len(rep.Suppressed) - len(rep.Uncertain)
		return fail(exitSources, "%v; %d not sent yet: run the same command again to send to them (those in %s are skipped)", err, left, rep.Log)
	case err != nil:
		return fail(exitSources, "%v; nothing more was sent: check --smtp and, if the server wants a login, BULLETIN_SMTP_USER and BULLETIN_SMTP_PASSWORD", err)
	}
	return code
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// recipients are --to, else --to-file, else the configuration's; each is a
// checked, bare address, duplicates (ignoring case) removed.
func recipients(f *mailFlags, cfg *config.Config) ([]string, error) {
	type entry struct{ text, where string }
	var list []entry
	switch {
	case f.to != "":
		for _, s := range strings.Split(f.to, ",") {
			list = append(list, entry{strings.TrimSpace(s), "--to"})
		}
	case f.toFile != "" || (len(cfg.Mail.To) == 0 && cfg.Mail.ToFile != ""):
		name := firstOf(f.toFile, cfg.Mail.ToFile)
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("recipients file: %w", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			list = append(list, entry{line, fmt.Sprintf("%s:%d", name, n)})
		}
	default:
		for _, s := range cfg.Mail.To {
			list = append(list, entry{s, "mail.to"})
		}
	}
	var out, bad []string
	seen := map[string]bool{}
	for _, en := range list {
		if en.text == "" {
			continue
		}
		a, err := mail.ParseAddress(en.text)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %q is not an e-mail address", en.where, en.text))
			continue
		}
		if k := strings.ToLower(a.Address); !seen[k] {
			seen[k] = true
			out = append(out, a.Address)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s; correct them, nothing was sent", strings.Join(bad, "; "))
	}
	return out, nil
}

// writeAtomic writes data to name through a temporary file in the same
// folder, renamed into place once synced.
func writeAtomic(name string, data []byte) error {
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
