package epub

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"html"
	"image/png"
	"io"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"

	"golang.org/x/image/webp"
)

// maxImageBytes bounds one copied image: the collection is mailed.
const maxImageBytes = 16 << 20

// resource is a file the rewrite adds to EPUB/ and to the manifest.
type resource struct {
	id, href, mediaType, properties string
	data                            []byte
}

// assets collects the images and fonts of one render, by href.
type assets struct {
	byHref map[string]resource
	byPath map[string]string // source path → href ("" when refused)
}

func newAssets() *assets {
	return &assets{byHref: map[string]resource{}, byPath: map[string]string{}}
}

func (a *assets) add(r resource) { a.byHref[r.href] = r }

// sorted lists the resources in href order, so the archive is reproducible.
func (a *assets) sorted() []resource {
	out := make([]resource, 0, len(a.byHref))
	for _, r := range a.byHref {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].href < out[j].href })
	return out
}

// localImage copies the image src (as written in an item's XHTML) into the
// book when it is a relative path to a readable image inside files, and
// returns its href relative to EPUB/. Remote URLs, any other scheme,
// absolute paths, paths that climb out of the sources folder, symbolic
// links and files that are not PNG, JPEG, GIF, SVG or WebP are refused ("",
// false): nothing outside the sources folder is read, nothing is fetched.
func (a *assets) localImage(files fs.FS, dir, src string) (string, bool) {
	if files == nil {
		return "", false
	}
	name, ok := imagePath(dir, src)
	if !ok {
		return "", false
	}
	if href, seen := a.byPath[name]; seen {
		return href, href != ""
	}
	href := a.copyImage(files, name)
	a.byPath[name] = href
	return href, href != ""
}

// imagePath resolves src against dir, inside the sources folder.
func imagePath(dir, src string) (string, bool) {
	s := strings.TrimSpace(html.UnescapeString(src))
	if s == "" || strings.ContainsAny(s, `\`) {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.Path == "" {
		return "", false // http:, https:, data:, file:, //host/…
	}
	if strings.HasPrefix(u.Path, "/") {
		return "", false // absolute
	}
	dir = strings.Trim(dir, "/")
	if dir == "" {
		dir = "."
	}
	if !fs.ValidPath(dir) {
		return "", false
	}
	name := path.Join(dir, u.Path)
	if !fs.ValidPath(name) || name == "." {
		return "", false // climbs out of the sources folder
	}
	return name, true
}

func (a *assets) copyImage(files fs.FS, name string) string {
	// Refuse symbolic links on the way: os.DirFS follows them out of the folder.
	parts := strings.Split(name, "/")
	for i := range parts {
		info, err := fs.Lstat(files, strings.Join(parts[:i+1], "/"))
		if err != nil || info.Mode()&fs.ModeSymlink != 0 {
			return ""
		}
		if i == len(parts)-1 && (!info.Mode().IsRegular() || info.Size() > maxImageBytes) {
			return ""
		}
	}
	f, err := files.Open(name)
	if err != nil {
		return ""
	}
	data, err := io.ReadAll(io.LimitReader(f, maxImageBytes+1))
	f.Close()
	if err != nil || len(data) > maxImageBytes {
		return ""
	}
	mediaType, ext, data := imageType(data)
	if mediaType == "" {
		return ""
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:8])
	href := "images/" + hash + ext
	a.add(resource{id: "img-" + hash, href: href, mediaType: mediaType, data: data})
	return href
}

// imageType tells an image's media type from its first bytes, never from
// its name. WebP is not a core media type of EPUB 3.2 (reading systems may
// not show it), so a WebP image is converted to PNG.
func imageType(data []byte) (mediaType, ext string, out []byte) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", ".png", data
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return "image/jpeg", ".jpg", data
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif", ".gif", data
	case len(data) > 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		img, err := webp.Decode(bytes.NewReader(data))
		if err != nil {
			return "", "", nil
		}
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			return "", "", nil
		}
		return "image/png", ".png", buf.Bytes()
	case isSafeSVG(data):
		return "image/svg+xml", ".svg", data
	}
	return "", "", nil
}

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
