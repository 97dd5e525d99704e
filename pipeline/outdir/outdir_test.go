package outdir

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func noTemps(t *testing.T, dir string) {
	t.Helper()
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, ".") {
			t.Errorf("temporary file %q left in %s", n, dir)
		}
	}
}

// manyFiles are n files, more than are synced one by one.
func manyFiles(n int) []File {
	var fs []File
	for i := range n {
		name := fmt.Sprintf("bulletin-%03d.pdf", i)
		fs = append(fs, File{name, []byte(name)})
	}
	return fs
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name  string
		files []File
	}{
		{"none", nil},
		{"one", []File{{"a.pdf", []byte("%PDF-1.7\n")}}},
		{"several", []File{
			{"a.pdf", []byte("%PDF-1.7\n\x00\xff binary")},
			{"b.epub", []byte("PK\x03\x04")},
			{"manifest.json", []byte("{}\n")},
		}},
		{"empty file", []File{{"empty.txt", []byte{}}}},
		{"many (synced at once on Linux)", manyFiles(syncOneByOne + 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out", "nested") // does not exist yet
			if err := Write(dir, tt.files); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if len(tt.files) == 0 {
				// Nothing to write: nothing is touched, not even the folder.
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Errorf("writing no file created %s (%v)", dir, err)
				}
				return
			}
			var want []string
			for _, f := range tt.files {
				want = append(want, f.Name)
				p := filepath.Join(dir, f.Name)
				got, err := os.ReadFile(p)
				if err != nil {
					t.Fatalf("read back %s: %v", f.Name, err)
				}
				if !bytes.Equal(got, f.Data) {
					t.Errorf("%s = %q, want %q", f.Name, got, f.Data)
				}
				st, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode() != 0o644 {
					t.Errorf("%s mode = %v, want -rw-r--r--", f.Name, st.Mode())
				}
			}
			sort.Strings(want)
			if got := listDir(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("folder holds %q, want exactly %q", got, want)
			}
		})
	}
}

func TestWriteReplacesExisting(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.pdf"), []byte("old and longer content"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, []File{{"a.pdf", []byte("new")}}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "a.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new" {
		t.Errorf("a.pdf = %q, want %q", got, "new")
	}
	noTemps(t, dir)
}

