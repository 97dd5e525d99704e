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

	// into builds through b into dir as the CLI does: staged, committed.
	into := func(dir string, b func(Sink) (*Result, error)) string {
		t.Helper()
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
	build := func(b func(Sink) (*Result, error)) string { return into(t.TempDir(), b) }
	opts.Config = config.Default()
	var kept Renderers
	want := build(func(s Sink) (*Result, error) { return Build(context.Background(), opts, lay, s) })
	for _, step := range []string{"new outputs", "kept outputs"} {
		got := build(func(s Sink) (*Result, error) { return kept.Build(context.Background(), opts, lay, s) })
		sameFolders(t, step, got, want)
	}

	// As serve builds: into the same folder, after an edit, through the
	// kept renderers; the same bytes as a clean build of the edited
	// sources.
	src := t.TempDir()
	md := func(body string) {
		t.Helper()
		doc := "---\ntitle: \"A statement\"\ndate: 2024-01-10\ntype: statement\n---\n\n" + body + "\n"
		if err := os.WriteFile(filepath.Join(src, "a.md"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	md("The first text.")
	opts.Sources, opts.SourcesDir = os.DirFS(src), "sources"
	served := t.TempDir()
	var serve Renderers
	through := func(s Sink) (*Result, error) { return serve.Build(context.Background(), opts, lay, s) }
	into(served, through)
	md("The text, corrected.")
	into(served, through)
	clean := build(func(s Sink) (*Result, error) { return Build(context.Background(), opts, lay, s) })
	sameFolders(t, "an edit built through kept renderers", served, clean)
}
