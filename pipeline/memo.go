package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io/fs"
	"slices"
	"sync"

	"bulletin/internal/parallel"
	"bulletin/pipeline/news"
	"bulletin/pipeline/normalise"
	"bulletin/pipeline/source"
)

// The sources memo. Reading and normalising every source file is most of
// a rebuild after one edit, and each file's result depends on its bytes,
// its name and the configuration alone: the memo, a file in the output
// folder beside the cache, keeps what each file read to (its items as the
// per-item normalising steps left them, its counters, contact lines and
// problems) under a key hashed from those. A rebuild hashes every file's
// bytes, parses only the files whose key it does not hold, and runs the
// steps across items (merging duplicates, IDs, grouping) on all of them,
// as a clean build does. A recalled file's problems are reported again,
// in the same order as a clean build's.
//
// Most files are not even read: a file whose stat is as the stats file
// recorded (stats.go) is taken to hold the bytes recorded with it.
//
// The memo holds only the files this build read, so it does not grow with
// files deleted since. It is written through the sink like the outputs,
// in memoShards files by the first byte of the entries' keys, so that an
// edit rewrites the one or two small files its old and new entries fall
// in and the others are kept as they are (a ten-year archive's memo is
// some 13 MB). Each file's checksum (CRC-32C) is checked before it is
// used: a damaged or altered file is no memo for its share of the keys.

// MemoDir is the sources memo's folder in the output folder.
const MemoDir = ".bulletin-memo"

// legacyMemoName is where the memo was one file; a build removes it.
const legacyMemoName = ".bulletin-sources.memo"

// memoShards is how many files the memo is split into.
const memoShards = 64

// shardOf is the memo file that holds key.
func shardOf(key [32]byte) int { return int(key[0]) % memoShards }

// shardName is the memo file i's name in the output folder.
func shardName(i int) string { return fmt.Sprintf("%s/%02x", MemoDir, i) }

// memoMagic opens each memo file; its number changes when the key's recipe
// or an entry's shape does, so an older memo is ignored, not misread.
const memoMagic = "bulletin sources memo 7\n"

// memoEntry is what one source file read to.
type memoEntry struct {
	Items    []normalise.Prepared
	Counters []news.Counter
	Contact  []string
	Files    []string
	Problems []news.Problem
}

// memo is one build's view of the sources memo.
type memo struct {
	stats *stats // the sources' stats
	salt  []byte // version, configuration: hashed into every key
	// salted is a hash that has taken salt, cloned for each key; nil
	// where hashes cannot be cloned.
	salted hash.Cloner
	old    map[[32]byte][]byte // the last build's entries, encoded, by key
	// oldShard[i] is the number of entries the last build's memo file i
	// held, -1 when it was missing or damaged.
	oldShard [memoShards]int
	mu       sync.Mutex              // guards what follows
	now      map[[32]byte][]byte     // this build's entries recalled, encoded
	fresh    map[[32]byte]*memoEntry // this build's new entries, encoded when saved
	got      map[string]*memoEntry   // the entries recalled, by file as shown
}

// newMemo reads the last build's memo from sink when it is a Keeper and
// the build may use it (not NoCache); nil when sink is no Keeper: then no
// memo is kept. A missing, damaged or older memo is an empty one.
func newMemo(ctx context.Context, opts Options, sink Sink, st *stats) (*memo, error) {
	k, ok := sink.(Keeper)
	if !ok {
		return nil, nil
	}
	conf, err := configJSON(opts)
	if err != nil {
		return nil, fmt.Errorf("pipeline: memo: %w", err)
	}
	m := &memo{
		stats: st,
		salt:  fmt.Appendf(nil, "bulletin %s %s\x00config %s\x00", program(), memoMagic, conf),
		old:   map[[32]byte][]byte{},
		now:   map[[32]byte][]byte{},
		fresh: map[[32]byte]*memoEntry{},
		got:   map[string]*memoEntry{},
	}
	if h, ok := sha256.New().(hash.Cloner); ok {
		h.Write(m.salt)
		m.salted = h
	}
	for i := range m.oldShard {
		m.oldShard[i] = -1
	}
	if opts.NoCache {
		return m, nil
	}
	// The files are read and checked on every core, then merged.
	shards := make([]map[[32]byte][]byte, memoShards)
	errs := make([]error, memoShards)
	parallel.For(ctx, memoShards, func(i int) {
		data, err := k.Existing(shardName(i))
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs[i] = err
			}
			return
		}
		if old, ok := parseMemo(data); ok {
			shards[i] = old
		}
	})
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return nil, fmt.Errorf("pipeline: memo: %w", err)
	}
	for i, old := range shards {
		if old == nil {
			continue
		}
		n := 0
		for key, blob := range old {
			if shardOf(key) == i { // else the file is not what its name says
				m.old[key] = blob
				n++
			}
		}
		if n == len(old) {
			m.oldShard[i] = n
		}
	}
	return m, nil
}

