package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"bulletin/internal/preview"
	"bulletin/layouts"
	"bulletin/pipeline"
	"bulletin/pipeline/news"
	"bulletin/pipeline/render/site"
	"bulletin/pipeline/source"
)

// runServe is `bulletin serve`: flags → preview.Server → print.
func runServe(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("bulletin serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := &flags{}
	f.register(fs, "output folder, served")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on (loopback unless you say otherwise)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "bulletin serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "bulletin serve: %v; pass another --addr\n", err)
		return exitUsage
	}
	return serve(ctx, f, ln, e)
}

// serve builds, serves and rebuilds until ctx is done (Ctrl-C).
func serve(ctx context.Context, f *flags, ln net.Listener, e env) int {
	// bulletin.yaml is watched when there is one (or --config names it).
	watch := []string{f.sources}
	if f.config != "" {
		watch = append(watch, f.config)
	} else if _, err := os.Stat("bulletin.yaml"); err == nil {
		watch = append(watch, "bulletin.yaml")
	}
	if f.layouts != "" {
		watch = append(watch, f.layouts)
	}
	// The renderers are kept from build to build (fonts, hyphenation,
	// cover art parsed once) while bulletin.yaml and the layout stay.
	rs := &pipeline.Renderers{}
	srv := &preview.Server{
		Dir:    f.out,
		Start:  pipeline.SiteName + site.IndexFile,
		Watch:  watch,
		Ignore: f.out,
		Build:  func(ctx context.Context) []string { return serveBuild(ctx, f, e, rs) },
		Log:    e.stderr,
	}
	fmt.Fprintf(e.stdout, "serving %s on http://%s/ (Ctrl-C stops)\n", f.out, ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(e.stderr, "bulletin serve: %v\n", err)
		return exitSources
	}
	fmt.Fprintln(e.stderr, "bulletin serve: stopped")
	return exitOK
}

// serveBuild is one build of serve, as `bulletin build` does it (staged,
// committed only when whole), returning the problems that stopped it for
// the overlay: the sources' errors with their file:line, or what the
// command printed when it failed before reading them (a bad bulletin.yaml,
// a missing layout file).
func serveBuild(ctx context.Context, f *flags, e env, rs *pipeline.Renderers) []string {
	var said bytes.Buffer
	be := e
	be.stderr = io.MultiWriter(e.stderr, &said)
	fail := func() []string {
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(said.String()), "\n") {
			if l != "" && !strings.HasPrefix(l, "bulletin: building from") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	cfg, err := loadConfig(f.config)
	if err != nil {
		fmt.Fprintf(be.stderr, "bulletin serve: %v\n", err)
		return fail()
	}
	opts, err := f.options(cfg, be)
	if err != nil {
		fmt.Fprintf(be.stderr, "bulletin serve: %v\n", err)
		return fail()
	}
	root, err := f.openSources()
	if err != nil {
		fmt.Fprintf(be.stderr, "bulletin serve: %v\n", err)
		return fail()
	}
	defer root.Close()
	if err := outsideSources(f.out, f.sources); err != nil {
		// Besides reading its outputs as sources, the watch would see
		// each build's own files and build again, forever.
		fmt.Fprintf(be.stderr, "bulletin serve: %v\n", err)
		return fail()
	}
	opts.Sources = source.Files(root)
	lay, err := layouts.Load(f.layouts)
	if err != nil {
		fmt.Fprintf(be.stderr, "bulletin serve: %v\n", err)
		return fail()
	}
	res, code := buildOutputsWith(ctx, rs, "serve", f.out, opts, lay, be, "the last good outputs are kept")
	if code == exitOK {
		return nil
	}
	if res != nil && res.Catalogue != nil {
		var errs []string
		for _, p := range res.Catalogue.Problems {
			if p.Severity == news.Error {
				errs = append(errs, p.String())
			}
		}
		if len(errs) > 0 {
			return errs
		}
	}
	return fail()
}
