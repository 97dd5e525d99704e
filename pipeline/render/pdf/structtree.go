package pdf

import (
	"bytes"
	"fmt"
	"strconv"
)

// structTree writes the tagger's record (tags.go) into the file during the
// post-processing pass: the structure elements, the StructTreeRoot with its
// parent tree, and the link annotations as objects of their own (an OBJR
// must point at an indirect object, and fpdf writes them inline in the
// page). New objects are numbered after fpdf's.
type structTree struct {
	tags *tagger
	next int // the first new object's number

	root   int              // the StructTreeRoot
	nums   map[*element]int // kept elements
	order  []*element       // kept elements, in object order
	annots [][]int          // by page-1: object numbers of its annotations
	keys   [][]int          // by page-1: StructParent keys of its annotations (-1: none)
	npages int
	pageOf map[int]int // page number → page object
	err    error
}

func newStructTree(tags *tagger) *structTree {
	return &structTree{tags: tags, nums: map[*element]int{}, pageOf: map[int]int{}}
}

// kept is true for an element with content somewhere below it: elements
// left empty (a paragraph of nothing) are not written.
func kept(el *element) bool {
	for _, k := range el.kids {
		if k.el == nil || kept(k.el) {
			return true
		}
	}
	return false
}

// reserve numbers the new objects from next on.
func (s *structTree) reserve(next int) {
	s.next = next
	s.root = next
	n := next + 1
	var walk func(el *element)
	walk = func(el *element) {
		if !kept(el) && el != s.tags.root {
			return
		}
		s.nums[el] = n
		s.order = append(s.order, el)
		n++
		for _, k := range el.kids {
			if k.el != nil {
				walk(k.el)
			}
		}
	}
	walk(s.tags.root)
	key := 0
	s.annots = make([][]int, len(s.tags.pageAnnots))
	s.keys = make([][]int, len(s.tags.pageAnnots))
	for p, els := range s.tags.pageAnnots {
		for _, el := range els {
			s.annots[p] = append(s.annots[p], n)
			n++
			if el != nil {
				s.keys[p] = append(s.keys[p], key)
				key++
			} else {
				s.keys[p] = append(s.keys[p], -1)
			}
		}
	}
}

// setPages takes the page objects, in page order.
func (s *structTree) setPages(pages map[int]int) {
	for obj, n := range pages {
		s.pageOf[n] = obj
	}
	s.npages = len(pages)
}

// catalogue entries that point at the tree.
func (s *structTree) catalogue() string {
	return "/StructTreeRoot " + strconv.Itoa(s.root) + " 0 R\n/MarkInfo << /Marked true >>\n"
}

// page adds /Tabs /S and /StructParents to page n (1-based) and moves its
// annotations out to the objects numbered for them.
func (s *structTree) page(n int, body []byte) []byte {
	var sb bytes.Buffer
	at := bytes.Index(body, []byte("/Annots ["))
	rest := body
	if at >= 0 {
		list := body[at+len("/Annots ["):]
		var refs bytes.Buffer
		i := 0
		for {
			list = bytes.TrimLeft(list, " \n")
			if len(list) == 0 || list[0] == ']' {
				break
			}
			end := dictEnd(list)
			if end < 0 || n-1 >= len(s.annots) || i >= len(s.annots[n-1]) {
				s.err = fmt.Errorf("pdf: tags: page %d has more link annotations than were recorded", n)
				return nil
			}
			fmt.Fprintf(&refs, "%d 0 R ", s.annots[n-1][i])
			i++
			list = list[end:]
		}
		if n-1 < len(s.annots) && i != len(s.annots[n-1]) {
			s.err = fmt.Errorf("pdf: tags: page %d has %d link annotations, %d recorded", n, i, len(s.annots[n-1]))
			return nil
		}
		sb.Write(body[:at])
		sb.WriteString("/Annots [")
		sb.Write(bytes.TrimSpace(refs.Bytes()))
		rest = list
	}
	end := bytes.LastIndex(rest, []byte(">>\nendobj"))
	if end < 0 {
		s.err = fmt.Errorf("pdf: tags: page %d: no end of dictionary", n)
		return nil
	}
	sb.Write(rest[:end])
	fmt.Fprintf(&sb, "\n/Tabs /S\n/StructParents %d", n-1)
	sb.Write(rest[end:])
	return sb.Bytes()
}

// annotations keeps the annotation dictionaries of a page (already fixed
// by the tidier) for added.
func (s *structTree) annotations(n int, body []byte) [][]byte {
	at := bytes.Index(body, []byte("/Annots ["))
	if at < 0 {
		return nil
	}
	list := body[at+len("/Annots ["):]
	var out [][]byte
	for {
		list = bytes.TrimLeft(list, " \n")
		if len(list) == 0 || list[0] == ']' {
			return out
		}
		end := dictEnd(list)
		if end < 0 {
			return out
		}
		out = append(out, list[:end])
		list = list[end:]
	}
}

