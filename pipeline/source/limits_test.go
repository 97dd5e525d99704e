package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

// Special files and files above the limits are refused with an error that
// names the file, without being opened or read whole: a FIFO would block
// forever, /dev/zero would fill the memory.
func TestReadRefusesSpecialAndBigFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.md", "---\ntitle: Good\ndate: 2020-07-06\n---\nText.\n")
	write("big.jsonl", strings.Repeat(`{"title": "x", "date": "2020-07-06"}`+"\n", 40000))     // 1.5 MB
	write("big.md", "---\ntitle: Big\ndate: 2020-07-06\n---\n"+strings.Repeat("word ", 60000)) // 300 KB
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "hidden-pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"zero.txt":     "/dev/zero", // out of the folder: os.Root refuses it
		"inside.jsonl": "hidden-pipe",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	lim := config.Limits{SourceMB: 1, ItemKB: 256}
	done := make(chan struct{})
	var res *Result
	go func() {
		defer close(done)
		res, err = Read(context.Background(), root.FS(), "s", time.UTC, lim)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Read blocked on a special file")
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Title != "Good" {
		t.Errorf("items = %v, want only Good", res.Items)
	}
	want := map[string]string{
		"s/big.jsonl":    "above the limit of 1.0 MB for a source file: split it, or raise limits.source_mb",
		"s/big.md":       "above the limit of 256.0 KB for an item: split it, or raise limits.item_kb",
		"s/pipe.md":      "not a regular file (a named pipe (FIFO)): bulletin reads only regular files",
		"s/hidden-pipe":  "not a regular file (a named pipe (FIFO))",
		"s/inside.jsonl": "not a regular file (a named pipe (FIFO))",
		"s/zero.txt":     "cannot read",
	}
	got := map[string]string{}
	for _, p := range res.Problems {
		if p.Severity == news.Error {
			got[p.At.File] = p.Msg
			if p.Fate != news.Refused {
				t.Errorf("%s: fate %v, want refused", p.At.File, p.Fate)
			}
		}
	}
	for file, msg := range want {
		if !strings.Contains(got[file], msg) {
			t.Errorf("%s: got %q, want it to contain %q", file, got[file], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("errors on %v, want %d", got, len(want))
	}
}

// An item above the item limit, or with a title longer than a line, is
// refused at its line; the file's other items are kept.
func TestReadRefusesBigItems(t *testing.T) {
	lines := []string{
		`{"title": "Small", "date": "2020-07-06", "body": "Text."}`,
		fmt.Sprintf(`{"title": "Big", "date": "2020-07-06", "body": %q}`, strings.Repeat("a", 3000)),
		fmt.Sprintf(`{"title": %q, "date": "2020-07-06"}`, strings.Repeat("t", config.MaxTitle+1)),
	}
	fsys := fstest.MapFS{"items.jsonl": {Data: []byte(strings.Join(lines, "\n"))}}
	res, err := Read(context.Background(), fsys, "s", time.UTC, config.Limits{SourceMB: 1, ItemKB: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Title != "Small" {
		t.Errorf("items = %d, want only Small", len(res.Items))
	}
	var msgs []string
	for _, p := range res.Problems {
		msgs = append(msgs, p.At.String()+": "+p.Msg)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"s/items.jsonl:2: the item is 2.9 KB, above the limit of 2.0 KB", "s/items.jsonl:3: the title is 2001 bytes long"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
}
