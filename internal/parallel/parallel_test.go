package parallel

import (
	"context"
	"sync/atomic"
	"testing"
)

func TestForCallsEachIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		counts := make([]atomic.Int32, n)
		For(context.Background(), n, func(i int) { counts[i].Add(1) })
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
}

func TestForStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	For(ctx, 100000, func(int) {
		if calls.Add(1) == 10 {
			cancel()
		}
	})
	// Work already handed out finishes; no more is started after the cancel.
	if c := calls.Load(); c >= 100000 || c < 10 {
		t.Fatalf("%d calls after cancelling at the 10th", c)
	}
}
