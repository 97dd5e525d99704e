package epub

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"sync"

	"github.com/yuin/goldmark/util"

	"bulletin/pipeline/news"
)

// resource is a file the rewrite adds to EPUB/ and to the manifest.
type resource struct {
	id, href, mediaType, properties string
	data                            []byte
}

// assets collects the images and fonts of one render, by href. The web
// edition's month bodies are rendered in parallel, each adding its images.
type assets struct {
	mu     sync.Mutex
	byHref map[string]resource
}

func newAssets() *assets {
	return &assets{byHref: map[string]resource{}}
}

func (a *assets) add(r resource) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byHref[r.href] = r
}

// sorted lists the resources in href order, so the archive is reproducible.
func (a *assets) sorted() []resource {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]resource, 0, len(a.byHref))
	for _, r := range a.byHref {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].href < out[j].href })
	return out
}

// extension names a copied image by its media type; the asset stage
// passes nothing else (WebP already became PNG).
func extension(mediaType string) string {
	switch mediaType {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/svg+xml":
		return ".svg"
	}
	return ""
}

// localImage copies into the book the image of it whose src attribute (as
// goldmark wrote it into the item's XHTML) is src, and returns its href
// relative to EPUB/. Only images the asset stage read and checked are in
// it.Images: any other src (remote, refused, missing) gives ("", false).
// Copies are named by content, so an image shown twice is stored once.
func (a *assets) localImage(it news.Item, src string) (string, bool) {
	for _, img := range it.Images {
		ext := extension(img.MediaType)
		if ext == "" || srcAttr(img.Src) != src {
			continue
		}
		sum := sha256.Sum256(img.Data)
		hash := hex.EncodeToString(sum[:8])
		href := "images/" + hash + ext
		a.add(resource{id: "img-" + hash, href: href, mediaType: img.MediaType, data: img.Data})
		return href, true
	}
	return "", false
}

// srcAttr is the src attribute goldmark writes for an image destination:
// percent-escaped, then HTML-escaped.
func srcAttr(dest string) string {
	return string(util.EscapeHTML(util.URLEscape([]byte(dest), true)))
}
