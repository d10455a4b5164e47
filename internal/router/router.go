package router

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultPort and DefaultAddr are where the router listens unless told
// otherwise.
const (
	DefaultPort = 7070
	DefaultAddr = "127.0.0.1:7070"
)

// Options configures a Router.
type Options struct {
	RoutesDir string       // directory of <env>.json route files
	Domain    string       // host suffix; default "localhost"
	Header    string       // routing key header; default "x-prenv-route"
	Logger    *slog.Logger // default: discard
}

// Router is the local mesh's HTTP handler.
type Router struct {
	opts  Options
	mu    sync.RWMutex
	table Table

	proxies proxies // the table's services' reverse proxies, under mu

	reloading sync.Mutex // serialises reloads, so sig always matches table
	sig       string     // what the routes directory looked like at the last load
	transport http.RoundTripper
	buffers   httputil.BufferPool
}

// New returns a router with an empty table; call Reload or Watch to load
// the routes.
func New(o Options) *Router {
	if o.Domain == "" {
		o.Domain = "localhost"
	}
	if o.Header == "" {
		o.Header = "x-prenv-route"
	}
	// Canonical once, so no request pays for it.
	o.Header = http.CanonicalHeaderKey(o.Header)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	// A proxy passes the client's Accept-Encoding on, and the answer as it comes.
	transport.DisableCompression = true
	return &Router{opts: o, table: Table{}, proxies: proxies{}, transport: transport, buffers: &bufferPool{}}
}

// Reload reads the routes directory now.
func (r *Router) Reload() {
	r.reloading.Lock()
	defer r.reloading.Unlock()
	r.load(dirSignature(r.opts.RoutesDir))
}

func (r *Router) load(sig string) {
	t, errs := LoadTable(r.opts.RoutesDir)
	for _, err := range errs {
		r.opts.Logger.Warn("skipping route", "err", err)
	}
	ps := r.newProxies(t)
	r.mu.Lock()
	r.table, r.proxies = t, ps
	r.mu.Unlock()
	r.sig = sig
}

// Watch reloads the routes whenever the directory changes, checking every
// interval, until ctx ends.
func (r *Router) Watch(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		r.reloadIfChanged()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (r *Router) resolve(env, service, key string) (target, *httputil.ReverseProxy, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.table.resolve(env, service, key)
	if !ok {
		return t, nil, false
	}
	proxy, ok := r.proxies[serviceKey{t.env, t.service}]
	return t, proxy, ok
}

// reloadIfChanged reloads the routes if their directory changed since the
// last load. A caller that returns has a table at least as new as the
// directory was when it called.
func (r *Router) reloadIfChanged() {
	r.reloading.Lock()
	defer r.reloading.Unlock()
	if sig := dirSignature(r.opts.RoutesDir); sig != r.sig {
		r.load(sig)
	}
}

// dirSignature summarises the names, sizes and times of dir's files.
func dirSignature(dir string) string {
	entries, _ := os.ReadDir(dir)
	var b strings.Builder
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			fmt.Fprintf(&b, "%s:%d:%d;", e.Name(), info.Size(), info.ModTime().UnixNano())
		}
	}
	return b.String()
}

// PathPrefix starts the path form of an address, /_prenv/<env>/<service>/...,
// for clients that cannot resolve <service>.<env>.localhost (most HTTP
// libraries outside browsers and curl).
const PathPrefix = "/_prenv/"

// PingPath answers with the routes directory, so prenv can tell its own
// router from another program on the port.
const PingPath = PathPrefix + "ping"

// RoutesPath + <env> answers with the route the router serves for env,
// after rereading the routes directory, so a writer can wait until its
// route is live.
const RoutesPath = PathPrefix + "routes/"

func (r *Router) serveRoute(w http.ResponseWriter, env string) {
	r.reloadIfChanged()
	r.mu.RLock()
	route, ok := r.table[env]
	r.mu.RUnlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(route)
}

// ServeHTTP routes one request.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path == PingPath {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, r.opts.RoutesDir)
		return
	}
	if env, ok := strings.CutPrefix(req.URL.Path, RoutesPath); ok {
		r.serveRoute(w, env)
		return
	}
	env, service, ok := parsePath(req)
	if !ok {
		env, service, ok = parseHost(req.Host, r.opts.Domain)
	}
	if !ok {
		r.notFound(w, fmt.Sprintf("%s is not an environment's host; use <env>.%s or <service>.<env>.%s", req.Host, r.opts.Domain, r.opts.Domain))
		return
	}
	key := routingKey(req.Header, r.opts.Header)
	t, proxy, found := r.resolve(env, service, key)
	if !found {
		// Perhaps a route written since the last poll: an up that just finished.
		r.reloadIfChanged()
		t, proxy, found = r.resolve(env, service, key)
	}
	if !found {
		r.notFound(w, fmt.Sprintf("environment %s does not exist, or it has no service %q and neither has the baseline", env, t.service))
		return
	}
	if key == "" && env != Baseline {
		// Services pass the key on, so the whole call chain stays in env.
		req.Header.Set(r.opts.Header, env)
	}
	proxy.ServeHTTP(w, req)
}

func (r *Router) notFound(w http.ResponseWriter, msg string) {
	r.mu.RLock()
	envs := make([]string, 0, len(r.table))
	for e := range r.table {
		envs = append(envs, e)
	}
	r.mu.RUnlock()
	slices.Sort(envs)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, "prenv router: %s\nenvironments: %s\n", msg, strings.Join(envs, ", "))
}

// badGateway answers for an upstream that does not: it names the
// environment, the service and where its log is.
func (r *Router) badGateway(w http.ResponseWriter, t target, err error) {
	r.opts.Logger.Warn("upstream failed", "env", t.env, "service", t.service, "err", err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, "<!doctype html><title>502: %[1]s/%[2]s is down</title><h1>%[2]s in %[1]s is not answering</h1>"+
		"<p>The router reached no process at %[3]s: %[4]s</p><p>Its log: <code>%[5]s</code></p>"+
		"<p>Run <code>prenv refresh --env %[1]s</code> to notice it, or <code>prenv up --env %[1]s</code> to start it again.</p>\n",
		html.EscapeString(t.env), html.EscapeString(t.service), html.EscapeString(t.svc.URL),
		html.EscapeString(err.Error()), html.EscapeString(t.svc.Log))
}
