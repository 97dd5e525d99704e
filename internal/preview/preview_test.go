package preview

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A burst of saves is one rebuild; a change in the ignored output folder
// is none; the overlay shows the problems of a failed build and goes
// with the next good one.
func TestDebounceAndOverlay(t *testing.T) {
	dir := t.TempDir()
	src, out := filepath.Join(dir, "sources"), filepath.Join(dir, "sources", "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "index.html"), []byte("<html><body><p>page</p></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	var fail atomic.Bool
	s := &Server{Dir: out, Start: "index.html", Watch: []string{src}, Ignore: out, Debounce: 200 * time.Millisecond,
		builds: make(chan struct{}, 10),
		Build: func(context.Context) []string {
			n.Add(1)
			if fail.Load() {
				return []string{"sources/a.md:3: error: bad <date>"}
			}
			return nil
		}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	wait := func(what string) {
		t.Helper()
		select {
		case <-s.builds:
		case <-time.After(10 * time.Second):
			t.Fatalf("no build after %s", what)
		}
	}
	wait("start")
	for i := range 5 {
		if err := os.WriteFile(filepath.Join(src, "a.md"), []byte(fmt.Sprint(i)), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	wait("a burst of saves")
	if err := os.WriteFile(filepath.Join(out, "other.html"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	if got := n.Load(); got != 2 {
		t.Errorf("%d builds, want 2: the first, and one for the burst (none for the output folder)", got)
	}
	get := func() string {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if page := get(); strings.Contains(page, "bulletin-overlay") || !strings.Contains(page, "EventSource") {
		t.Errorf("good build: %s", page)
	}
	fail.Store(true)
	os.WriteFile(filepath.Join(src, "a.md"), []byte("bad"), 0o644)
	wait("a bad save")
	if page := get(); !strings.Contains(page, "sources/a.md:3: error: bad &lt;date&gt;") || !strings.Contains(page, "<p>page</p>") {
		t.Errorf("failed build: want the overlay over the last page: %s", page)
	}
	fail.Store(false)
	os.WriteFile(filepath.Join(src, "a.md"), []byte("good"), 0o644)
	wait("the fix")
	if page := get(); strings.Contains(page, "bulletin-overlay") {
		t.Errorf("after the fix the overlay stays: %s", page)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}
