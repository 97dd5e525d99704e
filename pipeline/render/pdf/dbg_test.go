package pdf

import (
	"os"
	"strings"
	"testing"
)

func TestDbgWidth(t *testing.T) {
	ed := testEdition()
	ed.Months[0].Types = ed.Months[0].Types[:1]
	ed.Months[0].Types[0].Items = ed.Months[0].Types[0].Items[:1]
	ed.Months[0].Types[0].Items[0].Body = "Short. " + strings.Repeat("x", 300) + "\n\n" + strings.Repeat("x", 300)
	data, _ := render(t, newRenderer(t), ed)
	os.WriteFile("/tmp/pdfcheck/dbg.pdf", data, 0o644)
}
