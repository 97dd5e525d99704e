// Package layouts holds the look of bulletin: page geometry, fonts, sizes,
// colours and the EPUB style sheet. The default layout is embedded in the
// binary; a project may override it file by file from a folder of its own.
package layouts

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed default
var embedded embed.FS

// Default returns the built-in layout.
func Default() (*Layout, error) { return Load("") }

// Load reads the layout, taking each file from dir when it is there and from
// the built-in default otherwise. An empty dir means the default alone.
func Load(dir string) (*Layout, error) {
	base, err := fs.Sub(embedded, "default")
	if err != nil {
		return nil, fmt.Errorf("layouts: %w", err)
	}
	files := overlay{base: base}
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("layouts: open %s: %w", dir, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("layouts: %s is not a folder", dir)
		}
		files.top = os.DirFS(dir)
	}
	raw, err := fs.ReadFile(files, "layout.yaml")
	if err != nil {
		return nil, fmt.Errorf("layouts: read layout.yaml: %w", err)
	}
	var l Layout
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("layouts: layout.yaml: %w", err)
	}
	l.files = files
	if err := l.validate(); err != nil {
		return nil, fmt.Errorf("layouts: layout.yaml: %w", err)
	}
	if err := l.loadLogo(dir); err != nil {
		return nil, fmt.Errorf("layouts: layout.yaml: %w", err)
	}
	return &l, nil
}

// Layout is the parsed layout.yaml plus access to the files it names.
type Layout struct {
	Page struct {
		Size         string  `yaml:"size"`
		MarginTop    float64 `yaml:"margin_top"`
		MarginBottom float64 `yaml:"margin_bottom"`
		MarginLeft   float64 `yaml:"margin_left"`
		MarginRight  float64 `yaml:"margin_right"`
	} `yaml:"page"`
	Fonts struct {
		Text    Face `yaml:"text"`
		Heading Face `yaml:"heading"`
		// Mono sets code; without it code is set in the heading face.
		Mono Face `yaml:"mono"`
	} `yaml:"fonts"`
	Sizes struct {
		Body    float64 `yaml:"body"`
		Leading float64 `yaml:"leading"`
		Title   float64 `yaml:"title"`
		H1      float64 `yaml:"h1"`
		H2      float64 `yaml:"h2"`
		H3      float64 `yaml:"h3"`
		Small   float64 `yaml:"small"`
	} `yaml:"sizes"`
	Colours struct {
		Text   Colour `yaml:"text"`
		Accent Colour `yaml:"accent"`
		Muted  Colour `yaml:"muted"`
		Rule   Colour `yaml:"rule"`
	} `yaml:"colours"`
	// Text is how body paragraphs are set.
	Text struct {
		Justify        bool    `yaml:"justify"`         // justified (true) or ragged right
		Hyphenate      bool    `yaml:"hyphenate"`       // break words at line ends by the patterns below
		ParagraphSpace float64 `yaml:"paragraph_space"` // space after a paragraph, in lines
	} `yaml:"text"`
	// Hyphenation maps a language ("en", "ru") to a pattern file in the
	// hyphen library's .dic format.
	Hyphenation map[string]string `yaml:"hyphenation"`
	// OutputIntent is an RGB ICC profile embedded as the PDFs' output intent.
	OutputIntent string `yaml:"output_intent"`
	EPUBCSS      string `yaml:"epub_css"`
	// Logo is the masthead's crest or logo; the built-in layout has none.
	Logo Logo `yaml:"logo"`

	files fs.FS
	mast  *Masthead // Logo, read and checked by Load
}

// Face names the font files of one family; empty styles fall back to regular.
type Face struct {
	Regular    string `yaml:"regular"`
	Bold       string `yaml:"bold"`
	Italic     string `yaml:"italic"`
	BoldItalic string `yaml:"bold_italic"`
}

// Colour is an sRGB colour written "#rrggbb".
type Colour struct{ R, G, B int }

// UnmarshalYAML reads "#rrggbb".
func (c *Colour) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimPrefix(n.Value, "#")
	v, err := strconv.ParseUint(s, 16, 32)
	if len(s) != 6 || err != nil {
		return fmt.Errorf("line %d: colour %q: want #rrggbb", n.Line, n.Value)
	}
	*c = Colour{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
	return nil
}

// Hex is the colour as "#rrggbb".
func (c Colour) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// ReadFile reads a file named in the layout (a font, the style sheet).
func (l *Layout) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(l.files, name)
	if err != nil {
		return nil, fmt.Errorf("layouts: read %s: %w", name, err)
	}
	return b, nil
}

