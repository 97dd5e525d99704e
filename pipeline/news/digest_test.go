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
	const want = "680824f4dd1380128c7ce26ded2081ad0d50b5b9cf698f4d72e0d7d31f4e158c"
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
	set.SetDigest()
	if set.Sum != b.Digest() {
		t.Errorf("SetDigest %s, Digest %s", set.Sum, b.Digest())
	}
}

// Long texts and image data are hashed as they are, short fields through
// a buffer: the bytes hashed, so the digest, are the same as when every
// field went into the hash on its own (the value below was computed so).
func TestDigestOfLongFields(t *testing.T) {
	m := digestMonth()
	it := &m.Types[0].Items[0]
	it.Body = strings.Repeat("A long paragraph of the body. ", 200)
	it.Summary = strings.Repeat("s", 1023) // one short of hashed as it is
	it.Images[0].Data = bytes.Repeat([]byte{7, 8, 9}, 1000)
	it.Tags = []string{strings.Repeat("t", 1024)}
	const longDigest = "f6691c83a824b154b901200739181c8eeede2554d9e235c6732e89c66a73c987"
	if got := m.Digest(); got != longDigest {
		t.Errorf("digest %s, want %s", got, longDigest)
	}
}
