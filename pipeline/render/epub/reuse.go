package epub

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"time"

	"bulletin/pipeline/news"
	output "bulletin/pipeline/render" // "render" is a test helper here
)

// An incremental build offers the book it made last time (render.Reuse).
// A month document whose inputs are unchanged — its key is the hash of
// the month's digest and of everything else its bytes depend on — is not
// rendered again: its entry is copied from the last book still deflated
// (zip's OpenRaw and CreateRaw), so a change to one item of a ten-year
// collection renders and compresses that item's month alone.

// partKeyFormat changes whenever what a document's bytes depend on does.
const partKeyFormat = "epub month document 1"

// monthPart names a month document as the cache records it, and its key.
func monthPart(b *book, m month) (name, key string, err error) {
	name = containerDir + xhtmlDir + m.file
	key, err = output.Key(partKeyFormat, name, m.title, b.lang, b.imagePrefix, b.rawHTML, b.ed.Meta, m.src.Digest())
	if err != nil {
		return "", "", fmt.Errorf("epub: %w", err)
	}
	return name, key, nil
}

// ShowsImages reports whether a month shows images: those join the
// book's assets as its document is rendered, so such a month is always
// rendered, never reused.
func ShowsImages(m news.Month) bool {
	for _, t := range m.Types {
		for _, it := range t.Items {
			if len(it.Images) > 0 {
				return true
			}
		}
	}
	return false
}

// coverKeyFormat changes whenever what the cover picture depends on does.
const coverKeyFormat = "epub cover image 1"

// cover is the book's cover picture: the last build's when it was drawn
// from the same facts (an edit to an item's text leaves its month's
// counts, so its cover, as they were), else drawn.
func (r *Renderer) cover(b *book, last *previous) ([]byte, error) {
	if last.reuse == nil {
		return r.art.coverPNG(b)
	}
	key, err := output.Key(coverKeyFormat, b.ed.Cover, b.ed.Meta, b.lang, b.author, b.coverTitle)
	if err != nil {
		return nil, fmt.Errorf("epub: %w", err)
	}
	f, ok, err := last.entry(containerDir+coverImage, key)
	if err != nil {
		return nil, err
	}
	if ok && f.Method == zip.Store {
		rc, err := f.Open() // checks the CRC-32 as it reads
		if err == nil {
			data, err := io.ReadAll(rc)
			rc.Close()
			if err == nil {
				return data, nil
			}
		}
	}
	return r.art.coverPNG(b)
}

// navKeyFormat changes whenever what the nav and NCX depend on does.
const navKeyFormat = "epub navigation 1"

// keepNavigation reports whether the last build's book holds the nav and
// NCX this one would write: their key is every label and link of the
// contents, not the items' text, so an edit to an item's text keeps them.
// A ten-year collection's are megabytes, worth not writing again.
func keepNavigation(b *book, last *previous) (bool, error) {
	if last.reuse == nil {
		return false, nil
	}
	key := navKey(b)
	_, nav, err := last.entry(containerDir+navFile, key)
	if err != nil {
		return false, err
	}
	_, ncx, err := last.entry(containerDir+ncxFile, key)
	return nav && ncx, err
}

// navKey hashes what navDocument and ncxDocument write (the book's words
// and identifier, and the contents' tree) and the entries' time.
func navKey(b *book) string {
	var k keyBuf
	for _, s := range []string{navKeyFormat, b.lang, b.contents, b.identifier, b.title, b.author, b.coverTitle,
		b.ed.Meta.Labels.Cover, b.ed.Meta.Labels.TitlePage, zipTime(b).Format(time.RFC3339)} {
		k.str(s)
	}
	var walk func([]navEntry)
	walk = func(entries []navEntry) {
		k.count(len(entries))
		for _, e := range entries {
			k.str(e.label)
			k.str(e.href)
			walk(e.children)
		}
	}
	walk(navTree(b))
	return k.sum()
}

// previous is the book the last build made, opened when a part of it is
// first found unchanged.
type previous struct {
	reuse output.Reuse // nil: no incremental build
	book  lastBook
}

// entry records that this book makes part name from key, and returns the
// last book's entry for it when the last build made it from the same key.
func (p *previous) entry(name, key string) (*zip.File, bool, error) {
	if p.reuse == nil {
		return nil, false, nil
	}
	p.reuse.Record(name, key)
	data, ok := p.reuse.Previous(name, key)
	if !ok {
		return nil, false, nil
	}
	if p.book == nil {
		book, err := openLastBook(data)
		if err != nil {
			return nil, false, err
		}
		p.book = book
	}
	f, ok := p.book[name]
	return f, ok, nil
}

// lastBook is the entries of the book the last build made, by name.
type lastBook map[string]*zip.File

func openLastBook(data []byte) (lastBook, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("epub: read the last build's book: %w", err)
	}
	entries := lastBook{}
	for _, f := range zr.File {
		entries[f.Name] = f
	}
	return entries, nil
}

// copyEntry writes the last book's entry name into zw as it is, still
// compressed, under the header addEntry would give it. The entry must be
// the deflated document it claims to be: its name, method and time are
// checked against this book's, and its CRC-32 and sizes travel with it.
// buf is the copy's buffer (io.Copy would make one for every entry).
func copyEntry(zw *zip.Writer, last lastBook, name string, b *book, buf []byte) error {
	f, ok := last[name]
	if !ok {
		return fmt.Errorf("epub: the last build's book has no %s", name)
	}
	date, clock := msDosTime(zipTime(b))
	if f.Method != zip.Deflate || f.ModifiedDate != date || f.ModifiedTime != clock || len(f.Extra) != 0 {
		return fmt.Errorf("epub: the last build's %s is not an entry this build would write", name)
	}
	h := f.FileHeader
	h.Modified = time.Time{} // zip.Reader fills it in; set, it would add an extra field
	raw, err := f.OpenRaw()
	if err != nil {
		return fmt.Errorf("epub: reuse %s: %w", name, err)
	}
	return rawEntry(zw, name, h, raw, buf)
}

// copyMin is the size from which a document the last book holds with the
// same bytes is copied rather than deflated again: below it, deflating
// costs about what checking does.
const copyMin = 32 << 10

// holds reports whether the last book's entry name is deflated data, byte
// for byte: then it can be copied still deflated (copyEntry) and the book
// is the same as if it were deflated again. The collection's navigation
// documents list every item of the archive, megabytes that an edit of one
// item's text leaves as they were. The size and CRC-32 rule most changes
// out at once; the entry is inflated and compared to be sure.
func (last lastBook) holds(name string, data []byte) bool {
	f, ok := last[name]
	if !ok || len(data) < copyMin || f.Method != zip.Deflate || f.UncompressedSize64 != uint64(len(data)) || f.CRC32 != crc32.ChecksumIEEE(data) {
		return false
	}
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	buf := make([]byte, 32<<10)
	rest := data
	for {
		n, err := rc.Read(buf)
		if n > len(rest) || !bytes.Equal(buf[:n], rest[:n]) {
			return false
		}
		rest = rest[n:]
		if err == io.EOF {
			return len(rest) == 0
		}
		if err != nil {
			return false
		}
	}
}
