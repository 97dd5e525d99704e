// Package manifest describes a build's outputs for people and programs that
// send them on: sizes, checksums, media types, and what each file holds.
package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
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
			m.Warnings = append(m.Warnings, fmt.Sprintf(
				"%s is %d bytes once encoded for mail, over the budget of %d bytes: send it as a link, or split the period",
				f.Path, f.MailBytes, m.MailBudget))
		}
	}
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
