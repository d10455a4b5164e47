package router

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
)

// serviceKey names one environment's service.
type serviceKey struct{ env, service string }

// proxies holds a reverse proxy per service of the table, built when the
// table loads, so that a request parses no URL and copies no request to
// carry its target.
type proxies map[serviceKey]*httputil.ReverseProxy

func (r *Router) newProxies(t Table) proxies {
	ps := proxies{}
	for env, route := range t {
		for name, svc := range route.Services {
			u, err := url.Parse(svc.URL)
			if err != nil {
				continue // Route.check refused the route already
			}
			tg := target{env: env, service: name, svc: svc}
			ps[serviceKey{env, name}] = &httputil.ReverseProxy{
				Transport: r.transport,
				Rewrite: func(pr *httputil.ProxyRequest) {
					pr.SetURL(u)
					pr.Out.Host = pr.In.Host
					pr.SetXForwarded()
				},
				ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) { r.badGateway(w, tg, err) },
				BufferPool:   r.buffers,
			}
		}
	}
	return ps
}

// bufferPool reuses the proxy's copy buffers, which it would otherwise
// allocate, 32 KiB at a time, for every request.
type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() []byte {
	if buf, ok := b.p.Get().(*[]byte); ok {
		return *buf
	}
	return make([]byte, 32<<10)
}

func (b *bufferPool) Put(buf []byte) { b.p.Put(&buf) }
