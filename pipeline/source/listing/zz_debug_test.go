package listing

import (
	"fmt"
	"os"
	"testing"
)

func TestDebugDump(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(f)
	c, ps := Parse(f, data)
	fmt.Println(c.Date, c.DateLine, c.Clocks, c.Contact)
	for _, x := range c.Counters {
		fmt.Printf("%+v\n", x)
	}
	for _, e := range c.Entries {
		fmt.Printf("== %d %v %v %q\n", e.Line, e.Date, e.Featured, e.Title)
		for _, b := range e.Blocks {
			tx := []rune(b.Text)
			if len(tx) > 60 {
				tx = tx[:60]
			}
			fmt.Printf("   %d %v %q\n", b.Line, b.Kind, string(tx))
		}
	}
	for _, p := range ps {
		fmt.Println(p)
	}
}
