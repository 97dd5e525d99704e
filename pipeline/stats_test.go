package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/outdir"
	"bulletin/pipeline/source"
)

// statsBuild builds opts into dir through a Stage wrapped to count which
// files of the folder the build read back.
func statsBuild(t *testing.T, opts Options, dir string) (*Result, map[string]int) {
	res, reads, _ := statsBuildPut(t, opts, dir)
	return res, reads
}

func statsBuildPut(t *testing.T, opts Options, dir string) (*Result, map[string]int, []string) {
	t.Helper()
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	prev, err := previousNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts.Previous = prev
	stage := &countingStage{Stage: outdir.NewStage(dir), reads: map[string]int{}}
	res, err := Build(context.Background(), opts, lay, stage)
	if err != nil {
		stage.Abort()
		t.Fatal(err)
	}
	if err := stage.Commit(); err != nil {
		t.Fatal(err)
	}
	return res, stage.reads, stage.put
}

// countingStage is a Stage that counts the files Existing reads, and
// names the files put.
type countingStage struct {
	*outdir.Stage
	mu    sync.Mutex
	reads map[string]int
	put   []string
}

func (s *countingStage) Put(name string, data []byte) error {
	s.mu.Lock()
	s.put = append(s.put, name)
	s.mu.Unlock()
	return s.Stage.Put(name, data)
}

func (s *countingStage) Existing(name string) ([]byte, error) {
	s.mu.Lock()
	s.reads[name]++
	s.mu.Unlock()
	return s.Stage.Existing(name)
}

// countingFS is a sources folder that counts the files opened.
type countingFS struct {
	fsys  fs.FS
	mu    sync.Mutex
	opens map[string]int
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.fsys.Open(name)
}
func (c *countingFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(c.fsys, name) }
func (c *countingFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(c.fsys, name) }

// savedStats reads the stats file a build left in dir.
func savedStats(t *testing.T, dir string) (sources, outputs map[string]statRecord) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, StatsName))
	if err != nil {
		t.Fatal(err)
	}
	sources, outputs, ok := parseStatsFile(data)
	if !ok {
		t.Fatalf("%s does not read back", StatsName)
	}
	return sources, outputs
}

func statItem(title, date, body string) []byte {
	return fmt.Appendf(nil, "---\ntitle: %q\ndate: %s\ntype: statement\n---\n\n%s\n", title, date, body)
}

func itemBody(cat *Catalogue, title string) string {
	for _, it := range cat.Items {
		if it.Title == title {
			return it.Body
		}
	}
	return ""
}

