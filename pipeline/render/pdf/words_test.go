package pdf

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// appendWords finds the spaces and measures the words in one pass over
// the runes: its words are what cutting at breakable spaces and measuring
// each piece with fontMetrics.width give, bit for bit, whatever the text.
func TestWordsCutAndMeasuredInOnePass(t *testing.T) {
	r := newRenderer(t)
	b := newBuilder(r, testEdition(), nil, newCaches())
	regular := style{face: faceText, size: 10.5}
	bold := style{face: faceText, style: "B", size: 9}
	for _, tc := range []struct {
		name string
		runs []textRun
	}{
		{"ascii", []textRun{{text: "The Embassy  firmly rejects\tthe\naccusations. ", st: regular}}},
		{"cyrillic", []textRun{{text: "Посольство  неоднократно подчёркивало", st: regular}}},
		{"no-break and thin spaces", []textRun{{text: "10\u00a0000 words\u2009and\u202fmore\u2007or\u2060less", st: regular}}},
		{"other spaces", []textRun{{text: "a\u0085b\u2003c\u3000d\v\fe\r", st: regular}}},
		{"invalid UTF-8 and missing glyphs", []textRun{{text: "bad\xff\xfebytes \U0001F600 emoji \uffff", st: regular}}},
		{"styles and a break", []textRun{{text: "Before ", st: regular}, {text: "bold", st: bold}, {brk: true}, {text: "after it", st: regular}}},
		{"spaces only", []textRun{{text: "   ", st: regular}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := b.words(tc.runs)
			var want []word
			var cur []frag
			end := func(space float64) {
				if len(cur) > 0 {
					want = append(want, word{frags: cur, space: space})
					cur = nil
				}
			}
			for _, run := range tc.runs {
				if run.brk {
					end(0)
					want[len(want)-1].brk = true
					continue
				}
				m := b.metricsOf(run.st)
				s := run.text
				for {
					i := strings.IndexFunc(s, breakableSpace)
					piece := s
					if i >= 0 {
						piece = s[:i]
					}
					if piece != "" {
						cur = append(cur, frag{text: piece, w: m.width(piece, run.st.size)})
					}
					if i < 0 {
						break
					}
					end(m.width(" ", run.st.size))
					_, n := utf8.DecodeRuneInString(s[i:])
					s = s[i+n:]
				}
			}
			end(0)
			if len(got) != len(want) {
				t.Fatalf("%d words, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if len(g.frags) != len(w.frags) || g.space != w.space || g.brk != w.brk {
					t.Fatalf("word %d: %d frags, space %v, break %v; want %d, %v, %v", i, len(g.frags), g.space, g.brk, len(w.frags), w.space, w.brk)
				}
				sum := 0.0
				for k := range w.frags {
					if g.frags[k].text != w.frags[k].text || g.frags[k].w != w.frags[k].w {
						t.Errorf("word %d frag %d: %q %v, want %q %v", i, k, g.frags[k].text, g.frags[k].w, w.frags[k].text, w.frags[k].w)
					}
					sum += w.frags[k].w
				}
				if g.w != sum {
					t.Errorf("word %d: width %v, want %v", i, g.w, sum)
				}
			}
		})
	}
}
