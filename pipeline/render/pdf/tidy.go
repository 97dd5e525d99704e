package pdf

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// tidier repairs what fpdf (v0.12.0) writes and archival tools object to,
// object by object, while deflate.go rewrites the file (fpdf is not
// patched: another branch may carry its own copy). What it does, and why:
//
//   - the catalogue's empty /Names << /EmbeddedFiles … >> goes: Ghostscript
//     calls the file damaged ("bad trailer dictionary … repaired");
//   - the catalogue gets /ViewerPreferences << /DisplayDocTitle true >>
//     (PDF/UA: the title, not the file name, in the window) and page labels
//     that match the printed "Page N of M" (the cover is page 1);
//   - Info strings that PDFDocEncoding can hold are written in it, not as
//     UTF-16, and the dates get the zone the XMP has: Ghostscript's PDF/A
//     conversion otherwise drops them as "cannot be represented in XMP";
//   - outline entries with children count them (/Count, all open), and the
//     outline root counts every visible entry;
//   - link annotations get the print flag (/F 4: PDF/A forbids unprinted
//     annotations and Ghostscript drops them) and /Contents, the words a
//     screen reader says for them: the item's title for a contents entry,
//     the address for a web link;
//   - embedded font names get a subset tag (ABCDEF+), as a subset font must.
type tidier struct {
	published time.Time
	seed      [16]byte
	titles    []string // of the items, in the order of the contents' links

	pages    map[int]int   // page object → page number
	children map[int][]int // outline node → its entries, in file order
	root     int           // the /Outlines object
	counts   map[int]int
	destSeen int // internal links met so far, in file order
	dests    int // internal links in the file

	tree       *structTree      // nil for an untagged document
	annotDicts map[int][][]byte // by page number: its fixed annotations
}

// withTags makes the tidier write the structure tree the tagger recorded.
func (t *tidier) withTags(tags *tagger) *tidier {
	if tags != nil {
		t.tree = newStructTree(tags)
		t.annotDicts = map[int][][]byte{}
	}
	return t
}

func (t *tidier) reserve(next int) {
	if t.tree != nil {
		t.tree.reserve(next)
	}
}

func (t *tidier) added() ([][]byte, error) {
	if t.tree == nil {
		return nil, nil
	}
	t.tree.setPages(t.pages)
	objs := t.tree.objects(t.annotDicts)
	return objs, t.tree.err
}

func newTidier(published time.Time, seed [16]byte, titles []string) *tidier {
	return &tidier{published: published, seed: seed, titles: titles,
		pages: map[int]int{}, children: map[int][]int{}, counts: map[int]int{}}
}

var (
	kidsRe     = regexp.MustCompile(`/Kids \[([0-9 R]*)\]`)
	parentRe   = regexp.MustCompile(`\n/Parent (\d+) 0 R\n`)
	countZero  = []byte("\n/Count 0>>")
	emptyNames = []byte("/Names <<\n/EmbeddedFiles << /Names [\n  \n] >>\n>>\n")
	linkAnnot  = []byte("<</Type /Annot /Subtype /Link ")
	destRe     = regexp.MustCompile(`^/Dest \[(\d+) 0 R`)
	uriRe      = regexp.MustCompile(`^/A <</S /URI /URI (\((?:[^\\)]|\\.)*\))`)
	fontNameRe = regexp.MustCompile(`/(BaseFont|FontName) /(utf8[A-Za-z0-9]*)`)
	infoString = regexp.MustCompile(`\n/(Producer|Title|Subject|Author|Keywords|Creator) (\((?:[^\\)]|\\.)*\))`)
	infoDate   = regexp.MustCompile(`\n/(CreationDate|ModDate) \(D:\d+\)`)
)

func (t *tidier) scan(num int, obj []byte) {
	body := obj[bytes.IndexByte(obj, '\n')+1:]
	switch {
	case bytes.HasPrefix(body, []byte("<</Type /Pages\n")):
		if m := kidsRe.FindSubmatch(body); m != nil {
			f := strings.Fields(string(m[1]))
			for i := 0; i+2 < len(f); i += 3 {
				if n, err := strconv.Atoi(f[i]); err == nil {
					t.pages[n] = i/3 + 1
				}
			}
		}
	case bytes.HasPrefix(body, []byte("<</Type /Outlines")):
		t.root = num
	case bytes.HasPrefix(body, []byte("<</Title (")):
		if m := parentRe.FindSubmatch(body); m != nil {
			p, _ := strconv.Atoi(string(m[1]))
			t.children[p] = append(t.children[p], num)
		}
	case bytes.HasPrefix(body, []byte("<</Type /Page\n")):
		t.dests += bytes.Count(body, []byte("/Subtype /Link /Rect")) - bytes.Count(body, []byte("/A <</S /URI"))
	}
}

