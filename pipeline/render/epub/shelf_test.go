package epub

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"bulletin/pipeline/news"
)

// bookBy is the book r renders of ed.
func bookBy(t testing.TB, r *Renderer, ed news.Edition) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := r.Render(context.Background(), &buf, ed); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A month document one book wrote is taken from the shelf by the other
// book that has it, whichever comes first, and every book is the same
// bytes as the book rendered alone; a document made from other inputs
// (a label, an item's text) is not taken.
func TestShelvedDocumentsAsRendered(t *testing.T) {
	ed := richEdition()
	monthOf := func(e news.Edition, i int) news.Edition {
		m := e
		m.Months = e.Months[i : i+1]
		return m
	}
	book := func(r *Renderer, e news.Edition) []byte { return bookBy(t, r, e) }
	alone := func(e news.Edition) []byte { return book(newRenderer(t), e) }
	// onShelf counts the documents filed for a book and for the web edition.
	onShelf := func(r *Renderer) (docs, bodies int) {
		r.shelf.mu.Lock()
		defer r.shelf.mu.Unlock()
		return len(r.shelf.docs), len(r.shelf.bodies)
	}
	shelved := func(r *Renderer) int { n, _ := onShelf(r); return n }
	bodies := func(r *Renderer) int { _, n := onShelf(r); return n }

	t.Run("collection after the months", func(t *testing.T) {
		r := newRenderer(t)
		for i := range ed.Months {
			if !bytes.Equal(book(r, monthOf(ed, i)), alone(monthOf(ed, i))) {
				t.Errorf("month %d: not the book rendered alone", i)
			}
		}
		if n := shelved(r); n != len(ed.Months) {
			t.Fatalf("%d documents shelved by %d books of a month, want one each", n, len(ed.Months))
		}
		if !bytes.Equal(book(r, ed), alone(ed)) {
			t.Error("the collection made from shelved documents is not the collection rendered alone")
		}
		if n := shelved(r); n != 0 {
			t.Errorf("%d documents left on the shelf: the collection did not take them", n)
		}
	})

	t.Run("months after the collection", func(t *testing.T) {
		r := newRenderer(t)
		book(r, ed)
		for i := range ed.Months {
			if !bytes.Equal(book(r, monthOf(ed, i)), alone(monthOf(ed, i))) {
				t.Errorf("month %d: the book made from the collection's document is not the book rendered alone", i)
			}
		}
		if n := shelved(r); n != 0 {
			t.Errorf("%d documents left on the shelf: the months' books did not take them", n)
		}
	})

	pages := func(r *Renderer, e news.Edition) []Page {
		t.Helper()
		var ps []Page
		all := func(news.Month) bool { return true }
		if _, err := r.Pages(context.Background(), e, all, func(p Page) error { ps = append(ps, p); return nil }); err != nil {
			t.Fatal(err)
		}
		return ps
	}

	t.Run("web pages after the books", func(t *testing.T) {
		r := newRenderer(t)
		book(r, ed)
		if n := bodies(r); n != len(ed.Months) {
			t.Fatalf("%d bodies shelved by the collection of %d months", n, len(ed.Months))
		}
		if got, want := pages(r, ed), pages(newRenderer(t), ed); !reflect.DeepEqual(got, want) {
			t.Errorf("pages cut from the shelved documents:\n%+v\nwant the pages rendered alone:\n%+v", got, want)
		}
		if n := bodies(r); n != 0 {
			t.Errorf("%d bodies left on the shelf: the web edition did not take them", n)
		}
	})

	// Each change shows in June's document only, not in go-epub's frame
	// around it: the key must see it.
	for name, change := range map[string]func(*news.Edition){
		"a label": func(e *news.Edition) { e.Meta.Labels.DatedByCapture = "dated by its capture, %s." },
		"an item's text": func(e *news.Edition) {
			e.Months[0].Types[0].Items[0].Body += "\n\nOne more paragraph."
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRenderer(t)
			book(r, monthOf(ed, 0))
			other := richEdition()
			change(&other)
			if bytes.Equal(alone(other), alone(ed)) {
				t.Fatal("the change does not show in the collection")
			}
			if !reflect.DeepEqual(pages(r, other), pages(newRenderer(t), other)) {
				t.Error("the web edition took a body made from other inputs")
			}
			if !bytes.Equal(book(r, other), alone(other)) {
				t.Error("the collection took a document made from other inputs")
			}
		})
	}
}
