package pdf

import "sync"

// hyphenCache keeps words' break points for every document a Renderer
// sets: the months of an archive share most of their words, and the
// patterns are the slow part of breaking a paragraph. A document looks in
// its own map first (no lock), then here.
type hyphenCache struct {
	mu    sync.RWMutex
	words map[string][]int // language + "\x00" + word → break points; never written once put
}

// maxHyphenWords bounds the words kept (a few megabytes); past it, a
// word new to the renderer is worked out by each document again.
const maxHyphenWords = 1 << 17

func (c *hyphenCache) get(key []byte) ([]int, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	pts, ok := c.words[string(key)]
	return pts, ok
}

func (c *hyphenCache) put(key string, pts []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.words == nil {
		c.words = map[string][]int{}
	}
	if len(c.words) < maxHyphenWords {
		c.words[key] = pts
	}
}
