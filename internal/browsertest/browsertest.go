// Package browsertest is for tests only: it starts Debian's headless
// chromium through chromedp, and checks pages with axe-core. Both are
// found through internal/testenv: absent, the test is skipped loudly, or
// fails under CI=true.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"bulletin/internal/testenv"
)

// New starts a headless chromium for the test and returns its context;
// the browser stops when the test ends. The flags keep it off the network
// (this machine has none, and a browser's background fetches would be
// refused at every start).
func New(tb testing.TB) context.Context {
	tb.Helper()
	exec := testenv.Chromium(tb)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exec),
		chromedp.NoSandbox, // tests may run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1000, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start chromium %s: %v", exec, err)
	}
	return ctx
}

// Violation is one axe-core rule a page breaks, with the elements.
type Violation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s: %s", v.ID, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&s, "\n    %v %s", n.Target, n.HTML)
	}
	return s.String()
}

// Axe loads url, injects axe-core and returns every violation of its
// default rule set (WCAG 2 A/AA and best practices).
func Axe(tb testing.TB, ctx context.Context, url string) []Violation {
	tb.Helper()
	script, err := os.ReadFile(testenv.AxeCore(tb))
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err = chromedp.Do(ctx, chromedp.Navigate(url), chromedp.Evaluate[chromedp.Void](string(script)))
	var raw string
	if err == nil {
		raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		tb.Fatalf("axe on %s: %v", url, err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		tb.Fatalf("axe on %s: %v", url, err)
	}
	return vs
}
