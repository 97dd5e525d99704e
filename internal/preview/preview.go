// Package preview is `bulletin serve`: it serves the output folder on
// loopback, watches the inputs with fsnotify, rebuilds after a burst of
// changes settles, and tells open pages to reload through server-sent
// events. A build with problems leaves the last good outputs in place; the
// pages then show the problems (file:line: …) on an overlay until a build
// succeeds again.
//
// The build itself is a function the caller gives (Builder), so a faster
// or incremental build plugs in without touching the server.
package preview

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Builder rebuilds the outputs into the served folder. It returns the
// problems that stopped it (each "file:line: …" when the input has a
// place), or none when the outputs were replaced. It must leave the last
// good outputs in place when it fails.
type Builder func(ctx context.Context) []string

// Server serves Dir and rebuilds it when Watch changes.
type Server struct {
	Dir   string   // the output folder
	Start string   // the page "/" leads to, relative to Dir: "site/index.html"
	Watch []string // files and folders whose changes rebuild; folders are watched with their subfolders
	// Ignore is a folder whose changes never rebuild: the output folder,
	// when it is inside a watched one.
	Ignore   string
	Build    Builder
	Debounce time.Duration // quiet time after the last change before a rebuild; DefaultDebounce when zero
	Log      io.Writer

	mu       sync.Mutex
	version  int           // counts finished builds; pages reload when it moves
	problems []string      // of the last build; empty when it succeeded
	bumped   chan struct{} // closed, and replaced, when version moves: wakes the event streams
	changed  chan struct{}
	builds   chan struct{} // receives after each build, for tests
}

// DefaultDebounce lets an editor's burst of writes (save, rename, backup)
// become one rebuild. An editor's burst comes within a few milliseconds;
// the quiet time is part of every save-to-reload delay (300 ms at most is
// the aim), so it is kept short: 150 ms was half of that budget.
const DefaultDebounce = 40 * time.Millisecond

// eventsPath is the server-sent events stream the pages listen to.
const eventsPath = "/_bulletin/events"

// Serve builds once, then serves on ln until ctx is done, rebuilding on
// changes. It returns nil when stopped through ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.Log == nil {
		s.Log = io.Discard
	}
	if s.Debounce <= 0 {
		s.Debounce = DefaultDebounce
	}
	s.changed = make(chan struct{}, 1)
	s.bumped = make(chan struct{})
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("preview: watch: %w", err)
	}
	defer w.Close()
	for _, p := range s.Watch {
		if err := s.add(w, p); err != nil {
			return err
		}
	}
	s.rebuild(ctx)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.watch(ctx, w) }()
	go func() { defer wg.Done(); s.rebuildLoop(ctx) }()

	srv := &http.Server{Handler: s.Handler(ctx), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err = <-served:
	case <-ctx.Done():
		// Event streams end with ctx (BaseContext), so Shutdown does not
		// wait for them.
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = srv.Shutdown(sctx)
		scancel()
	}
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("preview: serve: %w", err)
	}
	return nil
}

// add watches p: a file through its folder (editors replace files by
// renaming, which a watch on the file itself would lose), a folder with
// its subfolders.
func (s *Server) add(w *fsnotify.Watcher, p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("preview: watch %s: %w", p, err)
	}
	if !st.IsDir() {
		return w.Add(filepath.Dir(p))
	}
	return filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if s.ignored(q) {
				return filepath.SkipDir
			}
			if err := w.Add(q); err != nil {
				return fmt.Errorf("preview: watch %s: %w", q, err)
			}
		}
		return nil
	})
}

func (s *Server) ignored(p string) bool {
	if s.Ignore == "" {
		return false
	}
	abs, err1 := filepath.Abs(p)
	ign, err2 := filepath.Abs(s.Ignore)
	return err1 == nil && err2 == nil && (abs == ign || strings.HasPrefix(abs, ign+string(filepath.Separator)))
}

// relevant reports whether an event concerns a watched input: anything in
// a watched folder, or a watched file among its folder's other files.
func (s *Server) relevant(name string) bool {
	if s.ignored(name) {
		return false
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return true
	}
	for _, p := range s.Watch {
		ap, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if abs == ap || strings.HasPrefix(abs, ap+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// watch turns file events into one rebuild once they settle (debounce).
func (s *Server) watch(ctx context.Context, w *fsnotify.Watcher) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if !s.relevant(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					s.add(w, ev.Name) // a new subfolder of sources
				}
			}
			timer.Reset(s.Debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintf(s.Log, "bulletin serve: watch: %v\n", err)
		case <-timer.C:
			select {
			case s.changed <- struct{}{}:
			default: // a rebuild is already due
			}
		}
	}
}

// rebuildLoop runs one build at a time; changes during a build make one
// more.
func (s *Server) rebuildLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.changed:
			s.rebuild(ctx)
		}
	}
}

func (s *Server) rebuild(ctx context.Context) {
	start := time.Now()
	problems := s.Build(ctx)
	if ctx.Err() != nil {
		return
	}
	s.mu.Lock()
	s.version++
	s.problems = problems
	v := s.version
	close(s.bumped) // the event streams send the new version at once
	s.bumped = make(chan struct{})
	builds := s.builds
	s.mu.Unlock()
	if len(problems) > 0 {
		fmt.Fprintf(s.Log, "bulletin serve: build %d: %d problems; serving the last good outputs\n", v, len(problems))
	} else {
		fmt.Fprintf(s.Log, "bulletin serve: build %d done in %s\n", v, time.Since(start).Round(time.Millisecond))
	}
	if builds != nil {
		builds <- struct{}{}
	}
}

