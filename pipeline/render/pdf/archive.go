package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Archival: an sRGB output intent, an XMP packet referenced from the
// catalogue, and a document ID derived from the content (in the XMP and as
// the trailer's /ID). The XMP claims PDF/A-2 (level a when the document is
// tagged, u otherwise) and PDF/UA-1: no validator is reachable here, so the
// claim rests on the rules the tests check (pipeline/pdfa_test.go, listed
// in the README with what they do not check).

const producer = "bulletin (fpdf)"

// docID is a hash of what the bulletin says: the same edition always gets
// the same ID, another edition another.
func (b *builder) docID() [16]byte {
	if *b.id != [16]byte{} {
		return *b.id // never zero once made: its version bits are set
	}
	h := sha256.New()
	// Each field and a NUL after it: what fmt's "%s\x00…" wrote, without
	// fmt copying every item's text on the way.
	field := func(s string) {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	m := b.ed.Meta
	for _, s := range []string{m.Title, m.Lang, m.Published.UTC().Format(time.RFC3339), b.month.Key.String()} {
		field(s)
	}
	for _, g := range b.month.Types {
		field("type")
		field(g.Name)
		for _, it := range g.Items {
			field(it.ID)
			field(it.Title)
			field(it.Date.String())
			field(it.Summary)
			field(it.Body)
		}
	}
	var id [16]byte
	copy(id[:], h.Sum(nil))
	id[6] = id[6]&0x0f | 0x50 // shaped as a name-based UUID
	id[8] = id[8]&0x3f | 0x80
	*b.id = id
	return id
}

func uuidString(id [16]byte) string {
	s := hex.EncodeToString(id[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// archival adds the output intent and the XMP metadata.
func (b *builder) archival() {
	f := b.f
	f.SetProducer(producer, true)
	if b.r.icc != nil {
		f.AddOutputIntent(fpdf.OutputIntentType{
			SubtypeIdent:              fpdf.OutputIntent_GTS_PDFA1,
			OutputConditionIdentifier: "sRGB IEC61966-2.1",
			Info:                      "sRGB IEC61966-2.1",
			ICCProfile:                b.r.icc,
		})
	}
	f.SetXmpMetadata(b.xmp())
}

func xmlText(s string) string {
	var buf bytes.Buffer
	_ = xml.EscapeText(&buf, []byte(s))
	return buf.String()
}

// xmp is the metadata packet, matching the Info dictionary.
func (b *builder) xmp() []byte {
	m := b.ed.Meta
	date := m.Published.Format("2006-01-02T15:04:05-07:00")
	id := "uuid:" + uuidString(b.docID())
	lang := m.Lang
	if lang == "" {
		lang = "x-default"
	}
	var sb strings.Builder
	sb.WriteString(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>` + "\n")
	sb.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	sb.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	sb.WriteString(`<rdf:Description rdf:about=""` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/"` +
		` xmlns:xmp="http://ns.adobe.com/xap/1.0/"` +
		` xmlns:pdf="http://ns.adobe.com/pdf/1.3/"` +
		` xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"` +
		` xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"` +
		` xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">` + "\n")
	// PDF/A-2: level a asks for the tagging (structure, /Lang, Unicode
	// for all text) that level u does not; a document drawn without a
	// tagger claims u.
	conformance := "U"
	if b.tag != nil {
		conformance = "A"
	}
	sb.WriteString(`<pdfaid:part>2</pdfaid:part>` + "\n")
	sb.WriteString(`<pdfaid:conformance>` + conformance + `</pdfaid:conformance>` + "\n")
	// PDF/UA-1: the document is tagged (tags.go, structtree.go) and the
	// tests check the rules listed in the README.
	sb.WriteString(`<pdfuaid:part>1</pdfuaid:part>` + "\n")
	sb.WriteString(`<dc:format>application/pdf</dc:format>` + "\n")
	sb.WriteString(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlText(m.Title) + `</rdf:li></rdf:Alt></dc:title>` + "\n")
	if m.Author != "" {
		sb.WriteString(`<dc:creator><rdf:Seq><rdf:li>` + xmlText(m.Author) + `</rdf:li></rdf:Seq></dc:creator>` + "\n")
	}
	if m.Subject != "" {
		sb.WriteString(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + xmlText(m.Subject) + `</rdf:li></rdf:Alt></dc:description>` + "\n")
	}
	sb.WriteString(`<dc:language><rdf:Bag><rdf:li>` + xmlText(lang) + `</rdf:li></rdf:Bag></dc:language>` + "\n")
	if len(m.Keywords) > 0 {
		sb.WriteString(`<pdf:Keywords>` + xmlText(strings.Join(m.Keywords, ", ")) + `</pdf:Keywords>` + "\n")
	}
	sb.WriteString(`<pdf:Producer>` + producer + `</pdf:Producer>` + "\n")
	sb.WriteString(`<xmp:CreatorTool>bulletin</xmp:CreatorTool>` + "\n")
	sb.WriteString(`<xmp:CreateDate>` + date + `</xmp:CreateDate>` + "\n")
	sb.WriteString(`<xmp:ModifyDate>` + date + `</xmp:ModifyDate>` + "\n")
	sb.WriteString(`<xmp:MetadataDate>` + date + `</xmp:MetadataDate>` + "\n")
	sb.WriteString(`<xmpMM:DocumentID>` + id + `</xmpMM:DocumentID>` + "\n")
	sb.WriteString(`<xmpMM:InstanceID>` + id + `</xmpMM:InstanceID>` + "\n")
	sb.WriteString("</rdf:Description>\n")
	sb.WriteString(pdfuaExtension)
	sb.WriteString("</rdf:RDF>\n</x:xmpmeta>\n")
	sb.WriteString(`<?xpacket end="r"?>`)
	return []byte(sb.String())
}

// infoObject is the number of the Info dictionary, the object that opens
// with /Producer: the first "\nN 0 obj\n<<\n/Producer " in pdf, or "".
// (A regular expression did the same, scanning the whole file at every
// line break.)
func infoObject(pdf []byte) string {
	const opens = " 0 obj\n<<\n/Producer "
	for from := 0; ; {
		i := bytes.Index(pdf[from:], []byte(opens))
		if i < 0 {
			return ""
		}
		i += from
		j := i
		for j > 0 && pdf[j-1] >= '0' && pdf[j-1] <= '9' {
			j--
		}
		if j < i && j > 0 && pdf[j-1] == '\n' {
			return string(pdf[j:i])
		}
		from = i + 1
	}
}

// trailerInfo is fpdf's /Info entry, which assumes the Info dictionary is
// the object before the catalogue; with an output intent the ICC profile
// streams come between (fpdf v0.12.0), and /Info points at a stream.
var trailerInfo = regexp.MustCompile(`\n/Info \d+ 0 R\n`)

// withTrailerID adds /ID to the trailer of a finished file and points
// /Info at the Info dictionary. The trailer comes after the
// cross-reference table, so no offset moves. The file is head then tail:
// head is pdf's own start, so a file of megabytes is not copied to change
// its last lines.
func withTrailerID(pdf []byte, id [16]byte) (head, tail []byte) {
	i := bytes.LastIndex(pdf, []byte("\ntrailer\n<<\n"))
	if i < 0 || bytes.Contains(pdf[i:], []byte("/ID ")) {
		return pdf, nil
	}
	at := i + len("\ntrailer\n<<\n")
	h := strings.ToUpper(hex.EncodeToString(id[:]))
	tail = append([]byte("/ID [<"+h+"> <"+h+">]\n"), pdf[at:]...)
	if n := infoObject(pdf[:i]); n != "" {
		tail = trailerInfo.ReplaceAll(tail, []byte("\n/Info "+n+" 0 R\n"))
	}
	return pdf[:at], tail
}

// pdfuaExtension declares the pdfuaid schema: PDF/A knows only the XMP
// schemas it lists, and validators reject a property of any other schema
// that the file does not describe.
const pdfuaExtension = `<rdf:Description rdf:about=""` +
	` xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"` +
	` xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"` +
	` xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">` + "\n" +
	`<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">` + "\n" +
	`<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>` + "\n" +
	`<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>` + "\n" +
	`<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>` + "\n" +
	`<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">` + "\n" +
	`<pdfaProperty:name>part</pdfaProperty:name>` + "\n" +
	`<pdfaProperty:valueType>Integer</pdfaProperty:valueType>` + "\n" +
	`<pdfaProperty:category>internal</pdfaProperty:category>` + "\n" +
	`<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>` + "\n" +
	`</rdf:li></rdf:Seq></pdfaSchema:property>` + "\n" +
	`</rdf:li></rdf:Bag></pdfaExtension:schemas>` + "\n" +
	`</rdf:Description>` + "\n"
