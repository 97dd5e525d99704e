// Package normalise cleans items read from sources: Unicode NFC, collapsed
// whitespace, a type for every item, stable IDs, and one item where two
// sources published the same thing.
package normalise

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"bulletin/internal/parallel"
	"bulletin/pipeline/config"
	"bulletin/pipeline/markup"
	"bulletin/pipeline/news"
)

// Normaliser applies the configuration's vocabulary.
type Normaliser struct {
	types    []config.Type
	fallback string
	md       *markup.Converter // finds the links in bodies as the renderers do
	lang     string            // the publication's language, for items without one
	// keepHTML leaves raw HTML blocks to the renderers (allow_html);
	// otherwise they are converted to Markdown.
	keepHTML bool
	san      *sanitiser
	mdHTML   *markup.Converter // renders raw HTML, as the EPUB does with allow_html
	texts    *blocks           // where the prepared items' texts are kept
}

// New returns a Normaliser for cfg's type vocabulary. The last type without
// keywords (by default "news") is the fallback; failing that, the last type.
func New(cfg *config.Config) *Normaliser {
	n := &Normaliser{types: cfg.Types, md: markup.New(false), lang: cfg.Language, keepHTML: cfg.AllowHTML, texts: &blocks{}}
	if n.keepHTML {
		n.san, n.mdHTML = newSanitiser(), markup.New(true)
	}
	for _, t := range cfg.Types {
		if len(t.Keywords) == 0 {
			n.fallback = t.Key
		}
	}
	if n.fallback == "" {
		n.fallback = cfg.Types[len(cfg.Types)-1].Key
	}
	return n
}

// Items normalises items and merges duplicates. It returns the kept items
// in a deterministic order, and a problem for every merge and every
// explicit type the vocabulary does not know.
func (n *Normaliser) Items(items []news.Item) ([]news.Item, []news.Problem) {
	out, problems, _ := n.ItemsContext(context.Background(), items)
	return out, problems
}

// ItemsContext is Items that stops between passes, and hands out no more
// items once ctx is done (Ctrl-C); its error is then ctx's.
func (n *Normaliser) ItemsContext(ctx context.Context, items []news.Item) ([]news.Item, []news.Problem, error) {
	prepared, err := n.Prepare(ctx, slices.Clone(items)) // the caller's items stay as they were
	if err != nil {
		return nil, nil, err
	}
	out, _, problems := Finish(prepared)
	return out, problems, nil
}

// The steps that look at one item alone, in the order they run. A
// Prepared item keeps its warnings by step, so that items prepared at
// different times (some recalled from the incremental cache) report them
// in the order one pass over all of them would: every item's nesting
// warnings, then every item's HTML warnings, and so on.
const (
	stepNesting = iota
	stepHTML
	stepLinks
	stepFootnotes
	stepType
	steps
)

// Prepared is an item after the steps that depend on it and the
// configuration only (clean texts, flattened nesting, HTML, links,
// footnotes checked, type),
// with the problems each step found. It is what the incremental cache
// keeps for an unchanged source file.
type Prepared struct {
	Item     news.Item
	Problems [steps][]news.Problem
	// TitleKey (duplicates are spotted by it) and BaseID (the item's ID
	// unless another item has it too) depend on the date and title alone,
	// Facts on the texts: worked out here, they are kept with the item in
	// the memo rather than made again for the whole archive at every
	// rebuild.
	TitleKey, BaseID string
	Facts            Facts
}

// Facts are what the build needs of an item's texts besides the texts.
type Facts struct {
	TextSum [sha256.Size]byte // news.TextSum: for the month digests
	Weight  int64             // news.Weight: for the months' limit
}

// factsOf works out an item's Facts.
func factsOf(it news.Item) Facts {
	return Facts{TextSum: news.TextSum(it), Weight: news.Weight(it)}
}

