package pipeline

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"bulletin/internal/testenv"
)

// The XMP's PDF/A-2 claim (pdfaid) rests on these checks: no validator
// (veraPDF) is reachable here, so each machine-checkable rule of PDF/A-2
// (ISO 19005-2) and of the Matterhorn Protocol that our content can break
// is checked on the June example over qpdf's JSON view of every object
// (strings decoded, references resolved by number). The README lists them
// with what is not checked.
func TestPDFARules(t *testing.T) {
	files := buildFiles(t, exampleOptions(t))
	pdf := files["bulletin-2020-06.pdf"]
	doc := loadQPDF(t, pdf)
	for _, r := range pdfaRules {
		if err := r.check(doc); err != "" {
			t.Errorf("%s: %s", r.name, err)
		}
	}
}

// The checker can fail: a file with one rule broken (bytes replaced by as
// many, so the cross-reference table still holds) fails that rule.
func TestPDFARulesCatchBreaks(t *testing.T) {
	files := buildFiles(t, exampleOptions(t))
	pdf := files["bulletin-2020-06.pdf"]
	for _, tc := range []struct{ rule, from, to string }{
		{"every annotation printable", "/F 4 ", "/F 6 "},
		{"XMP well-formed, pdfaid", "<pdfaid:part>2<", "<pdfaid:part>3<"},
		{"Info and XMP agree", "<xmp:CreatorTool>bulletin<", "<xmp:CreatorTool>bulletiN<"},
		{"one output intent", "/GTS_PDFA1", "/GTS_PDFA2"},
		{"every font embedded", "/CIDToGIDMap", "/CIDToGIDMaq"},
		{"no JavaScript", "/Border [0 0 0] ", "/S /JavaScript  "},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			if !bytes.Contains(pdf, []byte(tc.from)) {
				t.Fatalf("%q is not in the file", tc.from)
			}
			doc := loadQPDF(t, bytes.Replace(pdf, []byte(tc.from), []byte(tc.to), 1))
			for _, r := range pdfaRules {
				if strings.HasPrefix(r.name, tc.rule) {
					if r.check(doc) == "" {
						t.Errorf("rule %q holds on a file that breaks it", r.name)
					}
					return
				}
			}
			t.Fatalf("no rule %q", tc.rule)
		})
	}
}

// qpdfDoc is qpdf --json=2's view of a file: its objects by "N 0 R", the
// trailer, and the raw bytes.
type qpdfDoc struct {
	objs    map[string]any
	streams map[string]map[string]any // stream dictionaries
	trailer map[string]any
	raw     []byte
}