// castagnoli is the CRC-32C table: the memo files' checksum, against
// damage (an entry's key is the SHA-256 of its source file's name and
// bytes, with the salt; a checksum of the file is no defence against a
// deliberate change either way, and CRC-32C, done by the processor,
// costs a tenth of SHA-256 on 13 MB).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// parseMemo reads a memo file: the magic line, the CRC-32C of the rest,
// then each entry as its key, its length (uvarint) and its encoding. ok
// is false when any of it is wrong.
func parseMemo(data []byte) (map[[32]byte][]byte, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(memoMagic))
	if !ok || len(rest) < crc32.Size {
		return nil, false
	}
	sum, rest := binary.BigEndian.Uint32(rest), rest[crc32.Size:]
	if crc32.Checksum(rest, castagnoli) != sum {
		return nil, false
	}
	entries := map[[32]byte][]byte{}
	for len(rest) > 0 {
		if len(rest) < sha256.Size {
			return nil, false
		}
		key := [32]byte(rest[:sha256.Size])
		rest = rest[sha256.Size:]
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return nil, false
		}
		entries[key] = rest[w : w+int(n)]
		rest = rest[w+int(n):]
	}
	return entries, true
}

// key is the memo's key of file (as shown) with bytes of SHA-256 sum.
func (m *memo) key(file string, sum [sha256.Size]byte) [32]byte {
	var h hash.Hash
	if m.salted != nil {
		if c, err := m.salted.Clone(); err == nil {
			h = c // the salt (the configuration, kilobytes) hashed once
		}
	}
	if h == nil {
		h = sha256.New()
		h.Write(m.salt)
	}
	h.Write([]byte(file))
	h.Write([]byte{0})
	h.Write(sum[:])
	return [32]byte(h.Sum(nil))
}

// Recorded is source.Memory's: the SHA-256 recorded with file's stat,
// when st is that stat.
func (m *memo) Recorded(file string, st source.Stat) ([sha256.Size]byte, bool) {
	return m.stats.source(file, st)
}

// Known is source.Memory's: whether the memo holds file with these
// bytes. An entry that does not decode is not known.
func (m *memo) Known(file string, sum [sha256.Size]byte) bool {
	key := m.key(file, sum)
	blob, ok := m.old[key]
	if !ok {
		return false
	}
	e, err := decodeMemoEntry(blob)
	if err != nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got[file] = e
	m.now[key] = blob
	return true
}

// recalled is the entry known found for file.
func (m *memo) recalled(file string) *memoEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.got[file]
}

// remember records what the files of parts read to. The entries are
// encoded when saved, a memo file at a time: their items are held for the
// build anyway, and the encoded whole (50 MB at 20,000 items) never is.
func (m *memo) remember(parts []*source.Part, entries []memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, p := range parts {
		m.fresh[m.key(p.File, p.Sum)] = &entries[i]
	}
}

// save puts this build's memo into sink, each file's entries in key order
// so the same sources make the same files. A file whose entries are those
// the last build's held is kept as it is.
func (m *memo) save(ctx context.Context, sink Sink) error {
	if m == nil {
		return nil
	}
	var shards [memoShards][][32]byte
	for k := range m.now {
		shards[shardOf(k)] = append(shards[shardOf(k)], k)
	}
	for k := range m.fresh {
		shards[shardOf(k)] = append(shards[shardOf(k)], k)
	}
	// Each file is encoded and put on its own, on every core.
	errs := make([]error, memoShards)
	parallel.For(ctx, memoShards, func(i int) { errs[i] = m.saveShard(sink, i, shards[i]) })
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return fmt.Errorf("pipeline: memo: %w", err)
	}
	// The memo of an earlier version, one file: no longer read.
	if sk, ok := sink.(statKeeper); ok {
		if rm, ok := sink.(Remover); ok {
			if _, err := sk.Stat(legacyMemoName); err == nil {
				if err := rm.Remove(legacyMemoName); err != nil {
					return fmt.Errorf("pipeline: memo: %w", err)
				}
			}
		}
	}
	// Saved once per build: the entries are not needed again.
	m.now, m.fresh, m.old = nil, nil, nil
	return nil
}

// saveShard puts memo file i, of the entries keys, or keeps it when the
// last build's held the same ones (the same key is the same entry: it is
// hashed from the file's bytes, its name, the configuration and the
// program).
func (m *memo) saveShard(sink Sink, i int, keys [][32]byte) error {
	if m.oldShard[i] == len(keys) && !slices.ContainsFunc(keys, func(k [32]byte) bool { _, ok := m.old[k]; return !ok }) {
		if k, ok := sink.(Keeper); ok {
			return k.Keep(shardName(i))
		}
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	// The file is allocated once, at about its size (a new entry's size
	// is its sizeHint); each new entry is encoded into enc, reused.
	size := len(memoMagic) + crc32.Size
	for _, k := range keys {
		size += len(k) + binary.MaxVarintLen64
		if b, ok := m.now[k]; ok {
			size += len(b)
		} else {
			size += m.fresh[k].sizeHint()
		}
	}
	data := make([]byte, len(memoMagic)+crc32.Size, size)
	copy(data, memoMagic)
	var enc memoEnc
	for _, k := range keys {
		b, ok := m.now[k]
		if !ok {
			enc.b = enc.b[:0]
			enc.entry(m.fresh[k])
			b = enc.b
		}
		data = append(data, k[:]...)
		data = binary.AppendUvarint(data, uint64(len(b)))
		data = append(data, b...)
	}
	binary.BigEndian.PutUint32(data[len(memoMagic):], crc32.Checksum(data[len(memoMagic)+crc32.Size:], castagnoli))
	return sink.Put(shardName(i), data)
}