// Prepare runs the steps of one item at a time on every item: each is its
// own, so they are shared out among the cores. Prepare takes the items:
// each is cleared once prepared, so that its raw text can be let go then
// rather than held beside every prepared one (47 MB at 20,000 items). Its
// error is ctx's once ctx is done.
func (n *Normaliser) Prepare(ctx context.Context, items []news.Item) ([]Prepared, error) {
	prepared := make([]Prepared, len(items))
	parallel.For(ctx, len(items), func(i int) {
		prepared[i] = n.prepare(items[i])
		items[i] = news.Item{}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("normalise: %w", err)
	}
	return prepared, nil
}

func (n *Normaliser) prepare(it news.Item) Prepared {
	var p Prepared
	cleanText(&it, n.lang)
	if body, line := flattenDeepNesting(it.Body); line != 0 {
		it.Body = body
		p.Problems[stepNesting] = append(p.Problems[stepNesting], nestingProblem(it, line))
	}
	if n.keepHTML {
		p.Problems[stepHTML] = n.sanitiseItem(&it)
	} else if lost := n.htmlBlocksItem(&it); lost != nil {
		p.Problems[stepHTML] = append(p.Problems[stepHTML], *lost)
	}
	if lost := n.linksItem(&it); lost != nil {
		p.Problems[stepLinks] = append(p.Problems[stepLinks], *lost)
	}
	if bad := n.footnotesItem(&it); bad != nil {
		p.Problems[stepFootnotes] = append(p.Problems[stepFootnotes], *bad)
	}
	if it.TypeExplicit {
		key, ok := n.typeKey(it.Type)
		if !ok {
			p.Problems[stepType] = append(p.Problems[stepType], news.Problem{Severity: news.Warning, At: it.Origin(), Msg: fmt.Sprintf(
				"type %q is not in the vocabulary; classified by its title instead (add it under types: in bulletin.yaml)", it.Type)})
			it.TypeExplicit = false
		} else {
			it.Type = key
		}
	}
	if !it.TypeExplicit {
		it.Type = n.Classify(it.Title)
	}
	it.Body, it.Summary = n.texts.keep(it.Body), n.texts.keep(it.Summary)
	p.Item = it
	p.TitleKey, p.BaseID, p.Facts = TitleKey(it.Title), baseID(it), factsOf(it)
	return p
}

// Finish runs the steps across items on prepared items, in their order:
// duplicates merged and IDs given. It returns the kept items in a
// deterministic order with each one's Facts, and the prepared items'
// problems followed by one for every merge.
func Finish(prepared []Prepared) ([]news.Item, []Facts, []news.Problem) {
	var problems []news.Problem
	for step := range steps {
		for i := range prepared {
			problems = append(problems, prepared[i].Problems[step]...)
		}
	}
	kept, merged := mergeDuplicates(prepared)
	problems = append(problems, merged...)
	items := assignIDs(kept)
	facts := make([]Facts, len(kept))
	for i := range kept {
		facts[i] = kept[i].Facts
	}
	return items, facts, problems
}

// cleanText cleans an item's texts. Unicode normalisation is most of a
// normalising pass.
func cleanText(it *news.Item, lang string) {
	l := it.Lang
	if l == "" {
		l = TextLang(it.Title, lang)
	}
	it.Title = Typography(Text(it.Title), l)
	it.Summary = Typography(Text(it.Summary), l)
	it.Body = Body(it.Body)
	it.URL = strings.TrimSpace(it.URL)
	it.Authors = news.Distinct(texts(it.Authors))
	it.Tags = news.Distinct(texts(it.Tags))
}

// texts is Text of each string, in a new slice.
func texts(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Text(s)
	}
	return out
}

// htmlBlocksItem converts the body's raw HTML blocks to Markdown, with a
// warning when any element was lost.
func (n *Normaliser) htmlBlocksItem(it *news.Item) *news.Problem {
	body, lost := convertHTMLBlocks(n.md, it.Body)
	it.Body = body
	if len(lost) > 0 {
		return &news.Problem{Severity: news.Warning, At: it.Origin(), Msg: lostHTMLMessage(lost)}
	}
	return nil
}

// sanitiseItem cuts the body's raw HTML down to the safe subset, with a
// warning when any of it was lost and an error when the HTML is not
// well-formed.
func (n *Normaliser) sanitiseItem(it *news.Item) []news.Problem {
	var found []news.Problem
	body, removed, err := n.san.body(n.mdHTML, it.Body)
	it.Body = body
	if len(removed) > 0 {
		found = append(found, news.Problem{Severity: news.Warning, At: it.Origin(), Msg: fmt.Sprintf(
			"raw HTML (allow_html: true) that an e-book must not carry was removed: %s; write it as text or a link", strings.Join(removed, ", "))})
	}
	if err != nil {
		found = append(found, news.Problem{Severity: news.Error, At: it.Origin(), Msg: fmt.Sprintf(
			"the raw HTML in the text is not well-formed (%v): close every tag and write <br/>, or set allow_html: false to have it converted to Markdown", err)})
	}
	return found
}

