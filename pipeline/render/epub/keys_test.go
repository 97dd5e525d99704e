package epub

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

// TestKeyBufHashesEveryField compares keyBuf's chunked hashing with the
// SHA-256 of the same length-prefixed fields gathered whole, for keys
// below a chunk, across several, and with a field larger than a chunk.
func TestKeyBufHashesEveryField(t *testing.T) {
	for _, n := range []int{0, 1, 100, 5000, 40000} {
		var k keyBuf
		var whole []byte
		for i := range n {
			s := strings.Repeat("é", i%37)
			k.str(s)
			whole = binary.AppendUvarint(whole, uint64(len(s)))
			whole = append(whole, s...)
			k.count(i)
			whole = binary.AppendUvarint(whole, uint64(i))
		}
		big := []byte(strings.Repeat("x", 3*keyChunk+5))
		k.bytes(big)
		whole = binary.AppendUvarint(whole, uint64(len(big)))
		whole = append(whole, big...)
		want := sha256.Sum256(whole)
		if got := k.sum(); got != hex.EncodeToString(want[:]) {
			t.Errorf("%d fields: keyBuf's sum %s, want %x", n, got, want)
		}
	}
}
