package epub

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// holds copies an entry only when the last book has the very bytes,
// deflated, and big enough to be worth it.
func TestLastBookHolds(t *testing.T) {
	big := []byte(strings.Repeat("<li>An item of the archive</li>\n", 2000))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []struct {
		name   string
		method uint16
		data   []byte
	}{{"nav", zip.Deflate, big}, {"stored", zip.Store, big}, {"small", zip.Deflate, []byte("<li>x</li>")}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	last, err := openLastBook(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Clone(big)
	changed[len(changed)/2] ^= 1
	for _, c := range []struct {
		what string
		name string
		data []byte
		want bool
	}{
		{"the same bytes", "nav", big, true},
		{"a byte changed", "nav", changed, false},
		{"one byte more", "nav", append(bytes.Clone(big), '\n'), false},
		{"stored, not deflated", "stored", big, false},
		{"below the size worth copying", "small", []byte("<li>x</li>"), false},
		{"not in the last book", "toc", big, false},
	} {
		if got := last.holds(c.name, c.data); got != c.want {
			t.Errorf("%s: holds %v, want %v", c.what, got, c.want)
		}
	}
	if (lastBook(nil)).holds("nav", big) {
		t.Error("no last book holds anything")
	}
}

// The nav and NCX are kept from the last book only under the same key:
// it changes with anything either document shows, down to one label of
// the contents' tree or the entries' time.
func TestNavKeySeesTheContents(t *testing.T) {
	keyOf := func(edit func(b *book)) string {
		b, err := newBook(richEdition())
		if err != nil {
			t.Fatal(err)
		}
		edit(b)
		return navKey(b)
	}
	same := keyOf(func(*book) {})
	if again := keyOf(func(*book) {}); again != same {
		t.Fatal("the same book has two nav keys")
	}
	for what, edit := range map[string]func(b *book){
		"a type's name":   func(b *book) { b.months[0].types[0].name += "!" },
		"a type's anchor": func(b *book) { b.months[0].types[0].anchor += "x" },
		"an item's title": func(b *book) { b.months[0].types[0].src.Items[0].Title += "!" },
		"a month's title": func(b *book) { b.months[0].title += "!" },
		"the language":    func(b *book) { b.lang = "ru" },
		"the identifier":  func(b *book) { b.identifier += "0" },
		"the date":        func(b *book) { b.ed.Meta.Published = b.ed.Meta.Published.AddDate(0, 0, 1) },
		"the title":       func(b *book) { b.title += "!" },
		"the author":      func(b *book) { b.author += "!" },
		"the cover title": func(b *book) { b.coverTitle += "!" },
		"the contents":    func(b *book) { b.contents += "!" },
		"a label":         func(b *book) { b.ed.Meta.Labels.TitlePage += "!" },
	} {
		if keyOf(edit) == same {
			t.Errorf("changing %s leaves the nav key as it was", what)
		}
	}
}
