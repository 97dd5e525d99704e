package news

import (
	"io/fs"
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
	// DatedByCapture and DatedByFileName word DateNote for an item dated
	// by its capture's date or its file name; %s is the formatted date.
	DatedByCapture  string // "Undated in the source; dated by its capture date, %s."
	DatedByFileName string // "Undated in the source; dated by its file name, %s."
	// ReadOnline introduces the link to an item's page on the web.
	ReadOnline string // "Read online"
	// Tags introduces an item's tags: "Tags: visas, consular".
	Tags string // "Tags"
}

// Edition is one rendered document's content: a month for a PDF bulletin,
// all months for the EPUB collection.
type Edition struct {
	Meta   Meta
	Cover  Cover
	Months []Month
	// Files is the sources folder, from which renderers may read local
	// images an item links to (paths relative to the item's file); nil when
	// there is none. Nothing outside it is read, and nothing remote.
	Files fs.FS
}
