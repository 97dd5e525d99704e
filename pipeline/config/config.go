// Package config reads bulletin.yaml: who publishes, in which language and
// time zone, the clocks and contact on the cover, the counters, and the type
// vocabulary. Every key has a built-in default; unknown keys are errors.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"bulletin/pipeline/dates"
	"bulletin/pipeline/mail/unsubscribe"
	"bulletin/pipeline/news"
	"bulletin/pipeline/words"
)

// Config is the parsed configuration with defaults applied.
type Config struct {
	Publisher string    `yaml:"publisher"`
	Title     string    `yaml:"title"`
	Language  string    `yaml:"language"`
	TimeZone  string    `yaml:"timezone"`
	Clocks    []Clock   `yaml:"clocks"`
	Contact   []string  `yaml:"contact"`
	PageSize  string    `yaml:"page_size"`
	AllowHTML bool      `yaml:"allow_html"`
	Counters  []Counter `yaml:"counters"`
	Types     []Type    `yaml:"types"`
	Mail      Mail      `yaml:"mail"`
	EPUB      EPUB      `yaml:"epub"`
	Site      Site      `yaml:"site"`
	Limits    Limits    `yaml:"limits"`

	// Location is TimeZone loaded; set by Parse.
	Location *time.Location `yaml:"-"`
	// File is where the configuration came from ("" for built-in defaults).
	File string `yaml:"-"`
}

// Clock is a place whose time the cover shows.
type Clock struct {
	Place string `yaml:"place"`
	Zone  string `yaml:"zone"`
	// Location is Zone loaded; set by Parse. Every cover shows the
	// clocks, and loading a zone reads and parses its file each time.
	Location *time.Location `yaml:"-" json:"-"`
}

// Counter is a configured day counter.
type Counter struct {
	// Event identifies the counter; sightings in captures with the same
	// event are the same counter. Defaults to the text after "since".
	Event    string `yaml:"event"`
	Origin   string `yaml:"origin"`   // YYYY-MM-DD
	Template string `yaml:"template"` // "{n} {day|days} {has|have} passed since …"
	Language string `yaml:"language"`
	line     int
}

// Type is one entry of the type vocabulary, in display order.
type Type struct {
	Key      string   `yaml:"key"`
	Name     string   `yaml:"name"`     // display name, plural: "Statements"
	Keywords []string `yaml:"keywords"` // word prefixes matched in titles, any language
}

// Mail holds mailing settings (credentials never live here).
type Mail struct {
	From       string   `yaml:"from"`
	To         []string `yaml:"to"`
	ToFile     string   `yaml:"to_file"`
	Subject    string   `yaml:"subject"`
	BudgetMB   float64  `yaml:"budget_mb"`
	RatePerMin int      `yaml:"rate_per_minute"`
	// UnsubscribeURL is the HTTPS page that takes one-click unsubscribe
	// requests; each recipient's link adds ?token=… (the secret signing it
	// comes from BULLETIN_UNSUBSCRIBE_SECRET, never from here).
	UnsubscribeURL string `yaml:"unsubscribe_url"`
	// UnsubscribeTo takes "unsubscribe" mails; default the sender.
	UnsubscribeTo string `yaml:"unsubscribe_to"`
	// ListID is the List-Id, "label.domain"; default bulletin.<sender's domain>.
	ListID string `yaml:"list_id"`
	// SuppressFile lists the addresses never mailed; default suppressed.txt.
	SuppressFile string `yaml:"suppress_file"`
	// TLSCAFile is a PEM file of the CA certificates the SMTP server's
	// certificate is checked against instead of the system's.
	TLSCAFile string `yaml:"tls_ca_file"`
	// DKIM signs each message when set.
	DKIM *DKIM `yaml:"dkim"`
}

// DKIM names the signing domain, the selector and the private key file
// (PEM: RSA of 2048 bits or more, or Ed25519).
type DKIM struct {
	Domain   string `yaml:"domain"`
	Selector string `yaml:"selector"`
	KeyFile  string `yaml:"key_file"`
}

// Budget is the mail budget in bytes.
func (m Mail) Budget() int { return int(m.BudgetMB * 1e6) }

