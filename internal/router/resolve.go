package router

import (
	"net/http"
	"net/url"
	"strings"
)

// target is the service one request goes to.
type target struct {
	env, service string
	svc          Service
}

// parseHost splits "<svc>.<env>.<domain>" or "<env>.<domain>" (any port
// removed) into its environment and service; service is "" for the entry.
func parseHost(host, domain string) (env, service string, ok bool) {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	rest, ok := strings.CutSuffix(host, "."+domain)
	if !ok || rest == "" {
		return "", "", false
	}
	first, second, two := strings.Cut(rest, ".")
	switch {
	case !two:
		return first, "", true
	case first != "" && second != "" && !strings.Contains(second, "."):
		return second, first, true
	default:
		return "", "", false
	}
}

// parsePath reads /_prenv/<env>/<service>/rest, and strips the prefix
// from the request so the service sees /rest.
func parsePath(req *http.Request) (env, service string, ok bool) {
	rest, found := strings.CutPrefix(req.URL.Path, PathPrefix)
	if !found {
		return "", "", false
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	req.URL.Path = "/"
	if len(parts) == 3 {
		req.URL.Path += parts[2]
	}
	req.URL.RawPath = ""
	return parts[0], parts[1], true
}

// routingKey returns the environment a request asks for through header,
// or through the W3C baggage entry prenv-route.
func routingKey(h interface{ Get(string) string }, header string) string {
	if k := strings.TrimSpace(h.Get(header)); k != "" {
		return k
	}
	for member := range strings.SplitSeq(h.Get("Baggage"), ",") {
		kv, _, _ := strings.Cut(member, ";")
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.TrimSpace(k) == "prenv-route" {
			if dec, err := url.PathUnescape(strings.TrimSpace(v)); err == nil {
				return dec
			}
		}
	}
	return ""
}

// resolve picks the upstream for a request to service of env carrying
// routing key key: the keyed environment's version if it runs the
// service (a group's: its member's), else env's own, else the baseline's.
func (t Table) resolve(env, service, key string) (target, bool) {
	if _, ok := t[env]; !ok {
		return target{env: env, service: service}, false
	}
	if service == "" {
		service = t[env].Entry
		if service == "" {
			service = t[Baseline].Entry
		}
	}
	for _, e := range []string{key, env, Baseline} {
		if e == "" {
			continue
		}
		if found, ok := t.serving(e, service); ok {
			return found, true
		}
	}
	return target{env: env, service: service}, false
}

// serving finds env's own instance of service, or for a PR group, its
// first member's that runs it.
func (t Table) serving(env, service string) (target, bool) {
	if svc, ok := t[env].Services[service]; ok {
		return target{env: env, service: service, svc: svc}, true
	}
	for _, m := range t[env].Members {
		if svc, ok := t[m].Services[service]; ok {
			return target{env: m, service: service, svc: svc}, true
		}
	}
	return target{}, false
}
