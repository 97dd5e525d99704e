package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// fpdf (v0.12.0) builds a new zlib writer, about a megabyte of tables, for
// every stream it compresses: for a month of sixty pages that was a quarter
// of the render and most of the garbage. Documents are therefore made with
// page compression off, and deflatePages compresses the page contents with
// a writer kept for reuse, then writes a new cross-reference table. The
// writer is klauspost/compress's: on these streams it is about twice as
// fast as the standard library's at the same level, and they come out
// smaller.

// deflaters hands out zlib writers to reuse; the zero value is ready.
type deflaters struct{ pool sync.Pool }

func (d *deflaters) get() *zlib.Writer {
	if w, ok := d.pool.Get().(*zlib.Writer); ok {
		return w
	}
	// BestSpeed, as fpdf's own: text content streams shrink about 4×
	// either way, and higher levels cost several times the time.
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed) // the level is valid
	return w
}

func (d *deflaters) put(w *zlib.Writer) { d.pool.Put(w) }

// pdfObject is one "N 0 obj … endobj" span of a file.
type pdfObject struct {
	num, at, end int
}

// deflatePages rewrites a file fpdf wrote without compression: each plain
// stream "<</Length N>>" (fpdf's page contents) becomes a FlateDecode
// stream, and the cross-reference table and startxref follow the moves.
// Every other byte is kept as it was.
func (d *deflaters) deflatePages(pdf []byte) ([]byte, error) { return d.rewrite(pdf, nil) }

// objectFixer sees every object that is not a plain stream before any is
// written (scan), then returns each one's replacement (fix): the archival
// and accessibility repairs of tidy.go ride on this one pass over the file.
type objectFixer interface {
	scan(num int, obj []byte)
	fix(num int, obj []byte) []byte
}

// objectAdder is an objectFixer that also adds objects (the structure
// tree): reserve tells it the number of the first before the scan, added
// gives them, numbered on from there, after every fix.
type objectAdder interface {
	reserve(next int)
	added() ([][]byte, error)
}

