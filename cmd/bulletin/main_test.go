package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"bulletin/internal/testenv"
	"bulletin/pipeline"
)

// The end-to-end tests run the CLI in-process on real files and check the
// outputs with the real tools: pdftotext, pdffonts, qpdf and EPUBCheck.

type cli struct {
	code           int
	stdout, stderr string
}

// runCLI runs bulletin with args in dir (the project folder).
func runCLI(t *testing.T, ctx context.Context, dir string, args ...string) cli {
	t.Helper()
	var out, errb bytes.Buffer
	t.Chdir(dir) // the CLI resolves its default paths from the working folder
	code := run(ctx, args, env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" },
		now: func() time.Time { t.Fatal("the CLI read the clock although --date was given"); return time.Time{} }})
	return cli{code, out.String(), errb.String()}
}

// project makes a project folder with the given sources and the example
// configuration of this repository.
func project(t *testing.T, sources map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := os.ReadFile(filepath.Join(repoRoot(t), "bulletin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "bulletin.yaml"), cfg)
	if err := os.MkdirAll(filepath.Join(dir, "sources"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range sources {
		write(t, filepath.Join(dir, "sources", name), data)
	}
	return dir
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func write(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pdftotext(t *testing.T, pdf string) string {
	t.Helper()
	testenv.NeedTool(t, "pdftotext")
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", pdf, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func sampleProject(t *testing.T) string {
	t.Helper()
	seed := read(t, testenv.Shared(t, "seed", "000_dc94206625c9e799.txt"))
	return project(t, map[string][]byte{"front-page.txt": seed})
}

// The real sample: ten dated items in May (4) and June (6), the featured
// article dated by its capture into July, counters as of the publication date.
func TestSampleBuild(t *testing.T) {
	dir := sampleProject(t)
	res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06")
	if res.code != 0 {
		t.Fatalf("build: exit %d\n%s", res.code, res.stderr)
	}
	var man struct {
		Files []struct {
			Path   string   `json:"path"`
			Items  int      `json:"items"`
			Months []string `json:"months"`
			Bytes  int      `json:"bytes"`
			SHA256 string   `json:"sha256"`
		} `json:"files"`
	}
	if err := json.Unmarshal(read(t, filepath.Join(dir, "out", "manifest.json")), &man); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	got := map[string]int{}
	for _, f := range man.Files {
		got[f.Path] = f.Items
		if data := read(t, filepath.Join(dir, "out", f.Path)); len(data) != f.Bytes {
			t.Errorf("manifest says %s has %d bytes, file has %d", f.Path, f.Bytes, len(data))
		}
	}
	want := map[string]int{"bulletin-2020-05.pdf": 4, "bulletin-2020-06.pdf": 6, "bulletin-2020-07.pdf": 1,
		"bulletin-2020-05.epub": 4, "bulletin-2020-06.epub": 6, "bulletin-2020-07.epub": 1, "collection.epub": 11}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d items, want %d (manifest: %v)", name, got[name], n, got)
		}
	}
	site := 0
	for name := range got {
		if strings.HasPrefix(name, "site/") {
			site++
			delete(got, name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("outputs %v, want %v", got, want)
	}
	if site < 6 {
		t.Errorf("the manifest lists %d files of the web edition, want its index, pages, style sheet, feed and catalogue", site)
	}

	cover := []string{
		"855 days have passed since the Salisbury incident",
		"847 days have passed since the death of Nikolay Glushkov",
		"Published 6 July 2020",
		"Moscow 02:00", "London 00:00",
		"Consular queries:", "+44 (0) 203 668 7474",
	}
	titles := map[string][]string{
		"bulletin-2020-05.pdf": {"Foreign Minister Sergey Lavrov’s interview with the RBC media holding", "CSTO Foreign Ministers Council videoconference", "Global Times", "foreign ministers of the SCO Member States"},
		"bulletin-2020-06.pdf": {"military parade marking 75th anniversary of Great Victory", "Republic of Belarus Vladimir Makei", "Shared Responsibility to History and our Future", "Rossiyskaya Gazeta and Serbian Kurir", "Russia’s manipulation of the International Criminal Court", "Appeal by the Federation Council"},
		"bulletin-2020-07.pdf": {"LondonCyber: on the ways to counter treats posed to cybersecurity", "Main points"},
	}
	for name, ts := range titles {
		text := pdftotext(t, filepath.Join(dir, "out", name))
		for _, s := range append(cover, ts...) {
			if !strings.Contains(text, s) {
				t.Errorf("%s: text lacks %q", name, s)
			}
		}
		pages := pdfPages(t, filepath.Join(dir, "out", name))
		if !strings.Contains(text, "Page 2 of "+pages) || !strings.Contains(text, "Page "+pages+" of "+pages) {
			t.Errorf("%s: footer does not count to %s pages", name, pages)
		}
		checkPDF(t, filepath.Join(dir, "out", name))
	}
	// The featured article has no date of its own: it says how it was dated.
	if text := pdftotext(t, filepath.Join(dir, "out", "bulletin-2020-07.pdf")); !strings.Contains(text, "dated by its capture date") {
		t.Errorf("the featured article does not say it was dated by the capture")
	}

	epub := filepath.Join(dir, "out", "collection.epub")
	epubText := epubXHTML(t, epub)
	for _, s := range append(cover[:3], "Consular queries:", "Moscow 02:00", "LondonCyber", "Appeal by the Federation Council") {
		if !strings.Contains(epubText, s) {
			t.Errorf("collection.epub lacks %q", s)
		}
	}
	epubcheck(t, epub)

	// Each month's own EPUB: its cover with the counters, its items only.
	june := filepath.Join(dir, "out", "bulletin-2020-06.epub")
	juneText := epubXHTML(t, june)
	for _, s := range append(cover[:3], "June 2020", "Appeal by the Federation Council") {
		if !strings.Contains(juneText, s) {
			t.Errorf("bulletin-2020-06.epub lacks %q", s)
		}
	}
	if strings.Contains(juneText, "LondonCyber") {
		t.Errorf("bulletin-2020-06.epub has an item of another month")
	}
	for _, m := range []string{"2020-05", "2020-06", "2020-07"} {
		epubcheck(t, filepath.Join(dir, "out", "bulletin-"+m+".epub"))
	}

	// A later publication date moves the counters, nothing else.
	res = runCLI(t, context.Background(), dir, "build", "--date", "2020-08-01", "--out", "later")
	if res.code != 0 {
		t.Fatalf("build --date 2020-08-01: exit %d\n%s", res.code, res.stderr)
	}
	later := pdftotext(t, filepath.Join(dir, "later", "bulletin-2020-06.pdf"))
	for _, s := range []string{"881 days have passed since the Salisbury incident", "873 days have passed since the death of Nikolay Glushkov", "Published 1 August 2020"} {
		if !strings.Contains(later, s) {
			t.Errorf("with --date 2020-08-01 the cover lacks %q", s)
		}
	}
	if !strings.Contains(epubXHTML(t, filepath.Join(dir, "later", "collection.epub")), "881 days have passed") {
		t.Errorf("with --date 2020-08-01 the EPUB cover lacks 881 days")
	}
}

func pdfPages(t *testing.T, pdf string) string {
	t.Helper()
	testenv.NeedTool(t, "pdfinfo")
	out, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", pdf, err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count in\n%s", pdf, out)
	}
	return string(m[1])
}

// checkPDF runs qpdf --check and pdffonts (every font embedded).
func checkPDF(t *testing.T, pdf string) {
	t.Helper()
	testenv.NeedTool(t, "qpdf")
	if out, err := exec.Command("qpdf", "--check", pdf).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check %s: %v\n%s", pdf, err, out)
	}
	testenv.NeedTool(t, "pdffonts")
	out, err := exec.Command("pdffonts", pdf).Output()
	if err != nil {
		t.Fatalf("pdffonts %s: %v", pdf, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts %s lists no fonts:\n%s", pdf, out)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type encoding emb sub uni object ID: emb is 5th from the end.
		if len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("%s: font not embedded: %s", pdf, l)
		}
	}
}

// epubXHTML is the text of every XHTML document in the EPUB.
func epubXHTML(t *testing.T, name string) string {
	t.Helper()
	testenv.NeedTool(t, "unzip")
	out, err := exec.Command("unzip", "-p", name, "*.xhtml").Output()
	if err != nil {
		t.Fatalf("unzip %s: %v", name, err)
	}
	return string(out)
}

// epubcheck runs W3C's EPUBCheck (about 10 s) and wants 0 errors and 0 warnings.
func epubcheck(t *testing.T, name string) {
	t.Helper()
	java, jar := testenv.EPUBCheck(t)
	out, err := exec.Command(java, "-jar", jar, name).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 fatals / 0 errors / 0 warnings") {
		t.Errorf("EPUBCheck %s: %v\n%s", name, err, out)
	}
}

func TestDeterministic(t *testing.T) {
	dir := project(t, map[string][]byte{"front.txt": read(t, filepath.Join(repoRoot(t), "sources", "embassy-front-page-2020-07-06.txt"))})
	for _, out := range []string{"a", "b"} {
		if res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06", "--out", out); res.code != 0 {
			t.Fatalf("build: exit %d\n%s", res.code, res.stderr)
		}
	}
	names := files(t, filepath.Join(dir, "a"))
	if len(names) < 8+6 {
		t.Errorf("want 3 PDFs, 3 monthly EPUBs, the collection, the manifest and the site, got %v", names)
	}
	if !slices.Contains(names, ".bulletin-cache.json") || !slices.Contains(names, ".bulletin-memo/00") || !slices.Contains(names, ".bulletin-stats") {
		t.Errorf("no incremental cache, sources memo or stats in %v", names)
	}
	same := func(what string) {
		t.Helper()
		for _, name := range names {
			if name == pipeline.StatsName {
				continue // this machine's record of each folder's files (inodes, times)
			}
			a, b := read(t, filepath.Join(dir, "a", name)), read(t, filepath.Join(dir, "b", name))
			if !bytes.Equal(a, b) {
				t.Errorf("%s: %s differs", what, name)
			}
		}
	}
	same("two builds with the same --date")
	// Again into a: everything is kept (the files' times show it), and
	// --no-cache makes them all again; the bytes do not move either way.
	pdf := filepath.Join(dir, "a", "bulletin-2020-06.pdf")
	old := time.Unix(1e9, 0)
	if err := os.Chtimes(pdf, old, old); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{}, {"--no-cache"}} {
		res := runCLI(t, context.Background(), dir, append([]string{"build", "--date", "2020-07-06", "--out", "a"}, args...)...)
		if res.code != 0 {
			t.Fatalf("build %v: exit %d\n%s", args, res.code, res.stderr)
		}
		st, err := os.Stat(pdf)
		if err != nil {
			t.Fatal(err)
		}
		if kept := st.ModTime().Equal(old); kept != (len(args) == 0) {
			t.Errorf("build %v: kept the unchanged PDF = %v", args, kept)
		}
		same(fmt.Sprintf("build %v into the folder of the last", args))
	}
}

