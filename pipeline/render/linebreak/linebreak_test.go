package linebreak

import (
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"unicode/utf8"
)

// mono measures every rune as one unit: widths are rune counts.
func mono(s string) float64 { return float64(utf8.RuneCountInString(s)) }

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "one two", 10, []string{"one two"}},
		{"two lines", "aaa bbb ccc", 7, []string{"aaa bbb", "ccc"}},
		{"nbsp joins", "aaa bbb\u00a0ccc", 8, []string{"aaa", "bbb\u00a0ccc"}},
		{"narrow nbsp joins", "12\u202f345 678", 6, []string{"12\u202f345", "678"}},
		{"long word cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"gaps kept", "a  ·  b", 10, []string{"a  ·  b"}},
		{"gaps dropped at breaks", "aaa   bbb", 5, []string{"aaa", "bbb"}},
		{"empty", "", 10, []string{""}},
		// Total fit: greedy would leave "aaaa bb" / "cccccc dd" / "e"... the
		// breaker balances no worse than greedy on line count.
		{"word after long", "x abcdefghij y", 5, []string{"x", "abcde", "fghij", "y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Wrap(tc.text, tc.width, mono)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Wrap(%q, %v) = %q, want %q", tc.text, tc.width, got, tc.want)
			}
			for _, l := range got {
				if mono(l) > tc.width {
					t.Errorf("line %q wider than %v", l, tc.width)
				}
			}
		})
	}
}

// para builds justified items from words, with a hyphenation point in the
// middle of every word longer than six runes.
func para(words []string, space float64) []Item {
	var items []Item
	for i, w := range words {
		if i > 0 {
			items = append(items, Item{Kind: Glue, Width: space, Stretch: space / 2, Shrink: space / 3})
		}
		n := utf8.RuneCountInString(w)
		if n > 6 {
			items = append(items, Item{Kind: Box, Width: float64(n / 2)},
				Item{Kind: Penalty, Width: 1, Penalty: 50, Flagged: true},
				Item{Kind: Box, Width: float64(n - n/2)})
			continue
		}
		items = append(items, Item{Kind: Box, Width: float64(n)})
	}
	return items
}

func TestBreakJustified(t *testing.T) {
	words := strings.Fields(strings.Repeat("the quick brown fox jumps over extraordinarily lazy dogs while typesetters contemplate hyphenation ", 20))
	items := para(words, 1)
	lines := Break(items, Options{Width: 45})
	if len(lines) < 2 {
		t.Fatalf("%d lines", len(lines))
	}
	run, runs := 0, 0
	for i, l := range lines {
		if l.Start >= l.End {
			t.Fatalf("line %d empty: %+v", i, l)
		}
		if i < len(lines)-1 && (l.Ratio < -1 || l.Ratio > 2) {
			t.Errorf("line %d ratio %.2f outside the tolerance", i, l.Ratio)
		}
		if i > 0 && l.Start <= lines[i-1].End {
			t.Errorf("line %d starts at %d, before the previous break %d", i, l.Start, lines[i-1].End)
		}
		if l.End < len(items) && items[l.End].Flagged {
			run++
			runs = max(runs, run)
		} else {
			run = 0
		}
	}
	if runs > 2 {
		t.Errorf("%d hyphenated lines in a row", runs)
	}
	if last := lines[len(lines)-1]; last.End != len(items) {
		t.Errorf("last line ends at %d, want %d", last.End, len(items))
	}
}

// Hyphenated words everywhere: a third hyphen in a row must not happen.
func TestBreakHyphenRun(t *testing.T) {
	words := strings.Fields(strings.Repeat("abcdefgh ", 200))
	items := para(words, 1)
	for _, w := range []float64{9, 11, 13, 17, 23} {
		lines := Break(items, Options{Width: w})
		run := 0
		for i, l := range lines {
			if l.End < len(items) && items[l.End].Flagged {
				run++
				if run > 2 {
					t.Fatalf("width %v: line %d is the third hyphenated in a row", w, i)
				}
			} else {
				run = 0
			}
		}
	}
}

// A token of 100,000 runes with no break point: cut by Emergency, set in
// well under a second, every piece within the line.
func TestLongToken(t *testing.T) {
	tok := strings.Repeat("x", 100000)
	lines := Wrap("before "+tok+" after", 60, mono)
	if lines[0] != "before" || !strings.HasSuffix(lines[len(lines)-1], " after") {
		t.Errorf("first and last lines %q, %q", lines[0], lines[len(lines)-1])
	}
	for _, l := range lines {
		if mono(l) > 60 {
			t.Fatalf("line of %v runes", mono(l))
		}
	}
	if got, want := strings.ReplaceAll(strings.Join(lines, ""), " ", ""), "before"+tok+"after"; got != want {
		t.Errorf("%d bytes set, want %d", len(got), len(want))
	}
}

