package news

// markupWeight is what a byte of markup (a heading mark, an emphasis or
// link delimiter…) weighs against a byte of text, and lineWeight what a
// line break weighs: each line may open a block (a list item, a heading,
// a table row), which becomes a node, boxes and tags. Measured on whole
// builds of a month at the limit (the bodies of BenchmarkHostile): with
// these weights, a month of "- item" lines, "# h" lines, table rows or
// "_*" needs no more memory than a month of prose of the same weight.
const (
	markupWeight = 10
	lineWeight   = 64
)

// Weight is what an item costs to lay out, in bytes of prose: its title,
// summary and body, with markup and lines counted heavier. The build
// refuses a month heavier than its limit (limits.month_mb); items are
// weighed as they are prepared, and the weight kept with them.
func Weight(it Item) int64 { return weigh(it.Title) + weigh(it.Summary) + weigh(it.Body) }

func weigh(s string) int64 {
	n := int64(len(s))
	extra := weightExtra()
	for i := 0; i < len(s); i++ {
		n += int64(extra[s[i]])
	}
	return n
}

// weightExtra is what each byte weighs beyond its own: a table rather
// than a switch, as a clean build weighs the whole archive's text (a
// tenth of a second for ten years).
func weightExtra() [256]int8 {
	var t [256]int8
	t['\n'] = lineWeight - 1
	for _, c := range []byte("#*_[]`<>|!~&") {
		t[c] = markupWeight - 1
	}
	return t
}
