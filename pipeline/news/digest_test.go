package news

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func digestMonth() Month {
	it := Item{
		ID: "id", Title: "Title", Date: Date{2024, time.March, 5}, DatedBy: DatedByCapture, Type: "statement",
		TypeExplicit: true, Summary: "Summary", Body: "Body", Lang: "en", URL: "https://example.org/a",
		Authors: []string{"A. Author"}, Tags: []string{"tag"}, Origins: []Origin{{File: "sources/a.md", Line: 3}},
		Dir: "sub", Images: []Image{{Src: "img/a.png", Name: "sub/img/a.png", MediaType: "image/png", Data: []byte{1, 2, 3}, Width: 4, Height: 5}},
	}
	return Month{Key: MonthKey{2024, time.March}, Title: "March 2024", Types: []TypeGroup{{Type: "statement", Name: "Statements", Items: []Item{it}}}}
}

// TestDigestSeesEveryField: changing any field a month holds (but Sum,
// the digest itself) changes its digest; the fields are found by
// reflection, so a field added to Item and forgotten by Digest fails here.
func TestDigestSeesEveryField(t *testing.T) {
	base := digestMonth().Digest()
	var visit func(path string, get func(m *Month) reflect.Value)
	visit = func(path string, get func(m *Month) reflect.Value) {
		m := digestMonth()
		v := get(&m)
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).Name == "Sum" {
					continue
				}
				visit(path+"."+v.Type().Field(i).Name, func(m *Month) reflect.Value { return get(m).Field(i) })
			}
			return
		case reflect.Slice:
			if v.Type().Elem().Kind() != reflect.Uint8 {
				visit(path+"[0]", func(m *Month) reflect.Value { return get(m).Index(0) })
			}
			// One more element, or none, must show too.
			m2 := digestMonth()
			s := get(&m2)
			s.Set(reflect.Append(s, reflect.Zero(s.Type().Elem())))
			if m2.Digest() == base {
				t.Errorf("%s: an element added, the digest did not change", path)
			}
			m3 := digestMonth()
			s = get(&m3)
			s.Set(reflect.Zero(s.Type()))
			if m3.Digest() == base {
				t.Errorf("%s: emptied, the digest did not change", path)
			}
			return
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Int, reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Bool:
			v.SetBool(!v.Bool())
		default:
			t.Fatalf("%s: a field of kind %s: teach the test (and Digest) about it", path, v.Kind())
		}
		if m.Digest() == base {
			t.Errorf("%s changed, the digest did not", path)
		}
	}
	visit("Month", func(m *Month) reflect.Value { return reflect.ValueOf(m).Elem() })
}

// The digest is the same from run to run (it keys caches on disk) and
// tells apart months whose fields run together differently.
func TestDigestStableAndDistinct(t *testing.T) {
	// Computed once; a change means every cache keyed by digests is
	// dropped: change digestFormat with the recipe, then this value.
	const want = "b6cbf0384360d7778998bb402e637ebbe57e85f5f51f26d448c8529c0af0b414"
	if got := digestMonth().Digest(); got != want {
		t.Errorf("digest %s, want %s", got, want)
	}
	a, b := digestMonth(), digestMonth()
	a.Types[0].Items[0].Title, a.Types[0].Items[0].Summary = "TitleS", "ummary"
	if a.Digest() == b.Digest() {
		t.Error("a letter moved from the summary to the title: same digest")
	}
	c, d := digestMonth(), digestMonth()
	c.Types[0].Items[0].Tags = []string{"a", "b"}
	d.Types[0].Items[0].Tags = []string{"a"}
	d.Types[0].Items[0].Authors = append(d.Types[0].Items[0].Authors, "b")
	if c.Digest() == d.Digest() {
		t.Error("a word moved from the tags to the authors: same digest")
	}
	set := digestMonth()
	set.SetDigest(nil)
	if set.Sum != b.Digest() {
		t.Errorf("SetDigest %s, Digest %s", set.Sum, b.Digest())
	}
}

// Long fields and image data are hashed as they are, short fields through
// a buffer: pinned too (the buffered recipe was first checked to give the
// value of the recipe that wrote every field to the hash on its own).
func TestDigestOfLongFields(t *testing.T) {
	m := digestMonth()
	it := &m.Types[0].Items[0]
	it.Body = strings.Repeat("A long paragraph of the body. ", 200)
	it.Summary = strings.Repeat("s", 1023) // one short of hashed as it is
	it.Images[0].Data = bytes.Repeat([]byte{7, 8, 9}, 1000)
	it.Tags = []string{strings.Repeat("t", 1024)}
	const longDigest = "f71413a1ec68665f87629620aabbec1ef39c7991f6334ac8ef68620baee9558c"
	if got := m.Digest(); got != longDigest {
		t.Errorf("digest %s, want %s", got, longDigest)
	}
}

// SetDigest with the sums worked out beforehand gives Digest's value; a
// sum that is not the item's TextSum gives another (the sums are trusted,
// so whoever passes them must keep them right: see normalise.Finish).
func TestSetDigestWithSums(t *testing.T) {
	m := digestMonth()
	m.Types[0].Items[0].Body = strings.Repeat("Body text. ", 500)
	want := m.Digest()
	sums := map[string][32]byte{}
	for _, it := range m.Types[0].Items {
		sums[it.ID] = TextSum(it)
	}
	m.SetDigest(func(it Item) [32]byte { return sums[it.ID] })
	if m.Sum != want {
		t.Errorf("SetDigest with the sums %s, Digest %s", m.Sum, want)
	}
	m.SetDigest(func(Item) [32]byte { return [32]byte{1} })
	if m.Sum == want {
		t.Error("another text sum gives the same digest")
	}
}
