package pipeline

import (
	"context"
	"io"
	"testing"
	"testing/fstest"
	"time"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/render"
)

// BenchmarkBulletinFixedCost renders a month of one short item with each
// monthly output: what every bulletin pays whatever its length (fonts,
// cover, document furniture). An archive of 72 months pays it 72 times.
// Beside the wall clock it reports the process's CPU time per render
// (cpu-ms/op), steadier on a machine shared with other work.
func BenchmarkBulletinFixedCost(b *testing.B) {
	md := "---\ntitle: One short statement\ndate: 2024-05-02\ntype: statement\n---\n\nA short body of one sentence.\n"
	opts := Options{Config: config.Default(), Sources: fstest.MapFS{"a.md": {Data: []byte(md)}}, SourcesDir: "sources",
		Published: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}
	cat, err := Collect(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	lay, err := layouts.Default()
	if err != nil {
		b.Fatal(err)
	}
	outs, err := Outputs(opts.Config, lay)
	if err != nil {
		b.Fatal(err)
	}
	ed := cat.edition(opts, cat.Months, nil)
	for _, o := range outs {
		if o.Scope != render.Monthly {
			continue
		}
		b.Run(o.MediaType[len("application/"):], func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := o.Renderer.Render(context.Background(), io.Discard, ed); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}
