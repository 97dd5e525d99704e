package dates

import (
	"errors"
	"strings"
	"testing"
	"time"

	"bulletin/pipeline/news"
)

func TestParse(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want news.Date
	}{
		{"24.06.2020", news.Date{Year: 2020, Month: 6, Day: 24}},
		{"6 July 2020", news.Date{Year: 2020, Month: 7, Day: 6}},
		{"3rd June 2015", news.Date{Year: 2015, Month: 6, Day: 3}},
		{"July 6, 2020", news.Date{Year: 2020, Month: 7, Day: 6}},
		{"6 июля 2020", news.Date{Year: 2020, Month: 7, Day: 6}},
		{"6 июля 2020 г.", news.Date{Year: 2020, Month: 7, Day: 6}},
		{"2020-07-06", news.Date{Year: 2020, Month: 7, Day: 6}},
		{"2020-07-06T23:30:00Z", news.Date{Year: 2020, Month: 7, Day: 7}}, // BST: 00:30 next day
		{"2020-07-06T10:53:35", news.Date{Year: 2020, Month: 7, Day: 6}},
		{"Mon, 06 Jul 2020 23:30:00 +0000", news.Date{Year: 2020, Month: 7, Day: 7}},
		{"Tue, 7 Aug 2012 22:00:00 EST", news.Date{Year: 2012, Month: 8, Day: 8}},
		{"Thu, 05 Jan 2012 20:00:00 GMT", news.Date{Year: 2012, Month: 1, Day: 5}},
		{"  2016-08-04 ", news.Date{Year: 2016, Month: 8, Day: 4}},
		// The longest forms, well inside maxDateBytes; padding is collapsed.
		{"15 сентября 2020 года", news.Date{Year: 2020, Month: 9, Day: 15}},
		{"2020-07-06T10:53:35.123456789+03:00", news.Date{Year: 2020, Month: 7, Day: 6}},
		{"September 15th,   2020" + strings.Repeat(" ", 100), news.Date{Year: 2020, Month: 9, Day: 15}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in, london)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	long := "6 July 2020 " + strings.Repeat("and a paragraph that goes on ", 3)
	for _, in := range []string{"", "all messages", "31.02.2020", "2020-13-01", "32 July 2020", "6 Smarch 2020", long} {
		t.Run(in, func(t *testing.T) {
			if d, err := Parse(in, time.UTC); err == nil {
				t.Errorf("Parse(%q) = %v, want an error", in, d)
			}
		})
	}
	if _, err := Parse("31.02.2020", time.UTC); errors.Is(err, ErrNoDate) {
		t.Errorf("an impossible day must say why, not just ErrNoDate: %v", err)
	}
}

func TestFormat(t *testing.T) {
	d := news.Date{Year: 2020, Month: 7, Day: 6}
	if got := Format(d, "en"); got != "6 July 2020" {
		t.Errorf("en: %q", got)
	}
	if got := Format(d, "ru"); got != "6 июля 2020" {
		t.Errorf("ru: %q", got)
	}
	if got := MonthTitle(news.MonthKey{Year: 2020, Month: 6}, "ru"); got != "Июнь 2020" {
		t.Errorf("ru month: %q", got)
	}
}
