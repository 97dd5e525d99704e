package counter

import (
	"strings"
	"testing"
	"time"

	"bulletin/pipeline/news"
)

func timeMonth(m int) time.Month { return time.Month(m) }

func date(y, m, d int) news.Date { return news.Date{Year: y, Month: timeMonth(m), Day: d} }

func TestSentence(t *testing.T) {
	salisbury := news.Counter{Key: "the salisbury incident", Origin: date(2018, 3, 4),
		Template: "{n} {day|days} {has|have} passed since the Salisbury incident"}
	tests := []struct {
		asOf news.Date
		want string
	}{
		{date(2020, 7, 6), "855 days have passed since the Salisbury incident"},
		{date(2020, 8, 1), "881 days have passed since the Salisbury incident"},
		{date(2018, 3, 5), "1 day has passed since the Salisbury incident"},
		{date(2018, 3, 4), "0 days have passed since the Salisbury incident"},
	}
	for _, tt := range tests {
		if got := Sentence(salisbury, tt.asOf); got != tt.want {
			t.Errorf("Sentence as of %v = %q, want %q", tt.asOf, got, tt.want)
		}
	}
}

func TestFillRussian(t *testing.T) {
	tpl := "Прошло {n} {день|дня|дней} с инцидента в Солсбери"
	for n, want := range map[int]string{1: "день", 2: "дня", 4: "дня", 5: "дней", 11: "дней", 12: "дней", 21: "день", 22: "дня", 111: "дней", 855: "дней", 873: "дня"} {
		got := Fill(tpl, n)
		if !strings.Contains(got, " "+want+" ") {
			t.Errorf("Fill(%d) = %q, want form %q", n, got, want)
		}
	}
}

func TestMerge(t *testing.T) {
	cfg := news.Counter{Key: "a", Origin: date(2018, 3, 4), From: news.Origin{File: "bulletin.yaml", Line: 3}}
	sightA := news.Counter{Key: "a", Origin: date(2018, 3, 5), From: news.Origin{File: "x.txt", Line: 8}}
	sightB1 := news.Counter{Key: "b", Origin: date(2018, 3, 12), From: news.Origin{File: "x.txt", Line: 8}}
	sightB2 := news.Counter{Key: "b", Origin: date(2018, 3, 12), From: news.Origin{File: "y.txt", Line: 9}}
	got, problems := Merge([]news.Counter{cfg}, []news.Counter{sightA, sightB1, sightB2})
	if len(got) != 2 {
		t.Fatalf("got %d counters, want 2 (one per event): %+v", len(got), got)
	}
	if got[0].Origin != cfg.Origin {
		t.Errorf("configuration must win: origin %v", got[0].Origin)
	}
	if len(problems) != 1 || problems[0].At.File != "x.txt" || !strings.Contains(problems[0].Msg, "wins") {
		t.Errorf("want one warning about the disagreeing sighting, got %v", problems)
	}
}
