// Package manifest describes a build's outputs for people and programs that
// send them on: sizes, checksums, media types, and what each file holds.
package manifest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"bulletin/pipeline/news"
)

// File is one output as the manifest sees it.
type File struct {
	Path        string   `json:"path"`
	MediaType   string   `json:"media_type"`
	Bytes       int      `json:"bytes"`
	SHA256      string   `json:"sha256"`
	MailBytes   int      `json:"mail_bytes"` // size once base64-encoded in 76-column lines
	Months      []string `json:"months"`
	Items       int      `json:"items"`
	OverBudget  bool     `json:"over_mail_budget,omitempty"`
	ItemsByType []Count  `json:"items_by_type"`
}

// Count is the number of items of one type.
type Count struct {
	Type  string `json:"type"`
	Items int    `json:"items"`
}

// Manifest lists every output of one build.
type Manifest struct {
	Generator  string   `json:"generator"`
	Published  string   `json:"published"`
	MailBudget int      `json:"mail_budget_bytes"`
	Files      []File   `json:"files"`
	Warnings   []string `json:"warnings"`
}

// Describe fills the checksum and sizes of f from data and flags it when it
// would not fit in a mail of budget bytes.
func Describe(f File, data []byte, budget int) File {
	sum := sha256.Sum256(data)
	f.SHA256 = hex.EncodeToString(sum[:])
	f.Bytes = len(data)
	f.MailBytes = MailSize(len(data))
	f.OverBudget = f.MailBytes > budget
	if f.ItemsByType == nil {
		f.ItemsByType = []Count{}
	}
	if f.Months == nil {
		f.Months = []string{}
	}
	return f
}

// MailSize is the size of n bytes in base64 with CRLF after every 76
// characters, as MIME attachments carry them.
func MailSize(n int) int {
	enc := (n + 2) / 3 * 4
	lines := (enc + 75) / 76
	return enc + 2*lines
}

// Warn adds a warning for each file over the mail budget.
func (m *Manifest) Warn() {
	if m.Warnings == nil {
		m.Warnings = []string{}
	}
	for _, f := range m.Files {
		if f.OverBudget {
			m.Warnings = append(m.Warnings, f.Path+" "+overBudget(f, m.MailBudget))
		}
	}
}

// overBudget says what is wrong with f, without its name.
func overBudget(f File, budget int) string {
	return fmt.Sprintf("is %d bytes once encoded for mail, over the budget of %d bytes: send it as a link, or split the period",
		f.MailBytes, budget)
}

// Encode writes m as indented JSON.
func Encode(w io.Writer, m Manifest) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("manifest: encode: %w", err)
	}
	return nil
}

// Renderer writes the manifest of the files an edition lists as made.
type Renderer struct {
	generator string
	budget    int // bytes a mail may carry
}

// New returns a Renderer that names generator in the manifest and flags
// the files over a mail budget of budget bytes.
func New(generator string, budget int) *Renderer {
	return &Renderer{generator: generator, budget: budget}
}

// Render writes manifest.json for ed.Made; each file over the mail budget
// is a warning too.
func (r *Renderer) Render(ctx context.Context, w io.Writer, ed news.Edition) ([]news.Problem, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m := Manifest{
		Generator:  r.generator,
		Published:  ed.Meta.Published.Format(time.RFC3339),
		MailBudget: r.budget,
		Files:      []File{},
	}
	var problems []news.Problem
	for _, f := range ed.Made {
		mf := File{Path: f.Name, MediaType: f.MediaType, Bytes: f.Bytes, SHA256: f.SHA256,
			MailBytes: MailSize(f.Bytes), Items: f.Items, Months: []string{}, ItemsByType: []Count{}}
		mf.OverBudget = mf.MailBytes > r.budget
		for _, k := range f.Months {
			mf.Months = append(mf.Months, k.String())
		}
		for _, t := range f.ItemsByType {
			mf.ItemsByType = append(mf.ItemsByType, Count{Type: t.Type, Items: t.Items})
		}
		m.Files = append(m.Files, mf)
		if mf.OverBudget {
			problems = append(problems, news.Problem{Severity: news.Warning, At: news.Origin{File: f.Name}, Msg: overBudget(mf, r.budget)})
		}
	}
	m.Warn()
	return problems, Encode(w, m)
}

// Paths reads the paths of the files a manifest lists.
func Paths(r io.Reader) ([]string, error) {
	var m struct {
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest: read: %w", err)
	}
	paths := make([]string, 0, len(m.Files))
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	return paths, nil
}