// visible is the number of entries under n, all open.
func (t *tidier) visible(n int) int {
	if c, ok := t.counts[n]; ok {
		return c
	}
	c := 0
	for _, k := range t.children[n] {
		c += 1 + t.visible(k)
	}
	t.counts[n] = c
	return c
}

func (t *tidier) fix(num int, obj []byte) []byte {
	nl := bytes.IndexByte(obj, '\n') + 1
	head, body := obj[:nl], obj[nl:]
	var out []byte
	switch {
	case bytes.HasPrefix(body, []byte("<<\n/Type /Catalog\n")):
		out = t.catalogue(body)
	case bytes.HasPrefix(body, []byte("<<\n/Producer ")):
		out = t.info(body)
	case num == t.root && t.root != 0:
		out = bytes.Replace(body, []byte(">>\nendobj"), fmt.Appendf(nil, "\n/Count %d>>\nendobj", t.visible(num)), 1)
	case bytes.HasPrefix(body, []byte("<</Title (")):
		if n := t.visible(num); n > 0 {
			out = bytes.Replace(body, countZero, fmt.Appendf(nil, "\n/Count %d>>", n), 1)
		}
	case bytes.HasPrefix(body, []byte("<</Type /Page\n")):
		out = body
		if bytes.Contains(body, linkAnnot) {
			out = t.annotations(body)
		}
		if t.tree != nil {
			if len(t.tree.pageOf) == 0 {
				t.tree.setPages(t.pages)
			}
			n := t.pages[num]
			t.annotDicts[n] = t.tree.annotations(n, out)
			if tagged := t.tree.page(n, out); tagged != nil {
				out = tagged
			}
		}
	case bytes.Contains(body, []byte("/BaseFont /utf8")) || bytes.Contains(body, []byte("/FontName /utf8")):
		out = fontNameRe.ReplaceAllFunc(body, func(m []byte) []byte {
			sub := fontNameRe.FindSubmatch(m)
			return []byte("/" + string(sub[1]) + " /" + t.subsetTag(string(sub[2])) + "+" + string(sub[2]))
		})
	}
	if out == nil {
		return obj
	}
	return append(append(make([]byte, 0, len(head)+len(out)), head...), out...)
}

func (t *tidier) catalogue(body []byte) []byte {
	body = bytes.Replace(body, emptyNames, nil, 1)
	end := bytes.LastIndex(body, []byte(">>\nendobj"))
	if end < 0 {
		return nil
	}
	var sb bytes.Buffer
	sb.Write(body[:end])
	sb.WriteString("/ViewerPreferences << /DisplayDocTitle true >>\n")
	sb.WriteString("/PageLabels << /Nums [0 << /S /D >>] >>\n")
	if t.tree != nil {
		sb.WriteString(t.tree.catalogue())
	}
	sb.Write(body[end:])
	return sb.Bytes()
}

func (t *tidier) info(body []byte) []byte {
	body = infoString.ReplaceAllFunc(body, func(m []byte) []byte {
		sub := infoString.FindSubmatch(m)
		s, ok := decodeLiteral(sub[2])
		if !ok {
			return m
		}
		return []byte("\n/" + string(sub[1]) + " " + textString(s))
	})
	date := pdfDate(t.published)
	return infoDate.ReplaceAllFunc(body, func(m []byte) []byte {
		key := infoDate.FindSubmatch(m)[1]
		return []byte("\n/" + string(key) + " (" + date + ")")
	})
}

// pdfDate is a PDF date with the zone written out, the instant the XMP's
// dates give.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// annotations adds /F 4 and /Contents to a page's link annotations.
func (t *tidier) annotations(body []byte) []byte {
	var out bytes.Buffer
	for {
		i := bytes.Index(body, linkAnnot)
		if i < 0 {
			out.Write(body)
			return out.Bytes()
		}
		i += len(linkAnnot)
		out.Write(body[:i])
		body = body[i:]
		// fpdf writes /Rect and /Border, then /Dest or /A.
		j := bytes.Index(body, []byte("] /Border [0 0 0] "))
		if j < 0 {
			continue
		}
		j += len("] /Border [0 0 0] ")
		out.Write(body[:j])
		rest := body[j:]
		contents := ""
		if m := uriRe.FindSubmatch(rest); m != nil {
			contents = string(m[1])
		} else if m := destRe.FindSubmatch(rest); m != nil {
			page, _ := strconv.Atoi(string(m[1]))
			// The contents' entries are the first internal links; a
			// footnote's links (reference and number) come after them.
			if t.dests >= len(t.titles) && t.destSeen < len(t.titles) {
				contents = textString(t.titles[t.destSeen])
			} else {
				contents = textString(fmt.Sprintf("Page %d", t.pages[page]))
			}
			t.destSeen++
		}
		out.WriteString("/F 4 ")
		if contents != "" {
			out.WriteString("/Contents " + contents + " ")
		}
		body = rest
	}
}

