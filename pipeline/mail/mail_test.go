package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bulletin/pipeline/news"
)

func sample() Content {
	return Content{
		From: "Press Office <press@embassy.example>", To: "a@example.org",
		Subject: "Press Bulletin — June 2020",
		Date:    time.Date(2020, 7, 6, 0, 18, 0, 0, time.FixedZone("BST", 3600)),
		Text:    "June 2020: 6 items\n", HTML: "<p>June 2020: 6 items</p>\n",
		Attachments: []Attachment{
			{Name: "bulletin-2020-06.pdf", MediaType: "application/pdf", Data: bytes.Repeat([]byte("%PDF-1.7 "), 500)},
			{Name: "collection.epub", MediaType: "application/epub+zip", Data: []byte("PK\x03\x04 epub")},
		},
	}
}

func TestComposeDeterministic(t *testing.T) {
	a, err := Compose(sample())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compose(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the same content gave different bytes")
	}
	other := sample()
	other.To = "b@example.org"
	c, _ := Compose(other)
	if bytes.Equal(a, c) {
		t.Fatal("different recipients gave the same bytes")
	}
	msg, err := mail.ReadMessage(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Date"); got != "Mon, 06 Jul 2020 00:18:00 +0100" {
		t.Errorf("Date = %q", got)
	}
	if got := msg.Header.Get("Message-Id"); !strings.HasSuffix(got, "@embassy.example>") {
		t.Errorf("Message-ID = %q, want one at the sender's domain", got)
	}
	dec := new(mime.WordDecoder)
	if got, _ := dec.DecodeHeader(msg.Header.Get("Subject")); got != "Press Bulletin — June 2020" {
		t.Errorf("Subject = %q", got)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q: %v", mt, err)
	}
	outer := params["boundary"]
	mr := multipart.NewReader(msg.Body, outer)
	var names, types []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, ps, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ct == "multipart/alternative" {
			if ps["boundary"] == outer {
				t.Error("nested multipart reuses the outer boundary")
			}
			continue
		}
		if p.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Errorf("%s: not base64", p.FileName())
		}
		names = append(names, p.FileName())
		types = append(types, ct)
	}
	if strings.Join(names, " ") != "bulletin-2020-06.pdf collection.epub" ||
		strings.Join(types, " ") != "application/pdf application/epub+zip" {
		t.Errorf("attachments %v %v", names, types)
	}
}

func TestComposeRefusesNonASCIIName(t *testing.T) {
	c := sample()
	c.Attachments[0].Name = "бюллетень-2020-06.pdf"
	if _, err := Compose(c); err == nil || !strings.Contains(err.Error(), "ASCII") {
		t.Fatalf("err = %v, want a refusal naming ASCII", err)
	}
}

func TestCheckServer(t *testing.T) {
	for _, tt := range []struct {
		s  Server
		ok bool
	}{
		{Server{Addr: "smtp.example.org:587"}, true},
		{Server{Addr: "127.0.0.1:1025", Insecure: true}, true},
		{Server{Addr: "[::1]:1025", Insecure: true}, true},
		{Server{Addr: "localhost:1025", Insecure: true}, true},
		{Server{Addr: "smtp.example.org:25", Insecure: true}, false},
		{Server{Addr: "10.0.0.1:25", Insecure: true}, false},
		{Server{Addr: "localhost.evil.example:25", Insecure: true}, false},
		{Server{Addr: "smtp.example.org"}, false},
		{Server{Addr: "smtp.example.org:587", User: "u"}, false},
	} {
		err := CheckServer(tt.s)
		if (err == nil) != tt.ok {
			t.Errorf("CheckServer(%+v) = %v, want ok=%v", tt.s, err, tt.ok)
		}
	}
}

