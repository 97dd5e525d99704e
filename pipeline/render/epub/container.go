package epub

import (
	"encoding/xml"
	"fmt"
)

// The book's files were first written by go-epub (v1.2.1) into an archive
// that repack read back and rewrote: the package file, navigation, dates
// and languages are all ours, and go-epub's part came down to a container
// file, the style sheet and each section in its XHTML template. Deflating
// that archive and inflating it again was a third of a monthly EPUB's
// fixed cost, so bookFiles writes the same files directly.
// TestBookFilesAsGoEpub builds books both ways and compares every file,
// the manifest and the spine: on an upgrade of go-epub it says what moved.

const (
	// containerXML is go-epub's META-INF/container.xml.
	containerXML = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml" />
  </rootfiles>
</container>
`
	// cssID is go-epub's manifest id of the style sheet: "id" and a
	// version 5 UUID of its file name.
	cssID = "id12a406a6-9065-538f-9b05-ae0dc2965b3d"
	// cssHref is the style sheet as the sections link to it.
	cssHref = "../css/" + cssFile
)

// sectionXHTML is go-epub's section document (its xhtmlRoot), marshalled
// the same way: a title, a link to the style sheet, the body.
type sectionXHTML struct {
	XMLName   xml.Name `xml:"http://www.w3.org/1999/xhtml html"`
	XmlnsEpub string   `xml:"xmlns:epub,attr,omitempty"`
	Head      struct {
		Title struct {
			XMLName xml.Name `xml:"title,omitempty"`
			Dir     string   `xml:"dir,attr,omitempty"`
			Value   string   `xml:",chardata"`
		} `xml:"title"`
		Link *struct {
			XMLName xml.Name `xml:"link,omitempty"`
			Rel     string   `xml:"rel,attr,omitempty"`
			Type    string   `xml:"type,attr,omitempty"`
			Href    string   `xml:"href,attr,omitempty"`
		}
	} `xml:"head"`
	Body struct {
		XML string `xml:",innerxml"`
		Dir string `xml:"dir,attr,omitempty"`
	} `xml:"body"`
}

// bookFiles returns the files of the book as go-epub wrote them, with
// each section's body in place (a reused section holds its mark: its
// entry is copied from the last book), and the manifest and spine of
// go-epub's package file.
func bookFiles(b *book, docs []section, css []byte) (map[string][]byte, opfIn, error) {
	files := map[string][]byte{
		mimetypeName:                    []byte("application/epub+zip"),
		"META-INF/container.xml":        []byte(containerXML),
		containerDir + "css/" + cssFile: css,
	}
	var in opfIn
	in.Spine.Toc = "ncx"
	in.Manifest = append(in.Manifest, opfItem{ID: cssID, Href: "css/" + cssFile, MediaType: "text/css"})
	for _, d := range docs {
		var x sectionXHTML
		x.XmlnsEpub = "http://www.idpf.org/2007/ops"
		x.Head.Title.Dir, x.Head.Title.Value = "auto", d.title
		x.Head.Link = &struct {
			XMLName xml.Name `xml:"link,omitempty"`
			Rel     string   `xml:"rel,attr,omitempty"`
			Type    string   `xml:"type,attr,omitempty"`
			Href    string   `xml:"href,attr,omitempty"`
		}{Rel: "stylesheet", Type: "text/css", Href: cssHref}
		body := d.body
		if d.reused {
			body = d.mark()
		}
		x.Body.XML, x.Body.Dir = "\n"+body+"\n", "auto"
		doc, err := xml.MarshalIndent(&x, "", "  ")
		if err != nil {
			return nil, opfIn{}, fmt.Errorf("epub: write section %s: %w", d.file, err)
		}
		out := make([]byte, 0, len(xml.Header)+len("<!DOCTYPE html>\n")+len(doc)+1)
		out = append(append(append(append(out, xml.Header...), "<!DOCTYPE html>\n"...), doc...), '\n')
		files[containerDir+xhtmlDir+d.file] = out
		in.Manifest = append(in.Manifest, opfItem{ID: d.file, Href: xhtmlDir + d.file, MediaType: "application/xhtml+xml"})
		in.Spine.Items = append(in.Spine.Items, opfItemref{IDRef: d.file})
	}
	in.Manifest = append(in.Manifest,
		opfItem{ID: "nav", Href: navFile, MediaType: "application/xhtml+xml", Properties: "nav"},
		opfItem{ID: "ncx", Href: ncxFile, MediaType: "application/x-dtbncx+xml"})
	return files, in, nil
}
