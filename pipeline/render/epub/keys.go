package epub

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// keyBuf gathers the fields a part's key is made of, each length-prefixed
// (and a count before a list), to be hashed once: a hash written in ten
// thousand small pieces costs more than the writing.
type keyBuf []byte

func (k *keyBuf) str(s string) {
	*k = binary.AppendUvarint(*k, uint64(len(s)))
	*k = append(*k, s...)
}

func (k *keyBuf) bytes(p []byte) {
	*k = binary.AppendUvarint(*k, uint64(len(p)))
	*k = append(*k, p...)
}

func (k *keyBuf) count(n int) { *k = binary.AppendUvarint(*k, uint64(n)) }

// sum is the SHA-256 of the fields, in hex.
func (k keyBuf) sum() string {
	s := sha256.Sum256(k)
	return hex.EncodeToString(s[:])
}
