package news

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"time"
)

// Counter is a running count of days since an event, shown on covers.
type Counter struct {
	Key    string // identity of the event, for merging sightings
	Origin Date   // day of the event
	// Template is the sentence with {n} for the number of days and
	// {one|other} (English) or {one|few|many} (Russian) plural choices,
	// e.g. "{n} {day|days} {has|have} passed since the Salisbury incident".
	Template string
	Lang     string
	From     Origin // where it was configured or inferred
}

// TypeGroup is the items of one type within a month, in display order.
type TypeGroup struct {
	Type  string // key, "statement"
	Name  string // display name, "Statements"
	Items []Item
}

// Month is one month's items grouped by type.
type Month struct {
	Key   MonthKey
	Title string // display name, "June 2020" or "Undated"
	Types []TypeGroup
	// Sum is Digest's value worked out once (SetDigest), so that the
	// incremental build's keys of the several files showing the month do
	// not hash its megabytes of text again for each; empty until set.
	Sum string `json:"-"`
}

// Digest is a SHA-256 (hex) of everything the month holds: its key, title,
// types and items with their images. Two months with the same digest
// render the same. It is Sum when set.
//
// The fields go into the hash as they are, each string and byte slice
// after its length and each list after its count, so distinct months
// cannot run together into the same stream (TestDigestSeesEveryField
// changes each field in turn). Not JSON: encoding a ten-year archive's
// text, escaped, was a tenth of an incremental rebuild.
//
// An item's summary and body go in as their TextSum, so that a rebuild
// can take the sums worked out when the items were prepared (SetDigest)
// instead of hashing an archive's text again.
func (m Month) Digest() string {
	if m.Sum != "" {
		return m.Sum
	}
	return m.digest(TextSum)
}

// digest is Digest with the items' text sums from sums.
func (m Month) digest(sums func(Item) [sha256.Size]byte) string {
	d := digester{h: sha256.New(), b: make([]byte, 0, 4<<10)}
	d.str(digestFormat)
	d.int(m.Key.Year)
	d.int(int(m.Key.Month))
	d.str(m.Title)
	d.int(len(m.Types))
	for _, t := range m.Types {
		d.str(t.Type)
		d.str(t.Name)
		d.int(len(t.Items))
		for _, it := range t.Items {
			d.item(it, sums(it))
		}
	}
	d.flush()
	return hex.EncodeToString(d.h.Sum(nil))
}

// digestFormat opens every digest; it changes when the recipe does.
const digestFormat = "bulletin month digest 3"

// digester writes a month's fields into a hash, length-prefixed. Short
// fields are gathered in a buffer and hashed together: a hash written in
// a hundred thousand small pieces (twenty an item) cost as much as its
// megabytes of text. The bytes hashed are the same either way.
type digester struct {
	h hash.Hash
	b []byte
}

// direct is the length from which a field is hashed as it is, not copied
// into the buffer first.
const direct = 1 << 10

func (d *digester) int(v int) {
	d.b = binary.AppendVarint(d.b, int64(v))
}

func (d *digester) str(s string) {
	d.int(len(s))
	if len(s) < direct {
		d.b = append(d.b, s...)
		return
	}
	d.flush()
	io.WriteString(d.h, s)
}

func (d *digester) data(p []byte) {
	d.int(len(p))
	d.flush()
	d.h.Write(p)
}

// flush hashes what the buffer holds.
func (d *digester) flush() {
	d.h.Write(d.b)
	d.b = d.b[:0]
}

func (d *digester) strs(list []string) {
	d.int(len(list))
	for _, s := range list {
		d.str(s)
	}
}

func (d *digester) item(it Item, text [sha256.Size]byte) {
	d.str(it.ID)
	d.str(it.Title)
	d.int(it.Date.Year)
	d.int(int(it.Date.Month))
	d.int(it.Date.Day)
	d.int(int(it.DatedBy))
	d.str(it.Type)
	if it.TypeExplicit {
		d.int(1)
	} else {
		d.int(0)
	}
	d.b = append(d.b, text[:]...)
	d.str(it.Lang)
	d.str(it.URL)
	d.strs(it.Authors)
	d.strs(it.Tags)
	d.int(len(it.Origins))
	for _, o := range it.Origins {
		d.str(o.File)
		d.int(o.Line)
	}
	d.str(it.Dir)
	d.int(len(it.Images))
	for _, img := range it.Images {
		d.str(img.Src)
		d.str(img.Name)
		d.str(img.MediaType)
		d.data(img.Data)
		d.int(img.Width)
		d.int(img.Height)
	}
}

// SetDigest works Sum out, with the items' text sums from sums when it
// is not nil: it must give TextSum's value for every item of the month.
func (m *Month) SetDigest(sums func(Item) [sha256.Size]byte) {
	if sums == nil {
		sums = TextSum
	}
	m.Sum = m.digest(sums)
}