func TestWriteFailure(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		files []File
		// keepOld lists files whose previous content must survive: the
		// failure happened before anything was renamed into place.
		keepOld []string
	}{
		{
			name: "a name that leaves the folder is refused mid-way",
			files: []File{
				{"a.pdf", []byte("new a")},
				{"b.epub", []byte("new b")},
				{"site/../../c.json", []byte("new c")},
			},
			keepOld: []string{"a.pdf", "b.epub"},
		},
		{
			name: "rename fails (target name is a folder)",
			setup: func(t *testing.T, dir string) {
				if err := os.MkdirAll(filepath.Join(dir, "b.pdf", "inside"), 0o755); err != nil {
					t.Fatal(err)
				}
			},
			files: []File{
				{"a.pdf", []byte("new a")},
				{"b.pdf", []byte("new b")},
				{"c.json", []byte("new c")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			old := map[string]string{}
			for _, n := range tt.keepOld {
				old[n] = "old " + n
				if err := os.WriteFile(filepath.Join(dir, n), []byte(old[n]), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			if err := Write(dir, tt.files); err == nil {
				t.Fatal("Write succeeded, want an error")
			}
			noTemps(t, dir)
			for n, want := range old {
				got, err := os.ReadFile(filepath.Join(dir, n))
				if err != nil {
					t.Fatalf("%s: %v", n, err)
				}
				if string(got) != want {
					t.Errorf("%s = %q after a failed write, want the old %q", n, got, want)
				}
			}
		})
	}
}

func TestStage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.pdf"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A temporary file a killed run left behind is cleaned up.
	if err := os.WriteFile(filepath.Join(dir, ".b.pdf.tmp-123"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewStage(dir)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Put(fmt.Sprintf("f%d.pdf", i), []byte{byte(i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := s.Put("a.pdf", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("../escape.pdf", nil); err == nil {
		t.Error("a name with a path separator was accepted")
	}
	// Before Commit, the final names hold the old contents.
	if b, _ := os.ReadFile(filepath.Join(dir, "a.pdf")); string(b) != "old" {
		t.Errorf("a.pdf before commit = %q", b)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 9 {
		t.Errorf("%d files after commit, want 9 (no temporary ones): %v", len(entries), entries)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.pdf")); string(b) != "new" {
		t.Errorf("a.pdf after commit = %q", b)
	}
}

func TestStageAbort(t *testing.T) {
	dir := t.TempDir()
	s := NewStage(dir)
	if err := s.Put("x.pdf", []byte("x")); err != nil {
		t.Fatal(err)
	}
	s.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left after Abort: %v", entries)
	}
}

// A commit killed after its journal was written is finished by the next
// stage on the folder, or by Recover: the new set, whole.
func TestRecoverFinishesAnInterruptedCommit(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"a.pdf": "old a", "gone.pdf": "old gone", "manifest.json": "old"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// What Commit leaves when killed after renaming a.pdf but before the
	// rest: the journal, manifest.json's temporary, a.pdf already new.
	if err := os.WriteFile(filepath.Join(dir, ".manifest.json.tmp-1"), []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.pdf"), []byte("new a"), 0o644); err != nil {
		t.Fatal(err)
	}
	journal := "remove gone.pdf\nrename .a.pdf.tmp-1 a.pdf\nrename .manifest.json.tmp-1 manifest.json\nend\n"
	if err := os.WriteFile(filepath.Join(dir, journalName), []byte(journal), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Recover(dir); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listDir(t, dir), " "); got != "a.pdf manifest.json" {
		t.Errorf("after recovery: %s", got)
	}
	for name, want := range map[string]string{"a.pdf": "new a", "manifest.json": "new"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != want {
			t.Errorf("%s = %q, want %q", name, b, want)
		}
	}
	// A journal cut short is not replayed.
	if err := os.WriteFile(filepath.Join(dir, journalName), []byte("remove a.pdf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Recover(dir); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("an incomplete journal: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.pdf")); err != nil {
		t.Errorf("an incomplete journal was replayed: %v", err)
	}
}

// One build at a time: a second stage on a locked folder fails with
// ErrBusy and leaves the first one's files alone; the lock goes with the
// first stage's Commit.
func TestStageLock(t *testing.T) {
	dir := t.TempDir()
	first := NewStage(dir)
	if err := first.Lock(); err != nil {
		t.Fatal(err)
	}
	if err := first.Put("a.pdf", []byte("first")); err != nil {
		t.Fatal(err)
	}
	second := NewStage(dir)
	if err := second.Lock(); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Lock: %v, want ErrBusy", err)
	}
	if err := second.Put("a.pdf", []byte("second")); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Put: %v, want ErrBusy", err)
	}
	if err := first.Commit(); err != nil {
		t.Fatalf("the first build's commit: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.pdf")); string(b) != "first" {
		t.Errorf("a.pdf = %q", b)
	}
	third := NewStage(dir)
	if err := third.Lock(); err != nil {
		t.Errorf("Lock after the first committed: %v", err)
	}
	third.Abort()
	// Locking a folder that does not exist creates nothing.
	missing := filepath.Join(dir, "none")
	if err := NewStage(missing).Lock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("Lock created %s: %v", missing, err)
	}
}

// A folder output's files are put under slash-separated names: the folders
// are made, the files land whole, and no temporary stays in them; names
// that could leave the folder are refused before anything is written.
func TestNestedNames(t *testing.T) {
	dir := t.TempDir()
	files := []File{{"site/index.html", []byte("index")}, {"site/images/a.png", []byte("png")}, {"manifest.json", []byte("{}")}}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s: %q, %v", f.Name, got, err)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), tempMark) {
			t.Errorf("temporary left: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "site/../../x", "site//x", "site/./x", `site\x`, "site/", "a b"} {
		s := NewStage(dir)
		if err := s.Put(bad, []byte("x")); err == nil {
			t.Errorf("Put(%q) succeeded", bad)
		}
		if err := s.Remove(bad); err == nil {
			t.Errorf("Remove(%q) succeeded", bad)
		}
		s.Abort()
	}
}

// Keep leaves a file as the last build made it, even when Remove asked for
// it; Existing reads it, and never creates a folder that is not there.
func TestStageKeepAndExisting(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	s := NewStage(dir)
	if _, err := s.Existing("a.pdf"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Existing in a missing folder: %v, want not exist", err)
	}
	if _, err := s.Stat("a.pdf"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Stat in a missing folder: %v, want not exist", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Existing or Stat created %s", dir)
	}
	if err := Write(dir, []File{{"a.pdf", []byte("A")}, {"b.pdf", []byte("B")}}); err != nil {
		t.Fatal(err)
	}
	s = NewStage(dir)
	got, err := s.Existing("a.pdf")
	if err != nil || string(got) != "A" {
		t.Fatalf("Existing(a.pdf) = %q, %v; want A", got, err)
	}
	if fi, err := s.Stat("a.pdf"); err != nil || fi.Size() != 1 {
		t.Fatalf("Stat(a.pdf) = %v, %v; want 1 byte", fi, err)
	}
	if _, err := s.Stat("z.pdf"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Stat(z.pdf) = %v, want not exist", err)
	}
	for _, name := range []string{"", "../a.pdf", "/etc/passwd", "x/../../a.pdf"} {
		if _, err := s.Existing(name); err == nil {
			t.Errorf("Existing(%q) read outside the folder", name)
		}
		if _, err := s.Stat(name); err == nil {
			t.Errorf("Stat(%q) looked outside the folder", name)
		}
		if err := s.Keep(name); err == nil {
			t.Errorf("Keep(%q) accepted", name)
		}
	}
	for _, step := range []error{s.Remove("a.pdf"), s.Remove("b.pdf"), s.Keep("a.pdf"), s.Put("c.pdf", []byte("C")), s.Commit()} {
		if step != nil {
			t.Fatal(step)
		}
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"a.pdf", "c.pdf"}) {
		t.Errorf("folder holds %v, want a.pdf (kept) and c.pdf", got)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "a.pdf")); string(data) != "A" {
		t.Errorf("kept a.pdf holds %q", data)
	}
}
