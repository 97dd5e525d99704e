package epub

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"golang.org/x/image/font/sfnt"

	"bulletin/layouts"
)

// extraCSS follows the layout's style sheet: rules the EPUB's own markup
// needs whatever the layout says (the cover picture, image alt text).
const extraCSS = `
/* Added by bulletin for its own markup. */
section.cover-image { text-align: center; margin: 0; padding: 0; page-break-inside: avoid; break-inside: avoid; }
section.cover-image img { display: block; margin: 0 auto; width: auto; height: auto; max-width: 100%; max-height: 100vh; }
section.item img { max-width: 100%; height: auto; }
p.masthead { text-align: center; text-indent: 0; margin: 0 0 1em; }
p.masthead img { height: 6em; width: auto; max-width: 60%; }
span.image-alt { font-style: italic; }
`

// fontFaces adds the layout's text and heading fonts to the book and
// returns the @font-face rules naming them by their own family names (the
// names the layout's style sheet uses). The files are shipped unmodified,
// as their licence asks; reading systems may still prefer the reader's font.
func fontFaces(lay *layouts.Layout, a *assets) (string, error) {
	type face struct {
		file, weight, style string
	}
	t, h := lay.Fonts.Text, lay.Fonts.Heading
	var css strings.Builder
	seen := map[string]bool{}
	for _, f := range []face{
		{t.Regular, "normal", "normal"}, {t.Bold, "bold", "normal"},
		{t.Italic, "normal", "italic"}, {t.BoldItalic, "bold", "italic"},
		{h.Regular, "normal", "normal"}, {h.Bold, "bold", "normal"},
		{lay.Fonts.Mono.Regular, "normal", "normal"},
	} {
		if strings.TrimSpace(f.file) == "" || seen[f.file] {
			continue // an empty style falls back to regular in the reader too
		}
		seen[f.file] = true
		data, err := lay.ReadFile(f.file)
		if err != nil {
			return "", fmt.Errorf("epub: embed fonts: %w", err)
		}
		mediaType := "font/ttf"
		if bytes.HasPrefix(data, []byte("OTTO")) {
			mediaType = "font/otf"
		}
		sf, err := sfnt.Parse(data)
		if err != nil {
			return "", fmt.Errorf("epub: embed fonts: %s: %w", f.file, err)
		}
		family, err := sf.Name(nil, sfnt.NameIDTypographicFamily)
		if err != nil || family == "" {
			family, err = sf.Name(nil, sfnt.NameIDFamily)
		}
		if err != nil || family == "" {
			return "", fmt.Errorf("epub: embed fonts: %s has no family name", f.file)
		}
		base := path.Base(f.file)
		href := "fonts/" + base
		if _, dup := a.byHref[href]; dup {
			return "", fmt.Errorf("epub: embed fonts: two font files are named %s", base)
		}
		a.add(resource{id: "font-" + idPart(strings.TrimSuffix(base, path.Ext(base))), href: href, mediaType: mediaType, data: data})
		fmt.Fprintf(&css, "@font-face { font-family: %q; font-weight: %s; font-style: %s; src: url(\"../%s\"); }\n",
			family, f.weight, f.style, href)
	}
	return css.String(), nil
}
