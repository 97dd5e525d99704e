// Copyright ©2026 The go-pdf Authors. All rights reserved.
// Use of this source code is governed by a MIT-style
// license that can be found in the LICENSE file.

package fpdf

import (
	"bytes"
	"sync"
)

// utf8Fonts keeps what parsing a UTF-8 font gives AddUTF8FontFromBytes,
// for every later document that adds the same font: a program that makes
// many documents parsed each font again in each (about 1.6 ms a face, a
// 512 KB width table allocated each time). What is kept is read only.
var utf8Fonts struct {
	sync.Mutex
	fonts map[fontKey][]*parsedUTF8Font
	n     int
}

// fontKey finds the kept fonts that may be the same as a font's bytes:
// its length and its first bytes (the table directory). Cheaper than a
// hash of the whole; the bytes are compared in full anyway.
type fontKey struct {
	n    int
	head [64]byte
}

func keyOf(data []byte) fontKey {
	k := fontKey{n: len(data)}
	copy(k.head[:], data)
	return k
}

// docBuffers are the buffers of documents written out (Output), for the
// next document to build its file in: a document's buffer is hundreds of
// kilobytes or more (each UTF-8 font's subset, the pages), and a new one
// for every document was allocated and cleared again.
var docBuffers sync.Pool

// maxParsedUTF8Fonts bounds the fonts kept; more are parsed each time.
const maxParsedUTF8Fonts = 32

type parsedUTF8Font struct {
	data []byte // a copy: the caller's slice may change after the call
	desc FontDescType
	up   int
	ut   int
	cw   []int             // never written: documents share it
	ids  map[string]string // font ID by font key
	cut  func() *cutBase
}

// cutBase is what subsetting reads from a font whatever the runes used;
// documents share it and never write to it.
type cutBase struct {
	tables                       map[string]*tableDescription
	charSymbol                   map[int]int
	positions                    []int
	locaFormat, metrics, symbols int
}

// cutBase reads the font's cutBase the first time it is asked for.
func (p *parsedUTF8Font) cutBase() *cutBase { return p.cut() }

// parsedUTF8 returns the kept parse of data, or parses it with parse and
// keeps the result.
func parsedUTF8(data []byte, parse func() (*parsedUTF8Font, error)) (*parsedUTF8Font, error) {
	h := keyOf(data)
	utf8Fonts.Lock()
	for _, p := range utf8Fonts.fonts[h] {
		if bytes.Equal(p.data, data) {
			utf8Fonts.Unlock()
			return p, nil
		}
	}
	utf8Fonts.Unlock()
	p, err := parse()
	if err != nil {
		return nil, err
	}
	p.data = bytes.Clone(data)
	p.ids = map[string]string{}
	p.cut = sync.OnceValue(func() *cutBase {
		return newUTF8Font(&fileReader{array: p.data}).parseCutBase()
	})
	utf8Fonts.Lock()
	defer utf8Fonts.Unlock()
	if utf8Fonts.n < maxParsedUTF8Fonts {
		if utf8Fonts.fonts == nil {
			utf8Fonts.fonts = map[fontKey][]*parsedUTF8Font{}
		}
		utf8Fonts.fonts[h] = append(utf8Fonts.fonts[h], p)
		utf8Fonts.n++
	}
	return p, nil
}

// fontID is generateFontID(def) for a font made from p, computed once per
// font key.
func (p *parsedUTF8Font) fontID(def fontDefType) string {
	utf8Fonts.Lock()
	id, ok := p.ids[def.Name]
	utf8Fonts.Unlock()
	if ok {
		return id
	}
	id, _ = generateFontID(def)
	utf8Fonts.Lock()
	p.ids[def.Name] = id
	utf8Fonts.Unlock()
	return id
}

// iccKept keeps the compressed bytes of the output intents' colour
// profiles: a program that makes many documents with one profile
// compressed it again for each. Read only once kept.
var iccKept struct {
	sync.Mutex
	profiles []struct{ plain, compressed []byte }
}

// keptICC returns xmem.compress(profile)'s bytes, compressed once.
func keptICC(profile []byte) []byte {
	iccKept.Lock()
	defer iccKept.Unlock()
	for _, k := range iccKept.profiles {
		if bytes.Equal(k.plain, profile) {
			return k.compressed
		}
	}
	mem := xmem.compress(profile)
	compressed := mem.copy()
	mem.release()
	if len(iccKept.profiles) < 4 {
		iccKept.profiles = append(iccKept.profiles, struct{ plain, compressed []byte }{bytes.Clone(profile), compressed})
	}
	return compressed
}