// linksItem makes the body's relative links absolute against the item's
// web address, or plain text when it has none, with a warning when any
// was lost.
func (n *Normaliser) linksItem(it *news.Item) *news.Problem {
	body, lost := resolveLinks(n.md, it.Body, it.URL)
	it.Body = body
	if len(lost) > 0 {
		return &news.Problem{Severity: news.Warning, At: it.Origin(), Msg: unlinkedMessage(lost)}
	}
	return nil
}

// Classify returns the type whose keyword occurs earliest in title, so
// "Comment by … on US Officials' Statements" is a comment. Keywords match
// at the start of a word, case-insensitively.
func (n *Normaliser) Classify(title string) string {
	lower := strings.ToLower(title)
	best, bestAt := n.fallback, len(lower)+1
	for _, t := range n.types {
		for _, kw := range t.Keywords {
			if at := wordIndex(lower, strings.ToLower(kw)); at >= 0 && at < bestAt {
				best, bestAt = t.Key, at
			}
		}
	}
	return best
}

func (n *Normaliser) typeKey(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, t := range n.types {
		if t.Key == s || strings.ToLower(t.Name) == s {
			return t.Key, true
		}
	}
	return "", false
}

// wordIndex finds kw in s where it starts a word.
func wordIndex(s, kw string) int {
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], kw)
		if i < 0 {
			return -1
		}
		at := from + i
		if at == 0 || !isWordRune(lastRune(s[:at])) {
			return at
		}
		from = at + len(kw)
	}
	return -1
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Text is NFC with runs of whitespace collapsed to one space. NBSP is kept:
// it is a typographic choice, not layout noise.
func Text(s string) string {
	s = nfc(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		if r != '\u00a0' && unicode.IsSpace(r) {
			space = true
			continue
		}
		if unicode.IsControl(r) {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// nfc is norm.NFC.String(s), sooner where s is plainly in NFC already:
// each rune of most texts (ASCII, Latin, Cyrillic letters, typographic
// punctuation) starts a segment and combines with none before it
// (nfcInert; TestNFCInert checks every one), so a text of them alone is
// its own NFC. Any other rune, and the norm package decides. The norm
// package looks each non-ASCII rune up in its tables: 3% of a build of
// 20,000 items, a third of them in Russian.
func nfc(s string) string {
	for _, r := range s {
		if !nfcInert(r) {
			return norm.NFC.String(s)
		}
	}
	return s
}

// nfcInert reports whether r is NFC, has canonical combining class 0 and
// combines with no rune before it (norm's BoundaryBefore).
func nfcInert(r rune) bool {
	switch {
	case r < 0x300: // ASCII, Latin-1, Latin Extended-A and -B, IPA, spacing modifiers
		return true
	case r >= 0x400 && r <= 0x482, r >= 0x48a && r <= 0x52f: // Cyrillic, less its combining marks
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e: // dashes, quotes, ellipsis, per mille…
		return true
	}
	return false
}

// Body is NFC with line ends unified and trailing spaces dropped; Markdown
// structure (blank lines, indentation) is kept.
func Body(s string) string {
	s = nfc(strings.ReplaceAll(s, "\r\n", "\n"))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// TitleKey is the form of a title used to spot duplicates: lower case,
// letters and digits only.
func TitleKey(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(nfc(title)) {
		if isWordRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mergeDuplicates keeps one item per (date, title) pair whose texts agree:
// the one with the fuller text, with the origins of both. Two items on the
// same day under the same generic title ("Statement") with different texts
// are two items, and both are kept.
func mergeDuplicates(items []Prepared) ([]Prepared, []news.Problem) {
	type key struct {
		d news.Date
		t string
	}
	var problems []news.Problem
	index := map[key][]int{}
	out := make([]Prepared, 0, len(items))
	for _, p := range items {
		it := p.Item
		k := key{it.Date, p.TitleKey}
		i := -1
		for _, j := range index[k] {
			if textsAgree(out[j].Item, it) {
				i = j
				break
			}
		}
		if i < 0 {
			index[k] = append(index[k], len(out))
			out = append(out, p)
			continue
		}
		kept := out[i].Item
		msg := fmt.Sprintf("same date, title and text as %s: merged into one item, keeping the fuller text", kept.Origin())
		if kept.URL != "" && it.URL != "" && kept.URL != it.URL {
			// An item has one link: the other is named here, not lost silently.
			msg += fmt.Sprintf(" and the link %s (this sighting's link %s is not used)", kept.URL, it.URL)
		}
		// The kept item's first origin stays the first-read one either way.
		problems = append(problems, news.Problem{Severity: news.Warning, At: it.Origin(), Msg: msg,
			Fate: news.Merged, Into: kept.Origin()})
		// Its date and title, so its keys, stay; its text may be the other's.
		out[i].Item = merge(kept, it)
		out[i].Facts = factsOf(out[i].Item)
	}
	return out, problems
}

// textsAgree reports whether two sightings tell the same text: one has
// none, one's words are found in order in the other's (a teaser and the
// full article), or their words are near-identical (at least 90% shared:
// an edited typo, other punctuation). Markup and case are ignored.
func textsAgree(a, b news.Item) bool {
	x, y := words(a.Body+" "+a.Summary), words(b.Body+" "+b.Summary)
	if x == "" || y == "" {
		return true
	}
	if len(x) > len(y) {
		x, y = y, x
	}
	if strings.Contains(" "+y+" ", " "+x+" ") {
		return true
	}
	return overlap(x, y) >= 0.9
}

// words is s lower-cased, with every run of characters other than letters
// and digits made one space.
func words(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if isWordRune(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// overlap is the share of the longer text's words (counted with
// repetition) that the other also has.
func overlap(x, y string) float64 {
	xs, ys := strings.Fields(x), strings.Fields(y)
	count := make(map[string]int, len(xs))
	for _, w := range xs {
		count[w]++
	}
	shared := 0
	for _, w := range ys {
		if count[w] > 0 {
			count[w]--
			shared++
		}
	}
	return float64(shared) / float64(max(len(xs), len(ys)))
}

// merge keeps the first-read item, with the fuller text of the two (and
// the folder its images are relative to), an explicit type from either,
// what it lacks from the other (language, link), the authors and tags of
// both, and the origins of both.
func merge(kept, dup news.Item) news.Item {
	if len(dup.Body)+len(dup.Summary) > len(kept.Body)+len(kept.Summary) {
		kept.Body, kept.Summary, kept.Dir = dup.Body, dup.Summary, dup.Dir
	}
	if !kept.TypeExplicit && dup.TypeExplicit {
		kept.Type, kept.TypeExplicit = dup.Type, true
	}
	// Two sightings may name different writers or tags: keep all of them.
	kept.Authors = news.Distinct(kept.Authors, dup.Authors)
	kept.Tags = news.Distinct(kept.Tags, dup.Tags)
	if kept.URL == "" {
		kept.URL = dup.URL
	}
	if kept.Lang == "" {
		kept.Lang = dup.Lang
	}
	// A new slice: kept.Origins may share its array with the caller's item.
	kept.Origins = append(append([]news.Origin{}, kept.Origins...), dup.Origins...)
	return kept
}

// assignIDs returns the items, each with an ID from its date and title
// (BaseID), unique and valid as an XML id, whatever the order the items
// were read in.
func assignIDs(items []Prepared) []news.Item {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := items[order[a]].Item, items[order[b]].Item
		if c := x.Date.Compare(y.Date); c != 0 {
			return c < 0
		}
		if x.Title != y.Title {
			return x.Title < y.Title
		}
		return x.Origin().String() < y.Origin().String()
	})
	out := make([]news.Item, len(items))
	used := make(map[string]bool, len(items))
	for _, i := range order {
		base := items[i].BaseID
		id := base
		for n := 2; used[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		used[id] = true
		out[i] = items[i].Item
		out[i].ID = id
	}
	return out
}

// baseID is the ID of an item of that date and title when no other has it.
func baseID(it news.Item) string {
	if it.Date.IsZero() {
		return "i-undated-" + slug(it.Title)
	}
	d := it.Date
	return fmt.Sprintf("i%04d%02d%02d-%s", d.Year, int(d.Month), d.Day, slug(it.Title))
}

// slug keeps up to six words of ASCII letters and digits, transliterating
// Cyrillic, so IDs stay readable in links.
func slug(title string) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range strings.ToLower(title) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			w.WriteRune(r)
		case inTranslit(r):
			w.WriteString(translit[r])
		case r == '\'' || r == '’':
		default:
			flush()
		}
		if len(words) == 6 {
			break
		}
	}
	flush()
	if len(words) > 6 {
		words = words[:6]
	}
	if len(words) == 0 {
		return "item"
	}
	return strings.Join(words, "-")
}

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya",
}

func inTranslit(r rune) bool {
	_, ok := translit[r]
	return ok
}
