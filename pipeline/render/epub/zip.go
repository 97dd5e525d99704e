package epub

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

const (
	mimetypeName = "mimetype"
	containerDir = "EPUB/"
	htmlOpenTag  = `<html xmlns="http://www.w3.org/1999/xhtml"`
)

// repack takes go-epub's archive, read (files, which it changes), puts the
// sections' bodies in their documents, replaces the package file, nav and NCX,
// declares the language of every section, and writes a new archive with
// `mimetype` first and stored, then all other entries deflated in name order
// with fixed times: the same edition gives the same bytes.
//
// A reused document keeps go-epub's mark: its entry is copied from last,
// the last build's book, as it is.
//
// A document rendered later (section.later) keeps its mark until its
// entry is written: then render makes its body, which goes in the mark's
// place on the way into the archive and is dropped after it. The archive
// is written to w as it is made.
func repack(w io.Writer, files map[string][]byte, b *book, docs []section, last lastBook, z zipTools, render func(*month) (string, error)) error {
	reused := map[string]bool{}
	later := map[string]laterBody{}
	for _, d := range docs {
		name := containerDir + xhtmlDir + d.file
		if d.reused {
			reused[name] = true
			continue
		}
		doc, ok := files[name]
		if !ok || bytes.Count(doc, []byte(d.mark())) != 1 {
			return fmt.Errorf("epub: go-epub's %s does not hold its body's mark once", name)
		}
		if d.later != nil {
			later[name] = laterBody{mark: d.mark(), m: d.later, render: render}
			continue
		}
		files[name] = bytes.Replace(doc, []byte(d.mark()), []byte(d.body), 1)
	}
	if err := rewrite(files, b, reused); err != nil {
		return err
	}
	return writeZip(w, files, b, reused, last, z, later)
}

// laterBody is a document's body to render as its entry is written.
type laterBody struct {
	mark   string
	m      *month
	render func(*month) (string, error)
}

func readZip(raw []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("epub: read go-epub archive: %w", err)
	}
	files := make(map[string][]byte, len(zr.File))
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("epub: open %s: %w", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("epub: read %s: %w", f.Name, err)
		}
		files[f.Name] = data
	}
	return files, nil
}

func rewrite(files map[string][]byte, b *book, reused map[string]bool) error {
	opfName := containerDir + "package.opf"
	raw, ok := files[opfName]
	if !ok {
		return fmt.Errorf("epub: go-epub wrote no %s", opfName)
	}
	opf, err := packageDocument(raw, b)
	if err != nil {
		return err
	}
	files[opfName] = []byte(opf)
	for _, r := range b.assets.sorted() {
		files[containerDir+r.href] = r.data
	}
	if b.navKept {
		reused[containerDir+navFile], reused[containerDir+ncxFile] = true, true
	} else {
		files[containerDir+navFile] = []byte(navDocument(b))
		files[containerDir+ncxFile] = []byte(ncxDocument(b))
	}

	sections := []string{coverFile, titleFile}
	for _, m := range b.months {
		sections = append(sections, m.file)
	}
	for _, name := range sections {
		if err := declareLang(files, containerDir+xhtmlDir+name, b.lang); err != nil {
			return err
		}
	}
	// goldmark's XHTML and ours are well-formed by construction (entities
	// resolved, text escaped), as the tests confirm with EPUBCheck; raw
	// HTML from the sources is not, so with it every document is parsed.
	if !b.rawHTML {
		return nil
	}
	for name, data := range files {
		if strings.HasSuffix(name, ".xhtml") && !reused[name] {
			if err := checkWellFormed(string(data)); err != nil {
				return fmt.Errorf("epub: %s is not well-formed: %w", name, err)
			}
		}
	}
	return nil
}

// declareLang adds xml:lang and lang to a section's <html>: go-epub's
// template has neither, and reading systems need it for hyphenation and voice.
func declareLang(files map[string][]byte, name, lang string) error {
	data, ok := files[name]
	if !ok {
		return fmt.Errorf("epub: go-epub wrote no %s (its errors are only logged)", name)
	}
	doc := string(data)
	if !strings.Contains(doc, htmlOpenTag) {
		return fmt.Errorf("epub: %s: unexpected <html> start tag from go-epub", name)
	}
	attrs := fmt.Sprintf(` xml:lang="%s" lang="%s"`, esc(lang), esc(lang))
	files[name] = []byte(strings.Replace(doc, htmlOpenTag, htmlOpenTag+attrs, 1))
	return nil
}

// zipTools are what writeZip takes from the Renderer: the shelf of month
// documents and a deflate writer to reuse (a new one is 600 KB to clear).
type zipTools struct {
	shelf *shelf
	fw    *flate.Writer
}

