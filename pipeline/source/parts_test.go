package source

import (
	"context"
	"crypto/sha256"
	"reflect"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/pipeline/config"
)

// TestReadParts: the parts joined are Read's result; each file read whole
// carries the SHA-256 of its bytes, and a file known is not parsed.
func TestReadParts(t *testing.T) {
	md := []byte("---\ntitle: One\ndate: 2024-01-02\n---\n\nText.\n")
	fsys := fstest.MapFS{
		"a.md":       {Data: md},
		"b.md":       {Data: []byte("---\ntitle: Two\ndate: 2024-01-03\n---\n\nMore.\n")},
		"img/x.png":  {Data: []byte("png")},
		"notes.csv":  {Data: []byte("x")},
		"big.jsonl":  {Data: make([]byte, 2<<20)},
		".hidden.md": {Data: md},
	}
	ctx := context.Background()
	lim := config.Default().Limits
	lim.SourceMB = 1
	read, err := Read(ctx, fsys, "sources", time.UTC, lim)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := ReadParts(ctx, fsys, "sources", time.UTC, lim, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := Join(parts); !reflect.DeepEqual(got.Items, read.Items) || !reflect.DeepEqual(got.Problems, read.Problems) || !reflect.DeepEqual(got.Files, read.Files) {
		t.Errorf("joined parts differ from Read:\n%+v\nwant\n%+v", got, read)
	}
	sums := map[string][sha256.Size]byte{}
	for _, p := range parts {
		sums[p.File] = p.Sum
	}
	want := map[string][sha256.Size]byte{
		"sources/a.md": sha256.Sum256(md), "sources/b.md": sha256.Sum256(fsys["b.md"].Data),
		"sources/notes.csv": sha256.Sum256([]byte("x")),
		"sources/big.jsonl": {}, "sources/img/x.png": {}, // refused, and an image: not read
	}
	if !reflect.DeepEqual(sums, want) {
		t.Errorf("sums %x\nwant %x", sums, want)
	}

	var mu sync.Mutex
	var asked []string
	parts, err = ReadParts(ctx, fsys, "sources", time.UTC, lim, knownFunc(func(file string, sum [sha256.Size]byte) bool {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, file)
		return sum == sha256.Sum256(md)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 3 {
		t.Errorf("known was asked about %v, want the three files read whole", asked)
	}
	for _, p := range parts {
		if known := p.File == "sources/a.md"; p.Known != known || (known && (p.Items != nil || p.Files != nil || p.Problems != nil)) {
			t.Errorf("%s: known %v, %d items, files %v, problems %v", p.File, p.Known, len(p.Items), p.Files, p.Problems)
		}
	}
	if got := Join(parts); len(got.Items) != len(read.Items)-1 {
		t.Errorf("%d items from the parts not known, want %d", len(got.Items), len(read.Items)-1)
	}
}

// knownFunc is a Memory that records no stats: every file is read.
type knownFunc func(file string, sum [sha256.Size]byte) bool

func (knownFunc) Recorded(string, Stat) ([sha256.Size]byte, bool) { return [sha256.Size]byte{}, false }
func (f knownFunc) Known(file string, sum [sha256.Size]byte) bool { return f(file, sum) }