func TestEmergency(t *testing.T) {
	ws := []float64{3, 3, 3, 3, 9, 1}
	got := Emergency(ws, 6)
	want := []int{2, 4, 5}
	if len(got) != len(want) {
		t.Fatalf("Emergency = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("Emergency = %v, want %v", got, want)
		}
	}
}

// An overfull box (wider than the line, no break points) still comes out
// on a line of its own.
func TestOverfullBox(t *testing.T) {
	items := []Item{{Kind: Box, Width: 3}, {Kind: Glue, Width: 1}, {Kind: Box, Width: 50}, {Kind: Glue, Width: 1}, {Kind: Box, Width: 3}}
	lines := Break(items, Options{Width: 10})
	if len(lines) != 3 {
		t.Fatalf("lines %+v", lines)
	}
}

func BenchmarkBreak(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 13, 1 << 16, 1 << 20} {
		words := strings.Fields(strings.Repeat("the quick brown fox jumps over extraordinarily lazy dogs while typesetters contemplate hyphenation ", n/100+1))
		items := para(words, 1)
		b.Run("paragraph-"+itoa(n), func(b *testing.B) {
			for b.Loop() {
				Break(items, Options{Width: 66})
			}
		})
	}
	for _, n := range []int{1 << 10, 1 << 13, 1 << 17} {
		tok := strings.Repeat("x", n)
		b.Run("token-"+itoa(n), func(b *testing.B) {
			for b.Loop() {
				Wrap(tok, 66, mono)
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var s []byte
	for n > 0 {
		s = append([]byte{byte('0' + n%10)}, s...)
		n /= 10
	}
	return string(s)
}

// A Breaker reused from paragraph to paragraph (as the PDF's builder
// does) breaks each as a fresh Break would: nothing of one paragraph's
// nodes or items leaks into the next, whatever their lengths.
func TestBreakerReuse(t *testing.T) {
	rnd := rand.New(rand.NewSource(3))
	var b Breaker
	for n := range 300 {
		var items []Item
		words := 1 + rnd.Intn(400)
		if n%50 == 0 {
			words = 3000 // more nodes than one of the pool's blocks
		}
		for w := range words {
			items = append(items, Item{Kind: Box, Width: 1 + rnd.Float64()*12})
			if rnd.Intn(5) == 0 {
				items = append(items, Item{Kind: Penalty, Width: 1, Penalty: 100, Flagged: true}, Item{Kind: Box, Width: 1 + rnd.Float64()*5})
			}
			if w < words-1 {
				items = append(items, Item{Kind: Glue, Width: 2, Stretch: 1, Shrink: 0.7})
			}
		}
		o := Options{Width: 40 + rnd.Float64()*60}
		if n%3 == 0 {
			o.Ragged = o.Width / 4
		}
		want := Break(items, o)
		got := b.Break(items, o)
		if !slices.Equal(got, want) {
			t.Fatalf("paragraph %d (%d items): reused Breaker gave %v, Break %v", n, len(items), got, want)
		}
	}
}

// Wrap through one Breaker, title after title as a document does, gives
// what a fresh Wrap does.
func TestBreakerWrapReuse(t *testing.T) {
	var b Breaker
	texts := []string{"A short title", strings.Repeat("word ", 200), "Supercalifragilisticexpialidocious words", "", "  spaced  out  ", "x"}
	for i := range 60 {
		s := texts[i%len(texts)]
		w := float64(5 + i%17)
		if got, want := b.Wrap(s, w, mono), Wrap(s, w, mono); !slices.Equal(got, want) {
			t.Fatalf("%q at %v: reused %q, fresh %q", s, w, got, want)
		}
	}
}

// TestCubeAsPow: demerits takes |r|³ as x·(x·x), which gives the bits
// math.Pow(x, 3) gave (and so the same breaks) for every ratio a line
// can have, and far beyond.
func TestCubeAsPow(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	ratios := []float64{0, 1, -1, 0.5, 2, -3.7, 1e-100, 1e100, math.Inf(1), math.Inf(-1)}
	for range 1_000_000 {
		ratios = append(ratios, rnd.Float64()*20-10, rnd.ExpFloat64(), -rnd.ExpFloat64()/100,
			math.Float64frombits(rnd.Uint64()&^(1<<63|1<<62))) // any value below 2
	}
	o := Options{LinePenalty: 10}
	it, at := &Item{Kind: Glue}, &node{}
	for _, r := range ratios {
		bad := 100 * math.Pow(math.Abs(r), 3)
		if math.IsInf(bad, 0) || bad > 10000 {
			bad = 10000
		}
		want := (o.LinePenalty + bad) * (o.LinePenalty + bad)
		if got := demerits(r, it, at, o, false); got != want && math.Abs(r) > 1e-100 {
			t.Fatalf("ratio %v: demerits %v, with math.Pow %v", r, got, want)
		}
	}
}
