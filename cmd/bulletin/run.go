package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"bulletin/layouts"
	"bulletin/pipeline"
	"bulletin/pipeline/config"
	"bulletin/pipeline/counter"
	"bulletin/pipeline/dates"
	"bulletin/pipeline/news"
	"bulletin/pipeline/outdir"
	"bulletin/pipeline/render/manifest"
	"bulletin/pipeline/render/site"
	"bulletin/pipeline/source"
)

// Exit codes of the CLI contract.
const (
	exitOK      = 0
	exitSources = 1 // a source has errors, or the build failed
	exitUsage   = 2
)

// env is everything run needs from the outside world, so tests can run the
// CLI in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
}

const usage = `bulletin turns a press office's news items into monthly PDF bulletins and an EPUB collection.

Usage:
  bulletin build  [--config FILE] [--sources DIR] [--layouts DIR] [--out DIR]
                  [--date DATE] [--month YYYY-MM]... [--from YYYY-MM] [--to YYYY-MM] [--no-cache]
                  render only what changed since the last build into DIR (--no-cache: everything)
  bulletin check  [--config FILE] [--sources DIR] [--json]
                  account for every item read (kept, merged or refused) and report every problem; render nothing
  bulletin list   [--config FILE] [--sources DIR]   the items, grouped by month and type
  bulletin mail   --month YYYY-MM [--to A,B… | --to-file FILE] [--from ADDR] [--subject S]
                  [--eml FILE | --smtp HOST:PORT [--tls starttls|implicit] [--insecure]]
                  [--epub] [--force] [--resend-uncertain]   plus build's flags
                  the month's bulletin as a message: written to FILE, or sent to each recipient
                  not on the suppression list (SMTP credentials from BULLETIN_SMTP_USER /
                  BULLETIN_SMTP_PASSWORD; unsubscribe links signed with BULLETIN_UNSUBSCRIBE_SECRET)
  bulletin unsubscribe [--config FILE] [--reason TEXT] ADDR... | --token T
                  add addresses to the suppression list (mail.suppress_file)
  bulletin bounces [--config FILE] PATH...
                  read delivery reports (.eml, mbox, Maildir): suppress hard bounces, count soft ones
  bulletin serve  [--addr 127.0.0.1:8080]   plus build's flags
                  build, serve the output folder on loopback, rebuild when the sources,
                  bulletin.yaml or --layouts change, and reload open pages; Ctrl-C stops
  bulletin version

DATE is YYYY-MM-DD or RFC 3339; without --date, SOURCE_DATE_EPOCH, else now.
Exit status: 0 success, 1 a source has errors (nothing rendered), 2 usage error.
`

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build", "check", "list":
		return runPipeline(ctx, cmd, rest, e)
	case "mail":
		return runMail(ctx, rest, e)
	case "unsubscribe":
		return runUnsubscribe(ctx, rest, e)
	case "bounces":
		return runBounces(ctx, rest, e)
	case "serve":
		return runServe(ctx, rest, e)
	case "version", "--version":
		fmt.Fprintf(e.stdout, "bulletin %s\n", pipeline.Version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "bulletin: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// projectFlags are the flags of every command that reads a project:
// build, check, list and mail.
type projectFlags struct {
	config, sources, layouts, out string
	date                          string
}

func (p *projectFlags) register(fs *flag.FlagSet, outUsage string) {
	fs.StringVar(&p.config, "config", "", "configuration file (default bulletin.yaml when present)")
	fs.StringVar(&p.sources, "sources", "sources", "folder of source files")
	fs.StringVar(&p.layouts, "layouts", "", "folder overriding files of the default layout")
	fs.StringVar(&p.out, "out", "out", outUsage)
	fs.StringVar(&p.date, "date", "", "publication date, YYYY-MM-DD or RFC 3339")
}

// openSources opens the sources folder as an os.Root, so that nothing is
// read outside it: a symbolic link leading out (a source file or an image)
// fails to open instead of being followed, as os.DirFS would. It says
// what to do when the folder is missing; the caller closes the root.
func (p *projectFlags) openSources() (*os.Root, error) {
	notFound := fmt.Errorf("sources folder %s not found; run from your project folder or pass --sources DIR", p.sources)
	st, err := os.Stat(p.sources)
	if err != nil {
		return nil, notFound
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--sources %s is a file, not a folder; pass the folder that holds it", strconv.Quote(p.sources))
	}
	root, err := os.OpenRoot(p.sources)
	if err != nil {
		return nil, fmt.Errorf("open sources folder: %w", err)
	}
	return root, nil
}

// outsideSources refuses an output folder inside the sources folder (or
// the sources folder itself): the next build would read its own outputs
// (feeds' .xml, the manifest's .json) as sources.
func outsideSources(out, sources string) error {
	if inside(out, sources) {
		return fmt.Errorf("--out %s is inside the sources folder %s: the next build would read its outputs as sources; choose an output folder outside it", strconv.Quote(out), strconv.Quote(sources))
	}
	return nil
}

// inside reports whether path is dir or under it, once both are absolute
// and their existing parts' symbolic links resolved.
func inside(path, dir string) bool {
	p, d := resolved(path), resolved(dir)
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != "..")
}

