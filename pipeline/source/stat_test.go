package source

import (
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/pipeline/config"
)

// Trustworthy: only a stat whose file was last modified clearly before
// the build started may vouch for its bytes.
func TestStatTrustworthy(t *testing.T) {
	since := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		what  string
		mtime time.Time
		want  bool
	}{
		{"an hour before", since.Add(-time.Hour), true},
		{"just outside the margin", since.Add(-RacyMargin - time.Nanosecond), true},
		{"at the margin", since.Add(-RacyMargin), false},
		{"a second before", since.Add(-time.Second), false},
		{"after the start", since.Add(time.Second), false},
	} {
		if got := (Stat{Size: 1, Mtime: c.mtime.UnixNano()}).Trustworthy(since); got != c.want {
			t.Errorf("%s: %v, want %v", c.what, got, c.want)
		}
	}
	if (Stat{}).Trustworthy(since) {
		t.Error("the zero Stat is trusted")
	}
}

// StatOf reads the inode and change time where the system gives them.
func TestStatOf(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.md")
	if err := os.WriteFile(p, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := StatOf(fi)
	if st.Size != 3 || st.Mtime != fi.ModTime().UnixNano() || st.Mode != uint32(fi.Mode()) {
		t.Errorf("StatOf = %+v", st)
	}
	if runtime.GOOS == "linux" && (st.Ino == 0 || st.Ctime == 0) {
		t.Errorf("no inode or change time on Linux: %+v", st)
	}
}

// A file whose stat the Memory recorded is not opened, and is known by
// the sum recorded with it; another is read.
func TestReadPartsTrustsRecordedStat(t *testing.T) {
	md := []byte("---\ntitle: One\ndate: 2024-01-02\n---\n\nText.\n")
	old := time.Now().Add(-time.Hour)
	fsys := &openCounter{fsys: fstest.MapFS{
		"a.md": {Data: md, ModTime: old},
		"b.md": {Data: md, ModTime: old},
	}, opens: map[string]int{}}
	mem := &statMemory{recorded: map[string]Stat{}, sums: map[string][sha256.Size]byte{}}
	fi, err := fs.Stat(fsys.fsys, "a.md")
	if err != nil {
		t.Fatal(err)
	}
	mem.recorded["sources/a.md"] = StatOf(fi)
	mem.sums["sources/a.md"] = [sha256.Size]byte{7} // not md's: only the record says so
	parts, err := ReadParts(context.Background(), fsys, "sources", time.UTC, config.Default().Limits, mem)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		switch p.File {
		case "sources/a.md":
			if !p.Known || p.Sum != ([sha256.Size]byte{7}) || p.Stat != StatOf(fi) || fsys.opens["a.md"] != 0 {
				t.Errorf("a.md: known %v, sum %x, opened %d times", p.Known, p.Sum, fsys.opens["a.md"])
			}
		case "sources/b.md":
			if p.Known || p.Sum != sha256.Sum256(md) || p.Stat.Size != int64(len(md)) || fsys.opens["b.md"] != 1 || len(p.Items) != 1 {
				t.Errorf("b.md: known %v, sum %x, stat %+v, opened %d times, %d items", p.Known, p.Sum, p.Stat, fsys.opens["b.md"], len(p.Items))
			}
		}
	}
}

// statMemory knows the files it recorded, by stat, and no others.
type statMemory struct {
	recorded map[string]Stat
	sums     map[string][sha256.Size]byte
}

func (m *statMemory) Recorded(file string, st Stat) ([sha256.Size]byte, bool) {
	if r, ok := m.recorded[file]; ok && r == st {
		return m.sums[file], true
	}
	return [sha256.Size]byte{}, false
}

func (m *statMemory) Known(file string, sum [sha256.Size]byte) bool {
	return m.sums[file] == sum && sum != [sha256.Size]byte{}
}

type openCounter struct {
	fsys  fs.FS
	mu    sync.Mutex
	opens map[string]int
}

func (c *openCounter) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.fsys.Open(name)
}
func (c *openCounter) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(c.fsys, name) }
func (c *openCounter) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(c.fsys, name) }
