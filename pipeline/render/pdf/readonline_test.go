package pdf

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"bulletin/pipeline/news"
)

// The "Read online:" line at an item's end stays whole on one page, label
// and address together: items of every length put it at every height of
// a page, the foot included, and its address wraps to three lines more.
func TestReadOnlineKeptWithItsAddress(t *testing.T) {
	var items []news.Item
	for k := 1; k <= 36; k++ {
		var body strings.Builder
		for p := range k {
			fmt.Fprintf(&body, "Paragraph %d of item %d.\n\n", p+1, k)
		}
		it := itemWithBody(fmt.Sprintf("Item %d", k), body.String())
		it.ID = fmt.Sprintf("i%d", k)
		it.URL = fmt.Sprintf("https://www.example.org/press/2020/06/%02d/a-very-long-address-for-the-item-that-wraps-onto-a-second-line-of-its-own/%s", k, strings.Repeat("x", 200))
		items = append(items, it)
	}
	data, _ := render(t, newRenderer(t), testEdition(items...))
	if keep := os.Getenv("PDF_KEEP"); keep != "" {
		_ = os.WriteFile(keep, data, 0o644)
	}
	pages := strings.Split(pdfText(t, data), "\f")
	found := 0
	for n, page := range pages {
		lines := strings.Split(strings.TrimSpace(page), "\n")
		for i, l := range lines {
			if !strings.Contains(l, "Read online:") {
				continue
			}
			found++
			rest := strings.Join(lines[i:], "")
			rest = strings.ReplaceAll(strings.ReplaceAll(rest, " ", ""), "Readonline:", "")
			if !strings.Contains(l, "https://") {
				t.Errorf("page %d: the label alone on its line: %q", n+1, l)
			}
			if !strings.Contains(rest, "https://www.example.org/press/2020/06/") || !strings.Contains(rest, "/"+strings.Repeat("x", 200)) {
				t.Errorf("page %d: \"Read online:\" without its whole address on the page:\n%s", n+1, strings.Join(lines[max(0, i-1):], "\n"))
			}
		}
	}
	if found < 36 {
		t.Errorf("%d \"Read online:\" lines found, want 36", found)
	}
}
