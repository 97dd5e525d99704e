package normalise

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// TestBlocks: what blocks keeps reads back as it was given, however many
// goroutines keep texts at once and however many blocks they fill, and
// texts kept one after another share a block.
func TestBlocks(t *testing.T) {
	var k blocks
	const goroutines, each = 4, 2000
	texts := make([][]string, goroutines)
	kept := make([][]string, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				s := strings.Repeat(fmt.Sprintf("g%d item %d. ", g, i), 1+i%97)
				texts[g] = append(texts[g], s)
				kept[g] = append(kept[g], k.keep(s))
			}
		}()
	}
	wg.Wait()
	total := 0
	for g := range goroutines {
		for i, s := range kept[g] {
			total += len(s)
			if s != texts[g][i] {
				t.Fatalf("goroutine %d's text %d reads back as %.40q…, want %.40q…", g, i, s, texts[g][i])
			}
		}
	}
	if total < 4*blockSize {
		t.Fatalf("the test kept %d bytes: too few to fill several blocks", total)
	}
	// Kept one after another, two texts are side by side in one block:
	// the point of blocks (a copy of its own each would leave the
	// allocator's spans as fragmented as before).
	a, b := k.keep("first text"), k.keep("second text")
	if unsafe.StringData(b) != (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(a)), len(a))) {
		t.Error("two texts kept one after another are not side by side")
	}
	long := strings.Repeat("x", blockSize)
	if got := k.keep(long); got != long {
		t.Error("a long text changed")
	}
	if k.keep("") != "" {
		t.Error("the empty text changed")
	}
}