// Sources whose stat is as recorded are not opened; an edit that keeps the
// size changes the modification time and is seen; a touch without a
// change reads the file again but keeps its outputs; a file changed just
// before the build ("racy") is not recorded.
func TestSourcesTrustedByStat(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	old := time.Now().Add(-time.Hour)
	write := func(name string, data []byte, mtime time.Time) {
		t.Helper()
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if !mtime.IsZero() {
			if err := os.Chtimes(p, mtime, mtime); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("a.md", statItem("January", "2024-01-10", "Text one."), old)
	write("b.md", statItem("February", "2024-02-10", "Text two."), old)
	fsys := &countingFS{fsys: os.DirFS(src), opens: map[string]int{}}
	opts := Options{Config: config.Default(), Sources: fsys, SourcesDir: "sources",
		Published: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}

	statsBuild(t, opts, out)
	if got, _ := savedStats(t, out); len(got) != 2 || got["sources/a.md"].stat.Mtime != old.UnixNano() {
		t.Fatalf("stats recorded after the first build: %+v", got)
	}

	clear(fsys.opens)
	res, _ := statsBuild(t, opts, out)
	if fsys.opens["a.md"]+fsys.opens["b.md"] != 0 {
		t.Errorf("unchanged sources were opened: %v", fsys.opens)
	}
	if len(res.Catalogue.Items) != 2 || itemBody(res.Catalogue, "January") != "Text one." {
		t.Errorf("items recalled by stat: %+v", res.Catalogue.Items)
	}

	// The same size, another letter: the modification time tells it.
	write("a.md", statItem("January", "2024-01-10", "Text One."), time.Time{})
	clear(fsys.opens)
	res, _, put := statsBuildPut(t, opts, out)
	// The memo files of a.md's old and new entries are written again,
	// the others kept.
	if n := len(slices.DeleteFunc(put, func(s string) bool { return !strings.HasPrefix(s, MemoDir+"/") })); n < 1 || n > 2 {
		t.Errorf("%d memo files written for one edit, want 1 or 2", n)
	}
	if got := itemBody(res.Catalogue, "January"); got != "Text One." {
		t.Errorf("the edit keeping the size was not seen: body %q", got)
	}
	if fsys.opens["a.md"] != 1 || fsys.opens["b.md"] != 0 {
		t.Errorf("opened %v, want a.md alone", fsys.opens)
	}
	if !slices.Contains(res.Kept, "bulletin-2024-02.pdf") || slices.Contains(res.Kept, "bulletin-2024-01.pdf") {
		t.Errorf("kept %v, want February's files and not January's", res.Kept)
	}
	if got, _ := savedStats(t, out); got["sources/a.md"] != (statRecord{}) {
		t.Errorf("a.md, written just before the build, was recorded: %+v", got["sources/a.md"])
	}

	// A touch: read and hashed again, nothing rendered, the new time recorded.
	touched := old.Add(time.Minute)
	if err := os.Chtimes(filepath.Join(src, "b.md"), touched, touched); err != nil {
		t.Fatal(err)
	}
	clear(fsys.opens)
	res, _ = statsBuild(t, opts, out)
	if fsys.opens["b.md"] != 1 {
		t.Errorf("the touched b.md was opened %d times, want 1", fsys.opens["b.md"])
	}
	if !slices.Contains(res.Kept, "bulletin-2024-02.pdf") || !slices.Contains(res.Kept, "bulletin-2024-02.epub") {
		t.Errorf("kept %v, want February's files: b.md's bytes did not change", res.Kept)
	}
	if got, _ := savedStats(t, out); got["sources/b.md"].stat.Mtime != touched.UnixNano() {
		t.Errorf("b.md's new time not recorded: %+v", got["sources/b.md"])
	}
}

// A file changed in place within the racy margin of the build that read
// it, keeping its size and time, is still seen: its stat was not recorded.
// One changed long after its stat was recorded, keeping size and time (and
// where the system gives none, inode and change time), is not: the
// trade-off make and git make too. NoCache sees it.
func TestRacySourceIsHashed(t *testing.T) {
	for _, c := range []struct {
		name  string
		mtime time.Time
		seen  bool
	}{
		{"changed within the racy margin", time.Now(), true},
		{"changed long after, size and time kept", time.Now().Add(-time.Hour), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"a.md": {Data: statItem("January", "2024-01-10", "Text one."), ModTime: c.mtime, Mode: 0o644}}
			opts := Options{Config: config.Default(), Sources: fsys, SourcesDir: "sources",
				Published: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
			out := t.TempDir()
			statsBuild(t, opts, out)
			fsys["a.md"].Data = statItem("January", "2024-01-10", "Text One.")
			res, _ := statsBuild(t, opts, out)
			if got := itemBody(res.Catalogue, "January"); (got == "Text One.") != c.seen {
				t.Errorf("body %q after the change; seen should be %v", got, c.seen)
			}
			opts.NoCache = true
			if res, _ := statsBuild(t, opts, out); itemBody(res.Catalogue, "January") != "Text One." {
				t.Errorf("NoCache did not see the change")
			}
		})
	}
}

// A kept output whose stat is as recorded is neither read nor hashed; one
// changed by hand is made again, even with its size and time put back.
func TestKeptOutputsTrustedByStat(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	old := time.Now().Add(-time.Hour)
	for name, data := range map[string][]byte{
		"a.md": statItem("January", "2024-01-10", "Text one."),
		"b.md": statItem("February", "2024-02-10", "Text two."),
	} {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Config: config.Default(), Sources: os.DirFS(src), SourcesDir: "sources",
		Published: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
	statsBuild(t, opts, out)
	// The outputs are as old as an archive's: the next build reads and
	// hashes them once, and records their stats.
	ages := map[string]time.Time{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		ages[filepath.ToSlash(rel)] = old
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, reads := statsBuild(t, opts, out)
	if reads["bulletin-2024-01.pdf"] != 1 {
		t.Errorf("the first rebuild read the January PDF %d times, want once (to hash it)", reads["bulletin-2024-01.pdf"])
	}
	if _, outs := savedStats(t, out); outs["bulletin-2024-01.pdf"].stat.Mtime != old.UnixNano() {
		t.Fatalf("the January PDF's stat was not recorded: %+v", outs)
	}

	res, reads := statsBuild(t, opts, out)
	for name, n := range reads {
		if strings.HasPrefix(name, "bulletin-") || name == "collection.epub" {
			t.Errorf("%s was read %d times, though its stat was recorded", name, n)
		}
	}
	want := []string{"bulletin-2024-01.epub", "bulletin-2024-01.pdf", "bulletin-2024-02.epub", "bulletin-2024-02.pdf", "collection.epub"}
	if got := slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(res.Kept), func(s string) bool { return strings.HasPrefix(s, "site/") }))); !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	for _, f := range res.Made {
		if f.Name == "bulletin-2024-01.pdf" {
			data, err := os.ReadFile(filepath.Join(out, f.Name))
			if err != nil || f.Bytes != len(data) || f.SHA256 != describe(f.Name, "", data, nil, nil).SHA256 {
				t.Errorf("the kept PDF is described as %d bytes, %s (%v)", f.Bytes, f.SHA256, err)
			}
		}
	}

	// Changed by hand in place, the size and time put back: the change
	// time (Linux) tells it.
	if runtime.GOOS == "linux" {
		p := filepath.Join(out, "bulletin-2024-01.pdf")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte{data[len(data)/2] ^ 1}, int64(len(data)/2)); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		res, _ := statsBuild(t, opts, out)
		if slices.Contains(res.Kept, "bulletin-2024-01.pdf") {
			t.Errorf("the PDF changed by hand was kept")
		}
		if now, _ := os.ReadFile(p); !bytes.Equal(now, data) {
			t.Errorf("the PDF changed by hand was not made again")
		}
	}
}

