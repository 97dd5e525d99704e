package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"bulletin/layouts"
	"bulletin/pipeline/config"
	"bulletin/pipeline/outdir"
)

// Renderers keeps its outputs while the configuration and layout stay,
// makes new ones when either changes, and builds the very bytes Build
// does, the first time and with the kept outputs.
func TestRenderersKeptWhileSettingsStay(t *testing.T) {
	opts := exampleOptions(t)
	lay, err := layouts.Default()
	if err != nil {
		t.Fatal(err)
	}
	var rs Renderers
	first, err := rs.outputs(opts, lay)
	if err != nil {
		t.Fatal(err)
	}
	again, err := rs.outputs(opts, lay)
	if err != nil {
		t.Fatal(err)
	}
	if &first[0] != &again[0] {
		t.Error("the same settings made new outputs")
	}
	other := *opts.Config
	other.Title = "Another Bulletin"
	retitled := opts
	retitled.Config = &other
	if outs, err := rs.outputs(retitled, lay); err != nil || &outs[0] == &again[0] {
		t.Errorf("another configuration kept the outputs (%v)", err)
	}
	custom := t.TempDir()
	yaml, err := os.ReadFile("../layouts/default/layout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml = bytes.Replace(yaml, []byte("margin_top: 24"), []byte("margin_top: 30"), 1)
	if err := os.WriteFile(filepath.Join(custom, "layout.yaml"), yaml, 0o644); err != nil {
		t.Fatal(err)
	}
	lay2, err := layouts.Load(custom)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := rs.outputs(retitled, lay)
	if outs, err := rs.outputs(retitled, lay2); err != nil || &outs[0] == &before[0] {
		t.Errorf("another layout kept the outputs (%v)", err)
	}

	build := func(b func(Sink) (*Result, error)) string {
		t.Helper()
		dir := t.TempDir()
		stage := outdir.NewStage(dir)
		if _, err := b(stage); err != nil {
			stage.Abort()
			t.Fatal(err)
		}
		if err := stage.Commit(); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	opts.Config = config.Default()
	var kept Renderers
	want := build(func(s Sink) (*Result, error) { return Build(context.Background(), opts, lay, s) })
	for _, step := range []string{"new outputs", "kept outputs"} {
		got := build(func(s Sink) (*Result, error) { return kept.Build(context.Background(), opts, lay, s) })
		sameFolders(t, step, got, want)
	}
}
