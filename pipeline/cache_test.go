package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/outdir"
	"bulletin/pipeline/render/manifest"
)

// An incremental build makes the very bytes a clean build makes, and
// renders only the files whose inputs changed: checked over a sequence of
// edits (add, change, delete, move an item between months, change the
// layout, change the publication date), each built both ways.
func TestIncrementalBuildMatchesCleanBuild(t *testing.T) {
	src := t.TempDir()
	item := func(name, date, title, body string) {
		t.Helper()
		md := fmt.Sprintf("---\ntitle: %q\ndate: %s\ntype: statement\n---\n\n%s\n", title, date, body)
		if err := os.WriteFile(filepath.Join(src, name), []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	item("a.md", "2024-01-10", "January statement", "The first month's text.")
	item("b.md", "2024-01-20", "Another January statement", "More text.")
	// A rune no layout font draws: a warning, which a kept file must
	// repeat as the render that made it gave it.
	item("c.md", "2024-02-05", "February statement", "A chess knight ♞ on the board.")
	item("d.md", "2024-03-01", "March statement", "Spring.")
	// Reading and normalising warn too (an unknown type, a relative link
	// with no address): a file recalled from the sources memo repeats
	// them, as the reading that parsed it gave them.
	if err := os.WriteFile(filepath.Join(src, "f.md"), []byte("---\ntitle: January note\ndate: 2024-01-15\ntype: bogus\n---\n\nSee [the page](page.html).\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	layoutDir := t.TempDir()
	defaultYAML, err := os.ReadFile("../layouts/default/layout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	published := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	inc := t.TempDir()
	all := []string{"bulletin-2024-01.pdf", "bulletin-2024-01.epub", "bulletin-2024-02.pdf", "bulletin-2024-02.epub",
		"bulletin-2024-03.pdf", "bulletin-2024-03.epub", "collection.epub", ManifestName}

	steps := []struct {
		name     string
		edit     func()
		rendered []string // the files the incremental build renders (the manifest always)
	}{
		{"first build", func() {}, all},
		{"nothing changed", func() {}, []string{ManifestName}},
		{"add an item", func() { item("e.md", "2024-02-25", "Late February statement", "Added.") },
			[]string{"bulletin-2024-02.pdf", "bulletin-2024-02.epub", "collection.epub", ManifestName}},
		{"change an item", func() { item("a.md", "2024-01-10", "January statement", "The first month's text, corrected.") },
			[]string{"bulletin-2024-01.pdf", "bulletin-2024-01.epub", "collection.epub", ManifestName}},
		// The same count and text, another title: the contents (nav, NCX)
		// and the item's ID change, the covers do not.
		{"retitle an item", func() { item("a.md", "2024-01-10", "January statement, revised", "The first month's text, corrected.") },
			[]string{"bulletin-2024-01.pdf", "bulletin-2024-01.epub", "collection.epub", ManifestName}},
		// The same date, title and text, another type: the contents' tree
		// changes, the book's identifier (of the items' IDs, dates and
		// titles) does not.
		{"change an item's type", func() {
			md := "---\ntitle: \"January statement, revised\"\ndate: 2024-01-10\ntype: speech\n---\n\nThe first month's text, corrected.\n"
			if err := os.WriteFile(filepath.Join(src, "a.md"), []byte(md), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"bulletin-2024-01.pdf", "bulletin-2024-01.epub", "collection.epub", ManifestName}},
		{"delete an item", func() { os.Remove(filepath.Join(src, "d.md")) },
			[]string{"collection.epub", ManifestName}}, // March is gone: its files are removed
		{"move an item between months", func() { item("b.md", "2024-02-20", "Another January statement", "More text.") },
			[]string{"bulletin-2024-01.pdf", "bulletin-2024-01.epub", "bulletin-2024-02.pdf", "bulletin-2024-02.epub", "collection.epub", ManifestName}},
		{"change the layout", func() {
			y := strings.Replace(string(defaultYAML), `accent: "#7a1f2b"`, `accent: "#1f4f7a"`, 1)
			if y == string(defaultYAML) {
				t.Fatal("the default layout's accent colour moved: update the test")
			}
			if err := os.WriteFile(filepath.Join(layoutDir, "layout.yaml"), []byte(y), 0o644); err != nil {
				t.Fatal(err)
			}
			if lay, err = layouts.Load(layoutDir); err != nil {
				t.Fatal(err)
			}
		}, []string{"bulletin-2024-01.pdf", "bulletin-2024-01.epub", "bulletin-2024-02.pdf", "bulletin-2024-02.epub", "collection.epub", ManifestName}},
		{"an output changed by hand", func() {
			if err := os.WriteFile(filepath.Join(inc, "bulletin-2024-01.pdf"), []byte("not ours"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"bulletin-2024-01.pdf", ManifestName}},
		{"the sources memo altered", func() {
			// Text of an item changed inside the memo, its length kept: the
			// memo's SHA-256 no longer matches, so it is not used.
			shards, err := filepath.Glob(filepath.Join(inc, MemoDir, "*"))
			if err != nil || len(shards) != memoShards {
				t.Fatalf("memo files %v, %v", shards, err)
			}
			altered := 0
			for _, p := range shards {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if a := bytes.ReplaceAll(data, []byte("January statement"), []byte("JANUARY STATEMENT")); !bytes.Equal(a, data) {
					altered++
					if err := os.WriteFile(p, a, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if altered == 0 {
				t.Fatal("the memo does not hold the title as written: update the test")
			}
		}, []string{ManifestName}},
		{"change the publication date", func() { published = published.AddDate(0, 0, 1) },
			[]string{"bulletin-2024-01.pdf", "bulletin-2024-01.epub", "bulletin-2024-02.pdf", "bulletin-2024-02.epub", "collection.epub", ManifestName}},
	}
	// A site page whose month did not change is kept as it was, not
	// written again: the same file (inode), though its neighbour changed.
	var marchPage os.FileInfo
	for i, st := range steps {
		if st.name == "change an item" {
			var err error
			if marchPage, err = os.Stat(filepath.Join(inc, "site", "2024-03.html")); err != nil {
				t.Fatal(err)
			}
		}
		st.edit()
		opts := Options{Config: cfg, Sources: os.DirFS(src), SourcesDir: "sources", Published: published}
		buildInto := func(dir string) *Result {
			t.Helper()
			prev, err := previousNames(dir)
			if err != nil {
				t.Fatal(err)
			}
			opts.Previous = prev
			stage := outdir.NewStage(dir)
			res, err := Build(context.Background(), opts, lay, stage)
			if err != nil {
				stage.Abort()
				t.Fatalf("%s: %v", st.name, err)
			}
			if err := stage.Commit(); err != nil {
				t.Fatal(err)
			}
			return res
		}
		got := buildInto(inc)
		cleanDir := filepath.Join(t.TempDir(), fmt.Sprint(i))
		clean := buildInto(cleanDir)

		var rendered []string
		for _, f := range got.Made {
			// Folder outputs (the site) are made every time.
			if !slices.Contains(got.Kept, f.Name) && !strings.HasPrefix(f.Name, "site/") {
				rendered = append(rendered, f.Name)
			}
		}
		slices.Sort(rendered)
		want := slices.Sorted(slices.Values(st.rendered))
		if !slices.Equal(rendered, want) {
			t.Errorf("%s: rendered %v, want %v", st.name, rendered, want)
		}
		if g, w := problemLines(got), problemLines(clean); !slices.Equal(g, w) {
			t.Errorf("%s: problems\n%s\nwant (clean build)\n%s", st.name, strings.Join(g, "\n"), strings.Join(w, "\n"))
		}
		if !slices.ContainsFunc(problemLines(got), func(s string) bool { return strings.Contains(s, "c.md") }) {
			t.Errorf("%s: the warning about c.md's knight is missing", st.name)
		}
		if !slices.ContainsFunc(problemLines(got), func(s string) bool { return strings.Contains(s, "f.md:1") && strings.Contains(s, "bogus") }) {
			t.Errorf("%s: the warning about f.md's type is missing:\n%s", st.name, strings.Join(problemLines(got), "\n"))
		}
		sameFolders(t, st.name, inc, cleanDir)
		if st.name == "change an item" {
			now, err := os.Stat(filepath.Join(inc, "site", "2024-03.html"))
			if err != nil || !os.SameFile(now, marchPage) {
				t.Errorf("%s: site/2024-03.html was written again (%v)", st.name, err)
			}
		}
	}
}

// previousNames are the files a folder's manifest lists, as the CLI reads them.
func previousNames(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return manifest.Paths(f)
}

func problemLines(res *Result) []string {
	var out []string
	for _, p := range res.Catalogue.Problems {
		out = append(out, p.String())
	}
	return out
}

// sameFolders compares the incremental build's folder with the clean
// build's, byte for byte, file by file, the cache included.
func sameFolders(t *testing.T, step, inc, clean string) {
	t.Helper()
	read := func(dir string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	got, want := read(inc), read(clean)
	if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
		t.Fatalf("%s: the folder holds %v, the clean build's %v", step, g, w)
	}
	for _, name := range []string{CacheName, shardName(0), StatsName} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: no %s in the folder", step, name)
		}
	}
	// The stats are this machine's record of each folder's files (their
	// inodes and times), not made from the inputs.
	delete(want, StatsName)
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s: %s differs from the clean build's (%d and %d bytes)", step, name, len(got[name]), len(data))
		}
	}
}