func (l *Layout) validate() error {
	switch strings.ToUpper(l.Page.Size) {
	case "A4", "LETTER":
	default:
		return fmt.Errorf("page size %q: use A4 or Letter", l.Page.Size)
	}
	if err := l.checkRanges(); err != nil {
		return err
	}
	for _, f := range []string{l.Fonts.Text.Regular, l.Fonts.Heading.Regular, l.EPUBCSS} {
		if f == "" {
			return errors.New("fonts.text.regular, fonts.heading.regular and epub_css are required")
		}
		if _, err := fs.Stat(l.files, f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	named := []string{l.OutputIntent}
	for _, f := range l.Hyphenation {
		named = append(named, f)
	}
	for _, f := range named {
		if f == "" {
			continue
		}
		if _, err := fs.Stat(l.files, f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	return nil
}

// Text area left at the least on the smaller of A4 and Letter (210 mm wide,
// 279.4 mm high), whichever bulletin.yaml's page_size picks: room for a
// line of a few words and a few lines.
const (
	minTextWidth  = 60.0 // mm
	minTextHeight = 80.0 // mm
)

// checkRanges refuses numbers no page can be set with (NaN, a 5000-point
// body, margins wider than the paper), naming the key and the range.
func (l *Layout) checkRanges() error {
	type bound struct {
		key      string
		v        float64
		min, max float64
	}
	bounds := []bound{
		{"page.margin_top", l.Page.MarginTop, 0, 100},
		{"page.margin_bottom", l.Page.MarginBottom, 0, 100},
		{"page.margin_left", l.Page.MarginLeft, 0, 100},
		{"page.margin_right", l.Page.MarginRight, 0, 100},
		{"sizes.body", l.Sizes.Body, 5, 24},
		{"sizes.leading", l.Sizes.Leading, 1, 3},
		{"sizes.title", l.Sizes.Title, 5, 72},
		{"sizes.h1", l.Sizes.H1, 5, 48},
		{"sizes.h2", l.Sizes.H2, 5, 48},
		{"sizes.h3", l.Sizes.H3, 5, 48},
		{"sizes.small", l.Sizes.Small, 4, 24},
		{"text.paragraph_space", l.Text.ParagraphSpace, 0, 5},
	}
	for _, b := range bounds {
		if math.IsNaN(b.v) || b.v < b.min || b.v > b.max {
			return fmt.Errorf("%s is %v: use a number from %v to %v", b.key, b.v, b.min, b.max)
		}
	}
	if w := 210 - l.Page.MarginLeft - l.Page.MarginRight; w < minTextWidth {
		return fmt.Errorf("page.margin_left + page.margin_right leave %.0f mm of text width on A4: leave at least %.0f mm", w, minTextWidth)
	}
	if h := 279.4 - l.Page.MarginTop - l.Page.MarginBottom; h < minTextHeight {
		return fmt.Errorf("page.margin_top + page.margin_bottom leave %.0f mm of text height on Letter: leave at least %.0f mm", h, minTextHeight)
	}
	return nil
}

// overlay serves files from top when present there, else from base.
type overlay struct{ base, top fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if o.top != nil {
		f, err := o.top.Open(path.Clean(name))
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.base.Open(name)
}

// Fingerprint is a hash of everything the layout gives the renderers: the
// parsed layout.yaml and the bytes of every file it names (fonts, patterns,
// profile, style sheet). Two layouts with the same fingerprint render the
// same bytes, so an incremental build may keep what the other made.
func (l *Layout) Fingerprint() (string, error) {
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(l); err != nil {
		return "", fmt.Errorf("layouts: fingerprint: %w", err)
	}
	names := []string{l.Fonts.Text.Regular, l.Fonts.Text.Bold, l.Fonts.Text.Italic, l.Fonts.Text.BoldItalic,
		l.Fonts.Heading.Regular, l.Fonts.Heading.Bold, l.Fonts.Heading.Italic, l.Fonts.Heading.BoldItalic,
		l.OutputIntent, l.EPUBCSS, l.Logo.File}
	for _, lang := range slices.Sorted(maps.Keys(l.Hyphenation)) {
		names = append(names, l.Hyphenation[lang])
	}
	for _, name := range names {
		if name == "" {
			continue
		}
		data, err := l.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("layouts: fingerprint: %w", err)
		}
		// Name and length first: the concatenation cannot be read two ways.
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
