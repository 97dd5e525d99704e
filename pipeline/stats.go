package pipeline

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sync"
	"time"

	"bulletin/pipeline/source"
)

// The stats file. Reading and hashing every source, and every output the
// cache keeps, would be most of a rebuild after one edit; so, as git's
// index and Go's build cache do, bulletin records each file's stat
// (source.Stat: size, times, inode, mode) with the SHA-256 of the bytes it
// saw, and a later build takes a file whose stat is as recorded to hold
// those bytes without reading it. A file edited without its size, times or
// inode changing is not seen: the same rule as make's and git's.
//
// A stat is recorded only when its file last changed clearly before the
// build that took it started (source.RacyMargin): a file changed twice
// within its file system's timestamp granularity keeps the same times,
// and a stat taken between the two changes would vouch for bytes it no
// longer has (git's "racily clean" entries). Such a file is read and
// hashed again next time, and recorded then. An output is recorded when
// a build keeps it, after reading and hashing it once: the stat of the
// file in place, not of the staged one it was renamed from.
//
// The records are this machine's (inodes, times), so they live apart from
// the memo and the cache, which stay the same bytes for the same inputs.
// NoCache trusts no stat; a damaged stats file is none.

// StatsName is the stats file in the output folder.
const StatsName = ".bulletin-stats"

// statsMagic opens the stats file; its number changes with its shape.
const statsMagic = "bulletin stats 1\n"

// statRecord is a file's stat and the SHA-256 of the bytes it vouches for.
type statRecord struct {
	stat source.Stat
	sum  [sha256.Size]byte
}

// stats is one build's view of the stats file: the sources' and the
// outputs' records, by name (a source as shown, an output in the folder).
type stats struct {
	start      time.Time // before any stat of this build was taken
	oldSources map[string]statRecord
	oldOutputs map[string]statRecord
	mu         sync.Mutex // guards what follows
	nowSources map[string]statRecord
	nowOutputs map[string]statRecord
}

// newStats reads the last build's stats from k when the build may use
// them; a missing or damaged file is no record. k nil: nothing is kept.
func newStats(opts Options, k Keeper) (*stats, error) {
	s := &stats{
		// The clock decides only which stats are recorded, never what
		// an output holds.
		start:      time.Now(),
		oldSources: map[string]statRecord{}, oldOutputs: map[string]statRecord{},
		nowSources: map[string]statRecord{}, nowOutputs: map[string]statRecord{},
	}
	if k == nil || opts.NoCache {
		return s, nil
	}
	data, err := k.Existing(StatsName)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: stats: %w", err)
	}
	if src, out, ok := parseStatsFile(data); ok {
		s.oldSources, s.oldOutputs = src, out
	}
	return s, nil
}

// source is the SHA-256 recorded with a source's stat, when st is it.
func (s *stats) source(file string, st source.Stat) ([sha256.Size]byte, bool) {
	return lookup(s.oldSources, file, st)
}

// output is the SHA-256 recorded with an output's stat, when st is it.
func (s *stats) output(name string, st source.Stat) ([sha256.Size]byte, bool) {
	return lookup(s.oldOutputs, name, st)
}

func lookup(records map[string]statRecord, name string, st source.Stat) ([sha256.Size]byte, bool) {
	rec, ok := records[name]
	if !ok || rec.stat != st || st == (source.Stat{}) {
		return [sha256.Size]byte{}, false
	}
	return rec.sum, true
}

// noteSources records the stats of the sources read whole (or trusted)
// that last changed clearly before this build started.
func (s *stats) noteSources(parts []*source.Part) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range parts {
		if p.Sum != [sha256.Size]byte{} && p.Stat.Trustworthy(s.start) {
			s.nowSources[p.File] = statRecord{stat: p.Stat, sum: p.Sum}
		}
	}
}

// noteOutput records a kept output's stat, taken before its bytes were
// found to have SHA-256 sum, when it may be trusted.
func (s *stats) noteOutput(name string, st source.Stat, sum [sha256.Size]byte) {
	if !st.Trustworthy(s.start) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nowOutputs[name] = statRecord{stat: st, sum: sum}
}

// save puts this build's records into sink. A build of some months
// carries the records of the outputs it left alone (not in made).
func (s *stats) save(sink Sink, partial bool, made []string) error {
	if partial {
		touched := map[string]bool{}
		for _, name := range made {
			touched[name] = true
		}
		for name, rec := range s.oldOutputs {
			if _, ok := s.nowOutputs[name]; !ok && !touched[name] {
				s.nowOutputs[name] = rec
			}
		}
	}
	body := appendStats(nil, s.nowSources)
	body = appendStats(body, s.nowOutputs)
	sum := sha256.Sum256(body)
	data := append(append([]byte(statsMagic), sum[:]...), body...)
	if err := sink.Put(StatsName, data); err != nil {
		return fmt.Errorf("pipeline: stats: %w", err)
	}
	return nil
}

// parseStatsFile reads a stats file: the magic line, the SHA-256 of the
// rest, the sources' records and the outputs' (appendStats). ok is false
// when any of it is wrong.
func parseStatsFile(data []byte) (sources, outputs map[string]statRecord, ok bool) {
	rest, ok := bytes.CutPrefix(data, []byte(statsMagic))
	if !ok || len(rest) < sha256.Size {
		return nil, nil, false
	}
	sum, rest := rest[:sha256.Size], rest[sha256.Size:]
	if got := sha256.Sum256(rest); !bytes.Equal(got[:], sum) {
		return nil, nil, false
	}
	d := &memoDec{b: rest}
	sources, outputs = readStats(d), readStats(d)
	if d.bad || len(d.b) != 0 {
		return nil, nil, false
	}
	return sources, outputs, true
}

// appendStats appends records in name order, with the memo's codec
// (memocodec.go): their number, then each as its name, size,
// modification and change times, inode and mode, and the SHA-256.
func appendStats(b []byte, records map[string]statRecord) []byte {
	e := memoEnc{b: b}
	names := slices.Sorted(maps.Keys(records))
	e.uint(uint(len(names)))
	for _, name := range names {
		rec := records[name]
		e.str(name)
		e.int64(rec.stat.Size)
		e.int64(rec.stat.Mtime)
		e.int64(rec.stat.Ctime)
		e.uint64(rec.stat.Ino)
		e.uint64(uint64(rec.stat.Mode))
		e.b = append(e.b, rec.sum[:]...)
	}
	return e.b
}

// readStats reads what appendStats wrote; d.bad is set on a fault.
func readStats(d *memoDec) map[string]statRecord {
	n := d.uint()
	if d.bad || n > uint(len(d.b)) {
		d.bad = true
		return nil
	}
	records := make(map[string]statRecord, n)
	for range n {
		name := d.str()
		var rec statRecord
		rec.stat.Size = d.int64()
		rec.stat.Mtime = d.int64()
		rec.stat.Ctime = d.int64()
		rec.stat.Ino = d.uint64()
		rec.stat.Mode = uint32(d.uint64())
		if sum := d.raw(sha256.Size); sum != nil {
			rec.sum = [sha256.Size]byte(sum)
		}
		if d.bad {
			return nil
		}
		records[name] = rec
	}
	return records
}