func TestRedactor(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name       string
		user, pass string
		msg        string
		want       string
	}{
		{"plain words", "press-user", "s3cret-pass", "535 auth failed for press-user with s3cret-pass",
			"535 auth failed for [redacted] with [redacted]"},
		{"echoed PLAIN token", "press-user", "s3cret-pass", "535 5.7.8 bad token " + b64("\x00press-user\x00s3cret-pass"),
			"535 5.7.8 bad token [redacted]"},
		{"PLAIN token without padding", "ab", "s3cret-pass-x", "535 " + strings.TrimRight(b64("\x00ab\x00s3cret-pass-x"), "="),
			"535 [redacted]"},
		{"echoed LOGIN password", "press-user", "s3cret-pass", "535 unknown " + b64("s3cret-pass"), "535 unknown [redacted]"},
		{"one-letter user does not garble", "a", "correct-horse-battery", "535 authentication failed: a bad password for a",
			"535 authentication failed: a bad password for a"},
		{"one-letter user inside words untouched", "e", "correct-horse-battery", "535 please retry later", "535 please retry later"},
		{"short password only whole", "press", "pw1", "535 pw1 rejected; pw12 is another word", "535 [redacted] rejected; pw12 is another word"},
		{"no credentials", "", "", "535 failed", "535 failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redactor(Server{User: tt.user, Password: tt.pass})(errors.New(tt.msg)).Error()
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestReadLog(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "sent-2020-06.log")
	if st, err := ReadLog(name); err != nil || len(st.Sent) != 0 {
		t.Fatalf("missing log: %v %v", st, err)
	}
	os.WriteFile(name, []byte("2026-01-01T00:00:00Z\tA@Example.org\t<x@y>\n"+
		"2026-01-01T00:00:01Z\tintent\tb@example.org\t<b@y>\n"+
		"2026-01-01T00:00:01Z\tsent\tb@example.org\t<b@y>\n"+
		"2026-01-01T00:00:02Z\tintent\tc@example.org\t<c@y>\n"+
		"2026-01-01T00:00:02Z\tintent\td@example.org\t<d@y>\n"+
		"2026-01-01T00:00:02Z\tdeferred\td@example.org\t<d@y>\t451 try later\n"+
		"2026-01-01T00:00:03Z\tintent\te@example.org\t<e@y>\n"+
		"2026-01-01T00:00:03Z\tse"), 0o644) // cut short by a crash
	st, err := ReadLog(name)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Sent["a@example.org"] || !st.Sent["b@example.org"] || len(st.Sent) != 2 {
		t.Errorf("sent = %v", st.Sent)
	}
	if st.Uncertain["c@example.org"] != "<c@y>" || st.Uncertain["e@example.org"] != "<e@y>" || len(st.Uncertain) != 2 {
		t.Errorf("uncertain = %v", st.Uncertain)
	}
	os.WriteFile(name, []byte("garbage\nmore\n"), 0o644)
	if _, err := ReadLog(name); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Fatalf("damaged log: err = %v, want one naming line 1", err)
	}
	os.WriteFile(name, []byte("2026-01-01T00:00:00Z\tmaybe\ta@example.org\t<x@y>\n"), 0o644)
	if _, err := ReadLog(name); err == nil || !strings.Contains(err.Error(), "maybe") {
		t.Fatalf("unknown event: err = %v", err)
	}
}

func TestSubject(t *testing.T) {
	cover := news.Cover{Title: "Press Bulletin", Publisher: "Embassy"}
	m := news.Month{Key: news.MonthKey{Year: 2020, Month: 6}, Title: "June 2020"}
	if s, err := Subject("", cover, m); err != nil || s != "Press Bulletin — June 2020" {
		t.Errorf("default: %q %v", s, err)
	}
	if s, err := Subject("{publisher}: {title} {month}", cover, m); err != nil || s != "Embassy: Press Bulletin 2020-06" {
		t.Errorf("template: %q %v", s, err)
	}
	if _, err := Subject("{title} {perod}", cover, m); err == nil || !strings.Contains(err.Error(), "{perod}") {
		t.Errorf("unknown placeholder: %v", err)
	}
}

// TestBodyPlurals: the item count takes its plural from the labels' Items
// template, in English and Russian, in the text and the HTML.
func TestBodyPlurals(t *testing.T) {
	en := news.Labels{Published: "Published", Items: "{item|items}", Undated: "Undated", Attached: "Attached"}
	ru := news.Labels{Published: "Опубликовано", Items: "{материал|материала|материалов}", Undated: "Без даты", Attached: "Вложения"}
	month := func(n int) news.Month {
		g := news.TypeGroup{Type: "news", Name: "News"}
		for i := 0; i < n; i++ {
			g.Items = append(g.Items, news.Item{Title: "Item", Date: news.Date{Year: 2020, Month: time.June, Day: 24}})
		}
		g.Items = g.Items[:n-1]
		g.Items = append(g.Items, news.Item{Title: "Undated item"})
		return news.Month{Key: news.MonthKey{Year: 2020, Month: time.June}, Title: "June 2020", Types: []news.TypeGroup{g}}
	}
	cover := news.Cover{Title: "Bulletin", Publisher: "Embassy", Published: "6 July 2020"}
	atts := []Attachment{{Name: "bulletin-2020-06.pdf", Data: []byte("%PDF")}}
	tests := []struct {
		lang   string
		labels news.Labels
		n      int
		want   []string
		absent []string
	}{
		{"en", en, 1, []string{"June 2020: 1 item\n", "Published: 6 July 2020", "Attached:", "- undated — Undated item"}, []string{"1 items"}},
		{"en", en, 3, []string{"June 2020: 3 items\n"}, nil},
		{"ru", ru, 1, []string{"June 2020: 1 материал\n", "Опубликовано: 6 July 2020", "Вложения:", "- без даты — Undated item"}, []string{"материалов"}},
		{"ru", ru, 3, []string{"June 2020: 3 материала\n"}, []string{"3 материалов"}},
		{"ru", ru, 5, []string{"June 2020: 5 материалов\n"}, nil},
		{"ru", ru, 21, []string{"June 2020: 21 материал\n"}, nil},
	}
	for _, tt := range tests {
		text, html := Body(cover, month(tt.n), tt.lang, tt.labels, atts)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s %d: text lacks %q:\n%s", tt.lang, tt.n, w, text)
			}
		}
		for _, w := range tt.absent {
			if strings.Contains(text, w) || strings.Contains(html, w) {
				t.Errorf("%s %d: body has %q:\n%s", tt.lang, tt.n, w, text)
			}
		}
		count := strings.TrimSuffix(strings.TrimPrefix(tt.want[0], "June 2020: "), "\n")
		if !strings.Contains(html, "June 2020: "+count+"</h2>") {
			t.Errorf("%s %d: HTML lacks %q:\n%s", tt.lang, tt.n, count, html)
		}
	}
}
