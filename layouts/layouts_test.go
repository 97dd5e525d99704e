package layouts

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// defaultYAML is the embedded layout.yaml, for building variants of it.
func defaultYAML(t *testing.T) string {
	t.Helper()
	b, err := embedded.ReadFile("default/layout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDefault(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if l.Page.Size != "A4" {
		t.Errorf("Page.Size = %q, want A4", l.Page.Size)
	}
	if l.Sizes.Body <= 0 || l.Sizes.Leading <= 0 || l.Page.MarginTop <= 0 {
		t.Errorf("sizes/margins not positive: %+v %+v", l.Sizes, l.Page)
	}
	if got := l.Colours.Accent.Hex(); got != "#7a1f2b" {
		t.Errorf("accent = %s, want #7a1f2b", got)
	}
	if l.Colours.Text != (Colour{0x1c, 0x1c, 0x1c}) {
		t.Errorf("text colour = %+v", l.Colours.Text)
	}
	fonts := []string{
		l.Fonts.Text.Regular, l.Fonts.Text.Bold, l.Fonts.Text.Italic, l.Fonts.Text.BoldItalic,
		l.Fonts.Heading.Regular, l.Fonts.Heading.Bold,
	}
	for _, f := range fonts {
		if f == "" {
			t.Errorf("a default font is not named: %+v", l.Fonts)
			continue
		}
		b, err := l.ReadFile(f)
		if err != nil {
			t.Errorf("ReadFile(%q): %v", f, err)
			continue
		}
		// TrueType: version 1.0 (00 01 00 00) or "true"; OpenType: "OTTO".
		if len(b) < 1000 || !(bytes.HasPrefix(b, []byte{0, 1, 0, 0}) || bytes.HasPrefix(b, []byte("true")) || bytes.HasPrefix(b, []byte("OTTO"))) {
			t.Errorf("%s (%d bytes) is not a font file", f, len(b))
		}
	}
	css, err := l.ReadFile(l.EPUBCSS)
	if err != nil {
		t.Fatalf("ReadFile(%q): %v", l.EPUBCSS, err)
	}
	if len(bytes.TrimSpace(css)) == 0 || !bytes.Contains(css, []byte("{")) {
		t.Errorf("default CSS is empty or not CSS: %q", css)
	}
	if _, err := l.ReadFile("no-such-file.ttf"); err == nil {
		t.Error("ReadFile of a missing file succeeded")
	}
	// Load("") is the default as well.
	l2, err := Load("")
	if err != nil || l2.Page.Size != l.Page.Size || l2.EPUBCSS != l.EPUBCSS {
		t.Errorf("Load(\"\") = %+v, %v", l2, err)
	}
}

func TestLoadOverridesFileByFile(t *testing.T) {
	dir := t.TempDir()
	const css = "/* project style */\nbody { color: red; }\n"
	if err := os.WriteFile(filepath.Join(dir, "epub.css"), []byte(css), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	got, err := l.ReadFile(l.EPUBCSS)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != css {
		t.Errorf("epub.css = %q, want the project's %q", got, css)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if l.Page != def.Page || l.Sizes != def.Sizes || l.Colours != def.Colours || l.Fonts != def.Fonts {
		t.Errorf("layout.yaml not the default one:\n got %+v\nwant %+v", l, def)
	}
	// Fonts still come from the built-in folder.
	if _, err := l.ReadFile(l.Fonts.Text.Regular); err != nil {
		t.Errorf("font not served from the default: %v", err)
	}
	// The default layout's own CSS is untouched.
	dcss, err := def.ReadFile(def.EPUBCSS)
	if err != nil || string(dcss) == css {
		t.Errorf("default CSS = %q, %v", dcss, err)
	}
}

func TestLoadOwnLayout(t *testing.T) {
	dir := t.TempDir()
	y := strings.Replace(defaultYAML(t), "size: A4", "size: Letter", 1)
	y = strings.Replace(y, `accent: "#7a1f2b"`, `accent: "#00FF10"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "layout.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if l.Page.Size != "Letter" {
		t.Errorf("Page.Size = %q, want Letter", l.Page.Size)
	}
	if l.Colours.Accent != (Colour{0, 255, 16}) || l.Colours.Accent.Hex() != "#00ff10" {
		t.Errorf("accent = %+v (%s), want #00ff10", l.Colours.Accent, l.Colours.Accent.Hex())
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string // applied to the default layout.yaml
		want string              // substring of the error
	}{
		{"unknown key", func(s string) string { return s + "shadow: true\n" }, "shadow"},
		{"unknown nested key", func(s string) string {
			return strings.Replace(s, "  margin_top:", "  margin_tpo:", 1)
		}, "margin_tpo"},
		{"page size A5", func(s string) string { return strings.Replace(s, "size: A4", "size: A5", 1) }, "A5"},
		{"colour too short", func(s string) string {
			return strings.Replace(s, `accent: "#7a1f2b"`, `accent: "#12345"`, 1)
		}, "#12345"},
		{"colour not hex", func(s string) string {
			return strings.Replace(s, `accent: "#7a1f2b"`, `accent: "#12345g"`, 1)
		}, "#12345g"},
		{"colour too long", func(s string) string {
			return strings.Replace(s, `accent: "#7a1f2b"`, `accent: "#1234567"`, 1)
		}, "#1234567"},
		{"missing font file", func(s string) string {
			return strings.Replace(s, "regular: fonts/PTSans-Regular.ttf", "regular: fonts/Nope.ttf", 1)
		}, "Nope.ttf"},
		{"no body size", func(s string) string { return strings.Replace(s, "body: 10.5", "body: 0", 1) }, "sizes.body"},
		{"huge body", func(s string) string { return strings.Replace(s, "body: 10.5", "body: 5000", 1) }, "sizes.body is 5000"},
		{"body NaN", func(s string) string { return strings.Replace(s, "body: 10.5", "body: .nan", 1) }, "sizes.body is NaN"},
		{"body infinite", func(s string) string { return strings.Replace(s, "body: 10.5", "body: .inf", 1) }, "sizes.body"},
		{"negative title", func(s string) string { return strings.Replace(s, "title: 26", "title: -3", 1) }, "sizes.title"},
		{"leading NaN", func(s string) string { return strings.Replace(s, "leading: 1.45", "leading: .nan", 1) }, "sizes.leading"},
		{"margin wider than the page", func(s string) string {
			return strings.Replace(s, "margin_left: 24", "margin_left: 300", 1)
		}, "page.margin_left"},
		{"margins leave no text width", func(s string) string {
			return strings.Replace(strings.Replace(s, "margin_left: 24", "margin_left: 80", 1), "margin_right: 24", "margin_right: 80", 1)
		}, "page.margin_left + page.margin_right"},
		{"negative paragraph space", func(s string) string {
			return strings.Replace(s, "paragraph_space: 0.45", "paragraph_space: -1", 1)
		}, "text.paragraph_space"},
		{"no css", func(s string) string { return strings.Replace(s, "epub_css: epub.css", "epub_css: \"\"", 1) }, "epub_css"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := defaultYAML(t)
			y := tt.edit(orig)
			if y == orig {
				t.Fatal("the edit did not change layout.yaml; fix the test")
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "layout.yaml"), []byte(y), 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded with %+v, want an error", l)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadBadFolder(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(base, "missing"), file} {
		if l, err := Load(dir); err == nil {
			t.Errorf("Load(%q) = %+v, want an error", dir, l)
		}
	}
}
