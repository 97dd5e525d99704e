// Package linebreak breaks a paragraph into lines by total fit (Knuth and
// Plass, "Breaking paragraphs into lines", 1981): the paragraph is a list
// of boxes (what is drawn), glue (spaces that stretch and shrink) and
// penalties (places a line may end at a cost, a hyphen among them), and the
// breaks chosen are those that minimise the sum of every line's demerits,
// not the ones that look best one line at a time.
//
// It is the project's one line breaker: the PDF's paragraphs, list items,
// quotes and table cells (justified), its titles, contents lines and
// counters (ragged right) and the EPUB cover's words all go through it.
//
// Work stays near linear in the paragraph's length: a break is only tried
// from the nodes still active (lines that could still end here), and their
// number is capped.
package linebreak

import (
	"math"
)

// Kind is what an item is.
type Kind uint8

const (
	Box Kind = iota
	Glue
	Penalty
)

// Item is one element of a paragraph.
type Item struct {
	Kind  Kind
	Width float64
	// Stretch and Shrink are glue's give; InfStretch marks glue that fills
	// a line (the one before a paragraph's end: last lines flush left).
	Stretch, Shrink float64
	InfStretch      bool
	// Penalty is the cost of breaking here: ≥ Forbidden never breaks,
	// ≤ Forced always does. Flagged marks a hyphen.
	Penalty float64
	Flagged bool
}

const (
	Forbidden = 10000.0
	Forced    = -10000.0
)

// Options tune the breaker; the zero value of a field takes its default.
type Options struct {
	Width float64 // the line's width, the same for every line
	// Tolerances are the largest adjustment ratio (stretch used over
	// stretch available) accepted, one pass each, the next tried only
	// when no breaks within the previous exist; a last pass accepts any.
	Tolerances []float64
	// Ragged lines are not stretched when drawn: each is given this much
	// stretch so that short lines cost more, and glue should not shrink.
	Ragged       float64
	LinePenalty  float64 // added to every line's badness (fewer lines)
	DoubleHyphen float64 // demerits of two hyphenated lines in a row
	FinalHyphen  float64 // demerits of a hyphen on the last full line
	Fitness      float64 // demerits of adjacent lines of very different tightness
	MaxHyphenRun int     // hyphenated line ends in a row allowed (2)
	MaxActive    int     // active nodes kept (the bound on work)
}

func (o *Options) defaults() {
	if o.Tolerances == nil {
		o.Tolerances = []float64{1, 2}
	}
	if o.LinePenalty == 0 {
		o.LinePenalty = 10
	}
	if o.DoubleHyphen == 0 {
		o.DoubleHyphen = 10000
	}
	if o.FinalHyphen == 0 {
		o.FinalHyphen = 5000
	}
	if o.Fitness == 0 {
		o.Fitness = 10000
	}
	if o.MaxHyphenRun <= 0 || o.MaxHyphenRun > 3 {
		o.MaxHyphenRun = 2 // best below is indexed by the run
	}
	if o.MaxActive == 0 {
		o.MaxActive = 48
	}
}

// Line is one line found: items [Start, End) where End is the break (a
// glue or penalty, or len(items)); Ratio is its adjustment ratio.
type Line struct {
	Start, End int
	Ratio      float64
}

// node is a feasible break.
type node struct {
	pos      int // the item broken at (-1: the paragraph's start)
	line     int
	fitness  int
	hyphens  int // hyphenated line ends in a row, this one included
	w, y, z  float64
	inf      int // infinite stretches so far
	demerits float64
	ratio    float64
	prev     *node
	flagged  bool
}

// Break chooses where items break into lines. Items wider than the line
// must have been given break points by the caller (see Emergency): a box
// alone wider than the line is set on a line of its own, overfull.
// The paragraph ends after the last item; it needs no closing penalty.
func Break(items []Item, o Options) []Line {
	var b Breaker
	return b.Break(items, o)
}

// Breaker is Break with its working memory kept from one paragraph to the
// next: a document breaks thousands of paragraphs, and allocating afresh
// for each was a tenth of a large build's allocation. The zero value is
// ready; a Breaker is not safe for concurrent use.
type Breaker struct {
	para  []Item
	nodes nodePool
}

