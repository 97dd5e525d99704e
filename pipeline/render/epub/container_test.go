package epub

import (
	"bytes"
	"testing"

	"bulletin/pipeline/news"
)

// A collection made from the same go-epub inputs as the last one starts
// from the kept container (seen by marking it), and is the same bytes as
// the collection rendered alone; one whose container differs does not.
func TestContainerKeptForTheNextCollection(t *testing.T) {
	book := func(r *Renderer, e news.Edition) []byte { return bookBy(t, r, e) }
	const doc = containerDir + xhtmlDir + coverFile
	const mark = "<!-- from the kept container -->"
	ed := richEdition()
	r := newRenderer(t)
	alone := book(r, ed)
	r.container.mu.Lock()
	if r.container.files == nil {
		t.Fatal("the collection's container was not kept")
	}
	r.container.files[doc] = append(bytes.Clone(r.container.files[doc]), mark...)
	r.container.mu.Unlock()

	got := book(r, ed)
	if !bytes.HasSuffix(entry(t, got, doc), []byte(mark)) {
		t.Fatal("the same collection again did not start from the kept container")
	}
	r.container.mu.Lock()
	r.container.files[doc] = bytes.TrimSuffix(r.container.files[doc], []byte(mark))
	r.container.mu.Unlock()
	if !bytes.Equal(book(r, ed), alone) {
		t.Error("the collection from the kept container is not the collection rendered alone")
	}

	for name, change := range map[string]func(*news.Edition){
		"an item's title (the identifier)": func(e *news.Edition) { e.Months[1].Types[0].Items[0].Title += " (updated)" },
		"a month's title (a section)":      func(e *news.Edition) { e.Months[0].Title = "Juin 2020" },
		"the book's title":                 func(e *news.Edition) { e.Meta.Title += " (draft)" },
	} {
		t.Run(name, func(t *testing.T) {
			r := newRenderer(t)
			book(r, ed)
			r.container.mu.Lock()
			r.container.files[doc] = append(bytes.Clone(r.container.files[doc]), mark...)
			r.container.mu.Unlock()
			other := richEdition()
			change(&other)
			got := book(r, other)
			if bytes.Contains(entry(t, got, doc), []byte(mark)) {
				t.Error("a collection with another container started from the kept one")
			}
			if !bytes.Equal(got, book(newRenderer(t), other)) {
				t.Error("not the collection rendered alone")
			}
		})
	}
}