// textSumFormat opens every TextSum; it changes when the recipe does.
const textSumFormat = "bulletin item text 1"

// TextSum is the SHA-256 of an item's summary and body, each after its
// length: what a month's digest takes of them.
func TextSum(it Item) [sha256.Size]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, s := range [...]string{textSumFormat, it.Summary, it.Body} {
		h.Write(binary.AppendUvarint(n[:0], uint64(len(s))))
		io.WriteString(h, s)
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// Count is the number of items in the month.
func (m Month) Count() int {
	n := 0
	for _, t := range m.Types {
		n += len(t.Items)
	}
	return n
}

// Clock is the time in a named place at publication, as on the sample page.
type Clock struct {
	Place string
	Time  string // "02:18"
}

// TypeCount is one line of the cover's tally.
type TypeCount struct {
	Name  string
	Count int
}

// Cover is what every cover shows, PDF and EPUB alike, already worded.
type Cover struct {
	Publisher string
	Title     string   // bulletin title
	Period    string   // "June 2020", or "May 2020 – July 2020" for a collection
	Published string   // "6 July 2020"
	Clocks    []Clock  // at the publication instant
	Contact   []string // lines of the contact block
	Counters  []string // sentences valued at the publication date
	Tally     []TypeCount
	Total     int
	TotalText string // the total worded with its plural: "11 items", "2 материала"
}

// Meta is document metadata shared by the renderers.
type Meta struct {
	Title     string
	Author    string // the publisher
	Subject   string
	Keywords  []string
	Lang      string
	Published time.Time // creation date of the documents
	// Labels are interface words in the document language.
	Labels Labels
}

// Labels are the few words a renderer prints itself.
type Labels struct {
	Contents  string // "Contents"
	Page      string // "Page %d of %d"
	Published string // "Published"
	Items     string // plural forms for item counts: "{item|items}", "{материал|материала|материалов}"
	Undated   string // "Undated"
	Attached  string // heading of the attachment list in mail: "Attached"
	// UnsubscribeLink and UnsubscribeMail end each mailed body: how to
	// leave the list by the recipient's own link (%s), or, without one, by
	// writing to an address (%s).
	UnsubscribeLink, UnsubscribeMail string
	// DatedByCapture and DatedByFileName word DateNote for an item dated
	// by its capture's date or its file name; %s is the formatted date.
	DatedByCapture  string // "Undated in the source; dated by its capture date, %s."
	DatedByFileName string // "Undated in the source; dated by its file name, %s."
	// Cover and TitlePage name those pages in an EPUB's landmarks.
	Cover, TitlePage string
	// AccessibilitySummary describes the EPUB's accessibility to readers.
	AccessibilitySummary string
	// ReadOnline introduces the link to an item's page on the web.
	ReadOnline string // "Read online"
	// Tags introduces an item's tags: "Tags: visas, consular".
	Tags string // "Tags"
	// NoteContinued marks a footnote going on from the page before.
	NoteContinued string // "continued"
	// The web edition's words.
	SkipToContent string // "Skip to content"
	Editions      string // "Editions", the index's heading
	Collection    string // "All editions in one EPUB"
	Feed          string // "Atom feed of the editions"
	Catalogue     string // "OPDS catalogue for e-reader apps"
	// SizeKB and SizeMB word a file's size; %s is the number, whose
	// decimal mark is Decimal.
	SizeKB, SizeMB, Decimal string
}

// DateNote words where an item's date came from when the item did not say
// it; date is the item's date as the renderer prints it. It is "" for an
// item dated by itself, or undated.
func (l Labels) DateNote(it Item, date string) string {
	format := ""
	switch {
	case it.Date.IsZero():
	case it.DatedBy == DatedByCapture:
		format = l.DatedByCapture
	case it.DatedBy == DatedByFileName:
		format = l.DatedByFileName
	}
	if format == "" {
		return ""
	}
	return fmt.Sprintf(format, date)
}

// Edition is one rendered document's content: a month for a PDF bulletin,
// all months for the EPUB collection.
type Edition struct {
	Meta  Meta
	Cover Cover
	// Months hold the items; their local images are already read and
	// checked (Item.Images): renderers never see the sources folder.
	Months []Month
	// Made lists the files the build made before this one, for an output
	// that describes the others (the manifest); empty for the rest.
	Made []File
}

// File is one file a build made, as the manifest, the mail and the
// command's report see it.
type File struct {
	Name      string
	MediaType string
	Bytes     int
	SHA256    string // hex
	Months    []MonthKey
	Items     int
	// ItemsByType counts the items by type key, in the vocabulary's order.
	ItemsByType []TypeTally
	// Data is the file's bytes, kept only for the months a build was asked
	// to keep (to attach them to mail); nil otherwise.
	Data []byte
}

// TypeTally is the number of items of one type key.
type TypeTally struct {
	Type  string // key, "statement"
	Items int
}
