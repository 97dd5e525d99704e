package normalise

import (
	"strings"
	"sync"
)

// blocks keeps the prepared items' texts, which live as long as the build,
// side by side in blocks of a megabyte. Normalising makes each body
// several times over (the raw one, each step's); the last copy of each,
// left alone among the dead others in the allocator's spans of its size,
// held those spans at a fraction full for the rest of the build: 70 MB
// of the heap at 20,000 items was such unused room. Copied into blocks,
// they leave the spans to empty. Safe for concurrent use.
type blocks struct {
	mu sync.Mutex
	b  strings.Builder // the current block; strings taken from it stay valid as it grows in place
}

// blockSize is a block's size: large enough to be a span of its own.
const blockSize = 1 << 20

// keep returns a copy of s in a block.
func (k *blocks) keep(s string) string {
	if len(s) == 0 || len(s) > blockSize/4 {
		return s // a long text is an allocation of its own anyway
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.b.Cap()-k.b.Len() < len(s) {
		k.b = strings.Builder{}
		k.b.Grow(blockSize)
	}
	start := k.b.Len()
	k.b.WriteString(s) // within the capacity: the block is not moved
	return k.b.String()[start:]
}
