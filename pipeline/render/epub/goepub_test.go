package epub

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	goepub "github.com/go-shiori/go-epub"

	"bulletin/layouts"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

// go-epub (v1.2.1) is the oracle of bookFiles: the files it writes for a
// book, read back from its archive with each section's mark replaced by
// the section's body (as repack did), must be bookFiles' to the byte, and
// its package file's manifest and spine bookFiles' manifest and spine.

// go-epub stages files in a package-level storage. Its in-memory storage
// avoids temporary files but is an unsynchronised map shared by every Epub,
// so it is selected once and every WriteTo is serialised.
var (
	storageOnce sync.Once
	storageErr  error
	writeMu     sync.Mutex
)

// noNetwork refuses every request: go-epub fetches media sources that look
// like URLs, and an offline, reproducible build must never do that.
var noNetwork = &http.Client{Transport: refuseTransport{}}

type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("epub: network access is disabled")
}

// writeGoEpub builds the book with go-epub and returns its zip bytes: what
// Render did before bookFiles.
func writeGoEpub(b *book, docs []section, css []byte) ([]byte, error) {
	storageOnce.Do(func() { storageErr = goepub.Use(goepub.MemoryFS) })
	if storageErr != nil {
		return nil, fmt.Errorf("epub: select memory storage: %w", storageErr)
	}
	e, err := goepub.NewEpub(b.title)
	if err != nil {
		return nil, fmt.Errorf("epub: new book: %w", err)
	}
	e.Client = noNetwork
	e.SetTitle(b.title)
	e.SetIdentifier(b.identifier)
	e.SetLang(b.lang)
	e.SetDescription(b.description)
	if b.author != "" {
		e.SetAuthor(b.author)
	}
	// A data URL keeps the style sheet in memory: no temporary file, no fetch.
	cssPath, err := e.AddCSS("data:text/css;base64,"+base64.StdEncoding.EncodeToString(css), cssFile)
	if err != nil {
		return nil, fmt.Errorf("epub: add style sheet: %w", err)
	}
	for _, d := range docs {
		// go-epub gets a mark where the body goes, and repack puts the body
		// there: megabytes of text are then not deflated and inflated once
		// more on the way through go-epub's archive.
		if _, err := e.AddSection(d.mark(), d.title, d.file, cssPath); err != nil {
			return nil, fmt.Errorf("epub: add section %s: %w", d.file, err)
		}
	}
	var buf bytes.Buffer
	writeMu.Lock()
	_, err = e.WriteTo(&buf)
	writeMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("epub: write book: %w", err)
	}
	return buf.Bytes(), nil
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

// goEpubFiles is the book's files as go-epub writes them, bodies in
// place, and its manifest and spine.
func goEpubFiles(b *book, docs []section, css []byte) (map[string][]byte, opfIn, error) {
	raw, err := writeGoEpub(b, docs, css)
	if err != nil {
		return nil, opfIn{}, err
	}
	files, err := readZip(raw)
	if err != nil {
		return nil, opfIn{}, err
	}
	for _, d := range docs {
		name := containerDir + xhtmlDir + d.file
		doc, ok := files[name]
		if !ok || bytes.Count(doc, []byte(d.mark())) != 1 {
			return nil, opfIn{}, fmt.Errorf("go-epub's %s does not hold its body's mark once", name)
		}
		if !d.reused {
			files[name] = bytes.Replace(doc, []byte(d.mark()), []byte(d.body), 1)
		}
	}
	var in opfIn
	if err := xml.Unmarshal(files[containerDir+"package.opf"], &in); err != nil {
		return nil, opfIn{}, fmt.Errorf("parse go-epub's package.opf: %w", err)
	}
	return files, in, nil
}

func TestBookFilesAsGoEpub(t *testing.T) {
	lay, err := layouts.Default()
	if err != nil {
		t.Fatalf("layouts.Default: %v", err)
	}
	odd := richEdition()
	odd.Meta.Title = "Tabs\tand \"quotes\" & <angles> — ёж"
	for _, g := range odd.Months[0].Types {
		for i := range g.Items {
			g.Items[i].Title = "A 'title'\twith \"everything\" & <more>\r\n"
		}
	}
	withPictures, _ := withImages(featureEdition(), sourceFiles(t))
	for _, tc := range []struct {
		name string
		ed   news.Edition
		opts Options
	}{
		{"rich", richEdition(), Options{}},
		{"awkward titles", odd, Options{}},
		{"images", withPictures, Options{}},
		{"embedded fonts", richEdition(), Options{EmbedFonts: true}},
		{"collection", bigEdition(120, 14), Options{}},
		{"one month", monthOf(bigEdition(30, 1)), Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New(lay, markup.New(false), tc.opts)
			b, docs, css, _, err := r.parts(context.Background(), io.Discard, tc.ed)
			if err != nil {
				t.Fatal(err)
			}
			got, gotIn, err := bookFiles(b, docs, css)
			if err != nil {
				t.Fatal(err)
			}
			want, wantIn, err := goEpubFiles(b, docs, css)
			if err != nil {
				t.Fatal(err)
			}
			// go-epub's package file, nav and NCX are replaced by repack.
			for _, name := range []string{"package.opf", navFile, ncxFile} {
				delete(want, containerDir+name)
			}
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range want {
					if !yield(n) {
						return
					}
				}
			})
			for _, n := range names {
				if g, ok := got[n]; !ok {
					t.Errorf("%s: missing", n)
				} else if !bytes.Equal(g, want[n]) {
					t.Errorf("%s differs:\ngot:\n%s\nwant (go-epub):\n%s", n, firstLines(g), firstLines(want[n]))
				}
			}
			for n := range got {
				if _, ok := want[n]; !ok {
					t.Errorf("%s: go-epub writes no such file", n)
				}
			}
			byID := func(m []opfItem) []opfItem {
				m = slices.Clone(m)
				sort.Slice(m, func(i, j int) bool { return m[i].ID < m[j].ID })
				return m
			}
			if g, w := byID(gotIn.Manifest), byID(wantIn.Manifest); !slices.Equal(g, w) {
				t.Errorf("manifest:\ngot  %v\nwant %v", g, w)
			}
			if !slices.Equal(gotIn.Spine.Items, wantIn.Spine.Items) || gotIn.Spine.Toc != wantIn.Spine.Toc {
				t.Errorf("spine: got %v (toc %q), want %v (toc %q)", gotIn.Spine.Items, gotIn.Spine.Toc, wantIn.Spine.Items, wantIn.Spine.Toc)
			}
		})
	}
}

// monthOf is ed with its first month alone, as a monthly bulletin is.
func monthOf(ed news.Edition) news.Edition {
	ed.Months = ed.Months[:1]
	return ed
}

func firstLines(b []byte) string {
	lines := strings.SplitN(string(b), "\n", 12)
	return strings.Join(lines[:min(len(lines), 11)], "\n")
}
