package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"bulletin/pipeline"
	"bulletin/pipeline/outdir"
)

// killRuns is how many builds TestKillDuringBuild kills.
const killRuns = 50

// A real build, killed with SIGKILL at random moments and then recovered as
// the next run would (outdir.Recover), leaves the output folder holding
// exactly the previous build's files or exactly the new build's, and
// manifest.json's SHA-256s match the files. The two builds have different
// publication dates, so every file differs between them. The kill moments
// are drawn towards the end of a build, where the renames are.
func TestKillDuringBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 50 real builds (about a minute); run without -short (CI does)")
	}
	dir := project(t, map[string][]byte{"front-page.txt": read(t, filepath.Join(repoRoot(t), "sources", "embassy-front-page-2020-07-06.txt"))})
	build := func(out, date string) (time.Duration, error) {
		cmd := mainCommand(context.Background(), dir, "build", "--date", date, "--out", out)
		start := time.Now()
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("%s", b)
		}
		return time.Since(start), err
	}
	oldDir, newDir := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	if _, err := build(oldDir, "2020-07-06"); err != nil {
		t.Fatal(err)
	}
	oldSet := hashes(t, oldDir)
	copyDir(t, oldDir, newDir)
	// A build over the old set, as each killed one is: its time scales the
	// kill moments.
	took, err := build(newDir, "2020-08-06")
	if err != nil {
		t.Fatal(err)
	}
	newSet := hashes(t, newDir)
	// Files that do not depend on the date (the web edition's style
	// sheet) are the same in both; the manifest and every PDF must differ,
	// or a mix of old and new could pass for one set.
	for name := range oldSet {
		if (name == "manifest.json" || strings.HasSuffix(name, ".pdf")) && newSet[name] == oldSet[name] {
			t.Fatalf("%s is the same in both builds: the test could not tell them apart", name)
		}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var sawOld, sawNew, sawJournal int
	for run := 0; run < killRuns; run++ {
		out := filepath.Join(dir, "kill")
		os.RemoveAll(out)
		copyDir(t, oldDir, out)
		cmd := mainCommand(context.Background(), dir, "build", "--date", "2020-08-06", "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var delay time.Duration
		start := time.Now()
		switch run % 3 {
		case 0:
			// u^(1/3) puts most kills in the last part of the build; up
			// to 1.2 × its time, since a build's time varies on a busy
			// machine.
			time.Sleep(time.Duration(float64(took) * 1.2 * math.Cbrt(rng.Float64())))
		case 1:
			// The commit takes a millisecond or two of a second's build:
			// wait until the outputs are staged, then kill within a few
			// milliseconds, in the renames.
			waitStaged(out, topLevel(newSet)-1, 2*took)
			time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		case 2:
			// As soon as the journal is seen: in the renames themselves.
			waitStaged(out, math.MaxInt, 2*took)
		}
		delay = time.Since(start)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(filepath.Join(out, ".bulletin-commit")); err == nil {
			sawJournal++
		}
		if err := outdir.Recover(out); err != nil {
			t.Fatalf("run %d (killed after %v): recover: %v", run, delay, err)
		}
		got := hashes(t, out)
		switch {
		case sameSet(got, oldSet):
			sawOld++
		case sameSet(got, newSet):
			sawNew++
		default:
			t.Fatalf("run %d (killed after %v): the folder holds neither set:\n got %v\n old %v\n new %v", run, delay, got, oldSet, newSet)
		}
		checkManifest(t, out)
	}
	t.Logf("%d kills (a build takes %v): %d left the old set, %d the new set; %d were inside the commit (journal left for recovery)",
		killRuns, took.Round(time.Millisecond), sawOld, sawNew, sawJournal)
	if sawOld == 0 || sawNew == 0 {
		t.Errorf("every kill left the same set (old %d, new %d): the kill moments missed the build", sawOld, sawNew)
	}
}

// SIGINT and SIGTERM stop a long build soon, with exit 1 and the previous
// outputs as they were.
func TestSignalStopsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 600 items in a real process; run without -short (CI does)")
	}
	var lines strings.Builder
	for i := range 600 {
		fmt.Fprintf(&lines, `{"title":"Item %d on the visa centre","date":"2020-%02d-%02d","body":"%s"}`+"\n",
			i, 1+i%6, 1+i%28, strings.Repeat("A paragraph of ordinary words about the item. ", 40))
	}
	dir := project(t, map[string][]byte{"items.jsonl": []byte(lines.String())})
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(out, "notes.txt"), []byte("kept"))
			before := hashes(t, out)
			cmd := mainCommand(context.Background(), dir, "build", "--date", "2020-07-06", "--out", out)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Once outputs are being staged, the build is rendering.
			waitStaged(out, 1, time.Minute)
			sent := time.Now()
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			took := time.Since(sent)
			if cmd.ProcessState.ExitCode() != 1 {
				t.Errorf("exit %v after %v, want 1 (the build was stopped)\n%s", err, took, stderr.String())
			}
			if took > 10*time.Second {
				t.Errorf("the build took %v to stop", took)
			}
			outdir.Recover(out)
			if !sameSet(hashes(t, out), before) {
				t.Errorf("a stopped build changed the output folder")
			}
			t.Logf("%v: stopped %v after the signal", sig, took.Round(time.Millisecond))
		})
	}
}

