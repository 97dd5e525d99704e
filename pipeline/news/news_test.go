package news

import (
	"fmt"
	"testing"
	"time"
)

func TestDaysUntil(t *testing.T) {
	tests := []struct {
		from, to Date
		want     int
	}{
		{Date{2018, time.March, 4}, Date{2020, time.July, 6}, 855},
		{Date{2018, time.March, 4}, Date{2020, time.August, 1}, 881},
		{Date{2020, time.July, 6}, Date{2018, time.March, 4}, -855},
		{Date{2020, time.February, 28}, Date{2020, time.March, 1}, 2},
		{Date{1900, time.February, 28}, Date{1900, time.March, 1}, 1},
		{Date{1970, time.January, 1}, Date{1970, time.January, 1}, 0},
		// Beyond time.Duration's 292 years, which once saturated at 106751.
		{Date{1, time.January, 1}, Date{2020, time.July, 6}, 737611}, // Python: (date(2020,7,6)-date(1,1,1)).days,
		{Date{1600, time.January, 1}, Date{2020, time.January, 1}, 153402},
		{Date{-6193, time.March, 1}, Date{-6193, time.March, 1}, 0},
	}
	for _, tt := range tests {
		if got := tt.from.DaysUntil(tt.to); got != tt.want {
			t.Errorf("%v → %v: %d days, want %d", tt.from, tt.to, got, tt.want)
		}
	}
	// Round trips through AddDays, across the old limit.
	base := Date{2020, time.July, 6}
	for _, n := range []int{1, 400, 106751, 106752, 3000000} {
		if got := base.AddDays(-n).DaysUntil(base); got != n {
			t.Errorf("AddDays(-%d) then DaysUntil = %d", n, got)
		}
	}
}

// Date.String writes what fmt's %04d-%02d-%02d would, for every date,
// the odd ones too (the zero date, a year BC, a runaway year).
func TestDateString(t *testing.T) {
	for _, d := range []Date{{}, {2020, time.July, 6}, {9, 1, 2}, {9999, 12, 31}, {10000, 1, 1}, {-1, 12, 31}, {2020, 0, 0}, {2020, 13, 100}, {2020, -1, 5}} {
		if got, want := d.String(), fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day); got != want {
			t.Errorf("Date%v.String() = %q, want %q", [3]int{d.Year, int(d.Month), d.Day}, got, want)
		}
	}
}
