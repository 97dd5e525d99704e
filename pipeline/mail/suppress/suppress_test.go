package suppress

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"ann@Paper.Example", "ann@paper.example"},
		{"  Ann@paper.example \t", "Ann@paper.example"},
		{"Ann Editor <ann@PAPER.example>", "ann@paper.example"},
		{"not an address", ""},
		{"@paper.example", ""},
		{"ann@", ""},
	} {
		got, err := Key(tt.in)
		if (err != nil) != (tt.want == "") || got != tt.want {
			t.Errorf("Key(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestAddAndLookup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "suppressed.txt")
	os.WriteFile(path, []byte("# kept by hand\nold@paper.example"), 0o644)
	added, err := Add(path, []Entry{
		{Address: "Ann@Paper.example", Date: "2026-12-02", Reason: "unsubscribed"},
		{Address: "old@PAPER.EXAMPLE", Date: "2026-12-02", Reason: "again"},
	})
	if err != nil || len(added) != 1 {
		t.Fatalf("added %v, %v", added, err)
	}
	got, _ := os.ReadFile(path)
	want := "# kept by hand\nold@paper.example\nAnn@Paper.example\t2026-12-02\tunsubscribed\n"
	if string(got) != want {
		t.Fatalf("file:\n%q\nwant\n%q", got, want)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		addr string
		on   bool
	}{
		{"Ann@paper.example", true},
		{" Ann@PAPER.EXAMPLE ", true},
		{"ann@paper.example", false}, // the local part is exact
		{"old@Paper.Example", true},
		{"new@paper.example", false},
	} {
		if _, on := l.Lookup(tt.addr); on != tt.on {
			t.Errorf("Lookup(%q) = %v, want %v", tt.addr, on, tt.on)
		}
	}
	if e, _ := l.Lookup("Ann@paper.example"); e.Reason != "unsubscribed" || e.Date != "2026-12-02" {
		t.Errorf("entry %+v", e)
	}
}

func TestBadLineNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "suppressed.txt")
	os.WriteFile(path, []byte("a@x.example\nnot an address\tdate\n"), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "suppressed.txt:2") {
		t.Fatalf("err = %v, want one naming line 2", err)
	}
	if _, err := Add(path, []Entry{{Address: "b@x.example"}}); err == nil {
		t.Fatal("Add over a damaged file succeeded")
	}
	if got, _ := os.ReadFile(path); string(got) != "a@x.example\nnot an address\tdate\n" {
		t.Fatalf("a failed Add changed the file: %q", got)
	}
}

// TestConcurrentAdds: many adders at once (goroutines here; processes take
// the same flock) lose no address.
func TestConcurrentAdds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "suppressed.txt")
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := Add(path, []Entry{{Address: strings.Repeat("x", i+1) + "@x.example", Date: "2026-12-02", Reason: "test"}})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	l, err := Load(path)
	if err != nil || l.Len() != 40 {
		t.Fatalf("%d addresses after 40 adds: %v", l.Len(), err)
	}
}
