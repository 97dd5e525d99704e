// Package asset is the stage between normalising and rendering that reads
// the local images item bodies refer to, once, from the sources folder, and
// checks them, so that renderers take values and never the folder itself.
//
// One rule for every output: an image is a regular file inside the sources
// folder (no "..", no absolute path, no symbolic link leading out, no
// device or FIFO), at most MaxBytes long, a PNG, JPEG, GIF, WebP or safe
// SVG by its content, at most MaxPixels by its header, and decodes in
// full. Anything else is refused with one warning, and renderers show the
// image's alt text as for a missing file. Remote images are left alone:
// nothing is fetched while building.
package asset

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"

	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

// Limits on one image. They bound what a build reads and decodes for a
// file someone dropped into the sources folder: a 20 MB file is far more
// than any picture in a mailed bulletin needs, and 40 megapixels (an
// 8000×5000 photograph) decode to at most 320 MB even at 16 bits a
// channel; a forged header claiming more is refused before decoding.
const (
	MaxBytes  = 20 << 20
	MaxPixels = 40_000_000
)

// Resolve reads and checks the local images of every item's body from
// files (the sources folder; item paths are relative to Item.Dir) and sets
// each item's Images. It returns one warning per image refused in an item.
// dir is the folder's name as the user gave it ("sources"): messages name
// files under it, as item origins are. The error is only for a cancelled
// ctx. files may be nil: every local image is then refused.
func Resolve(ctx context.Context, files fs.FS, dir string, md *markup.Converter, items []news.Item) ([]news.Problem, error) {
	r := &resolver{files: files, dir: dir, read: map[string]result{}}
	var problems []news.Problem
	for i := range items {
		if err := ctx.Err(); err != nil {
			return problems, fmt.Errorf("asset: resolve images: %w", err)
		}
		imgs, ps := r.item(md, items[i])
		items[i].Images = imgs
		problems = append(problems, ps...)
	}
	return problems, nil
}

// resolver reads each file once however many items show it.
type resolver struct {
	files fs.FS
	dir   string            // the folder's name in messages
	read  map[string]result // by Name
}

// result is a file read and checked, or why it was refused.
type result struct {
	img    news.Image // Src unset
	refuse string     // what is wrong and what to do; "" when accepted
}

func (r *resolver) item(md *markup.Converter, it news.Item) ([]news.Image, []news.Problem) {
	// Every Markdown image starts with "![": most bodies need no parse.
	if !strings.Contains(it.Body, "![") {
		return nil, nil
	}
	var imgs []news.Image
	var problems []news.Problem
	seen := map[string]bool{}
	for _, src := range Sources(md, it.Body) {
		if seen[src] {
			continue
		}
		seen[src] = true
		img, refuse := r.resolve(it.Dir, src)
		if refuse != "" {
			problems = append(problems, news.Problem{Severity: news.Warning, At: it.Origin(),
				Msg: fmt.Sprintf("item %s: image %s is not shown: %s (its alt text is shown instead)", strconv.Quote(it.Title), strconv.Quote(src), refuse)})
			continue
		}
		img.Src = src
		imgs = append(imgs, img)
	}
	return imgs, problems
}

// Sources lists the destinations of body's Markdown images in document
// order, as written (with duplicates): what renderers meet as
// ast.Image.Destination.
func Sources(md *markup.Converter, body string) []string {
	var out []string
	doc := md.Parse([]byte(body))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			out = append(out, string(img.Destination))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// resolve is src's checked image, or why it is not shown. A remote image
// is reported too, as the PDF always did: the renderers link to it.
func (r *resolver) resolve(dir, src string) (news.Image, string) {
	name, refuse := Locate(dir, src)
	if refuse != "" {
		return news.Image{}, refuse
	}
	res, ok := r.read[name]
	if !ok {
		res = r.load(name)
		r.read[name] = res
	}
	return res.img, res.refuse
}