func loadQPDF(t *testing.T, pdf []byte) *qpdfDoc {
	t.Helper()
	qpdf := testenv.NeedTool(t, "qpdf")
	path := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(qpdf, "--json=2", "--json-key=qpdf", path).Output()
	if err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	var j struct {
		QPDF []map[string]json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal(out, &j); err != nil || len(j.QPDF) < 2 {
		t.Fatalf("qpdf --json: %v", err)
	}
	d := &qpdfDoc{objs: map[string]any{}, streams: map[string]map[string]any{}, raw: pdf}
	for k, raw := range j.QPDF[1] {
		var o struct {
			Value  any `json:"value"`
			Stream *struct {
				Dict map[string]any `json:"dict"`
			} `json:"stream"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatalf("qpdf --json: %s: %v", k, err)
		}
		if k == "trailer" {
			d.trailer, _ = o.Value.(map[string]any)
			continue
		}
		ref := strings.TrimPrefix(k, "obj:")
		if o.Stream != nil {
			d.streams[ref] = o.Stream.Dict
			d.objs[ref] = o.Stream.Dict
		} else {
			d.objs[ref] = o.Value
		}
	}
	return d
}

// get resolves a reference ("12 0 R") to its object; other values are
// returned as they are.
func (d *qpdfDoc) get(v any) any {
	if s, ok := v.(string); ok && strings.HasSuffix(s, " R") {
		return d.objs[s]
	}
	return v
}

func (d *qpdfDoc) dict(v any) map[string]any {
	m, _ := d.get(v).(map[string]any)
	return m
}

// text is a string value as qpdf gives it ("u:…" decoded text, "b:…" hex).
func text(v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	if u, ok := strings.CutPrefix(s, "u:"); ok {
		return u, true
	}
	return "", false
}

func (d *qpdfDoc) catalogue() map[string]any { return d.dict(d.trailer["/Root"]) }

// each calls f for every dictionary of the file (stream dictionaries
// included), nested ones too, in object order.
func (d *qpdfDoc) each(f func(ref string, m map[string]any)) {
	refs := make([]string, 0, len(d.objs))
	for r := range d.objs {
		refs = append(refs, r)
	}
	slices.Sort(refs)
	var walk func(ref string, v any)
	walk = func(ref string, v any) {
		switch v := v.(type) {
		case map[string]any:
			f(ref, v)
			for _, c := range v {
				walk(ref, c)
			}
		case []any:
			for _, c := range v {
				walk(ref, c)
			}
		}
	}
	for _, r := range refs {
		walk(r, d.objs[r])
	}
}

// xmp is the catalogue's metadata stream's packet, read from the file (it
// is not filtered: one of the rules).
func (d *qpdfDoc) xmp() []byte {
	i, j := bytes.Index(d.raw, []byte("<?xpacket begin=")), bytes.Index(d.raw, []byte("<?xpacket end="))
	if i < 0 || j < i {
		return nil
	}
	end := bytes.Index(d.raw[j:], []byte("?>"))
	return d.raw[i : j+end+2]
}

// xmpValues reads the simple properties of the XMP (a language
// alternative's or a sequence's first item for dc:title, dc:creator,
// dc:description) by "prefix:name".
func xmpValues(packet []byte) (map[string]string, error) {
	prefixes := map[string]string{
		"http://purl.org/dc/elements/1.1/":  "dc",
		"http://ns.adobe.com/xap/1.0/":      "xmp",
		"http://ns.adobe.com/pdf/1.3/":      "pdf",
		"http://www.aiim.org/pdfa/ns/id/":   "pdfaid",
		"http://www.aiim.org/pdfua/ns/id/":  "pdfuaid",
		"http://ns.adobe.com/xap/1.0/mm/":   "xmpMM",
		"http://www.w3.org/1999/02/22-rdf-": "",
	}
	out := map[string]string{}
	dec := xml.NewDecoder(bytes.NewReader(packet))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			if p, ok := prefixes[tok.Name.Space]; ok && p != "" {
				name = p + ":" + name
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			s := strings.TrimSpace(string(tok))
			if s == "" || len(stack) == 0 {
				continue
			}
			// The property is the innermost element with a prefix.
			for i := len(stack) - 1; i >= 0; i-- {
				if strings.Contains(stack[i], ":") {
					if _, seen := out[stack[i]]; !seen {
						out[stack[i]] = s
					}
					break
				}
			}
		}
	}
}

// pdfDateToXMP turns "D:20200706000000+01'00'" into "2020-07-06T00:00:00+01:00".
func pdfDateToXMP(s string) string {
	m := regexp.MustCompile(`^D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)'?$`).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6] + m[7] + m[8] + ":" + m[9]
}

// pdfaRules: each returns "" when it holds. The rule names are the
// README's table rows.
var pdfaRules = []struct {
	name  string
	check func(d *qpdfDoc) string
}{
	{"header %PDF-1.n (n ≤ 7) and a binary comment", func(d *qpdfDoc) string {
		m := regexp.MustCompile(`^%PDF-1\.[0-7]\r?\n%`).Find(d.raw)
		if m == nil {
			return fmt.Sprintf("file starts %q", d.raw[:min(20, len(d.raw))])
		}
		// Bytes, not runes: the comment must hold four bytes above 127.
		rest := d.raw[len(m):]
		for i := 0; i < 4; i++ {
			if i >= len(rest) || rest[i] < 0x80 {
				return fmt.Sprintf("no binary comment of four bytes above 127 after the header: %q", d.raw[:min(20, len(d.raw))])
			}
		}
		return ""
	}},
	{"nothing after the last %%EOF but an end of line", func(d *qpdfDoc) string {
		if !regexp.MustCompile(`%%EOF\r?\n?$`).Match(d.raw) {
			return "bytes after %%EOF"
		}
		return ""
	}},
	{"no encryption; trailer /ID of two strings", func(d *qpdfDoc) string {
		if _, ok := d.trailer["/Encrypt"]; ok {
			return "the trailer has /Encrypt"
		}
		if id, ok := d.trailer["/ID"].([]any); !ok || len(id) != 2 {
			return "no /ID of two strings in the trailer"
		}
		return ""
	}},
	{"no LZW, no external streams", func(d *qpdfDoc) string {
		for ref, s := range d.streams {
			for _, k := range []string{"/F", "/FFilter", "/FDecodeParms"} {
				if _, ok := s[k]; ok {
					return ref + " is an external stream (" + k + ")"
				}
			}
			if strings.Contains(fmt.Sprint(s["/Filter"]), "LZW") {
				return ref + " is LZW-compressed"
			}
		}
		return ""
	}},
	{"no JavaScript, Launch or other forbidden actions; no additional actions", func(d *qpdfDoc) string {
		forbidden := []string{"/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}
		var bad string
		d.each(func(ref string, m map[string]any) {
			if s, ok := m["/S"].(string); ok && slices.Contains(forbidden, s) && bad == "" {
				bad = ref + " has a " + s + " action"
			}
			if _, ok := m["/AA"]; ok && bad == "" {
				bad = ref + " has additional actions (/AA)"
			}
		})
		if names := d.dict(d.catalogue()["/Names"]); names != nil {
			if _, ok := names["/JavaScript"]; ok {
				return "a /JavaScript name tree"
			}
		}
		return bad
	}},
	{"no embedded files, forms or optional content", func(d *qpdfDoc) string {
		cat := d.catalogue()
		for _, k := range []string{"/AcroForm", "/OCProperties", "/Names"} {
			if _, ok := cat[k]; ok {
				return "the catalogue has " + k
			}
		}
		return ""
	}},
	{"one output intent GTS_PDFA1 with an embedded RGB ICC profile", func(d *qpdfDoc) string {
		ois, _ := d.get(d.catalogue()["/OutputIntents"]).([]any)
		if len(ois) != 1 {
			return fmt.Sprintf("%d output intents", len(ois))
		}
		oi := d.dict(ois[0])
		if oi["/S"] != "/GTS_PDFA1" {
			return fmt.Sprintf("output intent /S %v", oi["/S"])
		}
		ref, _ := oi["/DestOutputProfile"].(string)
		icc := d.streams[ref]
		if icc == nil {
			return "no embedded /DestOutputProfile stream"
		}
		if n, _ := icc["/N"].(float64); n != 3 {
			return fmt.Sprintf("the profile has /N %v, not 3 (RGB)", icc["/N"])
		}
		return ""
	}},
	{"no DeviceCMYK colour space (the output intent is RGB)", func(d *qpdfDoc) string {
		var bad string
		d.each(func(ref string, m map[string]any) {
			for _, v := range m {
				if v == "/DeviceCMYK" && bad == "" {
					bad = ref + " uses /DeviceCMYK"
				}
			}
		})
		return bad
	}},
	{"images: no /Interpolate true, /Alternates or /OPI; no PostScript or reference XObjects", func(d *qpdfDoc) string {
		var bad string
		d.each(func(ref string, m map[string]any) {
			if bad != "" {
				return
			}
			switch {
			case m["/Interpolate"] == true:
				bad = ref + " has /Interpolate true"
			case m["/Alternates"] != nil, m["/OPI"] != nil:
				bad = ref + " has /Alternates or /OPI"
			case m["/Subtype"] == "/PS", m["/Type"] == "/XObject" && m["/Ref"] != nil:
				bad = ref + " is a PostScript or reference XObject"
			}
		})
		return bad
	}},
	{"transparency only as PDF/A-2 allows: standard blend modes, an output intent", func(d *qpdfDoc) string {
		blend := []string{"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten", "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion", "/Hue", "/Saturation", "/Color", "/Luminosity"}
		var bad string
		d.each(func(ref string, m map[string]any) {
			if bm, ok := m["/BM"].(string); ok && !slices.Contains(blend, bm) && bad == "" {
				bad = ref + " has blend mode " + bm
			}
			if g := d.dict(m["/Group"]); g != nil && g["/S"] == "/Transparency" {
				// A page group's colour space must agree with the output
				// intent (RGB) when it is a device space.
				if cs, ok := g["/CS"].(string); ok && cs != "/DeviceRGB" && cs != "/DeviceGray" && bad == "" {
					bad = ref + " has a transparency group in " + cs
				}
			}
		})
		return bad
	}},
	{"every font embedded, with /ToUnicode; CIDFontType2 with /CIDToGIDMap", func(d *qpdfDoc) string {
		var bad string
		d.each(func(ref string, m map[string]any) {
			if m["/Type"] != "/Font" || bad != "" {
				return
			}
			switch m["/Subtype"] {
			case "/Type0":
				if m["/ToUnicode"] == nil {
					bad = ref + " (Type0) has no /ToUnicode"
				}
			case "/CIDFontType2":
				if m["/CIDToGIDMap"] == nil {
					bad = ref + " (CIDFontType2) has no /CIDToGIDMap"
				}
				fd := d.dict(m["/FontDescriptor"])
				if fd == nil || (fd["/FontFile2"] == nil && fd["/FontFile"] == nil && fd["/FontFile3"] == nil) {
					bad = ref + " is not embedded"
				}
			default:
				if m["/ToUnicode"] == nil {
					bad = fmt.Sprintf("%s (%v) has no /ToUnicode", ref, m["/Subtype"])
				}
			}
		})
		return bad
	}},
	{"every annotation printable, not hidden, with /Contents", func(d *qpdfDoc) string {
		n := 0
		var bad string
		d.each(func(ref string, m map[string]any) {
			if m["/Type"] != "/Annot" || bad != "" {
				return
			}
			n++
			f, _ := m["/F"].(float64)
			flags := int(f)
			// Print (4) set; Invisible (1), Hidden (2), NoView (32) and
			// ToggleNoView (256) clear.
			if flags&4 == 0 || flags&(1|2|32|256) != 0 {
				bad = fmt.Sprintf("%s has /F %d", ref, flags)
			}
			if s, ok := text(m["/Contents"]); !ok || s == "" {
				bad = ref + " has no /Contents"
			}
			if m["/Subtype"] != "/Link" && m["/Subtype"] != "/Popup" && m["/AP"] == nil {
				bad = ref + " has no appearance (/AP)"
			}
		})
		if n == 0 {
			return "no annotations at all (the contents has links)"
		}
		return bad
	}},
	{"metadata stream: /Type /Metadata /Subtype /XML, not filtered, an xpacket without bytes or encoding", func(d *qpdfDoc) string {
		ref, _ := d.catalogue()["/Metadata"].(string)
		s := d.streams[ref]
		if s == nil || s["/Type"] != "/Metadata" || s["/Subtype"] != "/XML" {
			return "no /Metadata stream of /Subtype /XML in the catalogue"
		}
		if _, ok := s["/Filter"]; ok {
			return "the metadata stream is filtered"
		}
		p := d.xmp()
		if p == nil {
			return "no xpacket in the file"
		}
		head := p[:bytes.Index(p, []byte("?>"))]
		if bytes.Contains(head, []byte("bytes=")) || bytes.Contains(head, []byte("encoding=")) {
			return "the xpacket header has bytes= or encoding="
		}
		return ""
	}},
	{"XMP well-formed, pdfaid:part 2 with conformance A (tagged) and pdfuaid:part 1", func(d *qpdfDoc) string {
		v, err := xmpValues(d.xmp())
		if err != nil {
			return "XMP: " + err.Error()
		}
		if v["pdfaid:part"] != "2" || v["pdfaid:conformance"] != "A" || v["pdfuaid:part"] != "1" {
			return fmt.Sprintf("pdfaid:part %q conformance %q, pdfuaid:part %q", v["pdfaid:part"], v["pdfaid:conformance"], v["pdfuaid:part"])
		}
		if !bytes.Contains(d.xmp(), []byte("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>")) {
			return "no extension schema for pdfuaid"
		}
		return ""
	}},
	{"Info and XMP agree: title, author, subject, keywords, creator, producer, dates", func(d *qpdfDoc) string {
		info := d.dict(d.trailer["/Info"])
		if info == nil {
			return "no Info dictionary"
		}
		v, err := xmpValues(d.xmp())
		if err != nil {
			return "XMP: " + err.Error()
		}
		for _, p := range [][2]string{
			{"/Title", "dc:title"}, {"/Author", "dc:creator"}, {"/Subject", "dc:description"},
			{"/Keywords", "pdf:Keywords"}, {"/Creator", "xmp:CreatorTool"}, {"/Producer", "pdf:Producer"},
		} {
			s, ok := text(info[p[0]])
			if !ok || s == "" {
				return "Info has no " + p[0]
			}
			if v[p[1]] != s {
				return fmt.Sprintf("Info %s %q, XMP %s %q", p[0], s, p[1], v[p[1]])
			}
		}
		for _, p := range [][2]string{{"/CreationDate", "xmp:CreateDate"}, {"/ModDate", "xmp:ModifyDate"}} {
			s, _ := text(info[p[0]])
			if pdfDateToXMP(s) == "" || pdfDateToXMP(s) != v[p[1]] {
				return fmt.Sprintf("Info %s %q, XMP %s %q", p[0], s, p[1], v[p[1]])
			}
		}
		return ""
	}},
	{"tagged (PDF/A-2 level a, PDF/UA): /MarkInfo /Marked true, a StructTreeRoot, /Lang, DisplayDocTitle", func(d *qpdfDoc) string {
		cat := d.catalogue()
		if mi := d.dict(cat["/MarkInfo"]); mi == nil || mi["/Marked"] != true {
			return "no /MarkInfo << /Marked true >>"
		}
		if d.dict(cat["/StructTreeRoot"]) == nil {
			return "no /StructTreeRoot"
		}
		if l, ok := text(cat["/Lang"]); !ok || l == "" {
			return "no /Lang"
		}
		if vp := d.dict(cat["/ViewerPreferences"]); vp == nil || vp["/DisplayDocTitle"] != true {
			return "no /DisplayDocTitle true"
		}
		return ""
	}},
	{"names at most 127 bytes, strings at most 32,767, integers within ±2³¹", func(d *qpdfDoc) string {
		var bad string
		var walk func(ref string, v any)
		walk = func(ref string, v any) {
			if bad != "" {
				return
			}
			switch v := v.(type) {
			case map[string]any:
				for k, c := range v {
					if len(k) > 128 {
						bad = ref + ": a name longer than 127 bytes"
					}
					walk(ref, c)
				}
			case []any:
				for _, c := range v {
					walk(ref, c)
				}
			case string:
				if strings.HasPrefix(v, "/") && len(v) > 128 {
					bad = ref + ": a name longer than 127 bytes"
				}
				if len(v) > 32767+2 {
					bad = ref + ": a string longer than 32,767 bytes"
				}
			case float64:
				if v == float64(int64(v)) && (v > 2147483647 || v < -2147483648) {
					bad = ref + ": an integer out of range " + strconv.FormatFloat(v, 'f', 0, 64)
				}
			}
		}
		for r, o := range d.objs {
			walk(r, o)
		}
		return bad
	}},
}
