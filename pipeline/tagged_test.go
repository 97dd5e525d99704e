package pipeline

import (
	"bytes"
	"fmt"
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

// The June example is a tagged PDF a screen reader can follow: the rules
// of PDF/UA (the Matterhorn Protocol's machine-checkable ones our content
// can break) hold on the file, and poppler's reading of the structure tree
// gives the text in reading order without the page furniture.
func TestTaggedPDF(t *testing.T) {
	files := buildFiles(t, exampleOptions(t))
	pdf := files["bulletin-2020-06.pdf"]
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	qpdf := testenv.NeedTool(t, "qpdf")
	plain, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", in, "-").Output()
	if err != nil {
		t.Fatalf("qpdf --qdf: %v", err)
	}
	for _, r := range taggedRules {
		if err := r.check(pdf, plain); err != "" {
			t.Errorf("%s: %s", r.name, err)
		}
	}

	pdfinfo := testenv.NeedTool(t, "pdfinfo")
	info, err := exec.Command(pdfinfo, in).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^Tagged:\s+yes`).Match(info) {
		t.Errorf("pdfinfo does not call the file tagged:\n%s", info)
	}
	st, err := exec.Command(pdfinfo, "-struct-text", in).Output()
	if err != nil {
		t.Fatalf("pdfinfo -struct-text: %v", err)
	}
	structWords, headings := structText(st)
	if len(structWords) == 0 {
		t.Fatalf("pdfinfo -struct-text gives no text:\n%s", st)
	}

	// The word hyphenated at a line end in the example ("interna-tional")
	// is read whole, once, from a Span that stands for it.
	if !bytes.Contains(pdf, []byte("/S /Span /P ")) || !bytes.Contains(pdf, []byte("/ActualText (international)")) {
		t.Errorf("no Span with /ActualText (international) in the structure")
	}
	if !regexp.MustCompile(`Span \(inline\)\n\s+"international"\n`).Match(st) {
		t.Errorf("pdfinfo -struct-text does not read the hyphenated word whole")
	}

	// No heading level is skipped, and the first is H1.
	prev := 0
	for i, h := range headings {
		if h > prev+1 || (i == 0 && h != 1) {
			t.Errorf("heading %d is H%d after H%d", i, h, prev)
		}
		prev = h
	}

	// The same words as the page text, in the same order, less the
	// running heads, the page numbers and the contents' dot leaders.
	raw, err := exec.Command(testenv.NeedTool(t, "pdftotext"), "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(string(raw), "\f")
	if len(pages) < 3 {
		t.Fatalf("%d pages", len(pages))
	}
	head := strings.TrimSpace(strings.SplitN(strings.TrimSpace(pages[1]), "\n", 2)[0])
	footer := regexp.MustCompile(`Page \d+ of \d+`)
	var pageWords []string
	for i, p := range pages {
		if i > 0 {
			p = strings.Replace(p, head, "", 1)
		}
		p = footer.ReplaceAllString(p, "")
		for _, w := range strings.Fields(p) {
			if strings.Trim(w, ".") != "" {
				pageWords = append(pageWords, w)
			}
		}
	}
	got := strings.Join(structWords, " ")
	if strings.Contains(got, head) || footer.MatchString(got) {
		t.Errorf("the structure reads the running head %q or a page number", head)
	}
	// Word by word: poppler's page text orders the contents' page numbers
	// and a few cells by position, so compare as sorted multisets, and
	// the order through the titles below.
	a, b := slices.Clone(structWords), slices.Clone(pageWords)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("structure text and page text differ:\nonly in the tree: %v\nonly on the pages: %v", minus(a, b), minus(b, a))
	}
	// The item titles (H3) are the contents' entries, in the same order,
	// and the order of the pages.
	titles, entries := structTitles(st)
	if len(titles) == 0 || !slices.Equal(titles, entries) {
		t.Errorf("item titles in the tree %q, contents entries %q", titles, entries)
	}
	flat := strings.Join(strings.Fields(strings.Join(pages[2:], " ")), " ")
	at := 0
	for _, title := range titles {
		i := strings.Index(flat[at:], title)
		if i < 0 {
			t.Errorf("title %q is not on the pages after the contents in the tree's order", title)
			continue
		}
		at += i + len(title)
	}
	if t.Failed() {
		lines := strings.Split(string(st), "\n")
		t.Logf("pdfinfo -struct-text (first 60 lines):\n%s", strings.Join(lines[:min(60, len(lines))], "\n"))
	}
}

// structTitles are the texts of the H3 elements and of the contents'
// links (TOCI Link), in tree order.
func structTitles(out []byte) (titles, entries []string) {
	lines := strings.Split(string(out), "\n")
	text := func(i int) string {
		// The element's text lines follow it, indented deeper.
		ind := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		var parts []string
		for j := i + 1; j < len(lines); j++ {
			l := strings.TrimSpace(lines[j])
			if len(lines[j])-len(strings.TrimLeft(lines[j], " ")) <= ind || !strings.HasPrefix(l, `"`) {
				break
			}
			parts = append(parts, strings.Trim(l, `"`))
		}
		return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
	}
	for i, l := range lines {
		switch s := strings.TrimSpace(l); {
		case strings.HasPrefix(s, "H3 "):
			titles = append(titles, text(i))
		case strings.HasPrefix(s, "Link ") && i > 0 && strings.TrimSpace(lines[i-1]) == "TOCI":
			e := text(i)
			// The entry ends in its page number.
			if k := strings.LastIndexByte(e, ' '); k > 0 {
				e = e[:k]
			}
			entries = append(entries, e)
		}
	}
	return titles, entries
}

