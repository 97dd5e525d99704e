package site

import (
	"testing"

	"bulletin/pipeline/render"
)

// A month page's key takes what the page shows of its links, sizes
// included: a link as JSON would be "{}" (its fields are unexported), and
// a page whose PDF grew would be kept with the old size.
func TestLinkKeyHasWhatThePageShows(t *testing.T) {
	base := link{href: "../bulletin-2020-06.pdf", label: "PDF", mediaType: "application/pdf", bytes: 1000}
	same, err := render.Key(linkKey([]link{base}))
	if err != nil {
		t.Fatal(err)
	}
	for what, l := range map[string]link{
		"size":       {href: base.href, label: base.label, mediaType: base.mediaType, bytes: 1001},
		"href":       {href: "../bulletin-2020-07.pdf", label: base.label, mediaType: base.mediaType, bytes: base.bytes},
		"label":      {href: base.href, label: "EPUB", mediaType: base.mediaType, bytes: base.bytes},
		"media type": {href: base.href, label: base.label, mediaType: "application/epub+zip", bytes: base.bytes},
	} {
		if k, err := render.Key(linkKey([]link{l})); err != nil || k == same {
			t.Errorf("another %s gives the same key (%v)", what, err)
		}
	}
}
