package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With allow_html: true, hostile HTML in a Markdown source is cut down to
// a safe subset with a warning naming the file, and the EPUB passes
// EPUBCheck; HTML that cannot be made well-formed is an error naming the
// Markdown file, not the EPUB's generated document.
func TestAllowHTMLSanitised(t *testing.T) {
	hostile := "---\ntitle: Hostile\ndate: 2020-06-10\n---\n" +
		"<p onclick=\"steal()\">Visible text.<script>alert(1)</script></p>\n\n" +
		"<iframe src=\"http://evil.example/\"></iframe>\n\n" +
		"<link rel=\"stylesheet\" href=\"http://evil.example/a.css\">\n\n" +
		"<object data=\"http://evil.example/x.swf\"></object>\n\n" +
		"<p style=\"background: url(http://evil.example/t.png)\">Styled<br>line.</p>\n\n" +
		"A <b onmouseover=\"x()\">bold</b> word.\n"
	dir := project(t, map[string][]byte{"hostile.md": []byte(hostile)})
	cfg := filepath.Join(dir, "bulletin.yaml")
	write(t, cfg, append(read(t, cfg), "allow_html: true\n"...))
	res := runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06")
	if res.code != 0 {
		t.Fatalf("build: exit %d\n%s", res.code, res.stderr)
	}
	for _, want := range []string{"sources/hostile.md:1: warning: raw HTML", "<script>", "<iframe>", "<link>", "<object>", "onclick on <p>", "style on <p>", "onmouseover on <b>"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	epub := filepath.Join(dir, "out", "collection.epub")
	text := epubXHTML(t, epub)
	for _, bad := range []string{"<script", "onclick", "onmouseover", "<iframe", "<object", "evil.example", "url("} {
		if strings.Contains(text, bad) {
			t.Errorf("the EPUB still has %q", bad)
		}
	}
	for _, kept := range []string{"Visible text.", "Styled<br/>line.", "<b>bold</b>"} {
		if !strings.Contains(text, kept) {
			t.Errorf("the EPUB lacks %q", kept)
		}
	}
	epubcheck(t, epub)

	// HTML that stays malformed: the error names the Markdown file.
	write(t, filepath.Join(dir, "sources", "hostile.md"), []byte("---\ntitle: Broken\ndate: 2020-06-10\n---\nA <b>bold word.\n"))
	before, _ := os.ReadFile(epub)
	res = runCLI(t, context.Background(), dir, "build", "--date", "2020-07-06")
	if res.code != 1 || !strings.Contains(res.stderr, "sources/hostile.md:1: error: the raw HTML in the text is not well-formed") {
		t.Errorf("malformed HTML: exit %d, want 1 and an error naming sources/hostile.md:\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, ".xhtml") {
		t.Errorf("the error names a generated document:\n%s", res.stderr)
	}
	if after, _ := os.ReadFile(epub); string(after) != string(before) {
		t.Error("a failed build changed the EPUB")
	}
}