// subsetTag is six capital letters for a font, the same for the same
// document and font name: a subset's tag must differ from another subset
// of the same font in another file that may be merged with it.
func (t *tidier) subsetTag(name string) string {
	h := sha256.Sum256(append(t.seed[:], name...))
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + h[i]%26
	}
	return string(tag)
}

// decodeLiteral reads a PDF literal string "(…)" as fpdf writes it: UTF-16BE
// with a byte-order mark, or bytes, with \ escapes.
func decodeLiteral(lit []byte) (string, bool) {
	if len(lit) < 2 || lit[0] != '(' || lit[len(lit)-1] != ')' {
		return "", false
	}
	var raw []byte
	in := lit[1 : len(lit)-1]
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' || i+1 == len(in) {
			raw = append(raw, c)
			continue
		}
		i++
		switch e := in[i]; e {
		case 'n':
			raw = append(raw, '\n')
		case 'r':
			raw = append(raw, '\r')
		case 't':
			raw = append(raw, '\t')
		case 'b':
			raw = append(raw, '\b')
		case 'f':
			raw = append(raw, '\f')
		default:
			if e >= '0' && e <= '7' {
				v, k := 0, 0
				for k < 3 && i+k < len(in) && in[i+k] >= '0' && in[i+k] <= '7' {
					v = v*8 + int(in[i+k]-'0')
					k++
				}
				raw = append(raw, byte(v))
				i += k - 1
				continue
			}
			raw = append(raw, e)
		}
	}
	if len(raw) >= 2 && raw[0] == 0xfe && raw[1] == 0xff {
		if len(raw)%2 != 0 {
			return "", false
		}
		u := make([]uint16, 0, len(raw)/2-1)
		for i := 2; i < len(raw); i += 2 {
			u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
		return string(utf16.Decode(u)), true
	}
	// Plain bytes: only ASCII is read the same in PDFDocEncoding and UTF-8.
	for _, c := range raw {
		if c >= 0x80 {
			return "", false
		}
	}
	return string(raw), true
}

// pdfDoc maps the runes PDFDocEncoding has outside Latin-1 to its bytes.
var pdfDoc = map[rune]byte{
	'•': 0x80, '†': 0x81, '‡': 0x82, '…': 0x83, '—': 0x84, '–': 0x85, 'ƒ': 0x86,
	'⁄': 0x87, '‹': 0x88, '›': 0x89, '−': 0x8a, '‰': 0x8b, '„': 0x8c, '“': 0x8d,
	'”': 0x8e, '‘': 0x8f, '’': 0x90, '‚': 0x91, '™': 0x92, 'ﬁ': 0x93, 'ﬂ': 0x94,
	'Ł': 0x95, 'Œ': 0x96, 'Š': 0x97, 'Ÿ': 0x98, 'Ž': 0x99, 'ı': 0x9a, 'ł': 0x9b,
	'œ': 0x9c, 'š': 0x9d, 'ž': 0x9e, '€': 0xa0,
}

// textString writes s as a PDF text string literal: in PDFDocEncoding when
// every rune has a byte there, otherwise in UTF-16BE with a byte-order mark.
func textString(s string) string {
	enc := make([]byte, 0, len(s))
runes:
	for _, r := range s {
		switch b, ok := pdfDoc[r]; {
		case ok:
			enc = append(enc, b)
		case r >= 0x20 && r < 0x7f, r >= 0xa1 && r <= 0xff && r != 0xad:
			enc = append(enc, byte(r))
		default:
			enc = nil
			break runes
		}
	}
	if enc == nil {
		enc = []byte{0xfe, 0xff}
		for _, u := range utf16.Encode([]rune(s)) {
			enc = append(enc, byte(u>>8), byte(u))
		}
	}
	var sb strings.Builder
	sb.Grow(len(enc) + 2)
	sb.WriteByte('(')
	for _, c := range enc {
		switch c {
		case '(', ')', '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case '\r':
			sb.WriteString(`\r`)
		case '\n':
			sb.WriteString(`\n`)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(')')
	return sb.String()
}
