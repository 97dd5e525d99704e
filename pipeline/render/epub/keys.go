package epub

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// keyBuf gathers the fields a part's key is made of, each length-prefixed
// (and a count before a list), and hashes them in chunks: a hash written
// in ten thousand small pieces costs more than the writing, and a
// collection's key names every item of the archive (megabytes to gather
// whole). The zero value is ready.
type keyBuf struct {
	h   hash.Hash // nil until the first chunk is full
	buf []byte
}

const keyChunk = 32 << 10

func (k *keyBuf) str(s string) {
	k.buf = binary.AppendUvarint(k.buf, uint64(len(s)))
	k.buf = append(k.buf, s...)
	k.spill()
}

func (k *keyBuf) bytes(p []byte) {
	k.buf = binary.AppendUvarint(k.buf, uint64(len(p)))
	k.buf = append(k.buf, p...)
	k.spill()
}

func (k *keyBuf) count(n int) { k.buf = binary.AppendUvarint(k.buf, uint64(n)) }

// spill hashes a full chunk.
func (k *keyBuf) spill() {
	if len(k.buf) < keyChunk {
		return
	}
	if k.h == nil {
		k.h = sha256.New()
	}
	k.h.Write(k.buf)
	k.buf = k.buf[:0]
}

// sum is the SHA-256 of the fields, in hex.
func (k *keyBuf) sum() string {
	if k.h == nil {
		s := sha256.Sum256(k.buf)
		return hex.EncodeToString(s[:])
	}
	k.h.Write(k.buf)
	return hex.EncodeToString(k.h.Sum(nil))
}