func (s *Server) state() (int, []string) {
	v, problems, _ := s.watchState()
	return v, problems
}

// watchState is state with a channel closed when it next changes.
func (s *Server) watchState() (int, []string, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, s.problems, s.bumped
}

// Handler serves the folder, with the reload script and the overlay added
// to HTML pages, and the event stream; the stream ends with ctx.
func (s *Server) Handler(ctx context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(eventsPath, func(w http.ResponseWriter, r *http.Request) { s.events(ctx, w, r) })
	files := http.FileServer(http.Dir(s.Dir))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		name := path.Clean("/" + r.URL.Path)
		if name == "/" && s.Start != "" {
			if _, err := os.Stat(filepath.Join(s.Dir, filepath.FromSlash(s.Start))); err == nil {
				http.Redirect(w, r, "/"+s.Start, http.StatusFound)
				return
			}
		}
		if strings.HasSuffix(name, ".pdf") && r.Header.Get("Sec-Fetch-Dest") == "document" && !r.URL.Query().Has("raw") {
			// A PDF opened in the browser itself: a page that shows it and
			// reloads it after a build at the page in the address (#page=N).
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(s.pdfViewer(path.Base(name)))
			return
		}
		if !strings.HasSuffix(name, ".html") {
			files.ServeHTTP(w, r)
			return
		}
		data, err := os.ReadFile(filepath.Join(s.Dir, filepath.FromSlash(strings.TrimPrefix(name, "/"))))
		if err != nil {
			// No outputs yet (the first build failed): the overlay alone.
			data = []byte("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>bulletin serve</title></head><body><main><h1>No outputs yet</h1></main></body></html>")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(s.inject(data))
	})
	return mux
}

// inject adds the overlay, when the last build failed, and the reload
// script to a page as it is served; the files themselves stay as built.
func (s *Server) inject(page []byte) []byte {
	v, problems := s.state()
	var add strings.Builder
	if len(problems) > 0 {
		add.WriteString(`<div id="bulletin-overlay" role="alert" style="position:fixed;inset:0;overflow:auto;z-index:2147483647;background:rgba(255,255,255,0.97);color:#1c1c1c;padding:1.5em;font:15px/1.5 system-ui,sans-serif">`)
		add.WriteString(`<h2 style="color:#a00000;margin-top:0">The sources have problems: the last good outputs are kept</h2><ul style="font-family:monospace">`)
		for _, p := range problems {
			fmt.Fprintf(&add, "<li>%s</li>", html.EscapeString(p))
		}
		add.WriteString("</ul><p>Fix them and save: this page reloads by itself.</p></div>\n")
	}
	fmt.Fprintf(&add, `<script>(function(){var v=%d;var es=new EventSource(%q);es.addEventListener("build",function(e){if(+e.data!==v){location.reload();}});})();</script>`+"\n", v, eventsPath)
	i := strings.LastIndex(string(page), "</body>")
	if i < 0 {
		return append(page, add.String()...)
	}
	out := make([]byte, 0, len(page)+add.Len())
	out = append(out, page[:i]...)
	out = append(out, add.String()...)
	return append(out, page[i:]...)
}

// pdfViewer is the page a PDF opens in: the browser's own viewer in a
// frame, reloaded after each build with the page asked for kept. The
// viewer opens a PDF at #page=N (Chromium's and Firefox's do); the page
// scrolled to inside the viewer is not readable from the page, so the one
// kept is the one in the address: a link to bulletin-2020-06.pdf#page=5,
// or the address edited by hand, reopens at page 5 after every rebuild.
func (s *Server) pdfViewer(name string) []byte {
	v, _ := s.state()
	return fmt.Appendf(nil, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s</title>
<style>html,body,iframe{margin:0;padding:0;border:0;width:100%%;height:100%%;display:block;overflow:hidden}</style></head>
<body><iframe id="bulletin-pdf" title="%s"></iframe>
<script>(function(){var f=document.getElementById("bulletin-pdf"),v=%d,name=%q;
function show(){var p=/^#page=[0-9]+$/.test(location.hash)?location.hash:"";f.src=name+"?raw="+v+p;}
show();window.addEventListener("hashchange",show);
var es=new EventSource(%q);es.addEventListener("build",function(e){if(+e.data!==v){v=+e.data;show();}});})();</script>
</body></html>
`, html.EscapeString(name), html.EscapeString(name), v, name, eventsPath)
}

// events streams the build number: at once, then after every build.
func (s *Server) events(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	sent := -1
	for {
		v, _, bumped := s.watchState()
		if v != sent {
			if _, err := fmt.Fprintf(w, "event: build\ndata: %d\n\n", v); err != nil {
				return
			}
			flusher.Flush()
			sent = v
		}
		select {
		case <-ctx.Done():
			return
		case <-r.Context().Done():
			return
		case <-bumped:
		}
	}
}