// structText reads pdfinfo -struct-text: the words of its text lines, and
// the heading levels in tree order.
func structText(out []byte) (words []string, headings []int) {
	hd := regexp.MustCompile(`^\s*H([1-6])\b`)
	for _, l := range strings.Split(string(out), "\n") {
		s := strings.TrimSpace(l)
		if m := hd.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			headings = append(headings, n)
			continue
		}
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
			words = append(words, strings.Fields(s[1:len(s)-1])...)
		}
	}
	return words, headings
}

// minus is what of sorted a is not in sorted b (as multisets).
func minus(a, b []string) []string {
	var out []string
	j := 0
	for _, s := range a {
		for j < len(b) && b[j] < s {
			j++
		}
		if j < len(b) && b[j] == s {
			j++
			continue
		}
		out = append(out, s)
	}
	return out
}

// taggedRules are the checks of the tagging, over the file as written
// (its tree objects) and qpdf's uncompressed copy (the page contents).
var taggedRules = []struct {
	name  string
	check func(pdf, plain []byte) string
}{
	{"MarkInfo /Marked true and a StructTreeRoot", func(p, _ []byte) string {
		if !bytes.Contains(p, []byte("/MarkInfo << /Marked true >>")) || !bytes.Contains(p, []byte("/Type /StructTreeRoot")) {
			return "no /MarkInfo << /Marked true >> or no structure tree"
		}
		return ""
	}},
	{"every page has /Tabs /S and /StructParents", func(p, _ []byte) string {
		pages := regexp.MustCompile(`(?s)<</Type /Page\n.*?>>\nendobj`).FindAll(p, -1)
		for i, pg := range pages {
			if !bytes.Contains(pg, []byte("/Tabs /S")) || !bytes.Contains(pg, []byte("/StructParents ")) {
				return fmt.Sprintf("page %d lacks /Tabs /S or /StructParents", i+1)
			}
		}
		return ""
	}},
	{"every Figure has /Alt", func(p, _ []byte) string {
		for _, f := range regexp.MustCompile(`<</Type /StructElem /S /Figure [^\n]*`).FindAll(p, -1) {
			if !bytes.Contains(f, []byte("/Alt (")) {
				return "a Figure without /Alt: " + string(f)
			}
		}
		return ""
	}},
	{"every link annotation is in the tree", func(p, _ []byte) string {
		for _, a := range regexp.MustCompile(`<</Type /Annot /Subtype /Link [^\n]*`).FindAll(p, -1) {
			if !bytes.Contains(a, []byte("/StructParent ")) {
				return "a link annotation without /StructParent: " + string(a)
			}
		}
		if !bytes.Contains(p, []byte("/Type /OBJR")) {
			return "no OBJR in the tree"
		}
		return ""
	}},
	{"every content operator inside marked content or an artifact", func(_, plain []byte) string {
		streams := regexp.MustCompile(`(?s)%% Contents for page (\d+)\n(?:%%[^\n]*\n)*\d+ 0 obj\n<<.*?>>\nstream\n(.*?)\nendstream`).FindAllSubmatch(plain, -1)
		if len(streams) == 0 {
			return "no page contents found in qpdf's output"
		}
		for _, s := range streams {
			if err := checkMarked(s[2]); err != "" {
				return "page " + string(s[1]) + ": " + err
			}
		}
		return ""
	}},
}

// checkMarked walks a content stream and reports a painting or text
// showing operator outside every marked-content sequence, or unbalanced
// BDC/BMC and EMC.
func checkMarked(c []byte) string {
	depth := 0
	for i := 0; i < len(c); {
		ch := c[i]
		switch {
		case ch == '(':
			nest := 0
		str:
			for i++; i < len(c); i++ {
				switch c[i] {
				case '\\':
					i++
				case '(':
					nest++
				case ')':
					if nest == 0 {
						break str
					}
					nest--
				}
			}
			i++
		case ch == '<' && i+1 < len(c) && c[i+1] == '<', ch == '>' && i+1 < len(c) && c[i+1] == '>':
			i += 2
		case ch == '<':
			for i < len(c) && c[i] != '>' {
				i++
			}
			i++
		case ch == '%':
			for i < len(c) && c[i] != '\n' {
				i++
			}
		case ch == '/' || ch == '[' || ch == ']' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t':
			i++
			if ch == '/' {
				for i < len(c) && !bytes.ContainsRune([]byte(" \n\r\t/[]()<>"), rune(c[i])) {
					i++
				}
			}
		default:
			j := i
			for j < len(c) && !bytes.ContainsRune([]byte(" \n\r\t/[]()<>%"), rune(c[j])) {
				j++
			}
			op := string(c[i:j])
			i = j
			switch op {
			case "BDC", "BMC":
				depth++
			case "EMC":
				depth--
				if depth < 0 {
					return "EMC without BDC or BMC"
				}
			case "Tj", "TJ", "'", "\"", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI":
				if depth == 0 {
					return "operator " + op + " outside marked content"
				}
			}
		}
	}
	if depth != 0 {
		return fmt.Sprintf("%d marked-content sequences left open", depth)
	}
	return ""
}