// resolved is p made absolute with the symbolic links of its longest
// existing part resolved (the rest may not exist yet).
func resolved(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	for dir, rest := a, ""; dir != filepath.Dir(dir); dir, rest = filepath.Dir(dir), filepath.Join(filepath.Base(dir), rest) {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
	}
	return a
}

// pipelineOptions are the pipeline's options for this project, with cfg
// and the publication instant pub; the caller adds the month selection
// and the sources folder it opened (openSources).
func (p *projectFlags) pipelineOptions(cfg *config.Config, pub time.Time) pipeline.Options {
	return pipeline.Options{Config: cfg,
		SourcesDir: filepath.ToSlash(filepath.Clean(p.sources)), Published: pub}
}

// flags of build, check and list.
type flags struct {
	projectFlags
	months   monthList
	from, to string
	json     bool
	noCache  bool
}

func parseFlags(cmd string, args []string, e env) (*flags, error) {
	fs := flag.NewFlagSet("bulletin "+cmd, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := &flags{}
	f.register(fs, "output folder")
	fs.Var(&f.months, "month", "build only this month, YYYY-MM or undated (repeatable)")
	fs.StringVar(&f.from, "from", "", "first month to build, YYYY-MM")
	fs.StringVar(&f.to, "to", "", "last month to build, YYYY-MM")
	if cmd == "check" {
		fs.BoolVar(&f.json, "json", false, "print the account as JSON on standard output")
	}
	if cmd == "build" {
		fs.BoolVar(&f.noCache, "no-cache", false, "render every file, even those the output folder holds already made from the same inputs")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

func runPipeline(ctx context.Context, cmd string, args []string, e env) int {
	f, err := parseFlags(cmd, args, e)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bulletin %s: %v\n", cmd, err)
		return exitUsage
	}
	cfg, err := loadConfig(f.config)
	if err != nil {
		fmt.Fprintf(e.stderr, "bulletin %s: %v\n", cmd, err)
		return exitUsage
	}
	opts, err := f.options(cfg, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "bulletin %s: %v\n", cmd, err)
		return exitUsage
	}
	root, err := f.openSources()
	if err != nil {
		fmt.Fprintf(e.stderr, "bulletin %s: %v\n", cmd, err)
		return exitUsage
	}
	defer root.Close()
	if cmd == "build" {
		if err := outsideSources(f.out, f.sources); err != nil {
			fmt.Fprintf(e.stderr, "bulletin %s: %v\n", cmd, err)
			return exitUsage
		}
	}
	opts.Sources = source.Files(root)
	switch cmd {
	case "check", "list":
		cat, err := pipeline.Collect(ctx, opts)
		if err != nil {
			fmt.Fprintf(e.stderr, "bulletin %s: %v\n", cmd, err)
			return exitFor(err)
		}
		switch {
		case cmd == "list":
			printList(e.stdout, cat, opts)
		case f.json:
			if err := printAccountJSON(e.stdout, cat); err != nil {
				fmt.Fprintf(e.stderr, "bulletin check: %v\n", err)
				return exitSources
			}
		default:
			printAccount(e.stdout, cat)
		}
		return report(e.stderr, cat.Problems, "")
	}
	return build(ctx, f, opts, e)
}

func build(ctx context.Context, f *flags, opts pipeline.Options, e env) int {
	lay, err := layouts.Load(f.layouts)
	if err != nil {
		fmt.Fprintf(e.stderr, "bulletin build: %v\n", err)
		return exitUsage
	}
	res, code := buildOutputs(ctx, "build", f.out, opts, lay, e, "nothing was rendered")
	if code != exitOK {
		return code
	}
	// The web edition is many small files: one line for the folder.
	var siteFiles, siteBytes int
	for _, mf := range res.Made {
		if strings.HasPrefix(mf.Name, pipeline.SiteName) {
			siteFiles++
			siteBytes += mf.Bytes
		}
	}
	for _, mf := range res.Made {
		if strings.HasPrefix(mf.Name, pipeline.SiteName) {
			if siteFiles > 0 {
				fmt.Fprintf(e.stdout, "%s\t%d files\t%d bytes\n", filepath.Join(f.out, pipeline.SiteName, site.IndexFile), siteFiles, siteBytes)
				siteFiles = 0
			}
			continue
		}
		if mf.Name == pipeline.ManifestName {
			fmt.Fprintf(e.stdout, "%s\n", filepath.Join(f.out, mf.Name))
			continue
		}
		fmt.Fprintf(e.stdout, "%s\t%d %s\t%d bytes\n", filepath.Join(f.out, mf.Name), mf.Items, plural(mf.Items, "item", "items"), mf.Bytes)
	}
	return exitOK
}

// buildOutputs runs the pipeline with every file staged in the output
// folder, and renames them into place only when the whole build succeeded:
// a failed or interrupted build leaves the previous outputs as they were.
func buildOutputs(ctx context.Context, cmd, out string, opts pipeline.Options, lay *layouts.Layout, e env, onError string) (*pipeline.Result, int) {
	return buildOutputsWith(ctx, nil, cmd, out, opts, lay, e, onError)
}

// buildOutputsWith is buildOutputs through rs, the renderers serve keeps
// from build to build (nil: new ones).
func buildOutputsWith(ctx context.Context, rs *pipeline.Renderers, cmd, out string, opts pipeline.Options, lay *layouts.Layout, e env, onError string) (*pipeline.Result, int) {
	fmt.Fprintf(e.stderr, "bulletin: building from %s for %s\n", opts.SourcesDir, dates.Format(pipeline.PublicationDay(opts), opts.Config.Language))
	if isTerminal(e.stderr) {
		var mu sync.Mutex
		opts.Progress = func(done, total int, name string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(e.stderr, "\r\033[Krendered %d of %d: %s", done, total, name)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	stage := outdir.NewStage(out)
	if err := stage.Lock(); err != nil {
		fmt.Fprintf(e.stderr, "bulletin %s: %v; wait for it to finish, or use another --out\n", cmd, err)
		return nil, exitUsage
	}
	opts.Previous = previousOutputs(out, e)
	res, err := rs.Build(ctx, opts, lay, stage)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		stage.Abort()
	}
	if res != nil && res.Catalogue != nil {
		if code := report(e.stderr, res.Catalogue.Problems, onError); code != exitOK {
			return res, code // the problems, for serve's overlay; nothing was written
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bulletin %s: %v; nothing was written\n", cmd, err)
		return nil, exitFor(err)
	}
	if err := stage.Commit(); err != nil {
		fmt.Fprintf(e.stderr, "bulletin %s: %v\n", cmd, err)
		return nil, exitSources
	}
	return res, exitOK
}

// previousOutputs are the files the last build into out recorded in its
// manifest; none when there is no manifest. An unreadable one is reported:
// old files of months that are gone may then stay.
func previousOutputs(out string, e env) []string {
	fh, err := os.Open(filepath.Join(out, pipeline.ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		defer fh.Close()
		var names []string
		if names, err = manifest.Paths(fh); err == nil {
			return names
		}
	}
	fmt.Fprintf(e.stderr, "warning: %v; files of months no longer in the sources are not removed from %s\n", err, out)
	return nil
}

// isTerminal reports whether w is a terminal, where a progress line that
// rewrites itself helps; logs and pipes get plain lines only.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// exitFor maps a failed run to its exit status: asking for months that
// have no items is a usage error; anything else fails the run.
func exitFor(err error) int {
	if errors.Is(err, pipeline.ErrNoMonths) {
		return exitUsage
	}
	return exitSources
}

// report prints every problem with its place and returns exitSources when
// any is an error.
func report(w io.Writer, problems []news.Problem, onError string) int {
	var errs, warns int
	for _, p := range problems {
		fmt.Fprintln(w, printable(p.String()))
		if p.Severity == news.Error {
			errs++
		} else {
			warns++
		}
	}
	if errs > 0 {
		msg := fmt.Sprintf("%d %s, %d %s", errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))
		if onError != "" {
			msg += ": " + onError
		}
		fmt.Fprintln(w, msg)
		return exitSources
	}
	return exitOK
}

// printable escapes control characters (other than tab and line feed) in a
// message about the sources: titles and texts quoted in it are the sources'
// own, and an escape sequence in them must not drive the terminal.
func printable(s string) string {
	if !strings.ContainsFunc(s, isUnsafe) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isUnsafe(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isUnsafe(r rune) bool {
	return r != '\t' && r != '\n' && (unicode.IsControl(r) || r == '\u202e' || r == '\u202d')
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func printList(w io.Writer, cat *pipeline.Catalogue, opts pipeline.Options) {
	lang := opts.Config.Language
	for _, m := range cat.Months {
		fmt.Fprintf(w, "%s (%d)\n", m.Title, m.Count())
		for _, t := range m.Types {
			fmt.Fprintf(w, "  %s (%d)\n", t.Name, len(t.Items))
			for _, it := range t.Items {
				fmt.Fprintf(w, "    %s  %s  [%s]\n", it.Date, it.Title, it.Origins[0])
			}
		}
	}
	pub := pipeline.PublicationDay(opts)
	if len(cat.Counters) > 0 {
		fmt.Fprintf(w, "Counters as of %s:\n", dates.Format(pub, lang))
		for _, c := range cat.Counters {
			fmt.Fprintf(w, "  %s\n", counter.Describe(c, pub, lang))
		}
	}
}

// loadConfig reads name, or bulletin.yaml when present, or the defaults.
func loadConfig(name string) (*config.Config, error) {
	if name == "" {
		if _, err := os.Stat("bulletin.yaml"); err != nil {
			return config.Default(), nil
		}
		name = "bulletin.yaml"
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	defer fh.Close()
	return config.Load(name, fh)
}

func (f *flags) options(cfg *config.Config, e env) (pipeline.Options, error) {
	pub, err := publication(f.date, cfg.Location, e)
	if err != nil {
		return pipeline.Options{}, err
	}
	opts := f.pipelineOptions(cfg, pub)
	opts.Months = f.months
	opts.NoCache = f.noCache
	if opts.From, err = parseMonth(f.from, "--from"); err != nil {
		return opts, err
	}
	if opts.To, err = parseMonth(f.to, "--to"); err != nil {
		return opts, err
	}
	if opts.From.Year != 0 && opts.To.Year != 0 && (opts.To.Year*12+int(opts.To.Month)) < (opts.From.Year*12+int(opts.From.Month)) {
		return opts, fmt.Errorf("--from %s is after --to %s: swap them", opts.From, opts.To)
	}
	return opts, nil
}

// publication is the publication instant: --date, else SOURCE_DATE_EPOCH,
// else now. A bare date is midnight in the publisher's time zone.
func publication(date string, loc *time.Location, e env) (time.Time, error) {
	if date != "" {
		t, err := dates.ParseInstant(date, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("--date %q: %w; write it as YYYY-MM-DD or RFC 3339 (2020-07-06T09:00:00+01:00)", date, err)
		}
		// The EPUB's dcterms:modified and the PDF's dates need a year of
		// four digits, and year 1 is Go's zero time ("no date").
		if y := t.Year(); y < 1000 || y > 9999 {
			return time.Time{}, fmt.Errorf("--date %q: the year must be between 1000 and 9999; check the date", date)
		}
		return t, nil
	}
	if s := e.getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", s)
		}
		return time.Unix(n, 0).In(loc), nil
	}
	return e.now().In(loc), nil
}

func parseMonth(s, flagName string) (news.MonthKey, error) {
	if s == "" {
		return news.MonthKey{}, nil
	}
	if s == "undated" && flagName == "--month" {
		return news.MonthKey{}, nil // the items with no date at all
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return news.MonthKey{}, fmt.Errorf("%s %q: write the month as YYYY-MM", flagName, s)
	}
	return news.MonthKey{Year: t.Year(), Month: t.Month()}, nil
}

// monthList is a repeatable --month flag.
type monthList []news.MonthKey

func (m *monthList) String() string {
	var s []string
	for _, k := range *m {
		s = append(s, k.String())
	}
	return strings.Join(s, ",")
}

func (m *monthList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		k, err := parseMonth(strings.TrimSpace(part), "--month")
		if err != nil {
			return err
		}
		*m = append(*m, k)
	}
	return nil
}
