package pipeline

import (
	"fmt"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/render"
	"bulletin/pipeline/render/epub"
	"bulletin/pipeline/render/manifest"
	"bulletin/pipeline/render/pdf"
)

// Media types of the outputs, as mail and the manifest name them.
const (
	MediaPDF  = "application/pdf"
	MediaEPUB = "application/epub+zip"
	MediaJSON = "application/json"
)

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
		{Name: ManifestName, MediaType: MediaJSON, Scope: render.Summary, Renderer: manifest.New("bulletin "+Version, cfg.Mail.Budget())},
	}
	if !cfg.EPUB.Monthly {
		outs = append(outs[:1], outs[2:]...)
	}
	return outs, nil
}

// ManifestName is the manifest's file name, which the next build reads to
// know what the last one made.
const ManifestName = "manifest.json"