// waitStaged polls dir until it holds n staged temporary files, the
// journal, or until the time is up.
func waitStaged(dir string, n int, limit time.Duration) {
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(100 * time.Microsecond) {
		entries, _ := os.ReadDir(dir)
		temps := 0
		for _, e := range entries {
			if e.Name() == ".bulletin-commit" {
				return
			}
			if strings.Contains(e.Name(), ".tmp-") {
				temps++
			}
		}
		if temps >= n {
			return
		}
	}
}

// hashes is every file under dir (hidden ones too), by its slash-separated
// path, with its SHA-256.
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	set := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(read(t, p))
		set[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// topLevel counts the files of set directly in the folder.
func topLevel(set map[string]string) int {
	n := 0
	for name := range set {
		if !strings.Contains(name, "/") {
			n++
		}
	}
	return n
}

// sameSet compares two folders' files by their hashes, but for the stats:
// this machine's record of the folder's files (inodes, times), which
// differs from build to build; it must be there in both or in neither.
func sameSet(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; k == pipeline.StatsName && ok {
			continue
		} else if w != v {
			return false
		}
	}
	return true
}

// checkManifest checks that manifest.json names every other file in dir
// with its SHA-256.
func checkManifest(t *testing.T, dir string) {
	t.Helper()
	var m struct {
		Files []struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	}
	if err := json.Unmarshal(read(t, filepath.Join(dir, "manifest.json")), &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	set := hashes(t, dir)
	var listed []string
	for _, f := range m.Files {
		if set[f.Path] != f.SHA256 {
			t.Errorf("manifest says %s has SHA-256 %s; the file has %q", f.Path, f.SHA256, set[f.Path])
		}
		listed = append(listed, f.Path)
	}
	var files []string
	for name := range set {
		// The manifest, the incremental cache, the sources memo and the
		// stats describe the outputs; they are not outputs themselves.
		if name != "manifest.json" && name != pipeline.CacheName && name != pipeline.StatsName && !strings.HasPrefix(name, pipeline.MemoDir+"/") {
			files = append(files, name)
		}
	}
	sort.Strings(listed)
	sort.Strings(files)
	if strings.Join(listed, " ") != strings.Join(files, " ") {
		t.Errorf("manifest lists %v; the folder holds %v", listed, files)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	for name := range hashes(t, from) {
		dst := filepath.Join(to, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, dst, read(t, filepath.Join(from, filepath.FromSlash(name))))
	}
}