// dictEnd is the length of the dictionary d starts with, strings skipped.
func dictEnd(d []byte) int {
	depth := 0
	for i := 0; i < len(d); i++ {
		switch d[i] {
		case '(':
			nest := 0
		str:
			for i++; i < len(d); i++ {
				switch d[i] {
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
		case '<':
			if i+1 < len(d) && d[i+1] == '<' {
				depth++
				i++
			}
		case '>':
			if i+1 < len(d) && d[i+1] == '>' {
				depth--
				i++
				if depth == 0 {
					return i + 1
				}
			}
		}
	}
	return -1
}

// objects writes the new objects, in number order: the root, the
// elements, the annotations (annots holds each page's dictionaries).
func (s *structTree) objects(annots map[int][][]byte) [][]byte {
	out := make([][]byte, 0, 1+len(s.order))
	var sb bytes.Buffer
	// The parent tree: each page's MCIDs, then each annotation.
	sb.WriteString("<</Type /StructTreeRoot /K " + strconv.Itoa(s.nums[s.tags.root]) + " 0 R /ParentTree <</Nums [")
	for p := 1; p <= s.npages; p++ {
		fmt.Fprintf(&sb, "%d [", p-1)
		if p-1 < len(s.tags.pageMCs) {
			for i, el := range s.tags.pageMCs[p-1] {
				if i > 0 {
					sb.WriteByte(' ')
				}
				fmt.Fprintf(&sb, "%d 0 R", s.nums[el])
			}
		}
		sb.WriteString("] ")
	}
	keys := 0
	for p, els := range s.tags.pageAnnots {
		for i, el := range els {
			if el != nil {
				fmt.Fprintf(&sb, "%d %d 0 R ", s.npages+s.keys[p][i], s.nums[el])
				keys++
			}
		}
	}
	fmt.Fprintf(&sb, "]>> /ParentTreeNextKey %d>>", s.npages+keys)
	out = append(out, obj(s.root, sb.Bytes()))

	for _, el := range s.order {
		sb.Reset()
		sb.WriteString("<</Type /StructElem /S /" + el.role + " /P ")
		if el.parent == nil {
			sb.WriteString(strconv.Itoa(s.root))
		} else {
			sb.WriteString(strconv.Itoa(s.nums[el.parent]))
		}
		sb.WriteString(" 0 R")
		if el.role == "Figure" {
			sb.WriteString(" /Alt " + textString(el.alt))
		}
		if el.actual != "" {
			sb.WriteString(" /ActualText " + textString(el.actual))
		}
		if el.lang != "" {
			sb.WriteString(" /Lang " + textString(el.lang))
		}
		if el.scope != "" {
			sb.WriteString(" /A <</O /Table /Scope /" + el.scope + ">>")
		}
		sb.WriteString(" /K [")
		for _, k := range el.kids {
			switch {
			case k.el != nil:
				if n, ok := s.nums[k.el]; ok {
					fmt.Fprintf(&sb, "%d 0 R ", n)
				}
			case k.annot >= 0:
				fmt.Fprintf(&sb, "<</Type /OBJR /Pg %d 0 R /Obj %d 0 R>> ", s.pageOf[k.page], s.annots[k.page-1][k.annot])
			default:
				fmt.Fprintf(&sb, "<</Type /MCR /Pg %d 0 R /MCID %d>> ", s.pageOf[k.page], k.mcid)
			}
		}
		sb.WriteString("]>>")
		out = append(out, obj(s.nums[el], sb.Bytes()))
	}

	for p := range s.annots {
		dicts := annots[p+1]
		for i, num := range s.annots[p] {
			if i >= len(dicts) {
				s.err = fmt.Errorf("pdf: tags: page %d lost an annotation", p+1)
				return nil
			}
			d := dicts[i]
			extra := fmt.Sprintf(" /P %d 0 R", s.pageOf[p+1])
			if k := s.keys[p][i]; k >= 0 {
				extra += fmt.Sprintf(" /StructParent %d", s.npages+k)
			}
			d = append(append(append([]byte{}, d[:len(d)-2]...), extra...), ">>"...)
			out = append(out, obj(num, d))
		}
	}
	return out
}

func obj(num int, body []byte) []byte {
	b := make([]byte, 0, len(body)+32)
	b = strconv.AppendInt(b, int64(num), 10)
	b = append(b, " 0 obj\n"...)
	b = append(b, body...)
	return append(b, "\nendobj\n"...)
}
