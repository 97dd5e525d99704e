// Command bulletin turns a press office's news items into monthly PDF
// bulletins and an EPUB collection. See the README for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

// memoryLimit is the soft heap limit of a run: a six-year archive of
// 20,000 items then peaks at about 275 MB, at some 1% more CPU than with
// 400 MiB (which it peaked at). The limit is soft: a build that needs
// more takes it, with the collector working harder. GOMEMLIMIT, when
// set, wins.
const memoryLimit = 256 << 20

// gcPercent lets the heap grow to three times the live data between
// collections (Go's default is two): a build makes much short-lived
// garbage, and this saved about 15% of its time on 1,000 items, while the
// memory limit above still bounds the peak. GOGC, when set, wins.
const gcPercent = 200

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal asks the run to stop cleanly (the previous
		// outputs stay as they were); after it the signals get their
		// default action back, so a second Ctrl-C ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], env{
		stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, now: time.Now,
	})
	stop()
	os.Exit(code)
}