// rewrite is deflatePages with fx (when not nil) applied to the other objects.
func (d *deflaters) rewrite(pdf []byte, fx objectFixer) ([]byte, error) {
	var out bytes.Buffer
	if err := d.rewriteTo(&out, pdf, fx); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// rewriteTo is rewrite writing to out.
func (d *deflaters) rewriteTo(out *bytes.Buffer, pdf []byte, fx objectFixer) error {
	objs, xrefAt, err := objectSpans(pdf)
	if err != nil {
		return fmt.Errorf("pdf: compress pages: %w", err)
	}
	trailer := bytes.Index(pdf[xrefAt:], []byte("trailer\n"))
	if trailer < 0 {
		return errors.New("pdf: compress pages: no trailer after the cross-reference table")
	}
	trailer += xrefAt

	out.Grow(len(pdf) / 4)
	first := xrefAt
	if len(objs) > 0 {
		first = objs[0].at
	}
	out.Write(pdf[:first])
	offsets := make([]int, len(objs)+1)
	zw := d.get()
	defer d.put(zw)
	var z bytes.Buffer
	adder, _ := fx.(objectAdder)
	if adder != nil {
		adder.reserve(len(objs) + 1)
	}
	if fx != nil {
		for _, o := range objs {
			if obj := pdf[o.at:o.end]; !isPlainStream(obj) {
				fx.scan(o.num, obj)
			}
		}
	}
	for _, o := range objs {
		offsets[o.num] = out.Len()
		obj := pdf[o.at:o.end]
		content, head, extra, ok := plainStreamExtra(obj)
		if !ok {
			if fx != nil {
				obj = fx.fix(o.num, obj)
			}
			out.Write(obj)
			continue
		}
		z.Reset()
		zw.Reset(&z)
		if _, err := zw.Write(content); err != nil {
			return fmt.Errorf("pdf: compress object %d: %w", o.num, err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("pdf: compress object %d: %w", o.num, err)
		}
		out.Write(obj[:head])
		out.WriteString("<</Filter /FlateDecode /Length ")
		out.WriteString(strconv.Itoa(z.Len()))
		out.Write(extra)
		out.WriteString(">>\nstream\n")
		out.Write(z.Bytes())
		out.WriteString("\nendstream\nendobj\n")
	}
	if adder != nil {
		more, err := adder.added()
		if err != nil {
			return err
		}
		for _, obj := range more {
			offsets = append(offsets, out.Len())
			out.Write(obj)
		}
	}
	newXref := out.Len()
	out.WriteString("xref\n0 ")
	out.WriteString(strconv.Itoa(len(offsets)))
	out.WriteString("\n0000000000 65535 f \n")
	for _, at := range offsets[1:] {
		fmt.Fprintf(out, "%010d 00000 n \n", at)
	}
	tail := pdf[trailer:]
	sx := bytes.LastIndex(tail, []byte("startxref\n"))
	if sx < 0 {
		return errors.New("pdf: compress pages: no startxref")
	}
	if len(offsets) != len(objs)+1 {
		tail = sizeRe.ReplaceAll(tail[:sx:sx], []byte("\n/Size "+strconv.Itoa(len(offsets))+"\n"))
		sx = len(tail)
	}
	out.Write(tail[:sx])
	out.WriteString("startxref\n")
	out.WriteString(strconv.Itoa(newXref))
	out.WriteString("\n%%EOF\n")
	return nil
}

var sizeRe = regexp.MustCompile(`\n/Size \d+\n`)

// objectSpans reads the cross-reference table of a file with one table and
// objects numbered 1…n, as fpdf writes, and returns the objects in file
// order with where each ends (where the next begins).
func objectSpans(pdf []byte) ([]pdfObject, int, error) {
	sx := bytes.LastIndex(pdf, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, 0, errors.New("no startxref")
	}
	rest := pdf[sx+len("\nstartxref\n"):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return nil, 0, errors.New("startxref has no offset")
	}
	xrefAt, err := strconv.Atoi(string(rest[:nl]))
	if err != nil || xrefAt < 0 || xrefAt >= sx {
		return nil, 0, fmt.Errorf("startxref offset %q is not in the file", rest[:nl])
	}
	x := pdf[xrefAt:]
	if !bytes.HasPrefix(x, []byte("xref\n0 ")) {
		return nil, 0, errors.New("no cross-reference table at startxref")
	}
	x = x[len("xref\n0 "):]
	nl = bytes.IndexByte(x, '\n')
	count, err := strconv.Atoi(string(x[:max(nl, 0)]))
	if err != nil || count < 1 {
		return nil, 0, errors.New("cross-reference table has no object count")
	}
	const entry = 20 // "0000000123 00000 n \n"
	x = x[nl+1:]
	if len(x) < count*entry {
		return nil, 0, errors.New("cross-reference table is cut short")
	}
	objs := make([]pdfObject, 0, count-1)
	for n := 1; n < count; n++ {
		e := x[n*entry : (n+1)*entry]
		at, err := strconv.Atoi(string(e[:10]))
		if err != nil || e[17] != 'n' || at <= 0 || at >= xrefAt {
			return nil, 0, fmt.Errorf("cross-reference entry %d is %q", n, e)
		}
		objs = append(objs, pdfObject{num: n, at: at})
	}
	slices.SortFunc(objs, func(a, b pdfObject) int { return a.at - b.at })
	for i := range objs {
		objs[i].end = xrefAt
		if i+1 < len(objs) {
			objs[i].end = objs[i+1].at
		}
		prefix := strconv.Itoa(objs[i].num) + " 0 obj\n"
		if !bytes.HasPrefix(pdf[objs[i].at:], []byte(prefix)) {
			return nil, 0, fmt.Errorf("object %d is not at offset %d", objs[i].num, objs[i].at)
		}
	}
	return objs, xrefAt, nil
}

func isPlainStream(obj []byte) bool { _, _, ok := plainStream(obj); return ok }

// plainStream recognises "N 0 obj\n<</Length L>>\nstream\n…\nendstream\nendobj\n"
// and returns the stream's bytes and the length of the "N 0 obj\n" line.
func plainStream(obj []byte) (content []byte, head int, ok bool) {
	content, head, _, ok = plainStreamExtra(obj)
	return content, head, ok
}

// plainStreamExtra is plainStream that also takes a font file's
// "<</Length L /Length1 L>>" (the patched fpdf leaves fonts uncompressed
// when compression is off, so they are deflated here with the pages, by
// the faster writer), returning " /Length1 L" as extra.
func plainStreamExtra(obj []byte) (content []byte, head int, extra []byte, ok bool) {
	head = bytes.IndexByte(obj, '\n') + 1
	rest, found := bytes.CutPrefix(obj[head:], []byte("<</Length "))
	if !found {
		return nil, 0, nil, false
	}
	gt := bytes.Index(rest, []byte(">>\nstream\n"))
	if gt < 0 {
		return nil, 0, nil, false
	}
	num := rest[:gt]
	if sp := bytes.Index(num, []byte(" /Length1 ")); sp >= 0 {
		if _, err := strconv.Atoi(string(num[sp+len(" /Length1 "):])); err != nil {
			return nil, 0, nil, false
		}
		num, extra = num[:sp], num[sp:]
	}
	n, err := strconv.Atoi(string(num))
	if err != nil || n < 0 {
		return nil, 0, nil, false
	}
	rest = rest[gt+len(">>\nstream\n"):]
	if len(rest) < n || !bytes.Equal(rest[n:], []byte("\nendstream\nendobj\n")) {
		return nil, 0, nil, false
	}
	return rest[:n], head, extra, true
}
