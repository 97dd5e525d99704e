package normalise

import (
	"context"
	"errors"
	"strings"
	"testing"

	"bulletin/pipeline/config"
	"bulletin/pipeline/news"
)

func TestFlattenDeepNesting(t *testing.T) {
	deep := strings.Repeat("- ", MaxNesting+5) + "deep\n"
	tests := []struct {
		name, in string
		line     int
		depth    int // markers left on the cut line
	}{
		{"ordinary list", "- a\n  - b\n", 0, 1},
		{"at the limit", strings.Repeat("- ", MaxNesting) + "x\n", 0, MaxNesting},
		{"one over", "Text.\n" + strings.Repeat("> ", MaxNesting+1) + "x\n", 2, MaxNesting},
		{"far over", deep, 1, MaxNesting},
		{"numbered", strings.Repeat("1. ", MaxNesting+3) + "x\n", 1, MaxNesting},
		{"not markers", strings.Repeat("-x ", 100) + "\n", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, line := flattenDeepNesting(tt.in)
			if line != tt.line {
				t.Fatalf("first cut line %d, want %d", line, tt.line)
			}
			if line == 0 {
				if out != tt.in {
					t.Errorf("a body within the limit changed: %q", out)
				}
				return
			}
			cut := strings.SplitAfter(out, "\n")[line-1]
			if _, n := containerPrefix(cut); n != tt.depth {
				t.Errorf("cut line has %d markers, want %d: %q", n, tt.depth, cut)
			}
			if !strings.HasSuffix(strings.TrimSpace(cut), strings.TrimSpace(strings.TrimLeft(tt.in[strings.LastIndexAny(tt.in[:len(tt.in)-1], " ")+1:], " "))) {
				t.Errorf("the text after the markers was lost: %q", cut)
			}
		})
	}
}

// Ctrl-C reaches normalising: a cancelled context stops it with ctx's error.
func TestItemsContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	items := []news.Item{{Title: "A statement", Body: "Text.", Origins: []news.Origin{{File: "a.md", Line: 1}}}}
	if _, _, err := New(config.Default()).ItemsContext(ctx, items); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if out, _, err := New(config.Default()).ItemsContext(context.Background(), items); err != nil || len(out) != 1 {
		t.Errorf("not cancelled: %d items, %v", len(out), err)
	}
}
