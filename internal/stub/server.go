package stub

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The stub's own endpoints, under WireMock's /__admin/ prefix, which no
// mapping can match.
const (
	AdminPrefix   = "/__admin/"
	HealthPath    = AdminPrefix + "health"
	UnmatchedPath = AdminPrefix + "requests/unmatched"
)

// recentUnmatched is how many unmatched requests a Server keeps to show.
const recentUnmatched = 20

// ServerOptions configure a Server.
type ServerOptions struct {
	// Logger, when set, receives one line per request no mapping matched.
	Logger *slog.Logger
}

// Server serves a Set: the first mapping (by priority) that matches a
// request answers it; a request none matches gets WireMock's 404 report.
type Server struct {
	set    *Set
	logger *slog.Logger

	count  atomic.Int64
	mu     sync.Mutex
	recent []UnmatchedRequest
}

// NewServer returns a Server of set.
func NewServer(set *Set, o ServerOptions) *Server {
	return &Server{set: set, logger: o.Logger}
}

// Unmatched is a stub's count of requests no mapping matched, and the
// latest of them, newest last.
type Unmatched struct {
	Count    int64              `json:"count"`
	Requests []UnmatchedRequest `json:"requests"`
}

// UnmatchedRequest is one request no mapping matched.
type UnmatchedRequest struct {
	Method  string    `json:"method"`
	URL     string    `json:"url"`
	Closest string    `json:"closest,omitempty"` // the closest mapping's label
	At      time.Time `json:"at"`
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AdminPrefix) {
		s.admin(w, r)
		return
	}
	in, err := readIncoming(r)
	if err != nil {
		http.Error(w, "read the request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	for _, m := range s.set.Mappings {
		if m.request.matches(in) {
			m.response.write(r.Context(), w)
			return
		}
	}
	s.notMatched(w, in)
}

func (s *Server) notMatched(w http.ResponseWriter, in *incoming) {
	closest := s.closest(in)
	u := UnmatchedRequest{Method: in.method, URL: in.url, At: time.Now().UTC()}
	if closest != nil {
		u.Closest = closest.Label()
	}
	s.count.Add(1)
	s.mu.Lock()
	s.recent = append(s.recent, u)
	if len(s.recent) > recentUnmatched {
		s.recent = s.recent[len(s.recent)-recentUnmatched:]
	}
	s.mu.Unlock()
	if s.logger != nil {
		s.logger.Warn("request not matched", "method", u.Method, "url", u.URL, "closest", u.Closest)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(notMatchedReport(closest, in)))
}

// closest is the mapping nearest to in, or nil without mappings.
func (s *Server) closest(in *incoming) *Mapping {
	var best *Mapping
	bestDistance := 2.0
	for _, m := range s.set.Mappings {
		if d := m.request.distance(in); d < bestDistance {
			best, bestDistance = m, d
		}
	}
	return best
}

// Unmatched returns the count of requests no mapping matched, and the
// latest of them.
func (s *Server) Unmatched() Unmatched {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Unmatched{Count: s.count.Load(), Requests: append([]UnmatchedRequest{}, s.recent...)}
}

func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	var body any
	switch {
	case r.Method != http.MethodGet:
		http.Error(w, "a prenv stub's admin endpoints answer GET only", http.StatusMethodNotAllowed)
		return
	case r.URL.Path == HealthPath:
		body = map[string]any{"status": "healthy", "mappings": len(s.set.Mappings)}
	case r.URL.Path == UnmatchedPath:
		body = s.Unmatched()
	default:
		http.Error(w, "a prenv stub serves only "+HealthPath+" and "+UnmatchedPath+" under "+AdminPrefix, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}