// Break is the package's Break, reusing b's memory.
func (b *Breaker) Break(items []Item, o Options) []Line {
	o.defaults()
	if len(items) == 0 {
		return nil
	}
	// Close the paragraph: fill the last line and force a break.
	para := append(b.para[:0], items...)
	para = append(para, Item{Kind: Glue, InfStretch: true}, Item{Kind: Penalty, Penalty: Forced})
	b.para = para
	for _, tol := range o.Tolerances {
		b.nodes.reset()
		if ls, ok := run(para, o, tol, false, &b.nodes); ok {
			return trim(ls, len(items))
		}
	}
	b.nodes.reset()
	ls, _ := run(para, o, math.Inf(1), true, &b.nodes)
	return trim(ls, len(items))
}

// nodePool hands out nodes from blocks kept across runs: a run's nodes
// are garbage once its lines are read off them.
type nodePool struct {
	blocks [][]node
	cur    int // the block being filled
}

func (p *nodePool) reset() {
	for i := range p.blocks[:min(p.cur+1, len(p.blocks))] {
		p.blocks[i] = p.blocks[i][:0] // each node is written whole when handed out
	}
	p.cur = 0
}

func (p *nodePool) new(n node) *node {
	if p.cur < len(p.blocks) && len(p.blocks[p.cur]) == cap(p.blocks[p.cur]) {
		p.cur++
	}
	if p.cur == len(p.blocks) {
		// Blocks double from a small first one: a title wrapped once
		// needs a few nodes, a long paragraph thousands.
		size := 16
		if p.cur > 0 {
			size = min(2*cap(p.blocks[p.cur-1]), 4096)
		}
		p.blocks = append(p.blocks, make([]node, 0, size))
	}
	blk := append(p.blocks[p.cur], n)
	p.blocks[p.cur] = blk
	return &blk[len(blk)-1]
}

// trim maps the closing items back to the caller's end.
func trim(ls []Line, n int) []Line {
	for i := range ls {
		ls[i].Start = min(ls[i].Start, n)
		ls[i].End = min(ls[i].End, n)
	}
	return ls
}

