package router

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/prenv/prenv/internal/atomicfile"
)

// Baseline is the environment that serves every service a sandbox
// environment does not run.
const Baseline = "baseline"

// Route is one environment's entry in the routing table.
type Route struct {
	Env      string             `json:"env"`
	Entry    string             `json:"entry"`    // service that <env>.<domain> reaches
	Services map[string]Service `json:"services"` // the services this environment runs
	// Members, for a PR group, are the environments it routes to: each
	// service goes to the first member that runs it, else the baseline.
	Members []string `json:"members,omitempty"`
}

// Service is one running service of an environment.
type Service struct {
	URL string `json:"url"` // http://127.0.0.1:<port>
	Log string `json:"log"` // its log file, named on the 502 page
}

// Table maps environment names to their routes.
type Table map[string]Route

// routeFile is the file that holds env's route in dir.
func routeFile(dir, env string) string { return filepath.Join(dir, env+".json") }

// Save writes r into dir atomically, so the router never reads half a file.
func Save(dir string, r Route) error {
	if err := r.check(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(routeFile(dir, r.Env), data, 0o644)
}

// Remove deletes env's route from dir; a missing route is not an error.
func Remove(dir, env string) error {
	err := os.Remove(routeFile(dir, env))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Load reads one route from dir. ok is false when env has none.
func Load(dir, env string) (r Route, ok bool, err error) {
	data, err := os.ReadFile(routeFile(dir, env))
	if errors.Is(err, os.ErrNotExist) {
		return Route{}, false, nil
	}
	if err != nil {
		return Route{}, false, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return Route{}, false, fmt.Errorf("route %s: %w", routeFile(dir, env), err)
	}
	return r, true, r.check()
}

// LoadTable reads every route in dir. A file that does not parse is
// reported and skipped, so one bad route cannot take the others down.
func LoadTable(dir string) (Table, []error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return Table{}, nil
	}
	if err != nil {
		return Table{}, []error{err}
	}
	t, errs := Table{}, []error(nil)
	for _, e := range entries {
		env, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		r, ok, err := Load(dir, env)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
			t[r.Env] = r
		}
	}
	return t, errs
}

func (r Route) check() error {
	if r.Env == "" {
		return errors.New("route has no env")
	}
	for name, s := range r.Services {
		u, err := url.Parse(s.URL)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return fmt.Errorf("route %s: service %s has URL %q; want http://host:port", r.Env, name, s.URL)
		}
	}
	return nil
}

// WaitLive waits until the router at addr serves route r (or, with gone,
// serves no route for env), up to bound. A router that does not answer is
// not waited for: nothing serves the route yet, stale or fresh.
func WaitLive(ctx context.Context, addr, env string, want *Route, bound time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(bound)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+RoutesPath+env, nil)
		resp, err := client.Do(req)
		if err != nil {
			return nil
		}
		var got Route
		live := false
		switch {
		case resp.StatusCode == http.StatusNotFound:
			live = want == nil
		case resp.StatusCode == http.StatusOK && want != nil:
			live = json.NewDecoder(resp.Body).Decode(&got) == nil && reflect.DeepEqual(got.Services, want.Services) && got.Entry == want.Entry &&
				slices.Equal(got.Members, want.Members)
		}
		resp.Body.Close()
		if live {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the router on %s did not pick up the route of %s within %s: see its log", addr, env, bound)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