func writeZip(w io.Writer, files map[string][]byte, b *book, reused map[string]bool, last lastBook, z zipTools, later map[string]laterBody) error {
	mt, ok := files[mimetypeName]
	if !ok || string(mt) != "application/epub+zip" {
		return fmt.Errorf("epub: go-epub wrote no valid mimetype entry")
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if name != mimetypeName {
			names = append(names, name)
		}
	}
	sort.Strings(names)

	zw := zip.NewWriter(w)
	// Entries are written one after another, so one deflate writer serves
	// them all.
	fw, sh := z.fw, z.shelf
	var copyTo *bytes.Buffer // a later document's deflated bytes, for the shelf
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		if copyTo != nil {
			w = io.MultiWriter(w, copyTo)
		}
		fw.Reset(w)
		return fw, nil
	})
	// A later document's header is complete (CRC-32, sizes) once the next
	// entry starts: shelved when the archive is closed.
	type pending struct {
		docKey, bodyKey string
		h               *zip.FileHeader
		data            *bytes.Buffer
		head, tail      int
	}
	var toShelve []pending
	// The OCF container requires mimetype first and uncompressed.
	if _, err := addEntry(zw, mimetypeName, mt, zip.Store, b); err != nil {
		return err
	}
	var copyBuf []byte
	for _, name := range names {
		if reused[name] || last.holds(name, files[name]) {
			if copyBuf == nil {
				copyBuf = make([]byte, 32<<10)
			}
			if err := copyEntry(zw, last, name, b, copyBuf); err != nil {
				return err
			}
			continue
		}
		if l, ok := later[name]; ok {
			doc := files[name]
			i := bytes.Index(doc, []byte(l.mark))
			head, tail := doc[:i], doc[i+len(l.mark):]
			bk, err := bodyKey(b, l.m)
			if err != nil {
				return fmt.Errorf("epub: %s: %w", name, err)
			}
			key := docKey(b, name, head, tail, bk)
			if d, ok := sh.take(key); ok {
				if err := rawEntry(zw, name, d.header, bytes.NewReader(d.data), nil); err != nil {
					return err
				}
				continue
			}
			body, err := l.render(l.m)
			if err != nil {
				return err
			}
			copyTo = new(bytes.Buffer)
			h, err := addEntry(zw, name, head, zip.Deflate, b, []byte(body), tail)
			if err != nil {
				return err
			}
			toShelve = append(toShelve, pending{key, bk, h, copyTo, len(head), len(tail)})
			copyTo = nil
			continue
		}
		method := uint16(zip.Deflate)
		if compressed(name) {
			method = zip.Store // deflating a PNG or JPEG again gains nothing
		}
		if _, err := addEntry(zw, name, files[name], method, b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("epub: finish archive: %w", err)
	}
	for _, p := range toShelve {
		sh.put(p.docKey, p.bodyKey, shelved{header: *p.h, data: p.data.Bytes(), head: p.head, tail: p.tail})
	}
	return nil
}

// rawEntry writes an entry deflated already, read from src, under h, the
// header a book wrote it with (addEntry's, completed by zip.Writer):
// CreateRaw writes the same local header, data descriptor and directory
// record as the writer did. buf is the copy's buffer, or nil.
func rawEntry(zw *zip.Writer, name string, h zip.FileHeader, src io.Reader, buf []byte) error {
	w, err := zw.CreateRaw(&h)
	if err == nil {
		_, err = io.CopyBuffer(w, src, buf)
	}
	if err != nil {
		return fmt.Errorf("epub: copy %s into the archive: %w", name, err)
	}
	return nil
}

// compressed says whether a file's format is compressed already.
func compressed(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2":
		return true
	}
	return false
}

// addEntry writes the entry name, whose content is data and then more, and
// returns its header, which zip.Writer completes when the entry ends.
func addEntry(zw *zip.Writer, name string, data []byte, method uint16, b *book, more ...[]byte) (*zip.FileHeader, error) {
	h := &zip.FileHeader{Name: name, Method: method}
	// MS-DOS fields only: setting Modified would add an extra field, which
	// the mimetype entry must not have (EPUBCheck PKG-005).
	//lint:ignore SA1019 the deprecated fields are the only way to set a time without the extra field
	h.ModifiedDate, h.ModifiedTime = msDosTime(zipTime(b))
	w, err := zw.CreateHeader(h)
	if err != nil {
		return nil, fmt.Errorf("epub: add %s to archive: %w", name, err)
	}
	for _, d := range append([][]byte{data}, more...) {
		if _, err := w.Write(d); err != nil {
			return nil, fmt.Errorf("epub: write %s to archive: %w", name, err)
		}
	}
	return h, nil
}

// msDosTime encodes t in the zip format's MS-DOS date and time (two-second
// resolution, years 1980–2107 — clamped, as earlier dates cannot be stored).
func msDosTime(t time.Time) (date, clock uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

// zipTime is the modification time of every zip entry: fixed, so that the
// archive depends on the edition only.
func zipTime(b *book) time.Time { return b.ed.Meta.Published.UTC() }
