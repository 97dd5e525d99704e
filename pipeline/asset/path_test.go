package asset

import "testing"

// TestLocate: only relative paths that stay inside the sources folder
// name a file; the rule is the EPUB's former one, now shared by all.
func TestLocate(t *testing.T) {
	cases := []struct {
		dir, src, want string
	}{
		{"posts", "a.png", "posts/a.png"},
		{".", "img/a%20b.png", "img/a b.png"},
		{"", "a.png?v=2#x", "a.png"},
		{"posts", "../img/a.png", "img/a.png"},
		{"posts", "../../a.png", ""},
		{".", "../a.png", ""},
		{"posts", "/a.png", ""},
		{"posts", "//host/a.png", ""},
		{"posts", "https://example.org/a.png", ""},
		{"posts", "HTTP://example.org/a.png", ""},
		{"posts", "data:image/png;base64,AAAA", ""},
		{"posts", "file:///a.png", ""},
		{"posts", `..\a.png`, ""},
		{"posts", "", ""},
		{"posts", "c:/x.png", ""},
	}
	for _, c := range cases {
		got, refuse := Locate(c.dir, c.src)
		if got != c.want || (refuse == "") != (c.want != "") {
			t.Errorf("Locate(%q, %q) = %q, %q; want %q", c.dir, c.src, got, refuse, c.want)
		}
	}
}