// run is one pass at tolerance tol; rescue (the last pass) never fails:
// when no active node can reach a break it starts a line there anyway.
func run(items []Item, o Options, tol float64, rescue bool, pool *nodePool) ([]Line, bool) {
	var sw, sy, sz float64 // sums of widths, stretch, shrink up to the current item
	sinf := 0
	active := []*node{pool.new(node{pos: -1})}
	var fresh []*node
	var best [4][4]*node // by fitness class and hyphen run, at one break
	width := o.Width
	for i := range items {
		it := &items[i]
		legal := false
		switch it.Kind {
		case Box:
			sw += it.Width
		case Glue:
			legal = i > 0 && items[i-1].Kind == Box
		case Penalty:
			legal = it.Penalty < Forbidden
		}
		if legal {
			forced := it.Kind == Penalty && it.Penalty <= Forced
			flagged := it.Kind == Penalty && it.Flagged
			pw := 0.0
			if it.Kind == Penalty {
				pw = it.Width
			}
			best = [4][4]*node{}
			found := false
			var dropped *node // the node deactivated here nearest (for rescue)
			kept := active[:0]
			for _, a := range active {
				l := sw - a.w + pw
				r := 0.0
				switch {
				case l < width:
					if sinf-a.inf > 0 {
						r = 0
					} else if st := sy - a.y + o.Ragged; st > 0 {
						r = (width - l) / st
					} else {
						r = math.Inf(1)
					}
				case l > width:
					if sh := sz - a.z; sh > 0 {
						r = (width - l) / sh
					} else {
						r = math.Inf(-1)
					}
				}
				if r < -1 || forced {
					// The latest: the line it starts is the shortest.
					if dropped == nil || a.pos > dropped.pos || (a.pos == dropped.pos && a.demerits < dropped.demerits) {
						dropped = a
					}
				} else {
					kept = append(kept, a)
				}
				if r < -1 || r > tol {
					continue
				}
				hy := 0
				if flagged {
					hy = a.hyphens + 1
					if hy > o.MaxHyphenRun {
						continue
					}
				}
				d := demerits(r, it, a, o, flagged)
				fc := fitness(r)
				if a.pos >= 0 && abs(fc-a.fitness) > 1 {
					d += o.Fitness
				}
				if forced && a.flagged {
					d += o.FinalHyphen
				}
				d += a.demerits
				if b := best[fc][hy]; b == nil || d < b.demerits {
					best[fc][hy] = pool.new(node{pos: i, line: a.line + 1, fitness: fc, hyphens: hy, demerits: d, ratio: r, prev: a, flagged: flagged})
					found = true
				}
			}
			active = kept
			if !found && rescue && len(active) == 0 && dropped != nil {
				// Nothing can reach here within any tolerance (a box wider
				// than the line): end a line here regardless.
				best[0][0] = pool.new(node{pos: i, line: dropped.line + 1, fitness: 1, demerits: dropped.demerits + 1e6, ratio: -1, prev: dropped, flagged: flagged})
				found = true
			}
			if found {
				// The sums after the break: glue and penalties that follow
				// up to the next box are dropped at a line's start.
				bw, by, bz, binf := sw, sy, sz, sinf
				for j := i; j < len(items); j++ {
					if items[j].Kind == Box || (items[j].Kind == Penalty && items[j].Penalty <= Forced && j > i) {
						break
					}
					if items[j].Kind == Glue {
						bw += items[j].Width
						by += items[j].Stretch
						bz += items[j].Shrink
						if items[j].InfStretch {
							binf++
						}
					}
				}
				fresh = fresh[:0]
				for f := range best {
					for h := range best[f] {
						if n := best[f][h]; n != nil {
							n.w, n.y, n.z, n.inf = bw, by, bz, binf
							fresh = append(fresh, n)
						}
					}
				}
				active = append(active, fresh...)
				if len(active) > o.MaxActive {
					active = prune(active, o.MaxActive)
				}
			}
			if len(active) == 0 {
				return nil, false
			}
		}
		if it.Kind == Glue {
			sw += it.Width
			sy += it.Stretch
			sz += it.Shrink
			if it.InfStretch {
				sinf++
			}
		}
	}
	// The last item is a forced break: the active nodes now all end there.
	var end *node
	for _, a := range active {
		if a.pos == len(items)-1 && (end == nil || a.demerits < end.demerits) {
			end = a
		}
	}
	if end == nil {
		return nil, false
	}
	var ls []Line
	for n := end; n.prev != nil; n = n.prev {
		ls = append(ls, Line{Start: n.prev.pos + 1, End: n.pos, Ratio: n.ratio})
	}
	for i, j := 0, len(ls)-1; i < j; i, j = i+1, j-1 {
		ls[i], ls[j] = ls[j], ls[i]
	}
	return ls, true
}

// prune keeps the max nodes of least demerits, in their order (the newest
// at a position are the cheapest there: dropping by demerits alone keeps
// the paths that can still win).
func prune(active []*node, max int) []*node {
	for len(active) > max {
		worst := 0
		for i, a := range active {
			if a.demerits > active[worst].demerits {
				worst = i
			}
		}
		active = append(active[:worst], active[worst+1:]...)
	}
	return active
}

func demerits(r float64, it *Item, a *node, o Options, flagged bool) float64 {
	// |r|³ as math.Pow(|r|, 3) gives it, bit for bit (it multiplies the
	// mantissa the same way, m·(m·m), and scales by a power of two), at
	// a twentieth of its cost: TestCubeAsPow.
	x := math.Abs(r)
	bad := 100 * (x * (x * x))
	if math.IsInf(bad, 0) || bad > 10000 {
		bad = 10000
	}
	d := o.LinePenalty + bad
	d *= d
	if it.Kind == Penalty {
		switch {
		case it.Penalty >= 0:
			d += it.Penalty * it.Penalty
		case it.Penalty > Forced:
			d -= it.Penalty * it.Penalty
		}
	}
	if flagged && a.flagged {
		d += o.DoubleHyphen
	}
	return d
}

// fitness is TeX's class of a line: tight, decent, loose, very loose.
func fitness(r float64) int {
	switch {
	case r < -0.5:
		return 0
	case r <= 0.5:
		return 1
	case r <= 1:
		return 2
	}
	return 3
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
