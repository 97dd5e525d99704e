package pipeline

import (
	"fmt"
	"slices"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/render"
	"bulletin/pipeline/render/epub"
	"bulletin/pipeline/render/manifest"
	"bulletin/pipeline/render/pdf"
	"bulletin/pipeline/render/site"
)

// Media types of the outputs, as mail and the manifest name them.
const (
	MediaPDF  = "application/pdf"
	MediaEPUB = "application/epub+zip"
	MediaJSON = "application/json"
)

// SiteName is the web edition's folder in the output folder.
const SiteName = "site/"

// Outputs are the files a build makes, in the manifest's order. This is the
// one place they are named: a new output is a package under render and one
// line here.
func Outputs(cfg *config.Config, lay *layouts.Layout) ([]render.Output, error) {
	md := markup.New(cfg.AllowHTML)
	pdfs, err := pdf.New(lay, md, cfg.PageSize)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	epubs := epub.New(lay, md, epub.Options{EmbedFonts: cfg.EPUB.EmbedFonts})
	outs := []render.Output{
		{Name: "bulletin-" + render.MonthMark + ".pdf", MediaType: MediaPDF, Scope: render.Monthly, Renderer: pdfs},
		{Name: "bulletin-" + render.MonthMark + ".epub", MediaType: MediaEPUB, Scope: render.Monthly, Renderer: epubs},
		{Name: "collection.epub", MediaType: MediaEPUB, Scope: render.Collection, Renderer: epubs},
	}
	if !cfg.EPUB.Monthly {
		outs = append(outs[:1], outs[2:]...)
	}
	// The web edition links to the files above, so it comes after them;
	// the manifest, last, lists the site's files too.
	if cfg.Site.Make {
		outs = append(outs, render.Output{Name: SiteName, MediaType: "text/html", Scope: render.Summary, Renderer: site.New(epubs, slices.Clone(outs))})
	}
	outs = append(outs, render.Output{Name: ManifestName, MediaType: MediaJSON, Scope: render.Summary, Renderer: manifest.New("bulletin "+Version, cfg.Mail.Budget())})
	return outs, nil
}

// ManifestName is the manifest's file name, which the next build reads to
// know what the last one made.
const ManifestName = "manifest.json"
