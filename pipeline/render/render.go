// Package render is the seam between the pipeline and what it makes. Every
// kind of file a build writes is an Output: a name, a media type, a scope
// (one a month, one for the collection, or one describing the others) and a
// Renderer that writes an edition to an io.Writer. The pipeline registers
// its outputs in one list (pipeline/outputs.go) and asks them, never a file
// name written elsewhere.
//
// Most outputs are one file. An output that is a folder of files (the web
// edition, "site/") has a Name ending in "/"; the w its Renderer gets is
// then also a Files, through which it puts each file under the folder, and
// writing to w itself is an error. That is the whole extension: Renderer
// keeps its one method, the pipeline still decides where files go, and the
// output folder's atomic staging covers every file of the folder.
package render

import (
	"context"
	"errors"
	"fmt"
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

// Folder reports whether the output is a folder of files (Name "site/").
func (o Output) Folder() bool { return strings.HasSuffix(o.Name, "/") }

// Files receives the files of a folder output, named by slash-separated
// paths relative to the folder ("index.html", "images/ab12.png"). Put may
// be called from one goroutine at a time.
type Files interface {
	Put(name string, data []byte) error
}

// ErrNotFolder is FilesOf's error for a w that is not a folder's.
var ErrNotFolder = errors.New("render: this output is one file, not a folder (give it a Name ending in \"/\")")

// FilesOf is the Files behind a folder output's w.
func FilesOf(w io.Writer) (Files, error) {
	f, ok := w.(Files)
	if !ok {
		return nil, ErrNotFolder
	}
	return f, nil
}

// CleanName checks a file name inside the output folder: slash-separated,
// relative, without empty, "." or ".." elements or backslashes, so it
// cannot leave the folder.
func CleanName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\x00") {
		return fmt.Errorf("render: %q is not a relative file name", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("render: %q is not a clean relative file name", name)
		}
	}
	return nil
}

// FileName is the output's file name for month k; k is ignored unless the
// output is Monthly.
func (o Output) FileName(k news.MonthKey) string {
	return strings.Replace(o.Name, MonthMark, k.String(), 1)
}

// Matches reports whether name is a file this output makes (for some month,
// or anywhere under a folder output).
func (o Output) Matches(name string) bool {
	if o.Folder() {
		return strings.HasPrefix(name, o.Name) && CleanName(name) == nil
	}
	ok, err := path.Match(strings.Replace(o.Name, MonthMark, "*", 1), name)
	return err == nil && ok
}
