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
	"bulletin/pipeline/source"
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
// at all, and it is never trusted beyond what the folder's bytes confirm:
// read and hashed, or vouched for by a stat recorded when they were
// (stats.go).

// CacheName is the incremental cache's file in the output folder.
const CacheName = ".bulletin-cache.json"

// cacheFormat changes when the key's recipe or the file's shape does, so
// an older cache is ignored rather than misread.
const cacheFormat = 2

// Keeper is a Sink that can serve an incremental build: read a file the
// last build left in the same place, and keep it instead of putting it
// again. outdir.Stage is one; a Sink that is not a Keeper gets every file.
type Keeper interface {
	// Existing returns the bytes the last committed build left under name,
	// the caller's to keep: the build never writes them, and may keep
	// strings that share them (the memo's items).
	Existing(name string) ([]byte, error)
	// Keep says this build made name again with exactly those bytes: the
	// file stays as it is, and it is not removed as stale.
	Keep(name string) error
}

// statKeeper is a Keeper that can also stat the file the last build left
// under name, so a file whose stat was recorded need not be read.
type statKeeper interface {
	Stat(name string) (fs.FileInfo, error)
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
	stats    *stats // the outputs' stats
	settings []byte // configuration, layout and version, hashed into every key
	old      map[string]cacheEntry
	mu       sync.Mutex
	now      map[string]cacheEntry
}

// newCache reads the last build's cache from sink when it is a Keeper and
// the build may use it; a missing, unreadable or older cache is no cache.
// The settings are always worked out: a build with NoCache still records
// what it made, for the next one.
func newCache(opts Options, lay *layouts.Layout, sink Sink, st *stats) (*cache, error) {
	c := &cache{stats: st, old: map[string]cacheEntry{}, now: map[string]cacheEntry{}}
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

// reuse keeps the file the last build made for name when it was made from
// key and the folder still holds it: ok, the file's entry (its SHA-256
// and warnings), its size, and its bytes when needData asks for them;
// ok is false when name must be rendered.
func (c *cache) reuse(name, key string, needData bool) (v verifiedFile, e cacheEntry, ok bool, err error) {
	e, found := c.old[name]
	if c.keeper == nil || !found || e.Key != key {
		return v, e, false, nil
	}
	if v, ok = c.verified(name, e, needData); !ok {
		return v, e, false, nil
	}
	if err := c.keeper.Keep(name); err != nil {
		return v, e, false, fmt.Errorf("pipeline: keep %s: %w", name, err)
	}
	c.record(name, e)
	c.kept(name, v)
	return v, e, true, nil
}

// verifiedFile is a file of the folder found to hold the bytes the cache
// recorded: its size, its stat as taken before it was read, and its
// bytes when they were asked for.
type verifiedFile struct {
	data []byte
	size int
	stat source.Stat
	sum  [sha256.Size]byte
}

// verified reports whether the folder holds under name the bytes the
// cache recorded: false when the file is gone, unreadable or was changed
// since (by hand, or by a build that did not record it), and it is made
// again. A file whose stat is as recorded is not read unless needData
// asks for its bytes, and not hashed; any other is read and hashed.
func (c *cache) verified(name string, e cacheEntry, needData bool) (v verifiedFile, ok bool) {
	want, err := hex.DecodeString(e.SHA256)
	if err != nil || len(want) != sha256.Size {
		return v, false
	}
	v.sum = [sha256.Size]byte(want)
	if sk, ok := c.keeper.(statKeeper); ok {
		fi, err := sk.Stat(name)
		if err != nil {
			return v, false
		}
		v.stat = source.StatOf(fi)
		if sum, ok := c.stats.output(name, v.stat); ok && sum == v.sum {
			v.size = int(v.stat.Size)
			if needData {
				if v.data, err = c.keeper.Existing(name); err != nil || len(v.data) != v.size {
					return v, false
				}
			}
			return v, true
		}
	}
	data, err := c.keeper.Existing(name)
	if err != nil || sha256.Sum256(data) != v.sum {
		return v, false
	}
	v.data, v.size = data, len(data)
	return v, true
}

// kept records the stat of an output this build keeps, for the next.
func (c *cache) kept(name string, v verifiedFile) {
	if v.stat != (source.Stat{}) {
		c.stats.noteOutput(name, v.stat, v.sum)
	}
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
	w.once.Do(func() {
		if v, ok := w.c.verified(w.name, e, true); ok {
			w.prev = v.data
		}
	})
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
