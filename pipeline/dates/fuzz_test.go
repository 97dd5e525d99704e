package dates

import (
	"testing"
	"time"

	"bulletin/pipeline/news"
)

// FuzzParse: any text either parses to a valid calendar day or is refused;
// it never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"24.06.2020", "6 July 2020", "3rd June 2015", "July 6, 2020", "6 июля 2020 г.",
		"2020-07-06T23:30:00Z", "Tue, 7 Aug 2012 22:00:00 EST", "31.02.2020", "2015-03-17 14:00:00 -4", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s, time.UTC)
		if err != nil {
			return
		}
		if _, err := news.MakeDate(d.Year, d.Month, d.Day); err != nil {
			t.Errorf("Parse(%q) = %v, not a real day: %v", s, d, err)
		}
	})
}