// The stats file reads back as written; damaged, it is no record.
func TestStatsFile(t *testing.T) {
	s := &stats{
		nowSources: map[string]statRecord{
			"sources/a.md": {stat: source.Stat{Size: 10, Mtime: -5, Ctime: 1 << 60, Ino: 1<<64 - 1, Mode: 0o644}, sum: [32]byte{3}},
			"sources/é.md": {stat: source.Stat{Size: 1}, sum: [32]byte{4}},
		},
		nowOutputs: map[string]statRecord{"bulletin-2024-01.pdf": {stat: source.Stat{Size: 7, Mtime: 9}, sum: [32]byte{5}}},
	}
	var sink memorySink
	if err := s.save(&sink, false, nil); err != nil {
		t.Fatal(err)
	}
	good := sink.files[StatsName]
	src, outs, ok := parseStatsFile(good)
	if !ok || fmt.Sprint(src) != fmt.Sprint(s.nowSources) || fmt.Sprint(outs) != fmt.Sprint(s.nowOutputs) {
		t.Fatalf("read back as %v, %v, %v", src, outs, ok)
	}
	for name, data := range map[string][]byte{
		"a byte changed": append(bytes.Clone(good[:len(good)-1]), good[len(good)-1]^1),
		"cut short":      good[:len(good)-1],
		"another format": append([]byte("bulletin stats 0\n"), good[len(statsMagic):]...),
		"empty":          nil,
	} {
		if _, _, ok := parseStatsFile(data); ok {
			t.Errorf("%s: read as a stats file", name)
		}
	}
}

// An archive big enough that the collection's navigation documents pass
// the size from which an unchanged one is copied from the last book (not
// deflated again): an edit of one item's text makes the very bytes a
// clean build makes.
func TestIncrementalCopiesUnchangedNavigation(t *testing.T) {
	src, inc := t.TempDir(), t.TempDir()
	var lines bytes.Buffer
	for i := range 400 {
		fmt.Fprintf(&lines, `{"title": "Statement number %d on a long enough subject", "date": "2024-0%d-%02d", "type": "statement", "body": "Text of statement %d."}`+"\n", i, 1+i%3, 1+i%28, i)
	}
	if err := os.WriteFile(filepath.Join(src, "items.jsonl"), lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	edit := func(body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(src, "edited.md"), statItem("Edited", "2024-02-15", body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("Before.")
	opts := Options{Config: config.Default(), Sources: os.DirFS(src), SourcesDir: "sources",
		Published: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
	statsBuild(t, opts, inc)
	edit("After, a longer text.")
	res, _ := statsBuild(t, opts, inc)
	if slices.Contains(res.Kept, "collection.epub") {
		t.Fatal("the collection was kept, not repacked")
	}
	clean := t.TempDir()
	statsBuild(t, opts, clean)
	sameFolders(t, "an item's text edited", inc, clean)

	zr, err := zip.OpenReader(filepath.Join(inc, "collection.epub"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "EPUB/nav.xhtml" && f.UncompressedSize64 < 32<<10 {
			t.Errorf("the navigation document is %d bytes: too small to be copied, the test checks nothing", f.UncompressedSize64)
		}
	}
}
