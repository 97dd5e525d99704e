package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

// The incremental cache. A file is made from its edition (the items with
// their content, images and origins, the cover, the words, the publication
// date), the configuration, the layout and bulletin's version: a hash of
// all of them is the file's key. The cache, a small JSON file in the output
// folder beside the outputs, records each file's key, the SHA-256 of the
// bytes it was made with and the warnings rendering it gave. A build whose
// job has the key recorded, and whose folder still holds those very bytes,
// keeps the file as it is (Keeper.Keep) and repeats its warnings instead
// of rendering it again; anything else is rendered. The cache is written
// through the sink like the outputs, so it is committed with them or not
// at all, and it is never trusted beyond what the folder's bytes confirm.

// CacheName is the incremental cache's file in the output folder.
const CacheName = ".bulletin-cache.json"

// cacheFormat changes when the key's recipe or the file's shape does, so
// an older cache is ignored rather than misread.
const cacheFormat = 2

// Keeper is a Sink that can serve an incremental build: read a file the
// last build left in the same place, and keep it instead of putting it
// again. outdir.Stage is one; a Sink that is not a Keeper gets every file.
type Keeper interface {
	// Existing returns the bytes the last committed build left under name.
	Existing(name string) ([]byte, error)
	// Keep says this build made name again with exactly those bytes: the
	// file stays as it is, and it is not removed as stale.
	Keep(name string) error
}

type cacheFile struct {
	Format int                   `json:"format"`
	Files  map[string]cacheEntry `json:"files"`
}

type cacheEntry struct {
	Key      string         `json:"key"`    // hash of the inputs
	SHA256   string         `json:"sha256"` // of the bytes made from them
	Warnings []news.Problem `json:"warnings,omitempty"`
	// Parts are the keys of the file's parts (a book's documents) that
	// its renderer recorded (render.Reuse), salted with the settings.
	Parts map[string]string `json:"parts,omitempty"`
}

// cache is one build's view of the cache: what the last build recorded,
// and what this one records.
type cache struct {
	keeper   Keeper // nil: no incremental build
	settings []byte // configuration, layout and version, hashed into every key
	old      map[string]cacheEntry
	mu       sync.Mutex
	now      map[string]cacheEntry
}

// newCache reads the last build's cache from sink when it is a Keeper and
// the build may use it; a missing, unreadable or older cache is no cache.
// The settings are always worked out: a build with NoCache still records
// what it made, for the next one.
func newCache(opts Options, lay *layouts.Layout, sink Sink) (*cache, error) {
	c := &cache{old: map[string]cacheEntry{}, now: map[string]cacheEntry{}}
	k, ok := sink.(Keeper)
	if !ok || lay == nil {
		return c, nil
	}
	c.keeper = k
	layout, err := lay.Fingerprint()
	if err != nil {
		return nil, fmt.Errorf("pipeline: cache: %w", err)
	}
	conf, err := configJSON(opts)
	if err != nil {
		return nil, fmt.Errorf("pipeline: cache: %w", err)
	}
	c.settings = fmt.Appendf(nil, "bulletin %s cache %d\x00layout %s\x00config %s\x00", program(), cacheFormat, layout, conf)
	if opts.NoCache {
		return c, nil
	}
	data, err := k.Existing(CacheName)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: cache: %w", err)
	}
	var f cacheFile
	if json.Unmarshal(data, &f) == nil && f.Format == cacheFormat && f.Files != nil {
		c.old = f.Files
	}
	return c, nil
}

// key is the hash of everything job j's file is made from. ed is the
// edition it renders (not a Summary's: those are always made).
func (c *cache) key(j job, ed news.Edition) (string, error) {
	if c.keeper == nil {
		return "", nil
	}
	h := sha256.New()
	h.Write(c.settings)
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", j.name, j.out.MediaType, j.out.Scope)
	// The months by their digests: the same content, hashed once a build.
	months := make([]string, len(ed.Months))
	for i, m := range ed.Months {
		months[i] = m.Digest()
	}
	ed.Months = nil
	if err := json.NewEncoder(h).Encode(struct {
		Edition news.Edition
		Months  []string
	}{ed, months}); err != nil {
		return "", fmt.Errorf("pipeline: cache key of %s: %w", j.name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// reuse returns the bytes and warnings the last build made for name when
// they were made from key and the folder still holds them, and keeps the
// file; ok is false when name must be rendered.
func (c *cache) reuse(name, key string) (data []byte, warnings []news.Problem, ok bool, err error) {
	e, found := c.old[name]
	if c.keeper == nil || !found || e.Key != key {
		return nil, nil, false, nil
	}
	if data = c.verified(name, e); data == nil {
		return nil, nil, false, nil
	}
	if err := c.keeper.Keep(name); err != nil {
		return nil, nil, false, fmt.Errorf("pipeline: keep %s: %w", name, err)
	}
	c.record(name, e)
	return data, e.Warnings, true, nil
}

// verified returns the bytes the folder holds under name when they are
// those the cache recorded; nil when the file is gone, unreadable or was
// changed since (by hand, or by a build that did not record it): then it
// is made again.
func (c *cache) verified(name string, e cacheEntry) []byte {
	data, err := c.keeper.Existing(name)
	if err != nil {
		return nil
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != e.SHA256 {
		return nil
	}
	return data
}

// salt is a part's key as the cache records it: with the settings, which
// renderers do not see.
func (c *cache) salt(key string) string {
	h := sha256.New()
	h.Write(c.settings)
	h.Write([]byte(key))
	return hex.EncodeToString(h.Sum(nil))
}

// fileParts is the w a one-file output renders into (render.Reuse): the
// bytes, and the parts of the file the last build made.
type fileParts struct {
	bytes.Buffer
	c    *cache
	name string
	once sync.Once
	prev []byte // the last build's file, verified; nil: none
	mu   sync.Mutex
	made map[string]string
}

func (c *cache) fileParts(name string) *fileParts {
	return &fileParts{c: c, name: name, made: map[string]string{}}
}

func (w *fileParts) Previous(part, key string) ([]byte, bool) {
	e, ok := w.c.old[w.name]
	if w.c.keeper == nil || !ok || e.Parts[part] != w.c.salt(key) {
		return nil, false
	}
	w.once.Do(func() { w.prev = w.c.verified(w.name, e) })
	return w.prev, w.prev != nil
}

func (w *fileParts) Record(part, key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.made[part] = w.c.salt(key)
}

func (c *cache) record(name string, e cacheEntry) {
	if c.keeper == nil || e.Key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now[name] = e
}

// save puts this build's cache into sink. A build of some months keeps
// the entries of the other months' files, which it left in place.
func (c *cache) save(sink Sink, partial bool) error {
	if c.keeper == nil {
		return nil
	}
	if partial {
		for name, e := range c.old {
			if _, ok := c.now[name]; !ok {
				c.now[name] = e
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(cacheFile{Format: cacheFormat, Files: c.now}); err != nil {
		return fmt.Errorf("pipeline: cache: %w", err)
	}
	if err := sink.Put(CacheName, buf.Bytes()); err != nil {
		return fmt.Errorf("pipeline: cache: %w", err)
	}
	return nil
}

// configJSON is the configuration as the caches' keys take it.
func configJSON(opts Options) ([]byte, error) {
	cfg := *opts.Config
	cfg.File = "" // where it was read from does not change what it says
	return json.Marshal(struct {
		Config   config.Config
		Location string
	}{cfg, cfg.Location.String()})
}
