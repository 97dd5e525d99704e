// Package render is the seam between the pipeline and what it makes. Every
// kind of file a build writes is an Output: a name, a media type, a scope
// (one a month, one for the collection, or one describing the others) and a
// Renderer that writes an edition to an io.Writer. The pipeline registers
// its outputs in one list (pipeline/outputs.go) and asks them, never a file
// name written elsewhere.
package render

import (
	"context"
	"io"
	"path"
	"strings"

	"bulletin/pipeline/news"
)

// Renderer writes one edition to w. Problems are warnings about the
// content (an image left out…); the error is a failure to render.
type Renderer interface {
	Render(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error)
}

// RendererFunc adapts a function to Renderer.
type RendererFunc func(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error)

// Render calls f.
func (f RendererFunc) Render(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error) {
	return f(ctx, w, ed)
}

// Scope says how many files an output makes and from what.
type Scope int

const (
	// Monthly outputs make one file per month, from that month alone.
	Monthly Scope = iota
	// Collection outputs make one file from every month.
	Collection
	// Summary outputs are made last, from every month and the files the
	// others made (Edition.Made): the manifest.
	Summary
)

// MonthMark stands for the month in a Monthly output's Name.
const MonthMark = "{month}"

// Output is one kind of file a build makes.
type Output struct {
	// Name is the file name; a Monthly output's holds MonthMark
	// ("bulletin-{month}.pdf").
	Name      string
	MediaType string
	Scope     Scope
	Renderer  Renderer
}

// FileName is the output's file name for month k; k is ignored unless the
// output is Monthly.
func (o Output) FileName(k news.MonthKey) string {
	return strings.Replace(o.Name, MonthMark, k.String(), 1)
}

// Matches reports whether name is a file this output makes (for some month).
func (o Output) Matches(name string) bool {
	ok, err := path.Match(strings.Replace(o.Name, MonthMark, "*", 1), name)
	return err == nil && ok
}