// Bad input: a clear message with file:line, exit 1, nothing rendered, and
// the previous outputs left as they were.
func TestBadInput(t *testing.T) {
	good := read(t, filepath.Join(repoRoot(t), "sources", "embassy-front-page-2020-07-06.txt"))
	tests := []struct {
		name string
		file string
		data []byte
		// symlink, when set, makes file a symbolic link to this file of
		// the project folder (outside the sources folder), holding data.
		symlink string
		fifo    bool   // file is a named pipe nothing writes to
		want    string // in stderr
	}{
		{"empty file", "empty.txt", nil, "", false, "sources/empty.txt"},
		{"not UTF-8", "latin1.txt", []byte("6 July 2020\n\n24.06.2020 - Title\n\nCaf\xe9 society\n"), "", false, "sources/latin1.txt:5"},
		{"no item", "noitem.txt", []byte("Just a line of text\nand another one\n"), "", false, "sources/noitem.txt"},
		{"impossible date", "feb.txt", []byte("6 July 2020\n\n31.02.2020 - Title\n\nText.\n"), "", false, "sources/feb.txt:3"},
		{"unreadable", "gone.txt", nil, "nowhere", false, "sources/gone.txt"},
		// A good capture, but outside: the sources folder is an os.Root.
		{"symlink out", "outside.txt", good, "elsewhere.txt", false, "sources/outside.txt"},
		{"symlink to /dev/zero", "zero.txt", nil, "/dev/zero", false, "sources/zero.txt"},
		{"named pipe", "pipe.txt", nil, "", true, "sources/pipe.txt: error: not a regular file (a named pipe (FIFO))"},
		{"escape sequence in the name", "esc\x1b[31m.txt", nil, "", false, `"sources/esc\x1b[31m.txt"`},
		{"name not UTF-8", "caf\xe9.txt", good, "", false, `"sources/caf\xe9.txt": error: the file name is not UTF-8 text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := project(t, map[string][]byte{"good.txt": good})
			if res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06"); res.code != 0 {
				t.Fatalf("first build: exit %d\n%s", res.code, res.stderr)
			}
			before := snapshot(t, filepath.Join(dir, "out"))
			bad := filepath.Join(dir, "sources", tt.file)
			switch {
			case tt.fifo:
				if err := syscall.Mkfifo(bad, 0o644); err != nil {
					t.Fatal(err)
				}
			case strings.HasPrefix(tt.symlink, "/"):
				if err := os.Symlink(tt.symlink, bad); err != nil {
					t.Fatal(err)
				}
			case tt.symlink != "":
				target := filepath.Join(dir, tt.symlink)
				if tt.data != nil {
					write(t, target, tt.data)
				}
				if err := os.Symlink(target, bad); err != nil {
					t.Fatal(err)
				}
			default:
				write(t, bad, tt.data)
			}
			for _, cmd := range []string{"build", "check"} {
				// A source that blocked or never ended would hang the run:
				// the deadline turns that into a failure.
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				res := runCLI(t, ctx, dir, cmd, "--date", "2020-08-01")
				cancel()
				if strings.ContainsAny(res.stderr, "\x1b\r") {
					t.Errorf("%s: a control character reached the terminal:\n%q", cmd, res.stderr)
				}
				if res.code != 1 {
					t.Errorf("%s: exit %d, want 1\n%s", cmd, res.code, res.stderr)
				}
				if !strings.Contains(res.stderr, tt.want+": error: ") && !strings.Contains(res.stderr, tt.want+":") &&
					!(strings.Contains(tt.want, ": error: ") && strings.Contains(res.stderr, tt.want)) {
					t.Errorf("%s: stderr does not name %s:\n%s", cmd, tt.want, res.stderr)
				}
			}
			if after := snapshot(t, filepath.Join(dir, "out")); after != before {
				t.Errorf("a failed build changed out/:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// An interrupted run leaves the previous outputs intact and no temporary files.
func TestInterrupted(t *testing.T) {
	dir := project(t, map[string][]byte{"good.txt": read(t, filepath.Join(repoRoot(t), "sources", "embassy-front-page-2020-07-06.txt"))})
	if res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06"); res.code != 0 {
		t.Fatalf("build: exit %d\n%s", res.code, res.stderr)
	}
	before := snapshot(t, filepath.Join(dir, "out"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := runCLI(t, ctx, dir, "build", "--date", "2020-08-01"); res.code == 0 {
		t.Errorf("an interrupted build exited 0")
	}
	if after := snapshot(t, filepath.Join(dir, "out")); after != before {
		t.Errorf("an interrupted build changed out/:\nbefore %s\nafter  %s", before, after)
	}
}

// snapshot names every file in dir with its size and a digest of its bytes.
// files lists the files under dir, folders walked, by slash-separated
// relative names in lexical order.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range files(t, dir) {
		data := read(t, filepath.Join(dir, filepath.FromSlash(name)))
		b.WriteString(name)
		b.WriteString(":")
		b.WriteString(string(rune('0' + len(data)%10)))
		b.WriteString(string(data[:min(len(data), 64)]))
		b.WriteString(string(data[max(0, len(data)-64):]))
		b.WriteString(" ")
	}
	return b.String()
}

func TestUsage(t *testing.T) {
	dir := project(t, nil)
	write(t, filepath.Join(dir, "notes.txt"), []byte("x"))
	tests := []struct {
		args []string
		code int
		want string // in stderr, when set
	}{
		{nil, 2, ""},
		{[]string{"frobnicate"}, 2, ""},
		{[]string{"build", "--date", "yesterday"}, 2, ""},
		{[]string{"build", "--month", "2020-13"}, 2, ""},
		{[]string{"build", "--sources", "nope", "--date", "2020-07-06"}, 2, "not found"},
		{[]string{"build", "--sources", "notes.txt", "--date", "2020-07-06"}, 2, "is a file, not a folder"},
		{[]string{"build", "--out", "sources/out", "--date", "2020-07-06"}, 2, "inside the sources folder"},
		{[]string{"build", "--out", "sources", "--date", "2020-07-06"}, 2, "inside the sources folder"},
		{[]string{"build", "--date", "0001-01-01"}, 2, "between 1000 and 9999"},
		{[]string{"version"}, 0, ""},
	}
	for _, tt := range tests {
		res := runCLI(t, context.Background(), dir, tt.args...)
		if res.code != tt.code {
			t.Errorf("bulletin %v: exit %d, want %d\n%s", tt.args, res.code, tt.code, res.stderr)
		}
		if !strings.Contains(res.stderr, tt.want) {
			t.Errorf("bulletin %v: stderr lacks %q:\n%s", tt.args, tt.want, res.stderr)
		}
	}
}

func TestListAndMonthSelection(t *testing.T) {
	dir := project(t, map[string][]byte{"good.txt": read(t, filepath.Join(repoRoot(t), "sources", "embassy-front-page-2020-07-06.txt"))})
	res := runCLI(t, context.Background(), dir, "list", "--date", "2020-07-06")
	if res.code != 0 {
		t.Fatalf("list: exit %d\n%s", res.code, res.stderr)
	}
	for _, s := range []string{"May 2020 (4)", "June 2020 (6)", "July 2020 (1)", "Comments (1)", "good.txt:", "855 days have passed"} {
		if !strings.Contains(res.stdout, s) {
			t.Errorf("list lacks %q:\n%s", s, res.stdout)
		}
	}
	res = runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06", "--month", "2020-06")
	if res.code != 0 {
		t.Fatalf("build --month: exit %d\n%s", res.code, res.stderr)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != ".bulletin-cache.json .bulletin-memo .bulletin-stats bulletin-2020-06.epub bulletin-2020-06.pdf collection.epub manifest.json" {
		t.Errorf("--month 2020-06 wrote %v (the site is made by full builds only)", names)
	}
}

// check accounts for every input item: read = kept + merged + refused, each
// with its origin, in text and in JSON.
func TestCheckAccount(t *testing.T) {
	capture := read(t, filepath.Join(repoRoot(t), "sources", "embassy-front-page-2020-07-06.txt")) // 11 items
	dir := project(t, map[string][]byte{
		"front.txt": capture,
		// A duplicate of a capture entry (merged), a new item (kept), a bad line (refused).
		"more.jsonl": []byte(`{"title":"Appeal by the Federation Council of the Federal Assembly of the Russian Federation to the parliaments of foreign States and the peoples of the world with regard to the 75th Anniversary of the Victory over Nazism","date":"2020-06-02","body":"The upper house of the Russian parliament calls on legislators abroad to preserve the truth about the Second World War and to oppose attempts to rewrite its history. A longer text than the capture's lead, so this one is kept as the fuller text of the two.","author":"Press Office","tags":["Victory"]}` + "\n" +
			`{"title":"Embassy statement on visas","date":"2020-06-10","url":"https://example.org/visas","author":["Ann","Bob"],"tags":["visas","consular"],"lang":"en","summary":"Four","body":"Body."}` + "\n" +
			`{"title":"Broken","date":"2020-06-31"}` + "\n"),
		"draft.md": []byte("---\ntitle: Not yet\ndate: 2020-06-11\ndraft: true\n---\nText.\n"), // refused (a draft)
	})
	res := runCLI(t, context.Background(), dir, "check", "--json", "--date", "2020-07-06")
	if res.code != 1 {
		t.Fatalf("check: exit %d, want 1 (the bad JSON line is an error)\n%s", res.code, res.stderr)
	}
	var got struct {
		Account struct {
			Items []struct {
				At, Fate, Month, Type, Title, Into string
				Fields                             *pipeline.Fields
			} `json:"items"`
			Read, Kept, Merged, Refused int
		} `json:"account"`
		Errors int `json:"errors"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("check --json: %v\n%s", err, res.stdout)
	}
	a := got.Account
	if a.Read != 15 || a.Kept != 12 || a.Merged != 1 || a.Refused != 2 || len(a.Items) != a.Read {
		t.Errorf("read %d = kept %d + merged %d + refused %d with %d entries; want 15 = 12 + 1 + 2", a.Read, a.Kept, a.Merged, a.Refused, len(a.Items))
	}
	fates := map[string]string{}
	fields := map[string]*pipeline.Fields{}
	for _, it := range a.Items {
		fates[it.At] = it.Fate
		fields[it.At] = it.Fields
		if (it.Fate == "kept") != (it.Fields != nil) {
			t.Errorf("%s (%s): fields %+v; want them exactly for kept items", it.At, it.Fate, it.Fields)
		}
		if it.Fate == "merged" && it.Into != "sources/front.txt:53" {
			t.Errorf("merged into %q, want the capture's entry sources/front.txt:53", it.Into)
		}
	}
	for at, want := range map[string]string{"sources/more.jsonl:1": "merged", "sources/more.jsonl:2": "kept",
		"sources/more.jsonl:3": "refused", "sources/draft.md:4": "refused", "sources/front.txt:12": "kept"} {
		if fates[at] != want {
			t.Errorf("%s: fate %q, want %q (all: %v)", at, fates[at], want, fates)
		}
	}
	// Every field kept is listed; the merged sighting's author and tag are
	// in the item it went into.
	want := map[string]pipeline.Fields{
		"sources/more.jsonl:2": {Title: "Embassy statement on visas", Date: "2020-06-10", Type: "statement",
			URL: "https://example.org/visas", Authors: []string{"Ann", "Bob"}, Tags: []string{"visas", "consular"}, Lang: "en",
			SummaryChars: 4, BodyChars: 5, Origins: []string{"sources/more.jsonl:2"}},
		"sources/front.txt:53": {Date: "2020-06-02", Type: "appeal", URL: "", Authors: []string{"Press Office"}, Tags: []string{"Victory"},
			BodyChars: 255, Origins: []string{"sources/front.txt:53", "sources/more.jsonl:1"}},
	}
	for at, w := range want {
		g := fields[at]
		if g == nil {
			t.Errorf("%s: no fields", at)
			continue
		}
		if at == "sources/front.txt:53" {
			w.Title, w.Lang = g.Title, g.Lang // the capture's
		}
		if !reflect.DeepEqual(*g, w) {
			t.Errorf("%s: fields\n%+v\nwant\n%+v", at, *g, w)
		}
	}
	text := runCLI(t, context.Background(), dir, "check", "--date", "2020-07-06")
	if !strings.Contains(text.stdout, "3 files: 15 items read = 12 kept + 1 merged + 2 refused") {
		t.Errorf("check totals:\n%s", text.stdout)
	}
}

// A restricted build writes only the months asked for and keeps the EPUB
// whole; a full build removes the PDF of a month that is gone; asking for
// months with no items is a usage error; a refused build creates nothing.
func TestMonthSelectionOutputs(t *testing.T) {
	capture := read(t, filepath.Join(repoRoot(t), "sources", "embassy-front-page-2020-07-06.txt"))
	dir := project(t, map[string][]byte{"front.txt": capture})
	if res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06", "--month", "2020-06"); res.code != 0 {
		t.Fatalf("build --month: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(epubXHTML(t, filepath.Join(dir, "out", "collection.epub")), "LondonCyber") {
		t.Errorf("a --month build left the July item out of the collection")
	}
	// A month that leaves the sources takes its files with it at the next
	// full build; files bulletin did not make (not in its manifest) stay.
	old := filepath.Join(dir, "sources", "old.md")
	write(t, old, []byte("---\ntitle: An old statement\ndate: 2019-01-15\n---\nText.\n"))
	if res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06"); res.code != 0 {
		t.Fatalf("build with 2019-01: exit %d\n%s", res.code, res.stderr)
	}
	for _, name := range []string{"bulletin-2019-01.pdf", "bulletin-2019-01.epub"} {
		if _, err := os.Stat(filepath.Join(dir, "out", name)); err != nil {
			t.Fatalf("the build with a 2019-01 item made no %s: %v", name, err)
		}
	}
	mine := []string{"bulletin-notes.pdf", "bulletin-2018-12.pdf"}
	for _, name := range mine {
		write(t, filepath.Join(dir, "out", name), []byte("%PDF not bulletin's"))
	}
	if err := os.Remove(old); err != nil {
		t.Fatal(err)
	}
	if res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06"); res.code != 0 {
		t.Fatalf("build: exit %d\n%s", res.code, res.stderr)
	}
	for _, name := range []string{"bulletin-2019-01.pdf", "bulletin-2019-01.epub"} {
		if _, err := os.Stat(filepath.Join(dir, "out", name)); !os.IsNotExist(err) {
			t.Errorf("a full build kept %s, of a month with no items (%v)", name, err)
		}
	}
	for _, name := range mine {
		if _, err := os.Stat(filepath.Join(dir, "out", name)); err != nil {
			t.Errorf("a full build removed %s, which bulletin never made: %v", name, err)
		}
	}
	for _, args := range [][]string{{"--month", "2019-01"}, {"--from", "2020-07", "--to", "2020-05"}} {
		res := runCLI(t, context.Background(), dir, append([]string{"build", "--date", "2020-07-06", "--out", "other"}, args...)...)
		if res.code != 2 {
			t.Errorf("build %v: exit %d, want 2 (usage)\n%s", args, res.code, res.stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "other")); !os.IsNotExist(err) {
			t.Errorf("build %v created the output folder", args)
		}
	}
}
