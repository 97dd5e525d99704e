package render

import (
	"bytes"
	"errors"
	"testing"
)

func TestCleanName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"index.html", true}, {"images/ab.png", true}, {"2020-06.html", true},
		{"", false}, {"/etc/passwd", false}, {"../x", false}, {"a/../../x", false}, {"a//b", false},
		{"./a", false}, {"a/", false}, {`a\b`, false}, {"a\x00b", false},
	} {
		if err := CleanName(tt.name); (err == nil) != tt.ok {
			t.Errorf("CleanName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestFolderOutputs(t *testing.T) {
	site := Output{Name: "site/", Scope: Summary}
	pdf := Output{Name: "bulletin-" + MonthMark + ".pdf", Scope: Monthly}
	for _, tt := range []struct {
		o    Output
		name string
		want bool
	}{
		{site, "site/index.html", true}, {site, "site/images/a.png", true}, {site, "site/../notes.txt", false},
		{site, "sitemap.xml", false}, {pdf, "bulletin-2020-06.pdf", true}, {pdf, "site/index.html", false},
	} {
		if got := tt.o.Matches(tt.name); got != tt.want {
			t.Errorf("%s matches %q = %v, want %v", tt.o.Name, tt.name, got, tt.want)
		}
	}
	if !site.Folder() || pdf.Folder() {
		t.Error("Folder: only a name ending in / is a folder")
	}
	if _, err := FilesOf(&bytes.Buffer{}); !errors.Is(err, ErrNotFolder) {
		t.Errorf("FilesOf(a buffer) = %v, want ErrNotFolder", err)
	}
}
