package pipeline

import (
	"context"
	"fmt"

	"bulletin/layouts"
	"bulletin/pipeline/render"
)

// Renderers keeps the outputs a build renders through from one build to
// the next of the same process (bulletin serve), while the configuration
// and the layout stay the same: their fonts, hyphenation patterns and
// cover art are parsed once, not at every save (a fifth of a rebuild's
// CPU after one edit of a 5,000-item archive). A change to either makes
// them again. The zero value is ready; one build at a time. A nil
// *Renderers builds as Build does.
type Renderers struct {
	key  string
	outs []render.Output
}

// Build is Build through r's outputs.
func (r *Renderers) Build(ctx context.Context, opts Options, lay *layouts.Layout, sink Sink) (*Result, error) {
	if r == nil {
		return Build(ctx, opts, lay, sink)
	}
	return build(ctx, opts, lay, func() ([]render.Output, error) { return r.outputs(opts, lay) }, sink)
}

// outputs are the last build's when its configuration and layout were
// these, else new ones.
func (r *Renderers) outputs(opts Options, lay *layouts.Layout) ([]render.Output, error) {
	conf, err := configJSON(opts)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	layout, err := lay.Fingerprint()
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	key := layout + "\x00" + string(conf)
	if r.outs != nil && key == r.key {
		return r.outs, nil
	}
	outs, err := Outputs(opts.Config, lay)
	if err != nil {
		return nil, err
	}
	r.key, r.outs = key, outs
	return outs, nil
}
