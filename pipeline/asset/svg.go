package asset

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// isSafeSVG accepts a well-formed SVG document that refers to nothing
// outside itself and runs nothing: no scripts, no foreign objects, no
// links or style sheets that are not fragments of the same file.
func isSafeSVG(data []byte) bool {
	const svgNS = "http://www.w3.org/2000/svg"
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	root := true
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return !root
		}
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.Directive:
			return false // a DOCTYPE may declare entities
		case xml.StartElement:
			if root && (t.Name.Local != "svg" || t.Name.Space != svgNS) {
				return false
			}
			root = false
			switch strings.ToLower(t.Name.Local) {
			case "script", "foreignobject", "style", "iframe", "image", "feimage", "handler", "listener":
				return false
			}
			for _, at := range t.Attr {
				v := strings.ToLower(strings.TrimSpace(at.Value))
				name := strings.ToLower(at.Name.Local)
				if strings.HasPrefix(name, "on") || strings.Contains(v, "url(") && !strings.Contains(v, "url(#") {
					return false
				}
				if (name == "href" || name == "src") && !strings.HasPrefix(v, "#") {
					return false
				}
			}
		}
	}
}

// looksLikeSVG is true for a document whose root seems to be an SVG
// element, so that an unsafe drawing is refused as such rather than as an
// unknown format.
func looksLikeSVG(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte("<svg"))
}