// Limits bound what one source file and one item may hold, so that hostile
// or broken input is refused before it is read whole, and a build's memory
// stays bounded. The defaults are far above a real archive (its largest
// feed is 130 KB, its longest item about 50 KB).
type Limits struct {
	SourceMB float64 `yaml:"source_mb"` // one source file (a feed, a JSON Lines file, a capture)
	ItemKB   float64 `yaml:"item_kb"`   // one item: title, summary and body; a Markdown file is one item
	// MonthMB bounds one month's items together, by weight: their text,
	// with markup counted heavier (see pipeline's Weight). One month is
	// one PDF laid out in memory at once, so this bounds a build's memory.
	MonthMB float64 `yaml:"month_mb"`
}

// Default limits, and the most they may be raised to.
const (
	DefaultSourceMB = 32
	DefaultItemKB   = 256
	DefaultMonthMB  = 4
	maxSourceMB     = 256
	maxItemKB       = 16 << 10
	maxMonthMB      = 256
	// MaxTitle bounds an item's title, in bytes: a title is a line, and
	// longer text is a body put in the wrong field.
	MaxTitle = 2000
)

// SourceBytes is the size limit of one source file.
func (l Limits) SourceBytes() int64 { return int64(l.SourceMB * (1 << 20)) }

// ItemBytes is the size limit of one item.
func (l Limits) ItemBytes() int64 { return int64(l.ItemKB * (1 << 10)) }

// MonthWeight is the weight limit of one month's items.
func (l Limits) MonthWeight() int64 { return int64(l.MonthMB * (1 << 20)) }

// Site holds the web edition's options (site: {make: true}).
type Site struct {
	// Make writes the web edition into the output folder's site/; on by
	// default.
	Make bool `yaml:"make"`
}

// EPUB holds the EPUBs' options (epub: {embed_fonts: false, monthly: true}).
type EPUB struct {
	// Monthly makes an EPUB of each month (bulletin-2020-06.epub) besides
	// the collection; on by default.
	Monthly bool `yaml:"monthly"`
	// EmbedFonts ships the layout's text and heading fonts in the EPUB
	// (about 1 MB more); off by default.
	EmbedFonts bool `yaml:"embed_fonts"`
}

// Default returns the built-in configuration.
func Default() *Config {
	c, err := Parse("", nil)
	if err != nil {
		panic("config: built-in defaults are invalid: " + err.Error())
	}
	return c
}

// DefaultTypes is the built-in vocabulary: English and Russian word stems,
// with display names in lang (Russian when dates.IsRussian(lang), else
// English). The keys and keywords do not depend on lang. "news" has no
// keywords: it is the fallback.
func DefaultTypes(lang string) []Type {
	types := []Type{
		{"statement", "", []string{"statement", "заявлени"}},
		{"speech", "", []string{"speech", "address", "выступлени", "речь"}},
		{"remarks", "", []string{"remarks"}},
		{"interview", "", []string{"interview", "интервью"}},
		{"article", "", []string{"article", "op-ed", "статья", "статьи", "статью"}},
		{"comment", "", []string{"comment", "комментари"}},
		{"press-release", "", []string{"press release", "пресс-релиз"}},
		{"appeal", "", []string{"appeal", "обращени"}},
		{"briefing", "", []string{"briefing", "брифинг"}},
		{"news", "", nil},
	}
	for i := range types {
		types[i].Name = words.TypeName(types[i].Key, lang)
	}
	return types
}

// Load reads configuration from r; name is used in error messages.
func Load(name string, r io.Reader) (*Config, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", name, err)
	}
	return Parse(name, raw)
}

// Parse reads raw YAML (nil for none) and applies defaults.
func Parse(name string, raw []byte) (*Config, error) {
	c := &Config{File: name, EPUB: EPUB{Monthly: true}, Site: Site{Make: true}}
	if len(bytes.TrimSpace(raw)) > 0 {
		var doc yaml.Node
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			return nil, fmt.Errorf("config: %s: %w (see the README's Configuration section for the keys)", name, err)
		}
		// A second pass over the node tree records each counter's line.
		if err := yaml.Unmarshal(raw, &doc); err == nil {
			recordCounterLines(&doc, c)
		}
	}
	if err := c.applyDefaults(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", name, err)
	}
	return c, nil
}

func (c *Config) applyDefaults() error {
	if c.Publisher == "" {
		c.Publisher = "Press Office"
	}
	if c.Title == "" {
		c.Title = "Monthly Bulletin"
	}
	switch lang := strings.ToLower(strings.TrimSpace(c.Language)); lang {
	case "":
		c.Language = "en"
	case "en", "ru":
		c.Language = lang
	default:
		return fmt.Errorf("language %q: use en or ru", c.Language)
	}
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	if strings.EqualFold(c.TimeZone, "Local") {
		// time.LoadLocation("Local") is the machine's zone: the same
		// sources would give other days on another machine.
		return errors.New(`timezone "Local" is the zone of whatever machine runs the build; name the publisher's zone, an IANA name such as Europe/London`)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("timezone %q: %w; use an IANA name such as Europe/London", c.TimeZone, err)
	}
	c.Location = loc
	for i, cl := range c.Clocks {
		if cl.Place == "" {
			return errors.New("clocks: every clock needs a place")
		}
		if cl.Zone == "" {
			return fmt.Errorf("clocks: %s: give its zone, an IANA time zone such as Europe/Moscow", cl.Place)
		}
		loc, err := time.LoadLocation(cl.Zone)
		if err != nil {
			return fmt.Errorf("clocks: %s: zone %q is not an IANA time zone such as Europe/Moscow: %w", cl.Place, cl.Zone, err)
		}
		c.Clocks[i].Location = loc
	}
	switch strings.ToUpper(c.PageSize) {
	case "":
	case "A4":
		c.PageSize = "A4"
	case "LETTER":
		c.PageSize = "Letter"
	default:
		return fmt.Errorf("page_size %q: use A4 or Letter", c.PageSize)
	}
	if len(c.Types) == 0 {
		c.Types = DefaultTypes(c.Language)
	}
	seen := map[string]bool{}
	for i, t := range c.Types {
		if t.Key == "" {
			return fmt.Errorf("types[%d]: a type needs a key", i)
		}
		if seen[t.Key] {
			return fmt.Errorf("types: key %q appears twice", t.Key)
		}
		seen[t.Key] = true
		if t.Name == "" {
			c.Types[i].Name = t.Key
		}
	}
	for i, k := range c.Counters {
		if _, err := dates.Parse(k.Origin, time.UTC); err != nil {
			return fmt.Errorf("counters[%d] (line %d): origin %q: %w; write it as YYYY-MM-DD", i, k.line, k.Origin, err)
		}
		if !strings.Contains(k.Template, "{n}") {
			return fmt.Errorf("counters[%d] (line %d): template must contain {n} for the number of days", i, k.line)
		}
		if err := checkTemplate(k.Template); err != nil {
			return fmt.Errorf("counters[%d] (line %d): template %q: %w", i, k.line, k.Template, err)
		}
		if k.Language == "" {
			c.Counters[i].Language = c.Language
		}
	}
	if c.Mail.RatePerMin <= 0 {
		c.Mail.RatePerMin = 30 // a rate small relays accept without throttling
	}
	if c.Mail.BudgetMB == 0 {
		c.Mail.BudgetMB = 10
	}
	if !(c.Mail.BudgetMB > 0) {
		return fmt.Errorf("mail: budget_mb %v: give the largest message in megabytes, above 0", c.Mail.BudgetMB)
	}
	if c.Limits.SourceMB == 0 {
		c.Limits.SourceMB = DefaultSourceMB
	}
	if c.Limits.ItemKB == 0 {
		c.Limits.ItemKB = DefaultItemKB
	}
	if c.Limits.MonthMB == 0 {
		c.Limits.MonthMB = DefaultMonthMB
	}
	// !(x > 0) also refuses NaN.
	if !(c.Limits.SourceMB > 0) || c.Limits.SourceMB > maxSourceMB {
		return fmt.Errorf("limits: source_mb %v: give a size in megabytes above 0 and at most %d", c.Limits.SourceMB, maxSourceMB)
	}
	if !(c.Limits.ItemKB > 0) || c.Limits.ItemKB > maxItemKB {
		return fmt.Errorf("limits: item_kb %v: give a size in kilobytes above 0 and at most %d", c.Limits.ItemKB, maxItemKB)
	}
	if !(c.Limits.MonthMB > 0) || c.Limits.MonthMB > maxMonthMB {
		return fmt.Errorf("limits: month_mb %v: give a size in megabytes above 0 and at most %d", c.Limits.MonthMB, maxMonthMB)
	}
	if len(c.Publisher) > MaxTitle || len(c.Title) > MaxTitle {
		return fmt.Errorf("publisher and title: at most %d bytes each; shorten them", MaxTitle)
	}
	return c.Mail.check()
}

var listID = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// check validates the mail keys that have a shape.
func (m *Mail) check() error {
	if m.UnsubscribeURL != "" {
		if err := unsubscribe.CheckURL(m.UnsubscribeURL); err != nil {
			return err
		}
	}
	if m.UnsubscribeTo != "" {
		a, err := mail.ParseAddress(m.UnsubscribeTo)
		if err != nil || a.Name != "" {
			return fmt.Errorf("mail.unsubscribe_to %q: write a bare address such as unsubscribe@embassy.example", m.UnsubscribeTo)
		}
	}
	if m.ListID != "" && !listID.MatchString(m.ListID) {
		return fmt.Errorf("mail.list_id %q: write it as label.domain, e.g. press-bulletin.embassy.example (letters, digits, '-' and dots)", m.ListID)
	}
	if m.SuppressFile == "" {
		m.SuppressFile = "suppressed.txt"
	}
	if d := m.DKIM; d != nil {
		if d.Domain == "" || d.Selector == "" || d.KeyFile == "" {
			return errors.New("mail.dkim: give domain, selector and key_file (the PEM private key)")
		}
		if !listID.MatchString(d.Domain) || strings.ContainsAny(d.Selector, " ;=\t") {
			return fmt.Errorf("mail.dkim: domain %q or selector %q is not a DNS name", d.Domain, d.Selector)
		}
	}
	return nil
}

// checkTemplate accepts the placeholders a counter template may hold: {n}
// and plural choices {day|days}; anything else would be printed on the
// cover as it is.
func checkTemplate(t string) error {
	for rest := t; ; {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			return nil
		}
		if rest[open] == '}' {
			return errors.New("a } without its {; write {n} or {singular|plural}")
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] != '}' {
			return errors.New("a { without its }; write {n} or {singular|plural}")
		}
		inner := rest[open+1 : open+1+end]
		if inner != "n" && !strings.Contains(inner, "|") {
			return fmt.Errorf("{%s} is not a placeholder; write {n} for the number or {singular|plural}", inner)
		}
		rest = rest[open+1+end+1:]
	}
}

// NewsCounters returns the configured counters in the domain's form.
func (c *Config) NewsCounters() []news.Counter {
	out := make([]news.Counter, 0, len(c.Counters))
	for _, k := range c.Counters {
		origin, _ := dates.Parse(k.Origin, time.UTC) // validated in applyDefaults
		event := k.Event
		if event == "" {
			event = EventOf(k.Template)
		}
		file := c.File
		if file == "" {
			file = "built-in configuration"
		}
		out = append(out, news.Counter{
			Key: EventKey(event), Origin: origin, Template: k.Template, Lang: k.Language,
			From: news.Origin{File: file, Line: k.line},
		})
	}
	return out
}

// EventOf is the event a counter sentence counts from: the text after
// "since" (or Russian " с ") up to a " - " tail.
func EventOf(sentence string) string {
	s := sentence
	for _, marker := range []string{" since ", " с ", " со "} {
		if i := strings.Index(s, marker); i >= 0 {
			s = s[i+len(marker):]
			break
		}
	}
	for _, sep := range []string{" - ", " – ", " — "} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}

// EventKey normalises an event for comparison.
func EventKey(event string) string {
	return strings.ToLower(strings.Join(strings.Fields(event), " "))
}

// Lookup returns the vocabulary entry for key.
func (c *Config) Lookup(key string) (Type, bool) {
	for _, t := range c.Types {
		if t.Key == key {
			return t, true
		}
	}
	return Type{}, false
}

func recordCounterLines(doc *yaml.Node, c *Config) {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "counters" {
			continue
		}
		for j, n := range m.Content[i+1].Content {
			if j < len(c.Counters) {
				c.Counters[j].line = n.Line
			}
		}
	}
}
